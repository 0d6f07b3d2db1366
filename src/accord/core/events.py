"""What happened, told once: domain events and the reactions to them.

A service that changed something emits an event: a small frozen dataclass named for what
happened (``ActionCreated``, ``MinutesApproved``), defined in the ``events`` module of the
app that owns the change. The apps higher in the dependency order (docs/architecture.md)
react to it without the service knowing them: each registers its reactions when Django
starts (``notify/reactions.py``: ``@reacts_to(ActionCreated)``), and ``emit`` runs them at
once, inside the service's transaction.

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
from collections.abc import Callable
from typing import TypeVar

E = TypeVar("E")

_reactions: dict[type, list[Callable]] = {}


class UnheardEvent(LookupError):
    """An event was emitted that no app reacts to."""


def reacts_to(*kinds: type) -> Callable[[Callable[[E], object]], Callable[[E], object]]:
    """Register the decorated function as a reaction to each event class of ``kinds``."""

    def register(reaction: Callable[[E], object]) -> Callable[[E], object]:
        for kind in kinds:
            if not dataclasses.is_dataclass(kind):
                raise TypeError(f"{kind!r} is not an event class")
            listeners = _reactions.setdefault(kind, [])
            if reaction not in listeners:
                listeners.append(reaction)
        return reaction

    return register


def reactions(kind: type) -> tuple[Callable, ...]:
    """The reactions registered for the event class ``kind``, in the order registered."""
    return tuple(_reactions.get(kind, ()))


def emit(event: object) -> None:
    """Run every reaction to ``event`` now, in the caller's transaction."""
    listeners = _reactions.get(type(event))
    if not listeners:
        raise UnheardEvent(f"nothing reacts to {type(event).__name__}")
    for reaction in listeners:
        reaction(event)
