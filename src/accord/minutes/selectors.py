"""The minutes as a record in the template's layout (S-TPL-1..3, S-POST-1), and the
states the tracking rules read."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accord.actions.models import ActionItem
from accord.core import clock
from accord.meetings.models import Meeting, Participant, TopicOutcome
from accord.minutes.models import Minutes, MinutesVersion
from accord.org.models import Person
from accord.org.rules import is_admin


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
                    "next_meeting_on": outcome.next_meeting_on.isoformat()
                    if outcome.next_meeting_on
                    else None,
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
            # What had been planned, when the meeting was held at another time.
            "planned": {
                "starts_at": local(meeting.planned_start).isoformat(),
                "ends_at": local(meeting.planned_end).isoformat(),
            }
            if meeting.held_at_another_time
            else None,
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
                # who raised it: a person's name or a department's (not who typed it)
                "raised_by": objection.raised_by_label,
                "resolution": objection.resolution,
            }
            for objection in meeting.objections.all()
        ],
        "signatures": signatures,
        # Everyone invited with their attendance (S-TPL-1 lists those present): a version's
        # "what changed" names who was marked present, absent or excused since.
        "attendance": [
            {
                "person_id": participant.person_id,
                "person": str(participant.person),
                "department": participant.department.name,
                "attendance": participant.attendance,
            }
            for participant in meeting.participants.all()
        ],
    }


def minutes_document_record(*, meeting: Meeting, now: dt.datetime | None = None) -> dict[str, Any]:
    """What the minutes page and every minutes document (PDF, Word, Markdown) show: the
    version the host approved once the minutes are approved (never today's data), else the
    live record; both with the summary.

    The approved minutes are a fixed record of what was committed: each action item's task,
    owner, department, due date and resources are the version's. Where an item stands is
    not part of that record but of the follow-up, so its status is today's (``now``), the
    same as the page's and the Excel plan's: the record says so in ``statuses_as_of`` (an
    ISO time, which each document prints as "Statuses as of YYYY-MM-DD HH:MM"). An item
    re-planned since carries ``replanned_to`` (its due date now), one removed since
    ``removed``. Who receives a copy is distribution, not content: copied departments are
    today's, and so are the signatures (given after approval).
    Expects a meeting loaded by ``meeting_with_record`` (no further query)."""
    minutes = getattr(meeting, "minutes", None)
    versions = list(minutes.versions.all()) if minutes is not None else []
    as_of = timezone.localtime(now or clock.now()).isoformat()
    if meeting.status in Meeting.APPROVED_STATUSES and versions:
        record = versions[-1].record
        copied = [copy.department.name for copy in meeting.copies.all()]
        # Owners sign after approval (S-POST-3): the signature table is today's too.
        signatures = minutes_record(meeting=meeting)["signatures"]
        return {
            **record,
            "meeting": {**record["meeting"], "copied_departments": copied},
            "actions": _live_plan(record.get("actions", []), list(meeting.actions.all())),
            "signatures": signatures,
            "statuses_as_of": as_of,
        }
    summary = minutes.summary if minutes is not None else ""
    return {**minutes_record(meeting=meeting), "summary": summary, "statuses_as_of": as_of}


def _live_plan(items: list[dict[str, Any]], actions: list[ActionItem]) -> list[dict[str, Any]]:
    """The approved plan's items with today's status, and what became of each since."""
    live = {action.pk: action for action in actions}
    plan = []
    for item in items:
        action = live.get(item["id"])
        if action is None:
            plan.append({**item, "removed": True})
            continue
        now_due = action.due_date.isoformat()
        replanned = {"replanned_to": now_due} if now_due != item["due_date"] else {}
        plan.append({**item, "status": action.status, **replanned})
    return plan


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


# -- the minutes page: who may do what now, and what changed between versions ----------------


@dataclass(frozen=True)
class MinutesPermissions:
    """What a person may do to a meeting's minutes right now: the same checks the services
    make (S-POST-1..3), so that the page shows only the buttons that work."""

    edit_summary: bool = False
    submit: bool = False
    review: bool = False
    distribute: bool = False
    open_revision: bool = False
    sign: frozenset[int] = frozenset()  # ids of the action items the person may sign


def minutes_permissions(*, person: Person, meeting: Meeting) -> MinutesPermissions:
    """Expects a meeting loaded by ``meeting_with_record`` (its actions and signatures come
    with it, so this runs no query)."""
    from accord.meetings import roles

    if not person.is_active:
        return MinutesPermissions()
    status, s = meeting.status, Meeting.Status
    recorder = person.pk == meeting.recorder_id or is_admin(person)
    organises = roles.can_organise(person, meeting)
    writing = status == s.MINUTES_DRAFT
    return MinutesPermissions(
        edit_summary=writing and roles.can_record(person, meeting),
        submit=writing and recorder,
        review=status == s.IN_REVIEW and roles.can_review(person, meeting),
        distribute=status == s.APPROVED and (organises or person.pk == meeting.recorder_id),
        open_revision=status in (s.APPROVED, s.DISTRIBUTED)
        and (organises or roles.can_record(person, meeting)),
        sign=frozenset(
            action.pk
            for action in meeting.actions.all()
            if status in Meeting.APPROVED_STATUSES
            and action.owner_id == person.pk
            and getattr(action, "signature", None) is None
            and action.status != ActionItem.Status.CANCELLED
        ),
    )


@dataclass(frozen=True)
class MinutesStep:
    """One step of the review path of the version being written: ``done`` with the moment it
    happened, ``current`` (waiting for it) or ``""`` (later)."""

    label: str
    state: str
    at: dt.datetime | None = None


def minutes_steps(*, meeting: Meeting, minutes: Minutes) -> list[MinutesStep]:
    """Written → reviewed → distributed, for the version now being written or last approved
    (S-POST-1, S-POST-2). A step is done only on the fact that it happened: the submission
    time, the approval and the distribution of *that* version; the step waiting to happen is
    named as waiting ("Waiting to be distributed"), never with the past tense of a step that
    has not happened. Expects a meeting loaded by ``meeting_with_record`` (no query)."""
    versions = [v for v in minutes.versions.all() if v.number == minutes.version]
    version = versions[-1] if versions else None
    submitted = minutes.submitted_at if meeting.status != Meeting.Status.MINUTES_DRAFT else None
    approved = version.approved_at if version is not None else None
    distributed = version.distributed_at if version is not None else None
    # (when it happened, its label once done, while waiting for it, and before that)
    steps = [
        (submitted, _("Written by the recorder"), _("Being written by the recorder"), ""),
        (
            approved,
            _("Approved by the host"),
            _("Waiting for the host's review"),
            _("Review by the host"),
        ),
        (distributed, _("Distributed"), _("Waiting to be distributed"), _("Distribution")),
    ]
    out: list[MinutesStep] = []
    waiting = False
    for at, done, current, later in steps:
        if waiting:
            out.append(MinutesStep(label=later, state=""))
        elif at is not None:
            out.append(MinutesStep(label=done, state="done", at=at))
        else:
            out.append(MinutesStep(label=current, state="current"))
            waiting = True
    return out


@dataclass(frozen=True)
class VersionEntry:
    version: MinutesVersion
    changes: list[str] | None  # against the previous version; None for the first


def minutes_history(*, minutes: Minutes) -> list[VersionEntry]:
    """The approved versions, oldest first, each with what changed since the one before
    (S-POST-2: approved minutes never change silently). Two queries however many versions."""
    entries: list[VersionEntry] = []
    previous = None
    for version in minutes.versions.select_related("approved_by").order_by("number"):
        changes = None if previous is None else minutes_diff(previous.record, version.record)
        entries.append(VersionEntry(version=version, changes=changes))
        previous = version
    return entries


def minutes_diff(old_record: dict[str, Any], new_record: dict[str, Any]) -> list[str]:
    """What changed between two records of ``minutes_record``: action items, consensus and
    positions added, removed or changed, attendance, then the summary. Pure: records in,
    sentences out, action items first, in the new record's order."""
    return [
        *_diff_actions(old_record.get("actions", []), new_record.get("actions", [])),
        *_diff_consensus(old_record.get("consensus", []), new_record.get("consensus", [])),
        *_diff_positions(old_record.get("topics", []), new_record.get("topics", [])),
        *_diff_attendance(old_record, new_record),
        *(
            [_("Summary changed.")]
            if old_record.get("summary", "") != new_record.get("summary", "")
            else []
        ),
    ]


def _action_fields() -> list[tuple[str, str]]:
    return [
        ("task", _("task")),
        ("owner", _("owner")),
        ("department", _("department")),
        ("due_date", _("due date")),
        ("resources", _("required resources")),
    ]


def _diff_actions(old: list[dict], new: list[dict]) -> list[str]:
    before = {item["id"]: item for item in old}
    after = {item["id"]: item for item in new}
    changes = []
    for item in new:
        if item["id"] not in before:
            changes.append(
                _("Action item added: “%(task)s” — %(owner)s, %(department)s, due %(due)s.")
                % {
                    "task": item["task"],
                    "owner": item["owner"],
                    "department": item["department"],
                    "due": item["due_date"],
                }
            )
            continue
        previous = before[item["id"]]
        parts = [
            _("%(field)s “%(old)s” → “%(new)s”")
            % {"field": label, "old": previous[name], "new": item[name]}
            for name, label in _action_fields()
            if previous.get(name) != item.get(name)
        ]
        if parts:
            changes.append(
                _("Action item changed: “%(task)s”: %(changes)s.")
                % {
                    "task": previous["task"],
                    "changes": pgettext("clause separator", "; ").join(parts),
                }
            )
    for item in old:
        if item["id"] not in after:
            changes.append(_("Action item removed: “%(task)s”.") % {"task": item["task"]})
    return changes


def _diff_consensus(old: list[dict], new: list[dict]) -> list[str]:
    before = {entry["topic"]: entry["text"] for entry in old}
    after = {entry["topic"]: entry["text"] for entry in new}
    changes = []
    for topic, text in after.items():
        if topic not in before:
            changes.append(
                _("Consensus added on “%(topic)s”: “%(text)s”.") % {"topic": topic, "text": text}
            )
        elif before[topic] != text:
            changes.append(
                _("Consensus changed on “%(topic)s”: “%(old)s” → “%(new)s”.")
                % {"topic": topic, "old": before[topic], "new": text}
            )
    for topic, text in before.items():
        if topic not in after:
            changes.append(
                _("Consensus removed on “%(topic)s”: “%(text)s”.") % {"topic": topic, "text": text}
            )
    return changes


def _positions(topics: list[dict]) -> dict[tuple[str, str], dict]:
    return {
        (topic["title"], position["department"]): position
        for topic in topics
        for position in topic.get("positions", [])
    }


def _diff_positions(old: list[dict], new: list[dict]) -> list[str]:
    before, after = _positions(old), _positions(new)
    changes = []
    for (topic, department), position in after.items():
        names = {"topic": topic, "department": department, "text": position["statement"]}
        if (topic, department) not in before:
            changes.append(
                _("Position of %(department)s on “%(topic)s” added: “%(text)s”.") % names
            )
        elif before[(topic, department)] != position:
            changes.append(
                _("Position of %(department)s on “%(topic)s” changed: “%(text)s”.") % names
            )
    for topic, department in before:
        if (topic, department) not in after:
            changes.append(
                _("Position of %(department)s on “%(topic)s” removed.")
                % {"topic": topic, "department": department}
            )
    return changes


def _attendance_label(value: str) -> str:
    try:
        return str(Participant.Attendance(value).label)
    except ValueError:
        return value


def _diff_attendance(old_record: dict[str, Any], new_record: dict[str, Any]) -> list[str]:
    """Who was marked present, absent or excused since, by person; a person invited or no
    longer invited since. A version approved before records held the attendance has only the
    people present per department (their titles): then those lists are compared."""
    if "attendance" not in old_record or "attendance" not in new_record:
        return _diff_present(
            old_record.get("meeting", {}).get("departments", []),
            new_record.get("meeting", {}).get("departments", []),
        )
    before = {entry["person_id"]: entry for entry in old_record["attendance"]}
    after = {entry["person_id"]: entry for entry in new_record["attendance"]}
    changes = []
    for person_id, entry in after.items():
        names = {
            "person": entry["person"],
            "department": entry["department"],
            "new": _attendance_label(entry["attendance"]),
        }
        if person_id not in before:
            changes.append(_("Attendance: %(person)s (%(department)s) added, %(new)s.") % names)
        elif before[person_id]["attendance"] != entry["attendance"]:
            names["old"] = _attendance_label(before[person_id]["attendance"])
            changes.append(
                _("Attendance of %(person)s (%(department)s): %(old)s → %(new)s.") % names
            )
    for person_id, entry in before.items():
        if person_id not in after:
            changes.append(
                _("Attendance: %(person)s (%(department)s) is no longer invited.")
                % {"person": entry["person"], "department": entry["department"]}
            )
    return changes


def _diff_present(old: list[dict], new: list[dict]) -> list[str]:
    before = {entry["department"]: entry["people"] for entry in old}
    after = {entry["department"]: entry["people"] for entry in new}
    separator = pgettext("list separator", ", ")
    return [
        _("People present from %(department)s: “%(old)s” → “%(new)s”.")
        % {
            "department": department,
            "old": separator.join(before.get(department, [])) or "—",
            "new": separator.join(after.get(department, [])) or "—",
        }
        for department in [*after, *(d for d in before if d not in after)]
        if before.get(department, []) != after.get(department, [])
    ]
