"""The one clock of the application. Services and selectors ask it, never ``datetime.now``,
so that tests (and the demo) can fix the moment they run at."""

import contextlib
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    return _frozen if _frozen is not None else timezone.now()


def today() -> dt.date:
    return timezone.localtime(now()).date()


@contextlib.contextmanager
def frozen(at: dt.datetime) -> Iterator[dt.datetime]:
    """Fix ``now()`` to ``at`` (an aware datetime) inside the block."""
    global _frozen
    if timezone.is_naive(at):
        raise ValueError("frozen() needs an aware datetime")
    previous, _frozen = _frozen, at
    try:
        yield at
    finally:
        _frozen = previous
