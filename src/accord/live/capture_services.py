"""The writes of quick capture (S-MEET-3..5): the meeting notes box, a pasted or uploaded
transcript, and the recorder's decision on a proposal. Accepting creates the record
through the service that owns it — ``action_create`` for an action item (S-MEET-4),
``outcome_record`` for a consensus, the next meeting or research (S-MEET-3),
``objection_raise`` for an objection (S-MEET-5) — and keeps the decision in the same
transaction; discarding keeps the decision alone. A proposal is decided once: a second
click finds the decision and is refused, so no record is created twice.

Only those who record (the recorder, the host, an administrator) capture, while the
record may change; the services they call check the same again."""

import datetime as dt
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from accord.actions.deadlines import parse_due_date
from accord.actions.rules import meeting_date
from accord.actions.services import action_create
from accord.core import limits
from accord.core.edits import settle_edit
from accord.core.errors import AppError
from accord.core.services import audit_record, model_update
from accord.live import services as live
from accord.live.capture import Kind, Proposal
from accord.live.capture_selectors import notes_of, proposals_of
from accord.live.models import TRANSCRIPT_TEXT, CaptureDecision, CaptureSource
from accord.meetings.models import AgendaTopic, Meeting
from accord.meetings.rules import meeting_lock
from accord.org.models import Department, Person

Verdict = CaptureDecision.Verdict
TRANSCRIPT_SUFFIXES = (".txt", ".srt", ".vtt")


# -- the texts proposals are read from ------------------------------------------------------


@transaction.atomic
def capture_notes_save(
    *,
    actor: Person,
    meeting: Meeting,
    text: str,
    seen: str | None = None,
    resolve: str = "",
) -> CaptureSource:
    """The meeting-wide notes box: one per meeting, written over as it is typed. The host
    and the recorder may both type in it: ``seen`` is the version the page showed, and a
    save over text its author has not seen is refused (core/edits.py)."""
    meeting_lock(meeting)
    live.require_recording(actor, meeting)
    text = limits.require_text((text or "").strip(), field="text", max_length=limits.LONG_TEXT)
    box = CaptureSource.objects.filter(meeting=meeting, kind=CaptureSource.Kind.NOTES).first()
    text = settle_edit(
        seen=seen, resolve=resolve, stored={"text": box.text if box else ""}, typed={"text": text}
    )["text"]
    if box is None:
        box = CaptureSource.objects.create(
            meeting=meeting, kind=CaptureSource.Kind.NOTES, text=text, added_by=actor
        )
    elif not model_update(instance=box, data={"text": text}):
        return box
    audit_record(actor=actor, verb="capture.notes", subject=box, meeting=meeting)
    return box


def transcript_read(file: IO[bytes], *, name: str) -> str:
    """The text of an uploaded transcript or notes file: .txt, .srt or .vtt, at most
    ``ACCORD_MAX_UPLOAD_MB``, in UTF-8 (with or without its BOM) or else GB18030."""
    if PurePath(name or "").suffix.lower() not in TRANSCRIPT_SUFFIXES:
        raise AppError(
            _("Upload a .txt, .srt or .vtt file (this is “%(name)s”).") % {"name": name},
            field="file",
            code="file_type",
        )
    limit = settings.ACCORD_MAX_UPLOAD_MB * 1024 * 1024
    data = file.read(limit + 1)
    if len(data) > limit:
        raise AppError(
            _("The file is larger than %(size)d MB.") % {"size": settings.ACCORD_MAX_UPLOAD_MB},
            field="file",
            code="too_large",
        )
    if b"\x00" in data:
        raise AppError(
            _("This file is not text: save it as plain text (.txt) and upload it again."),
            field="file",
            code="not_text",
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AppError(
        _("The file is neither UTF-8 nor GB18030 text: save it as UTF-8 and upload it again."),
        field="file",
        code="encoding",
    )


@transaction.atomic
def transcript_add(
    *,
    actor: Person,
    meeting: Meeting,
    text: str,
    name: str = "",
    topic: AgendaTopic | None = None,
) -> CaptureSource:
    """A pasted or uploaded transcript, kept whole; its proposals join the others."""
    meeting_lock(meeting)
    live.require_recording(actor, meeting)
    text = limits.require_text(text or "", field="text", max_length=TRANSCRIPT_TEXT).strip()
    if not text:
        raise AppError(_("Paste a transcript or choose a file."), field="text", code="required")
    name = limits.require_line(
        name or _("Transcript"), field="name", max_length=limits.limit(CaptureSource, "name")
    )
    if topic is not None and topic.meeting_id != meeting.pk:
        raise AppError(_("That topic belongs to another meeting."), field="topic")
    source = CaptureSource.objects.create(
        meeting=meeting,
        topic=topic,
        kind=CaptureSource.Kind.TRANSCRIPT,
        name=name,
        text=text,
        added_by=actor,
    )
    audit_record(actor=actor, verb="capture.transcript", subject=source, meeting=meeting)
    return source


# -- deciding on a proposal -----------------------------------------------------------------


def _open_proposal(
    *, meeting: Meeting, scope: str, key: str
) -> tuple[Proposal, AgendaTopic | None]:
    """The proposal ``key`` of ``scope`` as the text reads now, not yet decided."""
    notes = notes_of(meeting=meeting, scope=scope)
    if notes is None:
        raise AppError(_("These notes are not part of this meeting."), code="not_found")
    if CaptureDecision.objects.filter(meeting=meeting, scope=scope, key=key).exists():
        raise AppError(_("This line was already decided."), code="already_decided")
    proposal = next(
        (p for p in proposals_of(meeting=meeting, text=notes.text, scope=scope) if p.key == key),
        None,
    )
    if proposal is None:
        raise AppError(
            _("This line is no longer in the notes: it was changed or removed."), code="gone"
        )
    return proposal, notes.topic


def _decide(
    *, actor: Person, meeting: Meeting, scope: str, proposal: Proposal, verdict: str, **record
) -> CaptureDecision:
    decision = CaptureDecision.objects.create(
        meeting=meeting,
        scope=scope,
        key=proposal.key,
        line=proposal.line[: limits.SHORT_TEXT],
        kind=proposal.kind,
        verdict=verdict,
        decided_by=actor,
        **record,
    )
    audit_record(
        actor=actor,
        verb=f"capture.{verdict}",
        subject=decision,
        meeting=meeting,
        data={"kind": proposal.kind, **record},
    )
    return decision


def _require_topic(topic: AgendaTopic | None, meeting: Meeting) -> AgendaTopic:
    if topic is None:
        raise AppError(_("Choose the topic this closes."), field="topic", code="required")
    if topic.meeting_id != meeting.pk:
        raise AppError(_("That topic belongs to another meeting."), field="topic")
    return topic


def _discussion_day(due: str, meeting: Meeting) -> dt.date:
    """The day a topic is discussed again, read as a due phrase from the meeting day."""
    day = meeting_date(meeting)
    try:
        return parse_due_date(due, reference=day, not_before=day)
    except AppError as error:
        error.field = "due_date"
        raise


@transaction.atomic
def proposal_accept(
    *,
    actor: Person,
    meeting: Meeting,
    scope: str,
    key: str,
    text: str,
    owner: Person | None = None,
    department: Department | None = None,
    raised_by: Person | None = None,
    due: str = "",
    resources: str = "",
    topic: AgendaTopic | None = None,
) -> CaptureDecision:
    """Create the record a proposal stands for, with the values as the recorder left them,
    and keep the decision. ``topic`` is where the record goes (the notes' topic when
    None). A refusal of the owning service (a vague date …) leaves nothing written."""
    meeting_lock(meeting)
    live.require_recording(actor, meeting)
    proposal, notes_topic = _open_proposal(meeting=meeting, scope=scope, key=key)
    topic = topic or notes_topic
    record: dict = {}
    if proposal.kind == Kind.ACTION:
        record["action"] = action_create(
            actor=actor,
            meeting=meeting,
            task=text,
            owner=owner,
            department=department,
            due=due,
            resources=resources,
            topic=topic,
        )
    elif proposal.kind == Kind.OBJECTION:
        record["objection"] = live.objection_raise(
            actor=actor,
            meeting=meeting,
            text=text,
            topic=topic,
            raised_by=raised_by,
            raised_by_department=department if raised_by is None else None,
        )
    else:
        topic = _require_topic(topic, meeting)
        values: dict = {"kind": proposal.kind, "text": text}
        if proposal.kind == Kind.NEXT_MEETING:
            values["next_meeting_on"] = _discussion_day(due, meeting)
        elif proposal.kind == Kind.RESEARCH:
            values |= {
                "research_department": department,
                "research_owner": owner,
                "research_due": due,
            }
        record["outcome"] = live.outcome_record(actor=actor, topic=topic, **values)
        if proposal.kind == Kind.RESEARCH:
            # Research becomes an action item too (outcome_record creates it): keep it.
            record["action"] = meeting.actions.order_by("-id").first()
    return _decide(
        actor=actor,
        meeting=meeting,
        scope=scope,
        proposal=proposal,
        verdict=Verdict.ACCEPTED,
        **record,
    )


@transaction.atomic
def proposal_discard(*, actor: Person, meeting: Meeting, scope: str, key: str) -> CaptureDecision:
    """Keep the decision that a proposal is not a record; it is not proposed again."""
    meeting_lock(meeting)
    live.require_recording(actor, meeting)
    proposal, _topic = _open_proposal(meeting=meeting, scope=scope, key=key)
    return _decide(
        actor=actor, meeting=meeting, scope=scope, proposal=proposal, verdict=Verdict.DISCARDED
    )
