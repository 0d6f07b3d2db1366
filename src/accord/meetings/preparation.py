"""The writes that prepare a meeting (S-PREP-3, S-PREP-4): its materials and when they go
out, the organiser's questions to the departments, and the departments' written answers.

Like every service: keyword-only, checks who may act, one transaction, an AuditEvent; a
refusal is an ``AppError`` and leaves nothing half-written.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accord.core import clock
from accord.core.errors import AppError
from accord.core.services import audit_record
from accord.meetings import roles
from accord.meetings.models import AgendaTopic, Material, Meeting, PrepAnswer, PrepQuestion
from accord.meetings.rules import (
    PLANNING,
    materials_window,
    meeting_lock,
    require,
    require_filled,
    require_http_url,
    require_status,
)
from accord.org.models import Department, Person


@transaction.atomic
def material_add(
    *,
    actor: Person,
    meeting: Meeting,
    title: str,
    url: str = "",
    file=None,
    topic: AgendaTopic | None = None,
) -> Material:
    meeting_lock(meeting)
    require(roles.can_organise(actor, meeting), _("Only the organiser may add materials."))
    require_status(meeting, PLANNING, _("Materials are added before the meeting."))
    title = require_filled(
        title, field="title", message=_("Give the material a title."), max_length=200
    )
    url = url.strip()
    if not url and not file:
        raise AppError(_("Upload a file or give a link."), field="url", code="required")
    if url:
        require_http_url(url, field="url", message=_("The link must be an http(s) address."))
    if topic is not None and topic.meeting_id != meeting.pk:
        raise AppError(_("That topic belongs to another meeting."), field="topic")
    limit = settings.ACCORD_MAX_UPLOAD_MB * 1024 * 1024
    if file and file.size > limit:
        raise AppError(
            _("The file is larger than %(size)d MB.") % {"size": settings.ACCORD_MAX_UPLOAD_MB},
            field="file",
            code="too_large",
        )
    material = Material(meeting=meeting, topic=topic, title=title, url=url, added_by=actor)
    if file:
        material.file.save(file.name, file, save=False)
    material.save()
    audit_record(
        actor=actor, verb="material.added", subject=material, meeting=meeting, data={"title": title}
    )
    return material


@transaction.atomic
def meeting_set_materials_send_at(
    *, actor: Person, meeting: Meeting, send_at: dt.datetime | None = None
) -> Meeting:
    """Choose when materials and questions go out; by default the start of the window."""
    meeting_lock(meeting)
    require(
        roles.can_organise(actor, meeting),
        _("Only the organiser may decide when materials go out."),
    )
    require_status(meeting, PLANNING, _("Materials go out before the meeting."))
    if send_at is not None and (not isinstance(send_at, dt.datetime) or send_at.tzinfo is None):
        raise AppError(_("Give a date and time."), field="materials_send_at", code="invalid")
    send_at = send_at or max(materials_window(meeting)[0], clock.now())
    if send_at < clock.now():
        raise AppError(
            _("That time has passed; choose a moment from now on."), field="materials_send_at"
        )
    if send_at >= meeting.starts_at:
        raise AppError(
            _("Materials must go out before the meeting starts."), field="materials_send_at"
        )
    meeting.materials_send_at = send_at
    meeting.save(update_fields=["materials_send_at", "updated_at"])
    audit_record(
        actor=actor,
        verb="materials.send_at",
        subject=meeting,
        meeting=meeting,
        data={"send_at": send_at},
    )
    return meeting


@transaction.atomic
def question_add(
    *, actor: Person, meeting: Meeting, text: str, topic: AgendaTopic | None = None
) -> PrepQuestion:
    meeting_lock(meeting)
    require(
        roles.can_organise(actor, meeting),
        _("Only the organiser may ask pre-discussion questions."),
    )
    require_status(meeting, PLANNING, _("Questions are asked before the meeting."))
    text = require_filled(text, field="text", message=_("Write the question."))
    if topic is not None and topic.meeting_id != meeting.pk:
        raise AppError(_("That topic belongs to another meeting."), field="topic")
    last = meeting.questions.aggregate(last=Max("order"))["last"] or 0
    question = PrepQuestion.objects.create(meeting=meeting, topic=topic, text=text, order=last + 1)
    audit_record(actor=actor, verb="question.added", subject=question, meeting=meeting)
    return question


@transaction.atomic
def answer_save(
    *, actor: Person, question: PrepQuestion, department: Department, text: str
) -> PrepAnswer:
    """Save a department's written answer as a draft; it can change until it is submitted."""
    meeting = meeting_lock(question.meeting)
    require(
        roles.can_answer_for(actor, meeting, department.pk),
        _("Only participants of %(department)s may answer for it.") % {"department": department},
    )
    require_status(meeting, PLANNING, _("Answers are written before the meeting."))
    text = require_filled(text, field="text", message=_("Write the answer."))
    answer = (
        PrepAnswer.objects.select_for_update()
        .filter(question=question, department=department)
        .first()
    )
    if answer is not None and answer.submitted_at is not None:
        raise AppError(
            _("%(department)s has already submitted its answers.") % {"department": department},
            field="text",
            code="already_submitted",
        )
    if answer is None:
        answer = PrepAnswer.objects.create(
            question=question, department=department, author=actor, text=text
        )
    else:
        answer.text, answer.author = text, actor
        answer.save(update_fields=["text", "author", "updated_at"])
    audit_record(actor=actor, verb="answer.saved", subject=answer, meeting=meeting)
    return answer


@transaction.atomic
def answers_submit(*, actor: Person, meeting: Meeting, department: Department) -> int:
    """Submit all of a department's draft answers at once; every question needs one."""
    require(
        roles.can_answer_for(actor, meeting, department.pk),
        _("Only participants of %(department)s may answer for it.") % {"department": department},
    )
    require_status(meeting, PLANNING, _("Answers are written before the meeting."))
    answers = PrepAnswer.objects.filter(question__meeting=meeting, department=department)
    unanswered = meeting.questions.exclude(answers__department=department)
    if unanswered.exists():
        raise AppError(
            _("Answer every question before submitting; %(count)d still open.")
            % {"count": unanswered.count()},
            field="text",
            code="incomplete",
        )
    drafts = answers.filter(submitted_at__isnull=True)
    if not drafts.exists():
        raise AppError(
            _("%(department)s has already submitted its answers.") % {"department": department},
            code="already_submitted",
        )
    count = drafts.update(submitted_at=clock.now())
    audit_record(
        actor=actor,
        verb="answers.submitted",
        subject=meeting,
        meeting=meeting,
        data={"department": department, "count": count},
    )
    return count
