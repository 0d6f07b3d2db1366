"""The writes of agenda templates (S-KIND-1..5): save a meeting's topics as a template, start
an agenda from one (its topics go in through ``services.topic_add``, with every check of the
agenda), and delete one. Only the PMO or an administrator shares a template with everyone."""

from django.db import transaction
from django.utils.translation import gettext as _

from accord.core.errors import AppError
from accord.core.services import audit_record
from accord.meetings import roles, services
from accord.meetings.agenda_templates import Template
from accord.meetings.models import AgendaTemplate, AgendaTemplateTopic, AgendaTopic, Meeting
from accord.meetings.rules import require, require_filled
from accord.org.models import Person
from accord.org.rules import is_admin


def may_share(person: Person) -> bool:
    return person.is_active and (person.is_pmo or is_admin(person))


@transaction.atomic
def agenda_template_save(
    *, actor: Person, meeting: Meeting, name: str, shared: bool = False
) -> AgendaTemplate:
    """Save the meeting's agenda (its topics in order, without the generated review of the
    previous plan) as a template of the meeting's kind, owned by ``actor``."""
    require(
        roles.can_organise(actor, meeting),
        _("Only the organiser may save this meeting's agenda as a template."),
    )
    if shared:
        require(may_share(actor), _("Only the PMO or an administrator may share a template."))
    name = require_filled(name, field="name", message=_("A template needs a name."), max_length=200)
    topics = [topic for topic in meeting.topics.order_by("order") if not topic.is_review]
    if not topics:
        raise AppError(_("The agenda has no topics to save yet."), field="topics", code="required")
    template = AgendaTemplate.objects.create(
        name=name, kind=meeting.kind, owner=actor, shared=shared
    )
    AgendaTemplateTopic.objects.bulk_create(
        AgendaTemplateTopic(
            template=template,
            order=order,
            title=topic.title,
            planned_minutes=topic.planned_minutes,
            lead_department_id=topic.lead_department_id,
            description=topic.description,
        )
        for order, topic in enumerate(topics, start=1)
    )
    audit_record(
        actor=actor,
        verb="agenda_template.saved",
        subject=template,
        meeting=meeting,
        data={"name": name, "topics": len(topics), "shared": shared},
    )
    return template


@transaction.atomic
def agenda_template_apply(
    *, actor: Person, meeting: Meeting, template: Template
) -> list[AgendaTopic]:
    """Add the template's topics after the meeting's own, in order: the same as adding each
    by hand (``services.topic_add`` checks who may and when)."""
    return [
        services.topic_add(
            actor=actor,
            meeting=meeting,
            title=topic.title,
            planned_minutes=topic.planned_minutes,
            lead_department=topic.lead_department,
            description=topic.description,
        )
        for topic in template.topics
    ]


@transaction.atomic
def agenda_template_delete(*, actor: Person, template: AgendaTemplate) -> None:
    """Its owner deletes it; a shared one, also the PMO or an administrator."""
    require(
        actor.is_active
        and (template.owner_id == actor.pk or (template.shared and may_share(actor))),
        _("Only its owner may delete this template."),
    )
    audit_record(
        actor=actor,
        verb="agenda_template.deleted",
        subject=template,
        data={"name": template.name},
    )
    template.delete()
