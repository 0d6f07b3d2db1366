"""Agenda templates per kind of meeting (S-KIND-1..5): the built-in ones, and the reads of
the templates a person may start an agenda from.

The built-in templates are code, not rows: each kind's agenda as the source's guidance
gives it (a kickoff fixes the division of labour and the milestones, S-KIND-1; a problem
meeting compares options before it decides, S-KIND-2 …). As code they are shown in each
reader's language and improve with each release; nothing has to be migrated, and nobody can
delete them by mistake. People save their own (``template_services.agenda_template_save``);
the PMO may share one with everyone.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accord.meetings.models import AgendaTemplate, AgendaTemplateTopic, Meeting
from accord.org.models import Department, Person

Kind = Meeting.Kind
BUILT_IN_PREFIX = "built-in-"


@dataclass(frozen=True)
class TemplateTopic:
    title: str
    planned_minutes: int
    lead_department: Department | None = None
    description: str = ""


@dataclass(frozen=True)
class Template:
    """A template as the topics step offers it: ``key`` is ``built-in-<kind>`` or the id of
    a saved one."""

    key: str
    name: str
    kind: str
    topics: tuple[TemplateTopic, ...]
    built_in: bool
    shared: bool = False
    owner: Person | None = None

    @property
    def planned_minutes(self) -> int:
        return sum(topic.planned_minutes for topic in self.topics)


# Each kind's agenda from the source's guidance (S-KIND-1..5, S-REVIEW-1, S-REVIEW-2): three
# to five topics within 60 to 90 minutes (S-PREP-1, S-PREP-5); a weekly check-in 30.
BUILT_IN: dict[str, tuple[Promise, list[tuple[Promise, int]]]] = {
    Kind.KICKOFF: (
        _("Project kickoff"),
        [
            (_("Goal and scope"), 15),
            (_("Requirement priorities"), 25),
            (_("Division of labour between departments"), 25),
            (_("Milestones and due dates"), 15),
        ],
    ),
    Kind.PROBLEM: (
        _("Problem solving"),
        [
            (_("The problem and its facts"), 15),
            (_("Each department's view"), 25),
            (_("Options compared"), 20),
            (_("Decision, owners and due dates"), 15),
        ],
    ),
    Kind.PROCESS: (
        _("Process improvement"),
        [
            (_("Pain points of the current process"), 15),
            (_("The proposed process"), 30),
            (_("Responsibilities and rules"), 20),
            (_("Trial and roll-out"), 15),
        ],
    ),
    Kind.RESOURCES: (
        _("Resource request"),
        [
            (_("What is needed and why"), 15),
            (_("What the supporting department can give"), 20),
            (_("Allocation and priorities"), 25),
            (_("Hand-over and follow-up"), 10),
        ],
    ),
    Kind.ALIGNMENT: (
        _("Goal alignment"),
        [
            (_("How the previous plan was carried out"), 15),
            (_("Goals of the period"), 20),
            (_("Each department's goals and resources"), 30),
            (_("Dependencies and risks"), 15),
        ],
    ),
    Kind.CHECK_IN: (
        _("Weekly check-in"),
        [
            (_("Last week's action items"), 10),
            (_("Blockers and help needed"), 10),
            (_("This week's plan"), 10),
        ],
    ),
}


def built_in(kind: str) -> Template:
    name, topics = BUILT_IN[kind]
    return Template(
        key=f"{BUILT_IN_PREFIX}{kind}",
        name=str(name),
        kind=kind,
        topics=tuple(TemplateTopic(str(title), minutes) for title, minutes in topics),
        built_in=True,
    )


def _of_row(row: AgendaTemplate) -> Template:
    return Template(
        key=str(row.pk),
        name=row.name,
        kind=row.kind,
        topics=tuple(
            TemplateTopic(t.title, t.planned_minutes, t.lead_department, t.description)
            for t in row.topics.all()
        ),
        built_in=False,
        shared=row.shared,
        owner=row.owner,
    )


def _usable(person: Person) -> Q:
    """A person uses their own templates and the shared ones."""
    return Q(owner=person) | Q(shared=True)


def agenda_templates_for(*, person: Person, kind: str | None = None) -> list[Template]:
    """The templates ``person`` may start an agenda from: the built-in one of ``kind``
    first (of every kind without it), then the saved ones of that kind — their own and
    the shared — by name. Two queries."""
    kinds = [kind] if kind in BUILT_IN else list(BUILT_IN)
    rows = AgendaTemplate.objects.filter(_usable(person)).select_related("owner")
    if kind:
        rows = rows.filter(kind=kind)
    rows = rows.prefetch_related(
        Prefetch(
            "topics",
            queryset=AgendaTemplateTopic.objects.select_related("lead_department").order_by(
                "order"
            ),
        )
    ).order_by("name", "id")
    return [built_in(k) for k in kinds] + [_of_row(row) for row in rows]


def agenda_template_get(*, person: Person, key: str) -> Template:
    """The template ``key`` names, if ``person`` may use it; ``AgendaTemplate.DoesNotExist``
    otherwise (one they may not use is as unknown as one that does not exist)."""
    if key.startswith(BUILT_IN_PREFIX):
        kind = key.removeprefix(BUILT_IN_PREFIX)
        if kind in BUILT_IN:
            return built_in(kind)
        raise AgendaTemplate.DoesNotExist
    if not (key.isascii() and key.isdigit() and len(key) < 12):
        raise AgendaTemplate.DoesNotExist
    row = (
        AgendaTemplate.objects.filter(_usable(person), pk=int(key))
        .select_related("owner")
        .prefetch_related(
            Prefetch(
                "topics",
                queryset=AgendaTemplateTopic.objects.select_related("lead_department"),
            )
        )
        .get()
    )
    return _of_row(row)
