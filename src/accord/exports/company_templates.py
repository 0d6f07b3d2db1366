"""Company templates for the minutes: an organisation uploads its own DOCX (its official 纪要
format) with placeholders, and the Word download fills it (``accord.exports.docx`` lists the
placeholders). Administrators and the PMO manage them; at most one is active.

A template is accepted only if it is a real .docx under ``ACCORD_MAX_UPLOAD_MB`` that fills
without error with a sample record, within the budget of ``ACCORD_TEMPLATE_SECONDS`` and
``ACCORD_TEMPLATE_MEMORY_MB``; otherwise the refusal names the field ``file`` and the cause,
and nothing is saved.

A template that passed with the sample may still fail on a real record (a meeting with many
more items than the sample). The Word download then refuses, naming the template and the
cause, rather than quietly handing out the built-in layout: the organisation chose its
official format, and a document in another layout that looks like a success would go out
unnoticed. The refusal is written to the audit log (``minutes_template.failed``) so that an
administrator learns of it, and the same page offers the built-in layout meanwhile."""

import hashlib
import io
import json
import logging
import zipfile
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accord.core import clock
from accord.core.errors import AppError, PermissionDenied
from accord.core.services import audit_record
from accord.exports.docx import TemplateError, minutes_docx_from_template
from accord.meetings.models import Meeting
from accord.minutes.models import MinutesTemplate
from accord.org.models import Person

logger = logging.getLogger(__name__)

# A record with one of everything, to try a template on before it is saved.
SAMPLE_RECORD: dict[str, Any] = {
    "meeting": {
        "id": 0,
        "title": "Q3产品上线跨部门协作启动会",
        "goal": "确定Q3产品上线分工",
        "kind": "kickoff",
        "starts_at": "2026-08-28T14:00:00+08:00",
        "ends_at": "2026-08-28T15:30:00+08:00",
        "started_at": "2026-08-28T14:00:00+08:00",
        "ended_at": "2026-08-28T15:28:00+08:00",
        "location": "3号会议室",
        "online_link": "https://meeting.example.com/618",
        "online_meeting_number": "腾讯会议 618-2023-815",
        "host": {"id": 0, "name": "王经理", "title": "经理"},
        "recorder": {"id": 0, "name": "赵专员", "title": "专员"},
        "departments": [
            {"department": "市场部", "people": ["经理", "专员"]},
            {"department": "研发部", "people": ["主管", "工程师"]},
        ],
        "copied_departments": ["财务部"],
    },
    "topics": [
        {
            "order": 1,
            "title": "产品需求优先级确认",
            "lead_department": "市场部",
            "planned_minutes": 30,
            "actual_minutes": 35,
            "notes": "A & B < C",
            "positions": [
                {
                    "department": "市场部",
                    "statement": "核心需求为A、B、C，建议优先开发A。",
                    "evidence": "用户需求占比60%",
                }
            ],
            "outcome": {"kind": "consensus", "text": "优先开发A。", "research_department": ""},
        }
    ],
    "consensus": [{"topic": "产品需求优先级确认", "text": "优先开发A。"}],
    "actions": [
        {
            "id": 0,
            "task": "完成需求A的技术方案初稿",
            "owner": "周工程师",
            "department": "研发部",
            "due_date": "2026-09-04",
            "resources": "两名后端工程师",
            "status": "open",
            "topic": "产品需求优先级确认",
        }
    ],
    "objections": [
        {"text": "D需求放到第二迭代太晚。", "raised_by": "刘代表", "resolution": "下次会议再议。"}
    ],
    "signatures": [
        {
            "action_id": 0,
            "owner": "周工程师",
            "task": "完成需求A的技术方案初稿",
            "signed_at": "2026-08-29T15:28:00+08:00",
            "version": 1,
        }
    ],
    "summary": "会议确定了Q3产品上线分工。",
    "statuses_as_of": "2026-08-29T16:00:00+08:00",
}


def can_manage_templates(person: Person) -> bool:
    return bool(person.is_active and (person.is_superuser or person.is_pmo))


def _require_manager(actor: Person) -> None:
    if not can_manage_templates(actor):
        raise PermissionDenied(_("Only administrators and the PMO manage minutes templates."))


# -- selectors ---------------------------------------------------------------------------------


def minutes_templates() -> QuerySet[MinutesTemplate]:
    return MinutesTemplate.objects.select_related("uploaded_by").order_by("-uploaded_at", "-id")


def minutes_template_active() -> MinutesTemplate | None:
    return MinutesTemplate.objects.filter(active=True).first()


def minutes_docx_with_active_template(
    record: dict[str, Any],
    *,
    language: str,
    template: MinutesTemplate,
    actor: Person,
    meeting: Meeting,
) -> bytes:
    """The record in the active company template. A template whose file cannot be read or
    that cannot fill this record within its budget is refused with an ``AppError`` that
    names the template and the cause (``code="template_failed"``), and the failure is
    audited; the caller offers the built-in layout instead.

    A failure is remembered for an hour for this template, record and language: reloading
    the download answers at once, without another filling process and another audit row."""
    remembered = _failure_key(template, record, language)
    known = cache.get(remembered)
    if known is not None:
        raise _download_refusal(template, template_problem(TemplateError(**known)))
    try:
        with template.file.open("rb") as handle:
            content = handle.read()
    except OSError as error:
        cause, kind = _("The template's file could not be read."), "unreadable"
        detail = str(error)
    else:
        try:
            return minutes_docx_from_template(record, language=language, template=content)
        except TemplateError as error:
            cause, kind, detail = template_problem(error), error.kind, error.detail
            cache.set(remembered, error.as_dict(), FAILURE_REMEMBERED_SECONDS)
    logger.warning(
        "minutes template %s could not fill meeting %s: %s %s",
        template.pk,
        meeting.pk,
        kind,
        detail,
    )
    audit_record(
        actor=actor,
        verb="minutes_template.failed",
        subject=template,
        meeting=meeting,
        data={"name": template.name, "cause": kind, "detail": detail[:300]},
    )
    raise _download_refusal(template, cause)


FAILURE_REMEMBERED_SECONDS = 3600


def _failure_key(template: MinutesTemplate, record: dict[str, Any], language: str) -> str:
    # The moment the statuses were read changes with every download, the record does not.
    content = {key: value for key, value in record.items() if key != "statuses_as_of"}
    digest = hashlib.sha256(
        json.dumps(content, sort_keys=True, default=str).encode() + language.encode()
    ).hexdigest()
    budget = f"{settings.ACCORD_TEMPLATE_SECONDS}s{settings.ACCORD_TEMPLATE_MEMORY_MB}mb"
    return f"accord:template-failed:{template.pk}:{template.file.name}:{budget}:{digest}"


def _download_refusal(template: MinutesTemplate, cause: str) -> AppError:
    return AppError(
        _(
            "The Word template “%(name)s” could not be filled with these minutes. %(cause)s "
            "An administrator can fix the template or stop using it under Minutes templates; "
            "meanwhile, download the minutes in the built-in layout."
        )
        % {"name": template.name, "cause": cause},
        code="template_failed",
    )


# -- services ----------------------------------------------------------------------------------


def template_problem(error: TemplateError) -> str:
    """What is wrong with a template, said for the person who maintains it."""
    limit = f"{error.limit:,}"
    if error.kind == "not_docx":
        return _("The file is not a Word document (.docx).")
    if error.kind == "time":
        message = ngettext(
            "The template took longer than %(seconds)d second to fill.",
            "The template took longer than %(seconds)d seconds to fill.",
            error.limit,
        ) % {"seconds": error.limit}
    elif error.kind == "memory":
        message = _("The template needed more than %(size)d MB of memory to fill.") % {
            "size": error.limit
        }
    elif error.kind == "text_too_long":
        message = _("The template makes a text longer than %(limit)s characters.") % {
            "limit": limit
        }
    elif error.kind == "number_too_long":
        message = _("The template makes a number longer than %(limit)s digits.") % {"limit": limit}
    elif error.kind == "document_too_long":
        message = _("The template makes a document longer than %(limit)s characters.") % {
            "limit": limit
        }
    elif error.kind == "crashed":
        message = _("The template could not be filled: the filling stopped (%(detail)s).") % {
            "detail": error.detail
        }
    elif error.kind == "unknown":
        message = _(
            "The template uses a placeholder Accord does not fill (%(detail)s). "
            "See the list of placeholders."
        ) % {"detail": error.detail}
    else:
        message = _("A placeholder in the template is broken (%(detail)s).") % {
            "detail": error.detail
        }
    if error.near:
        message += " " + _("Near: “%(text)s”.") % {"text": error.near}
    return message


# The refusal's code at upload, by the kind of TemplateError; "template" for the rest.
UPLOAD_CODES = {
    "not_docx": "not_docx",
    "time": "too_slow",
    "memory": "too_much_memory",
    "text_too_long": "too_long",
    "number_too_long": "too_long",
    "document_too_long": "too_long",
}


def _refusal(error: TemplateError) -> AppError:
    return AppError(
        template_problem(error), field="file", code=UPLOAD_CODES.get(error.kind, "template")
    )


def _check(file) -> tuple[str, bytes]:
    if not file:
        raise AppError(_("Choose a .docx file."), field="file", code="required")
    limit = settings.ACCORD_MAX_UPLOAD_MB * 1024 * 1024
    if file.size > limit:
        raise AppError(
            _("The file is larger than %(size)d MB.") % {"size": settings.ACCORD_MAX_UPLOAD_MB},
            field="file",
            code="too_large",
        )
    filename = PurePath(file.name or "").name
    content = file.read()
    if not filename.lower().endswith(".docx") or not zipfile.is_zipfile(io.BytesIO(content)):
        raise AppError(_("The file is not a Word document (.docx)."), field="file", code="not_docx")
    try:
        minutes_docx_from_template(SAMPLE_RECORD, language="zh-hans", template=content)
    except TemplateError as error:
        raise _refusal(error) from error
    return filename, content


@transaction.atomic
def minutes_template_upload(
    *, actor: Person, name: str, file, activate: bool = False
) -> MinutesTemplate:
    """Keep a company template once it fills a sample record without error."""
    _require_manager(actor)
    filename, content = _check(file)
    name = (name or "").strip() or PurePath(filename).stem
    if len(name) > 200:
        raise AppError(_("Keep the name under 200 characters."), field="name")
    template = MinutesTemplate(name=name, uploaded_by=actor, uploaded_at=clock.now())
    template.file.save(filename, ContentFile(content), save=False)
    try:
        template.save()
    except Exception:
        template.file.delete(save=False)
        raise
    audit_record(
        actor=actor, verb="minutes_template.uploaded", subject=template, data={"name": name}
    )
    if activate:
        minutes_template_activate(actor=actor, template=template, active=True)
    return template


@transaction.atomic
def minutes_template_activate(
    *, actor: Person, template: MinutesTemplate, active: bool
) -> MinutesTemplate:
    """Make the template the one the Word download uses (any other stops), or stop it."""
    _require_manager(actor)
    locked = list(MinutesTemplate.objects.select_for_update().filter(active=True))
    if active:
        for other in locked:
            if other.pk != template.pk:
                other.active = False
                other.save(update_fields=["active"])
    template.active = active
    template.save(update_fields=["active"])
    audit_record(
        actor=actor,
        verb="minutes_template.activated" if active else "minutes_template.deactivated",
        subject=template,
        data={"name": template.name},
    )
    return template


@transaction.atomic
def minutes_template_delete(*, actor: Person, template: MinutesTemplate) -> None:
    _require_manager(actor)
    audit_record(
        actor=actor, verb="minutes_template.deleted", subject=template, data={"name": template.name}
    )
    file = template.file
    template.delete()
    transaction.on_commit(lambda: file.delete(save=False))
