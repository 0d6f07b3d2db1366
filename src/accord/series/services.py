"""Follow-up meetings and series (S-REVIEW-1, S-REVIEW-2)."""

import datetime as dt

from dateutil.rrule import rrulestr
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accord.core import clock
from accord.core.errors import AppError
from accord.core.services import audit_record
from accord.meetings import roles
from accord.meetings.models import AgendaTopic, Meeting, Participant, TopicOutcome
from accord.meetings.services import (
    PLANNING,
    meeting_create,
    meeting_lock,
    require,
    require_minutes,
    require_status,
)
from accord.org.models import Person
from accord.series.models import MeetingSeries


def _review_title() -> str:
    # Stored once, in the organisation's language: it is part of the record.
    with translation.override(settings.LANGUAGE_CODE):
        return _("Review of the previous action plan")


def _shift_topics(meeting: Meeting, by: int) -> None:
    topics = list(meeting.topics.order_by("-order"))
    for topic in topics:  # from the last, so (meeting, order) stays unique on every save
        topic.order += by
        topic.save(update_fields=["order"])


@transaction.atomic
def meeting_follow(*, actor: Person, meeting: Meeting, previous: Meeting) -> Meeting:
    """Make ``meeting`` review ``previous``'s plan: its first topic becomes the generated review
    (S-REVIEW-2) and the topics that ``previous`` sent to the next meeting are carried over."""
    meeting_lock(meeting)
    require(roles.can_organise(actor, meeting), _("Only the organiser may change the agenda."))
    require_status(meeting, PLANNING, _("The agenda can only change before the meeting starts."))
    if previous.pk == meeting.pk:
        raise AppError(_("A meeting cannot follow itself."), field="previous")
    if previous.starts_at >= meeting.starts_at:
        raise AppError(_("A meeting can only follow an earlier meeting."), field="previous")
    if meeting.previous_meetings.filter(pk=previous.pk).exists():
        raise AppError(
            _("This meeting already follows that one."), field="previous", code="duplicate"
        )
    meeting.previous_meetings.add(previous)
    if not meeting.topics.filter(is_review=True).exists():
        _shift_topics(meeting, 1)
        AgendaTopic.objects.create(
            meeting=meeting,
            order=1,
            title=_review_title(),
            planned_minutes=max(5, meeting.duration_minutes // 6),
            is_review=True,
        )
    carried = (
        AgendaTopic.objects.filter(meeting=previous, outcome__kind=TopicOutcome.Kind.NEXT_MEETING)
        .exclude(carried_to__meeting=meeting)
        # A standing topic of the same name already brings it back.
        .exclude(title__in=meeting.topics.values("title"))
    )
    last = meeting.topics.aggregate(last=Max("order"))["last"] or 0
    for index, topic in enumerate(carried, start=1):
        AgendaTopic.objects.create(
            meeting=meeting,
            order=last + index,
            title=topic.title,
            description=topic.description,
            lead_department=topic.lead_department,
            planned_minutes=topic.planned_minutes,
            carried_from=topic,
        )
    audit_record(
        actor=actor,
        verb="meeting.follows",
        subject=meeting,
        meeting=meeting,
        data={"previous": previous},
    )
    return meeting


def _validate_rule(recurrence: str, start: dt.datetime) -> None:
    try:
        rrulestr(recurrence, dtstart=start)
    except (ValueError, TypeError) as exc:
        raise AppError(
            _("Not a recurrence rule (%(error)s); write e.g. FREQ=WEEKLY;BYDAY=MO.")
            % {"error": exc},
            field="recurrence",
        ) from None


@transaction.atomic
def series_create(
    *,
    actor: Person,
    title: str,
    recurrence: str,
    duration_minutes: int = 30,
    location: str = "",
    standing_topics: list[dict] | None = None,
) -> MeetingSeries:
    """A recurring meeting, e.g. the weekly 15–30 minute check-in (S-REVIEW-1)."""
    title = (title or "").strip()
    if not title:
        raise AppError(_("A series needs a name."), field="title", code="required")
    _validate_rule(recurrence, clock.now())
    require_minutes(duration_minutes, field="duration_minutes")
    topics = []
    for index, item in enumerate(standing_topics or []):
        valid = isinstance(item, dict)
        topic_title = str(item.get("title", "")).strip() if valid else ""
        minutes = item.get("minutes") if valid else None
        if (
            not topic_title
            or isinstance(minutes, bool)
            or not isinstance(minutes, int)
            or minutes <= 0
        ):
            raise AppError(
                _("Standing topic %(number)d needs a title and a number of minutes.")
                % {"number": index + 1},
                field="standing_topics",
            )
        topics.append({"title": topic_title, "minutes": minutes})
    series = MeetingSeries.objects.create(
        title=title,
        organiser=actor,
        recurrence=recurrence,
        duration_minutes=duration_minutes,
        location=location.strip(),
        standing_topics=topics,
    )
    audit_record(actor=actor, verb="series.created", subject=series)
    return series


@transaction.atomic
def series_plan_next(
    *, actor: Person, series: MeetingSeries, first_start: dt.datetime | None = None
) -> Meeting:
    """Create the next occurrence as a draft: standing participants and topics copied from the
    last occurrence, the review of its plan first, its ``next_meeting`` topics carried."""
    require(
        actor.pk == series.organiser_id or actor.is_pmo or actor.is_superuser,
        _("Only the organiser of the series plans its meetings."),
    )
    if not series.active:
        raise AppError(_("This series has ended."), field="series", code="inactive")
    occurrences = series.meetings.order_by("starts_at")
    first, latest = occurrences.first(), occurrences.last()
    # Participants, roles and the plan to review come from the last meeting that took place
    # (or will); the next date comes from the latest occurrence, a cancelled one included.
    last = occurrences.exclude(status=Meeting.Status.CANCELLED).last()
    if latest is None:
        if first_start is None:
            raise AppError(
                _("Give the start of the first meeting."), field="starts_at", code="required"
            )
        starts_at = first_start
    else:
        # Anchored at the first occurrence, so COUNT and UNTIL keep their meaning.
        rule = rrulestr(series.recurrence, dtstart=timezone.localtime(first.starts_at))
        starts_at = rule.after(timezone.localtime(latest.starts_at))
        if starts_at is None:
            raise AppError(
                _("The series has no further dates."), field="recurrence", code="finished"
            )
    meeting = meeting_create(
        actor=actor,
        title=series.title,
        starts_at=starts_at,
        duration_minutes=series.duration_minutes,
        kind=Meeting.Kind.CHECK_IN,
        location=series.location,
        host=last.host if last else None,
        recorder=last.recorder if last else None,
        series=series,
    )
    for item in series.standing_topics:
        AgendaTopic.objects.create(
            meeting=meeting,
            order=(meeting.topics.aggregate(last=Max("order"))["last"] or 0) + 1,
            title=item["title"],
            planned_minutes=item["minutes"],
        )
    if last is not None:
        Participant.objects.bulk_create(
            Participant(meeting=meeting, person=p.person, department=p.department, role=p.role)
            for p in last.participants.select_related("person", "department")
            if p.person.is_active
        )
        meeting_follow(actor=actor, meeting=meeting, previous=last)
    audit_record(actor=actor, verb="series.planned", subject=series, meeting=meeting)
    return meeting
