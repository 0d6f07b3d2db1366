"""Every figure of the analytics page, each computed in the database (grouped aggregates, no
loop over rows in Python), for a period, an optional department and what the person may see.

**Scope.** A person counts the meetings ``meetings_visible_to`` lets them see and those
meetings' items (``actions_visible_to``): PMO every meeting but the confidential ones it
takes no part in, administrators every meeting, anyone else what they take part in or
relate to. Cancelled items and cancelled meetings are never counted.

**Confidential meetings.** A confidential meeting — its topics, action items, minutes and
signatures — counts only for the people who may see it: those who take part in it
(organiser, host, recorder, participants, owners of its items) and administrators. For
everyone else, PMO and department heads who take part in nothing included, every figure
here, each table's CSV and Excel, the weekly digest and the boards are as if the meeting
did not exist. The digest asks the same rule for its reader (a department's head, a
meeting's organiser), and its delivery-log row is then kept from the PMO like a notice
about the meeting. (README, "Design": Visibility.)

**Which items a period holds.** An item belongs to the period when its *committed due date*
falls within ``start``..``end`` (both days included). The committed due date is the due
date as first agreed (``ActionItem.committed_due_date``, stored and indexed): re-plans move
``due_date`` and leave it. Re-planning moves the work, not the measure: an item finished after
its first due date is late even if it met the re-planned one.

**On time, late, overdue** (all days in the site's time zone, "today" from the clock):

- *done on time* — done, and completed on or before the committed due date;
- *done late* — done, and completed after the committed due date;
- *open late* — still open (open or in progress) and the committed due date has passed;
- *late* — done late or open late;
- *on-time rate* — done on time ÷ (done on time + late): only items whose outcome is
  decided; an open item not yet past its committed date counts in neither;
- *overdue* — the live state the boards show: open and its **current** due date has passed.

**Which meetings a period holds.** A meeting belongs to the period when it starts within it
(in the site's time zone); with a department, the meetings that department organised.
"""

import dataclasses
import datetime as dt
from collections.abc import Iterable

from django.db.models import (
    Case,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, TruncDate, TruncMonth, TruncWeek
from django.utils import timezone

from accord.actions.models import ActionItem, ActionUpdate, OverdueReason
from accord.actions.selectors import actions_visible_to, sees_all_departments
from accord.core import clock
from accord.core.lookups import AnyOf
from accord.meetings.models import HIDDEN_FROM_DIGEST, Meeting
from accord.meetings.selectors import (
    confidential_meetings_hidden_from,
    meetings_visible_to,
    seen_if_confidential,
)
from accord.org.models import Department, Person

Status = ActionItem.Status
OPEN = ActionItem.OPEN_STATUSES
LONG_MEETING_MINUTES = 90
AGE_BUCKETS = ((1, 7), (8, 30), (31, None))  # days overdue, both ends included


@dataclasses.dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date


def last_quarter(today: dt.date | None = None) -> Period:
    """The default period: the calendar quarter before the one ``today`` is in."""
    today = today or clock.today()
    first_month = 3 * ((today.month - 1) // 3) + 1
    this_quarter = dt.date(today.year, first_month, 1)
    end = this_quarter - dt.timedelta(days=1)
    return Period(dt.date(end.year, end.month - 2, 1), end)


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _rate(part: int, whole: int) -> float | None:
    """A share in percent, one decimal; ``None`` when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


# -- the scopes ------------------------------------------------------------------------------

# Stored on the item (``committed_due_date``, indexed): the due date as first agreed.
FIRST_DUE = F("committed_due_date")


def _seen_items(person: Person) -> QuerySet[ActionItem]:
    """The items the person may count (**Scope**). For PMO and administrators, who see
    nearly everything, the few confidential meetings they may not see are left out by id,
    rather than asking the visibility rule of each meeting of a hundred thousand."""
    if not sees_all_departments(person):
        return actions_visible_to(person)
    return ActionItem.objects.exclude(
        meeting_id__in=confidential_meetings_hidden_from(person).values("pk")
    )


def _seen_meetings(person: Person) -> QuerySet[Meeting]:
    """The meetings the person may count, as ``_seen_items``."""
    if not sees_all_departments(person):
        return meetings_visible_to(person)
    return Meeting.objects.exclude(pk__in=confidential_meetings_hidden_from(person).values("pk"))


def _items(
    person: Person, period: Period, department: Department | None, *, either_side: bool = False
) -> QuerySet[ActionItem]:
    """The period's items the person may count, with ``first_due`` (committed due date) and
    ``done_day`` (local day of completion). ``either_side``: the department gave the work
    (its meeting) or was given it, for the matrix."""
    items = _counted(_seen_items(person), period)
    if department is not None:
        side = Q(department=department)
        if either_side:
            side |= Q(meeting__organiser_department=department)
        items = items.filter(side)
    return items


def _of_cancelled_meeting() -> Exists:
    """The item's meeting was cancelled. As ``NOT EXISTS`` rather than a join to the
    meetings: PostgreSQL then looks up the few cancelled meetings by their index instead of
    reading every meeting to join them to the items."""
    return Exists(
        Meeting.objects.filter(pk=OuterRef("meeting_id"), status=Meeting.Status.CANCELLED)
    )


def _counted(items: QuerySet[ActionItem], period: Period) -> QuerySet[ActionItem]:
    """``items`` that count (not cancelled, nor from a cancelled meeting) whose committed due
    date falls in the period, with ``first_due`` and ``done_day``."""
    return (
        items.exclude(status=Status.CANCELLED)
        .filter(~_of_cancelled_meeting())
        .annotate(first_due=FIRST_DUE, done_day=TruncDate("completed_at"))
        .filter(first_due__gte=period.start, first_due__lte=period.end)
    )


def _meetings(person: Person, period: Period, department: Department | None) -> QuerySet[Meeting]:
    meetings = (
        _seen_meetings(person)
        .exclude(status=Meeting.Status.CANCELLED)
        .filter(
            starts_at__gte=_midnight(period.start),
            starts_at__lt=_midnight(period.end + dt.timedelta(days=1)),
        )
    )
    if department is not None:
        meetings = meetings.filter(organiser_department=department)
    return meetings


def _conditions(today: dt.date) -> dict[str, Q]:
    done_on_time = Q(status=Status.DONE, done_day__lte=F("first_due"))
    done_late = Q(status=Status.DONE, done_day__gt=F("first_due"))
    open_late = Q(status__in=OPEN, first_due__lt=today)
    return {
        "on_time": done_on_time,
        "done_late": done_late,
        "open_late": open_late,
        "late": done_late | open_late,
        "overdue": Q(status__in=OPEN, due_date__lt=today),
    }


def _completion_counts(today: dt.date) -> dict:
    c = _conditions(today)
    return {
        "due": Count("pk"),
        "on_time": Count("pk", filter=c["on_time"]),
        "done_late": Count("pk", filter=c["done_late"]),
        "open_late": Count("pk", filter=c["open_late"]),
        "late": Count("pk", filter=c["late"]),
        "overdue": Count("pk", filter=c["overdue"]),
        "replanned": Count("pk", filter=Q(replan_count__gt=0)),
    }


# -- completion: per department, per person, and the trend -----------------------------------


@dataclasses.dataclass(frozen=True)
class Completion:
    """One row of the completion tables: items due, done on time, done late, open late,
    late, overdue now, re-planned at least once, and the on-time rate (percent)."""

    key: object
    label: str
    due: int
    on_time: int
    done_late: int
    open_late: int
    late: int
    overdue: int
    replanned: int

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time, self.on_time + self.late)


COUNT_FIELDS = ("due", "on_time", "done_late", "open_late", "late", "overdue", "replanned")


def _completion(rows: Iterable[dict], key: str, label: str) -> list[Completion]:
    return [
        Completion(key=row[key], label=row[label] or "", **{f: row[f] for f in COUNT_FIELDS})
        for row in rows
    ]


def completion_total(rows: list[Completion], label: str = "") -> Completion:
    """The sum of a completion table (its rows never overlap)."""
    return Completion(
        key=None, label=label, **{f: sum(getattr(r, f) for r in rows) for f in COUNT_FIELDS}
    )


def completion_by_department(
    *, person: Person, period: Period, department: Department | None = None
) -> list[Completion]:
    """Per department given the work, by department name (one query)."""
    rows = (
        _items(person, period, department)
        .values("department_id", "department__name")
        .annotate(**_completion_counts(clock.today()))
        .order_by("department__name", "department_id")
    )
    return _completion(rows, "department_id", "department__name")


def completion_by_person(
    *, person: Person, period: Period, department: Department | None = None
) -> list[Completion]:
    """Per owner, by name (one query)."""
    rows = (
        _items(person, period, department)
        .values("owner_id", "owner__name")
        .annotate(**_completion_counts(clock.today()))
        .order_by("owner__name", "owner_id")
    )
    return _completion(rows, "owner_id", "owner__name")


def _trend(
    person: Person, period: Period, department: Department | None, trunc
) -> list[Completion]:
    rows = (
        _items(person, period, department)
        .annotate(bucket=trunc("first_due", output_field=DateField()))
        .values("bucket")
        .annotate(**_completion_counts(clock.today()))
        .order_by("bucket")
    )
    return _completion(rows, "bucket", "bucket")


def trend_by_week(
    *, person: Person, period: Period, department: Department | None = None
) -> list[Completion]:
    """Items by the week (Monday) of their committed due date; weeks without items are
    left out (one query)."""
    return _trend(person, period, department, TruncWeek)


def trend_by_month(
    *, person: Person, period: Period, department: Department | None = None
) -> list[Completion]:
    """Items by the month of their committed due date (one query)."""
    return _trend(person, period, department, TruncMonth)


# -- overdue: age and reasons -----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class OverdueAge:
    """Open overdue items (current due date passed) by days overdue: 1–7, 8–30, over 30;
    and how many of them have no reason given."""

    days_1_7: int
    days_8_30: int
    over_30: int
    without_reason: int

    @property
    def total(self) -> int:
        return self.days_1_7 + self.days_8_30 + self.over_30


def overdue_age(
    *, person: Person, period: Period, department: Department | None = None
) -> OverdueAge:
    """Age of the period's open overdue items, in whole days past the current due date
    (one query)."""
    today = clock.today()
    overdue = Q(status__in=OPEN)

    def days(low: int, high: int | None) -> Q:
        q = overdue & Q(due_date__lte=today - dt.timedelta(days=low))
        if high is not None:
            q &= Q(due_date__gte=today - dt.timedelta(days=high))
        return q

    figures = _items(person, period, department).aggregate(
        days_1_7=Count("pk", filter=days(1, 7)),
        days_8_30=Count("pk", filter=days(8, 30)),
        over_30=Count("pk", filter=days(31, None)),
        without_reason=Count("pk", filter=days(1, None) & Q(overdue_reason="")),
    )
    return OverdueAge(**figures)


@dataclasses.dataclass(frozen=True)
class ReasonCount:
    reason: str
    label: str
    items: int


def overdue_reasons(
    *, person: Person, period: Period, department: Department | None = None
) -> list[ReasonCount]:
    """For each overdue reason, how many of the period's items were ever given it by their
    owner (from the history, so a re-plan that clears the reason does not erase it; an item
    given two different reasons counts under both). Every reason is listed, in the order of
    the list owners choose from (one query)."""
    found = dict(
        ActionUpdate.objects.filter(
            kind=ActionUpdate.Kind.OVERDUE_REASON,
            action__in=_items(person, period, department).values("pk"),
        )
        .values("reason")
        .annotate(items=Count("action", distinct=True))
        .values_list("reason", "items")
    )
    return [ReasonCount(r.value, str(r.label), found.get(r.value, 0)) for r in OverdueReason]


# -- minutes and sign-off ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MinutesTimeliness:
    """Per organising department, meetings of the period that ended (so have minutes):
    distributed on time (first distribution at or before ``Minutes.due_at``, 24 h after the
    end by default), late (distributed after it, or not distributed and the time is up),
    and still within time."""

    key: object
    label: str
    meetings: int
    on_time: int
    late: int
    pending: int

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time, self.on_time + self.late)


def minutes_timeliness(
    *, person: Person, period: Period, department: Department | None = None
) -> list[MinutesTimeliness]:
    """One query; a meeting without an organising department is under an empty label."""
    now = clock.now()
    rows = (
        _meetings(person, period, department)
        .filter(minutes__isnull=False)
        .values("organiser_department_id", "organiser_department__name")
        .annotate(
            meetings=Count("pk"),
            on_time=Count("pk", filter=Q(minutes__first_distributed_at__lte=F("minutes__due_at"))),
            late=Count(
                "pk",
                filter=Q(minutes__first_distributed_at__gt=F("minutes__due_at"))
                | Q(minutes__first_distributed_at__isnull=True, minutes__due_at__lt=now),
            ),
            pending=Count(
                "pk", filter=Q(minutes__first_distributed_at__isnull=True, minutes__due_at__gte=now)
            ),
        )
        .order_by("organiser_department__name")
    )
    return [
        MinutesTimeliness(
            key=row["organiser_department_id"],
            label=row["organiser_department__name"] or "",
            meetings=row["meetings"],
            on_time=row["on_time"],
            late=row["late"],
            pending=row["pending"],
        )
        for row in rows
    ]


@dataclasses.dataclass(frozen=True)
class SignOff:
    """Per department given the work, items of the period's meetings whose minutes were
    distributed: signed, not signed, and the **average** (not the median, which SQLite
    cannot compute in SQL) hours from the minutes' first distribution to the signature; a
    signature given before the distribution counts as 0 hours."""

    key: object
    label: str
    signed: int
    unsigned: int
    total_latency: dt.timedelta

    @property
    def average_hours(self) -> float | None:
        if not self.signed:
            return None
        return round(self.total_latency.total_seconds() / 3600 / self.signed, 1)


def sign_off_latency(
    *, person: Person, period: Period, department: Department | None = None
) -> list[SignOff]:
    """One query."""
    items = _seen_items(person)
    meetings = _meetings(person, period, None)
    items = items.filter(
        meeting__in=meetings.values("pk"), meeting__minutes__first_distributed_at__isnull=False
    ).exclude(status=Status.CANCELLED)
    if department is not None:
        items = items.filter(department=department)
    # Only signatures given since the period began can belong to its meetings' items (an
    # item is signed after its meeting): joining just those keeps the join small.
    items = items.annotate(
        sig=FilteredRelation(
            "signature", condition=Q(signature__signed_at__gte=_midnight(period.start))
        )
    )
    distributed = F("meeting__minutes__first_distributed_at")
    latency = Case(
        When(sig__signed_at__lt=distributed, then=Value(dt.timedelta(0))),
        default=ExpressionWrapper(F("sig__signed_at") - distributed, DurationField()),
        output_field=DurationField(),
    )
    rows = (
        items.values("department_id", "department__name")
        .annotate(
            signed=Count("sig"),
            unsigned=Count("pk", filter=Q(sig__isnull=True)),
            total_latency=Sum(latency, filter=Q(sig__isnull=False)),
        )
        .order_by("department__name")
    )
    return [
        SignOff(
            key=row["department_id"],
            label=row["department__name"],
            signed=row["signed"],
            unsigned=row["unsigned"],
            total_latency=row["total_latency"] or dt.timedelta(0),
        )
        for row in rows
    ]


# -- meeting discipline -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Discipline:
    """Per organising department, the period's meetings that were held (started and ended):
    how many; their agenda topics (the generated review of the previous plan left out) and
    topics per meeting; over the topics whose actual minutes were recorded, the planned and
    the actual minutes per topic; and the meetings that ran over 90 minutes (end − start)."""

    key: object
    label: str
    meetings: int
    topics: int
    timed_topics: int
    planned_minutes: int
    actual_minutes: int
    over_90: int

    @property
    def topics_per_meeting(self) -> float | None:
        return round(self.topics / self.meetings, 1) if self.meetings else None

    @property
    def planned_per_topic(self) -> float | None:
        return round(self.planned_minutes / self.timed_topics, 1) if self.timed_topics else None

    @property
    def actual_per_topic(self) -> float | None:
        return round(self.actual_minutes / self.timed_topics, 1) if self.timed_topics else None


DISCIPLINE_FIELDS = ("meetings", "topics", "timed_topics", "planned_minutes", "actual_minutes")


def discipline_total(rows: list[Discipline], label: str = "") -> Discipline:
    fields = (*DISCIPLINE_FIELDS, "over_90")
    return Discipline(
        key=None, label=label, **{f: sum(getattr(r, f) for r in rows) for f in fields}
    )


def meeting_discipline(
    *, person: Person, period: Period, department: Department | None = None
) -> list[Discipline]:
    """One query (meetings joined to their topics: meetings are counted distinct)."""
    agenda = Q(topics__is_review=False)
    timed = agenda & Q(topics__actual_minutes__isnull=False)
    long = dt.timedelta(minutes=LONG_MEETING_MINUTES)
    rows = (
        _meetings(person, period, department)
        .filter(started_at__isnull=False, ended_at__isnull=False)
        .values("organiser_department_id", "organiser_department__name")
        .annotate(
            n_meetings=Count("pk", distinct=True),
            n_topics=Count("topics", filter=agenda, distinct=True),
            n_timed=Count("topics", filter=timed, distinct=True),
            n_planned=Coalesce(
                Sum("topics__planned_minutes", filter=timed), 0, output_field=IntegerField()
            ),
            n_actual=Coalesce(
                Sum("topics__actual_minutes", filter=timed), 0, output_field=IntegerField()
            ),
            n_over_90=Count("pk", distinct=True, filter=Q(ended_at__gt=F("started_at") + long)),
        )
        .order_by("organiser_department__name")
    )
    return [
        Discipline(
            key=row["organiser_department_id"],
            label=row["organiser_department__name"] or "",
            meetings=row["n_meetings"],
            topics=row["n_topics"],
            timed_topics=row["n_timed"],
            planned_minutes=row["n_planned"],
            actual_minutes=row["n_actual"],
            over_90=row["n_over_90"],
        )
        for row in rows
    ]


# -- the cross-department matrix --------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MatrixCell:
    """Items of the period that meetings organised by ``giver`` gave to ``given``, and how
    many of them are late (done late or open late)."""

    giver: str
    given: str
    items: int
    late: int


@dataclasses.dataclass(frozen=True)
class Matrix:
    givers: list[str]
    given: list[str]
    cells: list[MatrixCell]

    def grid(self, field: str = "items") -> list[list[int]]:
        """The values as rows (givers) × columns (departments given the work)."""
        by_pair = {(c.giver, c.given): getattr(c, field) for c in self.cells}
        return [[by_pair.get((g, d), 0) for d in self.given] for g in self.givers]


def cross_department_matrix(
    *, person: Person, period: Period, department: Department | None = None
) -> Matrix:
    """Organising department of the meeting → department given the work. With a
    department: the work it gave and the work it was given (one query)."""
    late = _conditions(clock.today())["late"]
    rows = (
        _items(person, period, department, either_side=True)
        .values("meeting__organiser_department__name", "department__name")
        .annotate(items=Count("pk"), late=Count("pk", filter=late))
        .order_by("meeting__organiser_department__name", "department__name")
    )
    cells = [
        MatrixCell(
            giver=row["meeting__organiser_department__name"] or "",
            given=row["department__name"],
            items=row["items"],
            late=row["late"],
        )
        for row in rows
    ]
    givers = sorted({c.giver for c in cells})
    given = sorted({c.given for c in cells})
    return Matrix(givers=givers, given=given, cells=cells)


# -- the weekly digest -----------------------------------------------------------------------
#
# The digest counts a department's or an organiser's work whoever's meetings it came from (it
# goes to the heads and organisers themselves, not through a reader's scope), grouped by
# department given the work or by the meeting's organiser. A confidential meeting is the
# exception (**Confidential meetings**): its items count only in the digest of a reader who
# may see it.

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
        _counted(ActionItem.objects.filter(**{f"{field}__in": list(keys)}), period)
        .filter(_in_digest(group))
        .values(field)
        .annotate(
            **_completion_counts(today),
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


# -- the page ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Figures:
    period: Period
    department: Department | None
    departments: list[Completion]
    people: list[Completion]
    age: OverdueAge
    reasons: list[ReasonCount]
    minutes: list[MinutesTimeliness]
    sign_off: list[SignOff]
    discipline: list[Discipline]
    matrix: Matrix
    weeks: list[Completion]
    months: list[Completion]

    @property
    def total(self) -> Completion:
        return completion_total(self.departments)

    @property
    def discipline_overall(self) -> Discipline:
        return discipline_total(self.discipline)


def analytics_figures(
    *, person: Person, period: Period, department: Department | None = None
) -> Figures:
    """Every figure of the page: ten queries, however much history there is."""
    scope = {"person": person, "period": period, "department": department}
    return Figures(
        period=period,
        department=department,
        departments=completion_by_department(**scope),
        people=completion_by_person(**scope),
        age=overdue_age(**scope),
        reasons=overdue_reasons(**scope),
        minutes=minutes_timeliness(**scope),
        sign_off=sign_off_latency(**scope),
        discipline=meeting_discipline(**scope),
        matrix=cross_department_matrix(**scope),
        weeks=trend_by_week(**scope),
        months=trend_by_month(**scope),
    )
