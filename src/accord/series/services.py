"""Follow-up meetings and series (S-REVIEW-1, S-REVIEW-2)."""

import datetime as dt
import logging

from dateutil.rrule import rrulestr
from django.conf import settings
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accord.core import clock, limits
from accord.core.errors import AppError
from accord.core.events import emit
from accord.core.services import audit_record
from accord.meetings import roles
from accord.meetings.models import AgendaTopic, Meeting, Participant, TopicOutcome
from accord.meetings.rules import (
    PLANNING,
    meeting_lock,
    require,
    require_active_role,
    require_minutes,
    require_status,
)
from accord.meetings.services import meeting_create, meeting_schedule
from accord.org.models import Person
from accord.series.events import NextMeetingPlanned
from accord.series.models import MeetingSeries, SeriesMember
from accord.series.selectors import occurrence_slot

log = logging.getLogger("accord.worker")


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


def _standing_topics(standing_topics: list[dict] | None) -> list[dict]:
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
        require_minutes(minutes, field="standing_topics")
        # Planning copies these with bulk_create, past the topics' own check on save.
        topic_title = limits.require_line(
            topic_title, field="standing_topics", max_length=limits.limit(AgendaTopic, "title")
        )
        topics.append({"title": topic_title, "minutes": minutes})
    return topics


def series_can_manage(person: Person, series: MeetingSeries) -> bool:
    """Change the series and plan its meetings: its organiser, administrators, and PMO
    unless the series holds a confidential meeting (PMO organises no confidential one)."""
    if not person.is_active:
        return False
    if person.pk == series.organiser_id or person.is_superuser:
        return True
    return person.is_pmo and not series.meetings.filter(confidential=True).exists()


def _require_series_organiser(actor: Person, series: MeetingSeries) -> None:
    require(
        series_can_manage(actor, series),
        _("Only the organiser of the series plans its meetings."),
    )


@transaction.atomic
def series_create(
    *,
    actor: Person,
    title: str,
    recurrence: str,
    duration_minutes: int = 30,
    location: str = "",
    standing_topics: list[dict] | None = None,
    host: Person | None = None,
    recorder: Person | None = None,
    plan_ahead: bool = True,
) -> MeetingSeries:
    """A recurring meeting, e.g. the weekly 15–30 minute check-in (S-REVIEW-1)."""
    require(actor.is_active, _("Only an active person can organise a meeting."))
    title = (title or "").strip()
    if not title:
        raise AppError(_("A series needs a name."), field="title", code="required")
    _validate_rule(recurrence, clock.now())
    require_minutes(duration_minutes, field="duration_minutes")
    topics = _standing_topics(standing_topics)
    require_active_role(host, field="host")
    require_active_role(recorder, field="recorder")
    series = MeetingSeries.objects.create(
        title=title,
        organiser=actor,
        recurrence=recurrence,
        duration_minutes=duration_minutes,
        location=(location or "").strip(),
        standing_topics=topics,
        host=host,
        recorder=recorder,
        plan_ahead=plan_ahead,
    )
    audit_record(actor=actor, verb="series.created", subject=series)
    return series


SERIES_FIELDS = (
    "title",
    "recurrence",
    "duration_minutes",
    "location",
    "standing_topics",
    "host",
    "recorder",
    "plan_ahead",
    "active",
)


@transaction.atomic
def series_update(*, actor: Person, series: MeetingSeries, **changes) -> MeetingSeries:
    """Change a series; meetings already planned keep what they have."""
    _require_series_organiser(actor, series)
    unknown = set(changes) - set(SERIES_FIELDS)
    if unknown:
        raise TypeError(f"series_update() got unknown fields {sorted(unknown)}")
    if "title" in changes:
        changes["title"] = (changes["title"] or "").strip()
        if not changes["title"]:
            raise AppError(_("A series needs a name."), field="title", code="required")
    if "recurrence" in changes:
        _validate_rule(changes["recurrence"], clock.now())
    if "duration_minutes" in changes:
        require_minutes(changes["duration_minutes"], field="duration_minutes")
    if "location" in changes:
        changes["location"] = (changes["location"] or "").strip()
    if "standing_topics" in changes:
        changes["standing_topics"] = _standing_topics(changes["standing_topics"])
    for role in ("host", "recorder"):
        if role in changes:
            require_active_role(changes[role], field=role)
    changed = {k: v for k, v in changes.items() if getattr(series, k) != v}
    for name, value in changed.items():
        setattr(series, name, value)
    if changed:
        series.save()
        audit_record(
            actor=actor,
            verb="series.updated",
            subject=series,
            data={k: v for k, v in changed.items() if k != "standing_topics"},
        )
    return series


@transaction.atomic
def series_member_add(
    *, actor: Person, series: MeetingSeries, person: Person, role: str
) -> SeriesMember:
    """A standing participant: invited to every meeting the series plans from now on."""
    _require_series_organiser(actor, series)
    require_active_role(person, field="person")
    if role not in Participant.Role.values:
        raise AppError(_("Choose a role from the list."), field="role", code="invalid")
    if person.department_id is None:
        raise AppError(
            _("%(name)s belongs to no department yet.") % {"name": person}, field="person"
        )
    member, created = SeriesMember.objects.get_or_create(
        series=series, person=person, defaults={"role": role}
    )
    if not created:
        raise AppError(
            _("%(name)s is already a standing participant.") % {"name": person},
            field="person",
            code="duplicate",
        )
    audit_record(actor=actor, verb="series.member_added", subject=series, data={"person": person})
    return member


@transaction.atomic
def series_member_remove(*, actor: Person, series: MeetingSeries, person: Person) -> None:
    _require_series_organiser(actor, series)
    deleted, _rows = SeriesMember.objects.filter(series=series, person=person).delete()
    if not deleted:
        raise AppError(_("Not a standing participant."), field="person", code="not_found")
    audit_record(actor=actor, verb="series.member_removed", subject=series, data={"person": person})


def _next_start(series: MeetingSeries, *, not_before: dt.datetime | None = None):
    """The next date of the rule after the latest occurrence (and after ``not_before``);
    ``None`` when the rule has no more. The first occurrence anchors the rule, so COUNT
    and UNTIL keep their meaning."""
    # Slots, not the times held: a meeting held early still stands for its planned date.
    occurrences = series.meetings.annotate(slot=occurrence_slot()).order_by("slot", "pk")
    first, latest = occurrences.first(), occurrences.last()
    rule = rrulestr(series.recurrence, dtstart=timezone.localtime(first.slot))
    after = timezone.localtime(latest.slot)
    if not_before is not None and not_before > after:
        after = timezone.localtime(not_before)
    return rule.after(after)


@transaction.atomic
def series_plan_next(
    *,
    actor: Person,
    series: MeetingSeries,
    first_start: dt.datetime | None = None,
    not_before: dt.datetime | None = None,
) -> Meeting:
    """Create the next occurrence as a draft: the standing participants (or, without them,
    the last occurrence's), the series' host and recorder (or the last occurrence's), the
    review of the last plan first, its ``next_meeting`` topics, then the standing topics."""
    _require_series_organiser(actor, series)
    # One plan at a time: a click and the worker (or a double submit) would both read the
    # same latest meeting and plan the same date.
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    if not series.active:
        raise AppError(_("This series has ended."), field="series", code="inactive")
    occurrences = series.meetings.order_by("starts_at")
    # Participants, roles and the plan to review come from the last meeting that took place
    # (or will); the next date comes from the latest occurrence, a cancelled one included.
    last = occurrences.exclude(status=Meeting.Status.CANCELLED).last()
    if not occurrences.exists():
        if first_start is None:
            raise AppError(
                _("Give the start of the first meeting."), field="starts_at", code="required"
            )
        starts_at = first_start
    else:
        starts_at = _next_start(series, not_before=not_before)
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
        host=_active(series.host or (last.host if last else None)),
        recorder=_active(series.recorder or (last.recorder if last else None)),
        series=series,
        # A confidential series stays confidential: its agenda carries what was said.
        confidential=bool(last and last.confidential),
    )
    AgendaTopic.objects.bulk_create(
        AgendaTopic(
            meeting=meeting, order=order, title=item["title"], planned_minutes=item["minutes"]
        )
        for order, item in enumerate(series.standing_topics, start=1)
    )
    members = list(series.members.select_related("person").filter(person__is_active=True))
    if members:
        Participant.objects.bulk_create(
            Participant(
                meeting=meeting, person=m.person, department_id=m.person.department_id, role=m.role
            )
            for m in members
            if m.person.department_id is not None
        )
    elif last is not None:
        Participant.objects.bulk_create(
            Participant(meeting=meeting, person=p.person, department=p.department, role=p.role)
            for p in last.participants.select_related("person", "department")
            if p.person.is_active
        )
    if last is not None:
        meeting_follow(actor=actor, meeting=meeting, previous=last)
    audit_record(actor=actor, verb="series.planned", subject=series, meeting=meeting)
    return meeting


def _active(person: Person | None) -> Person | None:
    """A host or recorder who has left is not carried into the next meeting: it is planned
    without one, as a draft, and the organiser is told to name someone."""
    return person if person is not None and person.is_active else None


def _finished(meeting: Meeting, now: dt.datetime) -> bool:
    """Over, so its plan and its ``next_meeting`` topics are known: ended, cancelled, or
    a day past its end without having been run."""
    if meeting.status not in PLANNING + (Meeting.Status.IN_PROGRESS,):
        return True
    return meeting.ends_at + dt.timedelta(days=1) <= now


def series_plan_ahead(now: dt.datetime | None = None) -> list[Meeting]:
    """The worker's duty (S-REVIEW-1): for each active series that plans ahead, once its
    latest meeting is over and the next date is at most ``ACCORD_SERIES_LEAD_DAYS`` away,
    create that meeting as its organiser would, and schedule it (invitations go out) when
    it has what scheduling needs. The organiser is told either way."""
    now = now or clock.now()
    lead = dt.timedelta(days=settings.ACCORD_SERIES_LEAD_DAYS)
    latest = (
        Meeting.objects.filter(series=OuterRef("pk"))
        .annotate(slot=occurrence_slot())
        .order_by("-slot", "-id")
    )
    candidates = (
        MeetingSeries.objects.filter(active=True, plan_ahead=True, organiser__is_active=True)
        .annotate(latest_id=Subquery(latest.values("pk")[:1]))
        .filter(latest_id__isnull=False)
        .select_related("organiser")
        .order_by("pk")
    )
    latest_meetings = Meeting.objects.in_bulk([s.latest_id for s in candidates])
    planned = []
    for candidate in candidates:
        latest = latest_meetings.get(candidate.latest_id)
        if latest is None or not _finished(latest, now):
            continue
        try:
            meeting = _plan_ahead_one(candidate, now=now, lead=lead)
        except Exception:  # one broken series must not keep the others from being planned
            log.exception("planning the next meeting of series %s", candidate.pk)
            continue
        if meeting is not None:
            planned.append(meeting)
    return planned


def _plan_ahead_one(
    candidate: MeetingSeries, *, now: dt.datetime, lead: dt.timedelta
) -> Meeting | None:
    """Plan ``candidate``'s next meeting if it falls due, in one transaction."""
    with transaction.atomic():
        # One worker plans a series at a time; the second finds the new meeting ahead.
        series = MeetingSeries.objects.select_for_update().get(pk=candidate.pk)
        latest = series.meetings.annotate(slot=occurrence_slot()).order_by("-slot", "-id")
        if not _finished(latest.first(), now):
            return None
        starts_at = _next_start(series, not_before=now)
        if starts_at is None or starts_at - now > lead:
            return None
        meeting = series_plan_next(actor=series.organiser, series=series, not_before=now)
        missing = ""
        try:
            with transaction.atomic():
                meeting_schedule(actor=series.organiser, meeting=meeting)
        except AppError as error:
            missing = error.field or "schedule"
        emit(NextMeetingPlanned(meeting, missing))
        return meeting
