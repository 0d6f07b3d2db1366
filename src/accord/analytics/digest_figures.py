"""The weekly digest's figures, per department given the work or per organiser of the
meeting: completion of the past week's items, and the open items overdue now or due in the
coming days. The notify planner sends them; what each count means is in
``accord.analytics.scope``.

The digest counts a department's or an organiser's work whoever's meetings it came from (it
goes to the heads and organisers themselves, not through a reader's scope), grouped by
department given the work or by the meeting's organiser. A confidential meeting is the
exception (**Confidential meetings** in ``scope``): its items count only in the digest of a
reader who may see it."""

import dataclasses
import datetime as dt
from collections.abc import Iterable

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, When, Window
from django.db.models.functions import RowNumber

from accord.actions.models import ActionItem
from accord.analytics.completion import COUNT_FIELDS, Completion
from accord.analytics.period import Period
from accord.analytics.scope import completion_counts, counted
from accord.core.lookups import AnyOf
from accord.meetings.models import HIDDEN_FROM_DIGEST, Meeting
from accord.meetings.selectors import seen_if_confidential

OPEN = ActionItem.OPEN_STATUSES
DIGEST_GROUPS = {"department": "department_id", "organiser": "meeting__organiser_id"}
# Who reads each group's digest, as a column of the item.
DIGEST_READERS = {"department": "department__head_id", "organiser": "meeting__organiser_id"}
DIGEST_LIST_LENGTH = 10


def _hidden_from_digest() -> QuerySet[Meeting]:
    """The meetings the digest leaves out but for readers who may see them: confidential
    or cancelled; few, and read by id from their partial index."""
    return Meeting.objects.filter(HIDDEN_FROM_DIGEST).values("pk")


def _in_digest(group: str) -> Q:
    """An item counts in its reader's digest unless its meeting is hidden from the digest;
    an item of a confidential meeting (not cancelled) still counts when the reader may see
    that meeting. The test of the reader runs only for the items of hidden meetings."""
    seen = (
        Meeting.objects.filter(pk=OuterRef("meeting_id"), confidential=True)
        .exclude(status=Meeting.Status.CANCELLED)
        .filter(seen_if_confidential(DIGEST_READERS[group]))
    )
    return ~Q(meeting_id__in=_hidden_from_digest()) | Q(Exists(seen))


def _of_confidential_meeting() -> Q:
    """The item's meeting is confidential (by id, as ``_hidden_from_digest``)."""
    return Q(meeting_id__in=Meeting.objects.filter(confidential=True).values("pk"))


@dataclasses.dataclass(frozen=True)
class DigestCompletion(Completion):
    """A key's completion in the digest, and how many of its items come from confidential
    meetings (which its reader may see: the digest is then as confidential as they are)."""

    confidential: int = 0


def digest_completion(
    *, group: str, keys: Iterable[int], period: Period, today: dt.date
) -> dict[int, DigestCompletion]:
    """Completion of the period's items per department (``group="department"``) or per
    organiser of their meeting (``"organiser"``), for those ``keys`` only (one query); a key
    without items in the period is left out. An item of a confidential meeting counts only
    when the digest's reader (the department's head, the organiser) may see that meeting."""
    field = DIGEST_GROUPS[group]
    rows = (
        counted(ActionItem.objects.filter(**{f"{field}__in": list(keys)}), period)
        .filter(_in_digest(group))
        .values(field)
        .annotate(
            **completion_counts(today),
            confidential=Count("pk", filter=_of_confidential_meeting()),
        )
        .order_by(field)
    )
    return {
        row[field]: DigestCompletion(
            key=row[field],
            label="",
            confidential=row["confidential"],
            **{f: row[f] for f in COUNT_FIELDS},
        )
        for row in rows
    }


@dataclasses.dataclass(frozen=True)
class DigestItem:
    task: str
    owner: str
    due: dt.date


@dataclasses.dataclass(frozen=True)
class DigestList:
    """How many items there are, and the first ``DIGEST_LIST_LENGTH`` by due date; whether
    any of them comes from a confidential meeting (one the reader may see)."""

    count: int
    items: list[DigestItem]
    confidential: bool = False


def digest_open_items(
    *, group: str, keys: Iterable[int], today: dt.date, days_ahead: int = 7
) -> dict[tuple[int, str], DigestList]:
    """Per department or organiser (see ``digest_completion``) and ``"overdue"`` (open, the
    current due date passed) or ``"next"`` (open, due from ``today`` to ``days_ahead`` − 1
    days after it): the count and the first items by due date, in two queries however many
    keys. The first numbers the items with a window over narrow rows (key, due date, id: a
    million items leave a hundred thousand such rows) and keeps the first ten of each list;
    the second reads those items' task and owner. An item of a confidential meeting is
    listed and counted only for a reader who may see that meeting (``digest_completion``)."""
    field = DIGEST_GROUPS[group]
    last = today + dt.timedelta(days=days_ahead - 1)
    # One window per key in due-date order, where the overdue items come first: an
    # overdue item's place in its list is its place, a coming item's is its place after
    # the overdue ones. (A window per key and list would sort by the list name first.)
    per_key = {"partition_by": [F(field)]}
    # The hidden meetings are few and left out by id: a department's items are then read
    # from the open items' index alone (with their department, for its head), where asking
    # each item's meeting joined a hundred thousand rows.
    candidates = ActionItem.objects.filter(
        _in_digest(group), **{f"{field}__in": list(keys)}, status__in=OPEN
    )
    secret = _of_confidential_meeting()
    firsts = sorted(  # (a handful a key: sorted here, not all of them before the filter)
        candidates.filter(due_date__lte=last)
        .annotate(
            place=Window(RowNumber(), order_by=[F("due_date"), F("pk")], **per_key),
            overdue=Window(Count("pk", filter=Q(due_date__lt=today)), **per_key),
            total=Window(Count("pk"), **per_key),
            secret_overdue=Window(Count("pk", filter=secret & Q(due_date__lt=today)), **per_key),
            secret_total=Window(Count("pk", filter=secret), **per_key),
        )
        .annotate(
            place_in_list=Case(
                When(due_date__lt=today, then=F("place")),
                default=F("place") - F("overdue"),
            )
        )
        .filter(place_in_list__lte=DIGEST_LIST_LENGTH)
        .values_list(field, "due_date", "overdue", "total", "secret_overdue", "secret_total", "pk")
        .order_by(),
        key=lambda row: (row[0], row[1], row[-1]),  # key, due date, id
    )
    items = {
        pk: DigestItem(task=task, owner=name or username, due=due)
        for pk, task, name, username, due in ActionItem.objects.filter(
            AnyOf(F("pk"), [pk for *_rest, pk in firsts])
        ).values_list("pk", "task", "owner__name", "owner__username", "due_date")
    }
    lists: dict[tuple[int, str], DigestList] = {}
    for key, due, overdue, total, secret_overdue, secret_total, pk in firsts:
        if due < today:
            bucket, count, secret_count = "overdue", overdue, secret_overdue
        else:
            bucket, count, secret_count = "next", total - overdue, secret_total - secret_overdue
        found = lists.setdefault(
            (key, bucket), DigestList(count=count, items=[], confidential=secret_count > 0)
        )
        if pk in items:  # (deleted between the two queries: left out)
            found.items.append(items[pk])
    return lists
