"""Agenda templates (S-KIND-1..5): the built-in one of every kind, saving a meeting's agenda
as a template, starting an agenda from one, sharing (PMO only) and deleting."""

import pytest

from accord.core.errors import PermissionDenied
from accord.meetings import services as meetings
from accord.meetings import template_services as templates
from accord.meetings.agenda_templates import agenda_template_get, agenda_templates_for
from accord.meetings.models import AgendaTemplate, Meeting
from tests.conftest import STARTS, Org
from tests.meetings.test_services import refuse


def topics_of(meeting: Meeting) -> list[tuple]:
    return list(
        meeting.topics.order_by("order").values_list(
            "order", "title", "planned_minutes", "lead_department__name"
        )
    )


@pytest.mark.parametrize(
    ("kind", "name", "topics", "minutes"),
    [
        (
            "kickoff",
            "Project kickoff",
            [
                "Goal and scope",
                "Requirement priorities",
                "Division of labour between departments",
                "Milestones and due dates",
            ],
            80,
        ),
        (
            "problem",
            "Problem solving",
            [
                "The problem and its facts",
                "Each department's view",
                "Options compared",
                "Decision, owners and due dates",
            ],
            75,
        ),
        (
            "process",
            "Process improvement",
            [
                "Pain points of the current process",
                "The proposed process",
                "Responsibilities and rules",
                "Trial and roll-out",
            ],
            80,
        ),
        (
            "resources",
            "Resource request",
            [
                "What is needed and why",
                "What the supporting department can give",
                "Allocation and priorities",
                "Hand-over and follow-up",
            ],
            70,
        ),
        (
            "alignment",
            "Goal alignment",
            [
                "How the previous plan was carried out",
                "Goals of the period",
                "Each department's goals and resources",
                "Dependencies and risks",
            ],
            80,
        ),
        (
            "check_in",
            "Weekly check-in",
            ["Last week's action items", "Blockers and help needed", "This week's plan"],
            30,
        ),
    ],
)
def test_every_kind_has_a_built_in_template(org: Org, kind, name, topics, minutes):
    """S-KIND-1..5 (and the weekly check-in of S-REVIEW-1): 3 to 5 topics, 60 to 90
    minutes (S-PREP-1, S-PREP-5), out of the box."""
    (template,) = agenda_templates_for(person=org.zhang, kind=kind)

    assert (template.key, template.name, template.built_in) == (f"built-in-{kind}", name, True)
    assert [topic.title for topic in template.topics] == topics
    assert template.planned_minutes == minutes


def test_starting_from_a_built_in_template_adds_its_topics(org: Org):
    meeting = meetings.meeting_create(
        actor=org.sun, title="冲突协调会", starts_at=STARTS, kind="problem"
    )
    meetings.topic_add(actor=org.sun, meeting=meeting, title="背景", planned_minutes=5)

    added = templates.agenda_template_apply(
        actor=org.sun,
        meeting=meeting,
        template=agenda_template_get(person=org.sun, key="built-in-problem"),
    )

    assert len(added) == 4
    assert topics_of(meeting) == [
        (1, "背景", 5, None),
        (2, "The problem and its facts", 15, None),
        (3, "Each department's view", 25, None),
        (4, "Options compared", 20, None),
        (5, "Decision, owners and due dates", 15, None),
    ]


def test_saving_the_agenda_as_a_template_and_starting_another_meeting_from_it(
    org: Org, draft_meeting
):
    saved = templates.agenda_template_save(
        actor=org.sun, meeting=draft_meeting, name="  上线启动会  "
    )

    assert (saved.name, saved.kind, saved.owner, saved.shared) == (
        "上线启动会",
        "kickoff",
        org.sun,
        False,
    )
    other = meetings.meeting_create(actor=org.sun, title="Q4上线启动会", starts_at=STARTS)
    template = agenda_template_get(person=org.sun, key=str(saved.pk))
    templates.agenda_template_apply(actor=org.sun, meeting=other, template=template)
    assert topics_of(other) == [
        (1, "产品需求优先级确认", 30, "市场部"),
        (2, "责任部门划分", 30, None),
        (3, "时间节点确认", 20, None),
    ]
    assert [t.name for t in agenda_templates_for(person=org.sun, kind="kickoff")] == [
        "Project kickoff",
        "上线启动会",
    ]


def test_an_own_template_is_not_offered_to_others_until_shared(org: Org, draft_meeting):
    own = templates.agenda_template_save(actor=org.sun, meeting=draft_meeting, name="我的模板")

    assert [t.name for t in agenda_templates_for(person=org.zhang, kind="kickoff")] == [
        "Project kickoff"
    ]
    with pytest.raises(AgendaTemplate.DoesNotExist):
        agenda_template_get(person=org.zhang, key=str(own.pk))

    shared = templates.agenda_template_save(
        actor=org.sun, meeting=draft_meeting, name="共享模板", shared=True
    )

    assert [t.name for t in agenda_templates_for(person=org.zhang, kind="kickoff")] == [
        "Project kickoff",
        "共享模板",
    ]
    assert agenda_template_get(person=org.zhang, key=str(shared.pk)).shared is True


def test_only_the_pmo_or_an_administrator_shares(org: Org, draft_meeting):
    """The host may plan the meeting and save its agenda, but not share it."""
    error = refuse(
        templates.agenda_template_save,
        actor=org.wang,
        meeting=draft_meeting,
        name="共享",
        shared=True,
    )

    assert isinstance(error, PermissionDenied)
    assert error.message == "Only the PMO or an administrator may share a template."
    assert not AgendaTemplate.objects.exists()


@pytest.mark.parametrize(
    ("name", "field", "message"),
    [
        ("  ", "name", "A template needs a name."),
        ("名" * 201, "name", "At most 200 characters."),
    ],
)
def test_a_template_needs_a_name(org: Org, draft_meeting, name, field, message):
    error = refuse(templates.agenda_template_save, actor=org.sun, meeting=draft_meeting, name=name)

    assert (error.field, error.message) == (field, message)
    assert not AgendaTemplate.objects.exists()


def test_an_empty_agenda_is_not_saved(org: Org):
    meeting = meetings.meeting_create(actor=org.sun, title="空会", starts_at=STARTS)

    error = refuse(templates.agenda_template_save, actor=org.sun, meeting=meeting, name="空")

    assert (error.field, error.code) == ("topics", "required")
    assert not AgendaTemplate.objects.exists()


def test_who_may_not_plan_neither_saves_nor_starts_from_a_template(org: Org, draft_meeting):
    error = refuse(templates.agenda_template_save, actor=org.zhang, meeting=draft_meeting, name="x")
    assert error.message == "Only the organiser may save this meeting's agenda as a template."
    before = topics_of(draft_meeting)

    with pytest.raises(PermissionDenied):
        templates.agenda_template_apply(
            actor=org.zhang,
            meeting=draft_meeting,
            template=agenda_template_get(person=org.zhang, key="built-in-kickoff"),
        )

    assert topics_of(draft_meeting) == before


def test_deleting_a_template(org: Org, draft_meeting):
    own = templates.agenda_template_save(actor=org.wang, meeting=draft_meeting, name="王的模板")

    error = refuse(templates.agenda_template_delete, actor=org.zhang, template=own)
    assert error.message == "Only its owner may delete this template."
    assert AgendaTemplate.objects.filter(pk=own.pk).exists()

    templates.agenda_template_delete(actor=org.wang, template=own)

    assert not AgendaTemplate.objects.exists()


@pytest.mark.parametrize("key", ["built-in-party", "abc", "99999", "1" * 20])
def test_an_unknown_template_key_is_not_found(org: Org, key):
    with pytest.raises(AgendaTemplate.DoesNotExist):
        agenda_template_get(person=org.sun, key=key)
