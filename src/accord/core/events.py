"""What happened, told once: domain events and the reactions to them.

A service that changed something emits an event: a small frozen dataclass named for what
happened (``ActionCreated``, ``MinutesApproved``), defined in the ``events`` module of the
app that owns the change. The apps higher in the dependency order (docs/architecture.md)
react to it without the service knowing them: each registers its reactions when Django
starts (``notify/reactions.py``: ``@reacts_to(ActionCreated)`` on ``action_created(action)``),
and ``emit`` runs them at once, inside the service's transaction, with the event's fields
as keyword arguments. A reaction that cannot take them is refused when it registers, at
start-up, not when the event first happens.

Why in the transaction, and not after the commit or later in the worker: a reaction writes
rows (notifications in the outbox) that must exist exactly when the change exists. Written
in the same transaction, they commit or roll back with it, even if the process dies a
moment after the commit, and the bell shows them at once; an ``on_commit`` callback would
be lost with the process, and a worker reading the audit trail would add seconds and would
have to cope with ids committed out of order. A reaction that fails fails the change.

``emit`` refuses an event nobody reacts to: an event is emitted because something must
follow from it.
"""

import dataclasses
import inspect
from collections.abc import Callable

R = Callable[..., object]

# event class -> its field names and its reactions, in the order registered
_reactions: dict[type, tuple[tuple[str, ...], list[R]]] = {}


class UnheardEvent(LookupError):
    """An event was emitted that no app reacts to."""


def reacts_to(*kinds: type) -> Callable[[R], R]:
    """Register the decorated function as a reaction to each event class of ``kinds``; it is
    called with the event's fields as keyword arguments."""

    def register(reaction: R) -> R:
        for kind in kinds:
            if not dataclasses.is_dataclass(kind):
                raise TypeError(f"{kind!r} is not an event class")
            names = tuple(field.name for field in dataclasses.fields(kind))
            inspect.signature(reaction).bind(**dict.fromkeys(names))  # TypeError if it can't
            listeners = _reactions.setdefault(kind, (names, []))[1]
            if reaction not in listeners:
                listeners.append(reaction)
        return reaction

    return register


def reactions(kind: type) -> tuple[R, ...]:
    """The reactions registered for the event class ``kind``, in the order registered."""
    return tuple(_reactions.get(kind, ((), []))[1])


def emit(event: object) -> None:
    """Run every reaction to ``event`` now, in the caller's transaction."""
    names, listeners = _reactions.get(type(event), ((), []))
    if not listeners:
        raise UnheardEvent(f"nothing reacts to {type(event).__name__}")
    values = {name: getattr(event, name) for name in names}
    for reaction in listeners:
        reaction(**values)
