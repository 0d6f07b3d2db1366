"""The review of the previous action plan (S-REVIEW-2), generated from the items' live state."""

import datetime as dt
from dataclasses import dataclass, field

from dateutil.rrule import rrulestr
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accord.actions.models import ActionItem, ActionUpdate
from accord.core import clock
from accord.meetings.models import Meeting
from accord.series.models import MeetingSeries


@dataclass
class ReviewRow:
    """One item of the review, measured against the date committed in its meeting
    (S-TRACK-3, S-REVIEW-1):

    - ``on_time``: True when done by the committed date; False when done after it, or still
      open once it has passed (re-planned or not); None while open and not yet due by it.
    - ``overdue``: open and past the due date it has now.
    - ``slipped``: not cancelled, and its due date now lies after the committed one: it was
      re-planned later (``replans`` says when, from what to what, and why). A slipped item
      stays slipped when it is done.
    """

    action: ActionItem
    meeting_title: str
    status: str
    on_time: bool | None
    overdue: bool
    replans: list[ActionUpdate] = field(default_factory=list)
    carried: bool = False  # still open from an earlier meeting of the series
    slipped: bool = False

    @property
    def moves(self) -> int:
        """How many times the due date was moved."""
        return len(self.replans)


def previous_plan_review(
    *, meeting: Meeting, person=None, today: dt.date | None = None
) -> list[ReviewRow]:
    """Every action item of the meetings this one follows, with its status now, whether it was
    (or still can be) on time, and its re-plans; in a series, also the items of its earlier
    meetings that are still open (``carried``), so nothing drops out of the review until it
    is done or cancelled. "On time" is measured against the committed due date, as in the
    analytics: a re-planned item done by its new date was still late, and one re-planned
    after its committed date passed is late and slipped, not "not yet due" (``ReviewRow``).
    Three queries however many items.

    With ``person``, only the items of earlier meetings that person may see: a meeting can
    follow a confidential one, whose items stay with those who take part in it."""
    today = today or clock.today()
    previous = list(meeting.previous_meetings.values_list("pk", "series_id", "starts_at"))
    direct = {pk for pk, _series, _start in previous}
    followed = Q(meeting__in=direct)
    if meeting.series_id is not None:
        earlier = [start for _pk, series, start in previous if series == meeting.series_id] or [
            meeting.starts_at
        ]
        followed |= Q(
            meeting__series_id=meeting.series_id,
            meeting__starts_at__lt=min(earlier),
            status__in=ActionItem.OPEN_STATUSES,
        )
    actions = ActionItem.objects.filter(followed)
    if person is not None:
        from accord.actions.selectors import action_visible_filter

        actions = actions.filter(action_visible_filter(person))
    actions = (
        actions.select_related("owner", "department", "meeting")
        .prefetch_related(
            Prefetch(
                "updates",
                queryset=ActionUpdate.objects.filter(kind=ActionUpdate.Kind.REPLAN).order_by(
                    "created_at", "id"
                ),
                to_attr="replans",
            )
        )
        .order_by("meeting__starts_at", "id")
    )
    rows = []
    for action in actions:
        still_open = action.status in ActionItem.OPEN_STATUSES
        overdue = still_open and action.due_date < today
        if action.status == ActionItem.Status.DONE and action.completed_at is not None:
            on_time = timezone.localtime(action.completed_at).date() <= action.committed_due_date
        elif overdue or (still_open and action.committed_due_date < today):
            on_time = False
        else:
            on_time = None
        rows.append(
            ReviewRow(
                action=action,
                meeting_title=action.meeting.title,
                status=action.status,
                on_time=on_time,
                overdue=overdue,
                replans=action.replans,
                carried=action.meeting_id not in direct,
                slipped=action.status != ActionItem.Status.CANCELLED
                and action.due_date > action.committed_due_date,
            )
        )
    return rows


def review_rows(*, person, meeting: Meeting) -> list[ReviewRow] | None:
    """The rows the person may see, or None when the meeting follows no earlier meeting
    (then there is no review: one query)."""
    if not meeting.previous_meetings.exists():
        return None
    return previous_plan_review(meeting=meeting, person=person)


def series_visible_to(person) -> QuerySet[MeetingSeries]:
    """The series a person may see: those they organise, those with at least one meeting they
    may see (``meetings_visible_to``, confidential meetings included in its own narrower way),
    every series for administrators, and for PMO every series without a confidential meeting
    (PMO may plan their next meetings). A series shows its name, rule, place, standing topics
    and standing participants; what was said stays with the meetings, behind their own
    visibility."""
    from accord.meetings.selectors import meetings_visible_to

    series = MeetingSeries.objects.all()
    if not person.is_authenticated or not person.is_active:
        return series.none()
    if person.is_superuser:
        return series
    seen = Q(organiser=person) | Exists(meetings_visible_to(person).filter(series=OuterRef("pk")))
    if person.is_pmo:
        # PMO plans any series but a confidential one, like any meeting.
        seen |= ~Exists(Meeting.objects.filter(series=OuterRef("pk"), confidential=True))
    return series.filter(seen)


def series_get_visible(*, person, pk: int) -> MeetingSeries:
    """The series if the person may see it; ``MeetingSeries.DoesNotExist`` otherwise."""
    return series_visible_to(person).get(pk=pk)


def series_list(*, person) -> QuerySet[MeetingSeries]:
    """The series a person may see, with the start and id of the next meeting of each that
    the person may see (the first not cancelled with ``starts_at`` >= now): one query."""
    from accord.meetings.selectors import meetings_visible_to

    upcoming = (
        meetings_visible_to(person)
        .filter(series=OuterRef("pk"), starts_at__gte=clock.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("starts_at", "pk")
    )
    return (
        series_visible_to(person)
        .select_related("organiser")
        .annotate(
            next_meeting_id=Subquery(upcoming.values("pk")[:1]),
            next_starts_at=Subquery(upcoming.values("starts_at")[:1]),
        )
        .order_by("title", "pk")
    )


def series_occurrences(*, person, series: MeetingSeries) -> list[Meeting]:
    """Every meeting of the series, first first, each marked ``visible`` when the person may
    see it (the page links those and only counts the others): one query."""
    from accord.meetings.selectors import meeting_visible_one

    return list(
        series.meetings.annotate(
            visible=Exists(meeting_visible_one(person).filter(pk=OuterRef("pk")))
        ).order_by("starts_at", "pk")
    )


def meetings_to_follow(*, person, meeting: Meeting, limit: int = 50) -> list[Meeting]:
    """The earlier meetings a person may see that ``meeting`` does not follow yet, newest
    first, at most ``limit``."""
    from accord.meetings.selectors import meetings_visible_to

    return list(
        meetings_visible_to(person)
        .filter(starts_at__lt=meeting.starts_at)
        .exclude(pk=meeting.pk)
        .exclude(pk__in=meeting.previous_meetings.values("pk"))
        .order_by("-starts_at", "-pk")[:limit]
    )


def meetings_followed(*, person, meeting: Meeting) -> list[Meeting]:
    """The meetings whose plans ``meeting`` reviews, oldest first, each marked ``visible``
    when the person may see it: one query."""
    from accord.meetings.selectors import meeting_visible_one

    return list(
        meeting.previous_meetings.annotate(
            visible=Exists(meeting_visible_one(person).filter(pk=OuterRef("pk")))
        ).order_by("starts_at", "pk")
    )


def occurrence_slot() -> Coalesce:
    """The date a series' meeting stands for: the planned start, also when it was held at
    another time (``Meeting.planned_starts_at``), so that the rule's dates are not shifted."""
    return Coalesce("planned_starts_at", "starts_at")


def next_occurrence_day(*, meeting: Meeting) -> dt.date | None:
    """The day of the meeting after ``meeting`` in its series: the next one planned (not
    cancelled), else the series rule's next date. What a topic sent to the next meeting is
    proposed to be discussed on; None outside a series or when the rule has no more dates."""
    if meeting.series_id is None:
        return None
    occurrences = meeting.series.meetings.annotate(slot=occurrence_slot())
    later = (
        occurrences.filter(slot__gt=meeting.planned_start)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("slot", "pk")
        .first()
    )
    if later is not None:
        return timezone.localtime(later.slot).date()
    first = occurrences.order_by("slot", "pk").first()
    try:
        rule = rrulestr(meeting.series.recurrence, dtstart=timezone.localtime(first.slot))
    except (ValueError, TypeError):
        return None
    upcoming = rule.after(timezone.localtime(meeting.planned_start))
    return upcoming.date() if upcoming is not None else None
