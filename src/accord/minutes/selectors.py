"""The minutes as a record in the template's layout (S-TPL-1..3, S-POST-1), and the
states the tracking rules read."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accord.core import clock
from accord.meetings.models import Meeting, Participant, TopicOutcome
from accord.minutes.models import Minutes


def _person(person) -> dict[str, Any] | None:
    if person is None:
        return None
    return {"id": person.pk, "name": str(person), "title": person.title}


def minutes_record(*, meeting: Meeting) -> dict[str, Any]:
    """The structured record: basic information, topics with each department's position and
    the outcome, the consensus list, the action plan, objections and signatures. Expects a
    meeting loaded by ``meeting_with_record`` (no further queries)."""
    local = timezone.localtime
    by_department: dict[str, list[str]] = {}
    for participant in meeting.participants.all():
        if participant.attendance in (
            Participant.Attendance.ABSENT,
            Participant.Attendance.EXCUSED,
        ):
            continue  # S-TPL-1 lists the people present
        label = participant.person.title or participant.person.name
        by_department.setdefault(participant.department.name, []).append(label)
    topics = []
    consensus = []
    for topic in meeting.topics.all():
        outcome = getattr(topic, "outcome", None)
        topics.append(
            {
                "order": topic.order,
                "title": topic.title,
                "lead_department": topic.lead_department.name if topic.lead_department else "",
                "planned_minutes": topic.planned_minutes,
                "actual_minutes": topic.actual_minutes,
                "notes": topic.notes,
                "positions": [
                    {
                        "department": position.department.name,
                        "statement": position.statement,
                        "evidence": position.evidence,
                    }
                    for position in topic.positions.all()
                ],
                "outcome": None
                if outcome is None
                else {
                    "kind": outcome.kind,
                    "text": outcome.text,
                    "research_department": outcome.research_department.name
                    if outcome.research_department
                    else "",
                },
            }
        )
        if outcome is not None and outcome.kind == TopicOutcome.Kind.CONSENSUS:
            consensus.append({"topic": topic.title, "text": outcome.text})
    actions = []
    signatures = []
    for action in meeting.actions.all():
        actions.append(
            {
                "id": action.pk,
                "task": action.task,
                "owner": str(action.owner),
                "department": action.department.name,
                "due_date": action.due_date.isoformat(),
                "resources": action.resources,
                "status": action.status,
                "topic": action.topic.title if action.topic else "",
            }
        )
        signature = getattr(action, "signature", None)
        signatures.append(
            {
                "action_id": action.pk,
                "owner": str(action.owner),
                "task": action.task,
                "signed_at": local(signature.signed_at).isoformat() if signature else None,
                "version": signature.version if signature else None,
            }
        )
    return {
        "meeting": {
            "id": meeting.pk,
            "title": meeting.title,
            "goal": meeting.goal,
            "kind": meeting.kind,
            "starts_at": local(meeting.starts_at).isoformat(),
            "ends_at": local(meeting.ends_at).isoformat(),
            "started_at": local(meeting.started_at).isoformat() if meeting.started_at else None,
            "ended_at": local(meeting.ended_at).isoformat() if meeting.ended_at else None,
            "location": meeting.location,
            "online_link": meeting.online_link,
            "online_meeting_number": meeting.online_meeting_number,
            "host": _person(meeting.host),
            "recorder": _person(meeting.recorder),
            "departments": [
                {"department": name, "people": people} for name, people in by_department.items()
            ],
            "copied_departments": [copy.department.name for copy in meeting.copies.all()],
        },
        "topics": topics,
        "consensus": consensus,
        "actions": actions,
        "objections": [
            {
                "text": objection.text,
                "raised_by": str(objection.raised_by),
                "resolution": objection.resolution,
            }
            for objection in meeting.objections.all()
        ],
        "signatures": signatures,
    }


def minutes_is_late(minutes: Minutes, *, now: dt.datetime | None = None) -> bool:
    """Late when not distributed within the due time (24 h by default, S-POST-1)."""
    if minutes.first_distributed_at is not None:
        return minutes.first_distributed_at > minutes.due_at
    return (now or clock.now()) > minutes.due_at


def minutes_late(*, now: dt.datetime | None = None) -> QuerySet[Minutes]:
    """Minutes whose due time passed without distribution: input of the "late" rule."""
    return Minutes.objects.filter(
        first_distributed_at__isnull=True, due_at__lt=now or clock.now()
    ).select_related("meeting")


def minutes_to_write(*, person) -> QuerySet[Minutes]:
    """Minutes the person records that are still being written (S-POST-1)."""
    from accord.meetings.models import Meeting

    return (
        Minutes.objects.filter(
            meeting__recorder=person, meeting__status=Meeting.Status.MINUTES_DRAFT
        )
        .select_related("meeting")
        .order_by("due_at")
    )


def minutes_to_review(*, person) -> QuerySet[Minutes]:
    """Minutes waiting for the person's review as host (S-POST-2)."""
    from accord.meetings.models import Meeting

    return (
        Minutes.objects.filter(meeting__host=person, meeting__status=Meeting.Status.IN_REVIEW)
        .select_related("meeting")
        .order_by("due_at")
    )
