"""Pages of a list that may be very long.

A board of overdue items can hold hundreds of thousands of them; counting them all for
"page 1 of N" would cost what is stored, not what is shown. ``CappedPaginator`` counts up
to ``COUNT_CAP`` and no further: beyond that the page says "more than 10,000", and the
pages reach as far as the cap (the other end of the list is one sort away)."""

from functools import cached_property

from django.core.paginator import Paginator

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    cap = COUNT_CAP

    @cached_property
    def counted(self) -> int:
        """One query over at most ``cap + 1`` rows, in no particular order: the database
        stops at the first ``cap + 1`` it finds, where the list's order would make it
        sort all of them first."""
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        """How many items there are, up to ``cap``."""
        return min(self.counted, self.cap)

    @property
    def capped(self) -> bool:
        """Whether there are more items than ``count``."""
        return self.counted > self.cap
