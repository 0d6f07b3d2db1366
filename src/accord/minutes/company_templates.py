"""Company templates for the minutes: an organisation uploads its own DOCX (its official 纪要
format) with placeholders, and the Word download fills it (``accord.exports.docx`` lists the
placeholders). Administrators and the PMO manage them; at most one is active.

A template is accepted only if it is a real .docx under ``ACCORD_MAX_UPLOAD_MB`` that fills
without error with a sample record; otherwise the refusal names the field ``file`` and
nothing is saved."""

import io
import logging
import zipfile
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accord.core import clock
from accord.core.errors import AppError, PermissionDenied
from accord.core.services import audit_record
from accord.exports.docx import TemplateError, minutes_docx_from_template
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
    record: dict[str, Any], *, language: str, template: MinutesTemplate
) -> bytes | None:
    """The record in the active company template, or ``None`` when its file cannot be read
    or filled any more (the caller falls back to the built-in layout)."""
    try:
        with template.file.open("rb") as handle:
            content = handle.read()
        return minutes_docx_from_template(record, language=language, template=content)
    except (OSError, TemplateError):
        logger.exception("minutes template %s could not be filled", template.pk)
        return None


# -- services ----------------------------------------------------------------------------------


def _refusal(error: TemplateError) -> AppError:
    if error.kind == "not_docx":
        return AppError(
            _("The file is not a Word document (.docx)."), field="file", code="not_docx"
        )
    if error.kind == "unknown":
        message = _(
            "The template uses a placeholder Accord does not fill (%(detail)s). "
            "See the list of placeholders."
        )
    else:
        message = _("A placeholder in the template is broken (%(detail)s).")
    message = message % {"detail": error.detail}
    if error.near:
        message += " " + _("Near: “%(text)s”.") % {"text": error.near}
    return AppError(message, field="file", code="template")


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
