"""Reads about meetings. ``meetings_visible_to`` is the one visibility rule: every list,
search, export, feed and API call that shows meetings (or what hangs off them) starts here."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.meetings.models import (
    AgendaTopic,
    CopiedDepartment,
    Material,
    Meeting,
    Objection,
    Participant,
    Position,
    PrepAnswer,
    PrepQuestion,
)
from accord.meetings.rules import materials_window
from accord.org.models import Department, Person


def _action_items():
    """The model of a meeting's action items, reached through the reverse relation
    ``Meeting.actions`` that the actions app declares (``ActionItem.meeting``): meetings come
    before actions in the dependency order (docs/architecture.md), so they read a meeting's
    items the way they read its minutes (``select_related("minutes")``), through the
    relation, without importing the app above them."""
    return Meeting._meta.get_field("actions").related_model


def _takes_part(person, among) -> Q:
    """Who takes part in a meeting: its organiser, host or recorder, a participant, or the
    owner of one of its action items. ``among(model, person_field=person)`` spells "a row of
    ``model`` of this meeting names the person" for the caller's kind of query."""
    return (
        Q(organiser=person)
        | Q(host=person)
        | Q(recorder=person)
        | among(Participant, person=person)
        | among(_action_items(), owner=person)
    )


def _visibility(person: Person, *, one: bool) -> Q | None:
    """The visibility rule as a filter on meetings; ``None``: every meeting (administrators),
    an empty ``IN``: none (signed out or inactive).

    Two spellings of the same rule, for the two ways it is asked. For a list (``one`` false)
    each "takes part" test is ``pk IN (subquery)``: the database computes each list once
    (PostgreSQL: a hashed subplan) rather than probing it for every meeting. For one meeting
    (``one``) each test is a correlated ``EXISTS``: a few index probes for that meeting,
    rather than building the person's whole lists."""
    if not person.is_authenticated or not person.is_active:
        return Q(pk__in=[])
    if person.is_superuser:
        return None

    def among(model, **match) -> Q:
        if one:
            return Q(Exists(model.objects.filter(meeting=OuterRef("pk"), **match)))
        return Q(pk__in=model.objects.filter(**match).values("meeting_id"))

    takes_part = _takes_part(person, among)
    if person.is_pmo:
        return takes_part | Q(confidential=False)
    related = among(Participant, department__head=person)
    if person.department_id is not None:
        related |= among(CopiedDepartment, department_id=person.department_id)
    return takes_part | (Q(confidential=False) & related)


def meetings_visible_to(person: Person) -> QuerySet[Meeting]:
    """A person sees a meeting if they take part (participant, organiser, host, recorder or
    owner of one of its action items), are in a copied department, head a participating
    department, or are PMO or an administrator. A confidential meeting narrows that to the
    people who take part and administrators."""
    rule = _visibility(person, one=False)
    return Meeting.objects.all() if rule is None else Meeting.objects.filter(rule)


def confidential_meetings_hidden_from(person: Person) -> QuerySet[Meeting]:
    """The confidential meetings ``person`` may not see (none for administrators): all that
    ``meetings_visible_to`` keeps from PMO, who sees every other meeting. They are few, so a
    figure over many action items leaves them out by id (``meeting_id NOT IN …``) rather
    than asking each item's meeting."""
    rule = _visibility(person, one=False)
    confidential = Meeting.objects.filter(confidential=True)
    return confidential.none() if rule is None else confidential.exclude(rule)


def seen_if_confidential(person_field: str) -> Q:
    """On meetings, in a subquery: the active person whose id is in the column
    ``person_field`` of the outer query may see the meeting even if it is confidential —
    they take part in it or are an administrator (the rule of ``meetings_visible_to``).
    For counting in one query for many readers, each named by a row (the weekly digest: a
    department's head, a meeting's organiser), where ``meetings_visible_to`` needs the
    person in Python."""
    reader = OuterRef(person_field)

    def among(model, **match) -> Q:
        deeper = {field: OuterRef(value) for field, value in match.items()}
        return Q(Exists(model.objects.filter(meeting=OuterRef("pk"), **deeper)))

    def person(**flags) -> Q:
        return Q(Exists(Person.objects.filter(pk=OuterRef(reader), is_active=True, **flags)))

    return person() & (_takes_part(reader, among) | person(is_superuser=True))


def meeting_visible_filter(person: Person) -> Q:
    """``meetings_visible_to`` for a query about one meeting (or a few): ``Meeting.objects
    .filter(pk=…).filter(meeting_visible_filter(person))`` probes indexes for that meeting."""
    return _visibility(person, one=True) or Q()


def meeting_visible_one(person: Person) -> QuerySet[Meeting]:
    """``meetings_visible_to`` for reading one meeting by its key (``.get(pk=…)``)."""
    return Meeting.objects.filter(meeting_visible_filter(person))


def meeting_get_visible(*, person: Person, pk: int) -> Meeting:
    """The meeting if the person may see it; ``Meeting.DoesNotExist`` otherwise, so that a
    meeting one may not see looks the same as one that does not exist."""
    return meeting_visible_one(person).get(pk=pk)


def meeting_get_for_write(*, person: Person, pk: int, may) -> Meeting:
    """``meeting_get_visible`` for a write that ``may(person, meeting)`` (a rule of
    ``meetings.roles``) allows: whoever it allows takes part or is an administrator, so for
    them the meeting is read by its key alone; anyone else is asked the visibility rule as
    usual (an unseen meeting stays a 404, a seen one gets the write's own refusal)."""
    meeting = Meeting.objects.filter(pk=pk).first()
    if meeting is not None and person.is_authenticated and may(person, meeting):
        return meeting
    return meeting_get_visible(person=person, pk=pk)


@dataclass(frozen=True)
class AgendaWarning:
    code: str
    message: str


def agenda_warnings(*, meeting: Meeting) -> list[AgendaWarning]:
    """The S-PREP-1 / S-PREP-5 checks, shown to the organiser; they warn, never block."""
    topics = [topic for topic in meeting.topics.all() if not topic.is_review]
    warnings = []
    low, high = settings.ACCORD_AGENDA_MIN_TOPICS, settings.ACCORD_AGENDA_MAX_TOPICS
    if not low <= len(topics) <= high:
        warnings.append(
            AgendaWarning(
                "topic_count",
                _("%(count)d topics: %(low)d to %(high)d keep the discussion focused.")
                % {"count": len(topics), "low": low, "high": high},
            )
        )
    shortest, longest = settings.ACCORD_MEETING_MIN_MINUTES, settings.ACCORD_MEETING_MAX_MINUTES
    if not shortest <= meeting.duration_minutes <= longest:
        warnings.append(
            AgendaWarning(
                "meeting_length",
                _("%(minutes)d minutes: %(low)d to %(high)d minutes are recommended.")
                % {"minutes": meeting.duration_minutes, "low": shortest, "high": longest},
            )
        )
    planned = sum(topic.planned_minutes for topic in meeting.topics.all())
    if planned > meeting.duration_minutes:
        warnings.append(
            AgendaWarning(
                "over_length",
                _("The topics need %(planned)d minutes but the meeting has %(minutes)d.")
                % {"planned": planned, "minutes": meeting.duration_minutes},
            )
        )
    if meeting.materials_send_at is not None:
        earliest, latest = materials_window(meeting)
        if not earliest <= meeting.materials_send_at <= latest:
            warnings.append(
                AgendaWarning(
                    "materials_timing",
                    _(
                        "Materials go out %(hours)d hours before the meeting: %(low)d to "
                        "%(high)d days before gives people time to prepare."
                    )
                    % {
                        "hours": (meeting.starts_at - meeting.materials_send_at).total_seconds()
                        // 3600,
                        "low": settings.ACCORD_MATERIALS_MIN_DAYS_BEFORE,
                        "high": settings.ACCORD_MATERIALS_MAX_DAYS_BEFORE,
                    },
                )
            )
    return warnings


@dataclass
class QuestionAnswers:
    question: PrepQuestion
    answers: dict[int, PrepAnswer] = field(default_factory=dict)  # by department id, submitted
    missing: list[Department] = field(default_factory=list)


def meeting_departments(meeting: Meeting) -> list[Department]:
    """The participating departments, by name (S-PREP-2), from the participants as loaded
    (``meeting_with_record``, ``meeting_for_saving``): no query of its own."""
    found = {p.department_id: p.department for p in meeting.participants.all()}
    return sorted(found.values(), key=lambda department: department.name)


def participating_departments(*, meeting: Meeting) -> list[Department]:
    return list(
        Department.objects.filter(participations__meeting=meeting).distinct().order_by("name")
    )


def answers_matrix(*, meeting: Meeting) -> tuple[list[Department], list[QuestionAnswers]]:
    """Every question × every participating department (S-PREP-4): the submitted answers side
    by side, and who has not answered. Drafts are the department's own business."""
    departments = participating_departments(meeting=meeting)
    questions = meeting.questions.prefetch_related(
        Prefetch(
            "answers",
            queryset=PrepAnswer.objects.filter(submitted_at__isnull=False)
            .select_related("author")
            .order_by("pk"),
            to_attr="submitted",
        )
    )
    rows = []
    for question in questions:
        row = QuestionAnswers(question=question)
        row.answers = {answer.department_id: answer for answer in question.submitted}
        row.missing = [d for d in departments if d.pk not in row.answers]
        rows.append(row)
    return departments, rows


def topic_clock_start(
    *, meeting: Meeting, topics: list[AgendaTopic], topic: AgendaTopic
) -> dt.datetime:
    """When a topic's clock started (S-PREP-5: the host keeps time): when the topics before
    it were last closed (their outcome recorded), or when the meeting started. Topics are
    taken in order (S-MEET-2): the one under discussion starts as the one before it closes.
    ``topics`` are the meeting's topics with their outcomes loaded; no query."""
    closed = [
        outcome.created_at
        for earlier in topics
        if earlier.order < topic.order
        and (outcome := getattr(earlier, "outcome", None)) is not None
    ]
    return max([meeting.started_at, *closed])


def minutes_between(start: dt.datetime, end: dt.datetime) -> int:
    """Whole minutes from ``start`` to ``end``, rounded half up; a topic that was opened and
    closed took at least a minute, and at most a day (the bounds of ``actual_minutes``)."""
    seconds = max(0.0, (end - start).total_seconds())
    return min(24 * 60, max(1, int((seconds + 30) // 60)))


def meeting_for_saving(*, pk: int, person: Person) -> Meeting:
    """The meeting as one field's save on the run page needs it (an autosave of a position
    or of notes, many a minute): its participants' departments and its topics, nothing of
    the record. A refused save reloads the whole record to show the page again."""
    return (
        meeting_visible_one(person)
        .prefetch_related(
            Prefetch("participants", queryset=Participant.objects.select_related("department")),
            Prefetch("topics", queryset=AgendaTopic.objects.order_by("order")),
        )
        .get(pk=pk)
    )


def meeting_with_record(*, pk: int, person: Person | None = None) -> Meeting:
    """The meeting with everything its minutes show, in a fixed number of queries however
    many topics, positions and action items it has."""
    meetings = meeting_visible_one(person) if person is not None else Meeting.objects.all()
    return (
        meetings.select_related(
            "organiser",
            "host__department",
            "recorder__department",
            "organiser_department",
            "series",
            "minutes",
        )
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("person", "department").order_by(
                    "department__name", "role", "id"
                ),
            ),
            Prefetch("copies", queryset=CopiedDepartment.objects.select_related("department")),
            Prefetch(
                "topics",
                queryset=AgendaTopic.objects.select_related(
                    "lead_department", "outcome__research_department"
                ).prefetch_related(
                    Prefetch(
                        "positions",
                        queryset=Position.objects.select_related("department").order_by("id"),
                    )
                ),
            ),
            Prefetch(
                "actions",
                queryset=_action_items()
                .objects.select_related("owner", "department", "topic", "signature__person")
                .order_by("id"),
            ),
            Prefetch(
                "objections",
                queryset=Objection.objects.select_related(
                    "raised_by__department", "raised_by_department", "recorded_by__department"
                ),
            ),
            "minutes__versions",
        )
        .get(pk=pk)
    )


def meetings_taking_part(*, person: Person) -> QuerySet[Meeting]:
    """Meetings the person takes part in (not merely may see), soonest first."""
    return (
        meetings_visible_to(person)
        .filter(
            Q(organiser=person)
            | Q(host=person)
            | Q(recorder=person)
            | Exists(Participant.objects.filter(meeting=OuterRef("pk"), person=person))
        )
        .select_related("host", "recorder")
    )


@dataclass
class PendingAnswers:
    meeting: Meeting
    department: Department
    open_questions: int


def answers_awaiting(*, person: Person) -> list[PendingAnswers]:
    """Departments the person answers for, in meetings not yet started, with questions
    their department has not submitted (S-PREP-4)."""
    participations = (
        Participant.objects.filter(
            person=person, meeting__status__in=[Meeting.Status.DRAFT, Meeting.Status.SCHEDULED]
        )
        .select_related("meeting", "department")
        .order_by("meeting__starts_at")
    )
    pending = []
    pairs = [(p.meeting, p.department) for p in participations]
    if not pairs:
        return pending
    questions = PrepQuestion.objects.filter(meeting__in=[m for m, _d in pairs]).values_list(
        "meeting_id", "pk"
    )
    submitted = set(
        PrepAnswer.objects.filter(
            question__meeting__in=[m for m, _d in pairs], submitted_at__isnull=False
        ).values_list("question_id", "department_id")
    )
    by_meeting: dict[int, list[int]] = {}
    for meeting_id, question_id in questions:
        by_meeting.setdefault(meeting_id, []).append(question_id)
    for meeting, department in pairs:
        open_count = sum(
            1 for q in by_meeting.get(meeting.pk, []) if (q, department.pk) not in submitted
        )
        if open_count:
            pending.append(PendingAnswers(meeting, department, open_count))
    return pending


# -- reads behind the meeting pages (web) ----------------------------------------------------------


def _local_midnight(day: dt.date) -> dt.datetime:
    """The start of a day in the organisation's time zone (the current one)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def meetings_search(
    *,
    person: Person,
    status: str = "",
    department: Department | None = None,
    kind: str = "",
    starts_from: dt.date | None = None,
    starts_to: dt.date | None = None,
    text: str = "",
) -> QuerySet[Meeting]:
    """The meetings a person may see, narrowed by the list's filters, newest first.

    ``department`` matches a meeting it takes part in or organises; the dates are whole days
    (both ends included) in the organisation's time zone; ``text`` looks in name and goal."""
    meetings = meetings_visible_to(person)
    if status:
        meetings = meetings.filter(status=status)
    if kind:
        meetings = meetings.filter(kind=kind)
    if department is not None:
        meetings = meetings.filter(
            Q(organiser_department=department)
            | Exists(Participant.objects.filter(meeting=OuterRef("pk"), department=department))
        )
    if starts_from is not None:
        meetings = meetings.filter(starts_at__gte=_local_midnight(starts_from))
    if starts_to is not None:
        meetings = meetings.filter(starts_at__lt=_local_midnight(starts_to + dt.timedelta(days=1)))
    text = text.strip()
    if text:
        meetings = meetings.filter(Q(title__icontains=text) | Q(goal__icontains=text))
    return meetings.select_related("host").order_by("-starts_at", "-id")


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week a day falls in."""
    return day - dt.timedelta(days=day.weekday())


def meetings_in_week(*, person: Person, monday: dt.date) -> list[Meeting]:
    """The visible meetings starting Monday 00:00 to Sunday 24:00 local time, in time order."""
    return list(
        meetings_visible_to(person)
        .filter(
            starts_at__gte=_local_midnight(monday),
            starts_at__lt=_local_midnight(monday + dt.timedelta(days=7)),
        )
        .select_related("host")
        .order_by("starts_at", "id")
    )


def meeting_for_planning(*, person: Person, pk: int) -> Meeting:
    """A visible meeting with everything its page shows — people, topics, participants,
    copied departments, questions, materials — in a fixed number of queries."""
    return (
        meeting_visible_one(person)
        .select_related(
            "organiser",
            "organiser_department",
            "host__department",
            "recorder__department",
            "minutes",
        )
        .prefetch_related(
            Prefetch(
                "topics",
                queryset=AgendaTopic.objects.select_related("lead_department").order_by("order"),
            ),
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("person", "department").order_by(
                    "department__name", "role", "id"
                ),
            ),
            Prefetch(
                "copies",
                queryset=CopiedDepartment.objects.select_related("department").order_by(
                    "department__name"
                ),
            ),
            Prefetch(
                "questions",
                queryset=PrepQuestion.objects.select_related("topic").order_by("order", "id"),
            ),
            Prefetch(
                "materials",
                queryset=Material.objects.select_related("topic").order_by("id"),
            ),
        )
        .get(pk=pk)
    )


def meeting_for_preparation(*, person: Person, pk: int) -> Meeting:
    """A visible meeting with its questions and materials (S-PREP-3), in three queries."""
    return (
        meeting_visible_one(person)
        .select_related("host", "recorder")
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=PrepQuestion.objects.select_related("topic").order_by("order", "id"),
            ),
            Prefetch("materials", queryset=Material.objects.select_related("topic").order_by("id")),
        )
        .get(pk=pk)
    )


def material_get_visible(*, person: Person, pk: int) -> Material:
    """A material of a meeting the person may see; ``Material.DoesNotExist`` otherwise."""
    return Material.objects.select_related("meeting").get(
        Exists(meeting_visible_one(person).filter(pk=OuterRef("meeting_id"))), pk=pk
    )


def people_to_choose(*, department: Department | None = None) -> list[Person]:
    """Active people to name as host, recorder or participant, by department and name;
    with ``department``, its members and its head."""
    people = Person.objects.filter(is_active=True).select_related("department")
    if department is not None:
        people = people.filter(Q(department=department) | Q(pk=department.head_id or 0))
    return list(
        people.order_by(F("department__name").asc(nulls_last=True), "name", "username", "pk")
    )


def departments_to_choose() -> list[Department]:
    return list(Department.objects.order_by("name"))


def answering_departments(*, person: Person, meeting: Meeting) -> list[Department]:
    """The participating departments whose answers the person writes (see
    ``roles.can_answer_for``): those they take part for, and those they head."""
    if not person.is_active:
        return []
    return list(
        Department.objects.filter(
            Q(head=person)
            | Q(
                pk__in=Participant.objects.filter(meeting=meeting, person=person).values(
                    "department_id"
                )
            ),
            pk__in=Participant.objects.filter(meeting=meeting).values("department_id"),
        ).order_by("name")
    )


def department_answers(
    *, meeting: Meeting, departments: list[Department]
) -> dict[tuple[int, int], PrepAnswer]:
    """The answers (drafts and submitted) of these departments, by (question id,
    department id): what each department sees of its own work (S-PREP-4)."""
    if not departments:
        return {}
    answers = PrepAnswer.objects.filter(
        question__meeting=meeting, department__in=departments
    ).select_related("author")
    return {(answer.question_id, answer.department_id): answer for answer in answers}
