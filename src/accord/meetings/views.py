"""The meeting pages: list, week, plan (create, edit, detail) and prepare (S-PREP-1..5).

Views parse with a form, call a service (writes) or a selector (reads) and render. A refused
or invalid input re-renders the same page with what was typed and the message (422, or 403
when the person may not do it); a meeting one may not see is a 404, like one that does not
exist. htmx requests get the changed section only; every form also works without JavaScript.
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core import clock
from accord.meetings import roles, services
from accord.meetings.forms import (
    AnswerForm,
    CancelForm,
    CopyForm,
    DepartmentChoiceForm,
    DepartmentInviteForm,
    MaterialForm,
    MeetingFilterForm,
    MeetingForm,
    ParticipantForm,
    QuestionForm,
    ScheduleForm,
    SendAtForm,
    SubmitAnswersForm,
    TopicForm,
    TopicsReorderForm,
    WeekForm,
)
from accord.meetings.models import (
    AgendaTopic,
    Material,
    Meeting,
    Participant,
    PrepAnswer,
    PrepQuestion,
)
from accord.meetings.selectors import (
    agenda_warnings,
    answering_departments,
    answers_matrix,
    department_answers,
    departments_to_choose,
    material_get_visible,
    meeting_for_planning,
    meeting_for_preparation,
    meeting_get_visible,
    meetings_in_week,
    meetings_search,
    participating_departments,
    people_to_choose,
    week_start,
)
from accord.org.models import Department
from accord.series.review_views import ReviewFailure, detail_url, review_context
from accord.series.views import follow_context
from accord.web.forms import call_with_form

PAGE_SIZE = 25
Status = Meeting.Status

# The steps of the loop as the page shows them; "closed" has them all done.
STEPS = [
    (Status.DRAFT, gettext_lazy("Draft")),
    (Status.SCHEDULED, gettext_lazy("Scheduled")),
    (Status.IN_PROGRESS, gettext_lazy("In progress")),
    (Status.MINUTES_DRAFT, gettext_lazy("Minutes")),
    (Status.IN_REVIEW, gettext_lazy("Review")),
    (Status.APPROVED, gettext_lazy("Approved")),
    (Status.DISTRIBUTED, gettext_lazy("Distributed")),
]


# -- helpers ----------------------------------------------------------------------------------------


def _visible(request: HttpRequest, pk: int) -> Meeting:
    try:
        return meeting_get_visible(person=request.user, pk=pk)
    except Meeting.DoesNotExist:
        raise Http404 from None


def _planning(request: HttpRequest, pk: int) -> Meeting:
    try:
        return meeting_for_planning(person=request.user, pk=pk)
    except Meeting.DoesNotExist:
        raise Http404 from None


def _preparation(request: HttpRequest, pk: int) -> Meeting:
    try:
        return meeting_for_preparation(person=request.user, pk=pk)
    except Meeting.DoesNotExist:
        raise Http404 from None


def _failed_messages(form: forms.Form | None, *, shown_in_place: bool) -> list[str]:
    """The messages to show atop the section of a refused form: those about the whole form
    when the form is shown in place with its field errors, otherwise all of them."""
    if form is None:
        return []
    if shown_in_place:
        return list(form.non_field_errors())
    return [message for errors in form.errors.values() for message in errors]


def _steps(meeting: Meeting) -> list[dict]:
    statuses = [status for status, _label in STEPS]
    if meeting.status == Status.CLOSED:
        current = len(STEPS)
    elif meeting.status in statuses:
        current = statuses.index(meeting.status)
    else:
        return []
    return [
        {"label": label, "state": "done" if i < current else "current" if i == current else ""}
        for i, (_status, label) in enumerate(STEPS)
    ]


# -- list and week ------------------------------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    """The meetings one may see, filtered, 25 a page, newest first."""
    form = MeetingFilterForm(request.GET, departments=departments_to_choose())
    status = 200 if form.is_valid() else 422
    # Invalid filters are reported beside their field; the valid ones still apply.
    data = form.cleaned_data
    meetings = meetings_search(
        person=request.user,
        status=data.get("status") or "",
        department=data.get("department"),
        kind=data.get("kind") or "",
        starts_from=data.get("starts_from"),
        starts_to=data.get("starts_to"),
        text=data.get("q") or "",
    )
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/list.html",
        {"nav": "meetings", "form": form, "page": page},
        status=status,
    )


@dataclass
class Day:
    date: dt.date
    is_today: bool
    meetings: list[Meeting] = field(default_factory=list)


@login_required
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """Monday to Sunday of one week with the meetings one may see."""
    form = WeekForm(request.GET)
    today = clock.today()
    status = 200
    day = today
    if form.is_valid():
        day = form.cleaned_data["week"] or today
    else:
        status = 422
    monday = week_start(day)
    days = [
        Day(date=monday + dt.timedelta(days=n), is_today=monday + dt.timedelta(days=n) == today)
        for n in range(7)
    ]
    for meeting in meetings_in_week(person=request.user, monday=monday):
        days[timezone.localtime(meeting.starts_at).date().weekday()].meetings.append(meeting)
    return render(
        request,
        "meetings/calendar.html",
        {
            "nav": "meetings",
            "form": form,
            "days": days,
            "monday": monday,
            "sunday": monday + dt.timedelta(days=6),
            "previous": monday - dt.timedelta(days=7),
            "next": monday + dt.timedelta(days=7),
            "this_week": week_start(today),
        },
        status=status,
    )


# -- create and edit ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    """Plan a meeting: a draft with its goal, time, place, host and recorder (S-PREP-1)."""
    people = people_to_choose()
    if request.method == "GET":
        form = MeetingForm(people=people, initial={"duration_minutes": 90})
        return _form_page(request, form, meeting=None)
    form = MeetingForm(request.POST, people=people)
    meeting, status = call_with_form(
        form, lambda data: services.meeting_create(actor=request.user, **data)
    )
    if status is not None:
        return _form_page(request, form, meeting=None, status=status)
    messages.success(request, _("Meeting “%(title)s” created as a draft.") % {"title": meeting})
    return redirect("meetings:detail", meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _visible(request, pk)
    people = people_to_choose()
    initial = MeetingForm.initial_of(meeting)
    if not (roles.can_organise(request.user, meeting) and meeting.status in services.PLANNING):
        return _form_page(
            request,
            MeetingForm(people=people, initial=initial),
            meeting=meeting,
            status=403,
            refusal=_("Only the organiser may change this meeting, and only before it starts."),
        )
    if request.method == "GET":
        return _form_page(request, MeetingForm(people=people, initial=initial), meeting=meeting)
    form = MeetingForm(request.POST, people=people, initial=initial)
    _result, status = call_with_form(
        form, lambda data: services.meeting_update(actor=request.user, meeting=meeting, **data)
    )
    if status is not None:
        return _form_page(request, form, meeting=meeting, status=status)
    messages.success(request, _("Meeting saved."))
    return redirect("meetings:detail", meeting.pk)


def _form_page(
    request: HttpRequest,
    form: MeetingForm,
    *,
    meeting: Meeting | None,
    status: int = 200,
    refusal: str = "",
) -> HttpResponse:
    return render(
        request,
        "meetings/form.html",
        {"nav": "meetings", "form": form, "meeting": meeting, "refusal": refusal},
        status=status,
    )


# -- the detail page ---------------------------------------------------------------------------------


@dataclass
class TopicRow:
    topic: AgendaTopic
    up: list[int] | None  # the order after moving it up, if it can move up
    down: list[int] | None


def _topic_rows(topics: list[AgendaTopic]) -> list[TopicRow]:
    ids = [topic.pk for topic in topics]
    rows = []
    for i, topic in enumerate(topics):
        up = down = None
        if i > 0:
            up = ids[: i - 1] + [ids[i], ids[i - 1]] + ids[i + 1 :]
        if i < len(ids) - 1:
            down = ids[:i] + [ids[i + 1], ids[i]] + ids[i + 2 :]
        rows.append(TopicRow(topic, up, down))
    return rows


def _detail_context(
    request: HttpRequest,
    meeting: Meeting,
    *,
    failed: forms.Form | None = None,
    failed_name: str = "",
    failed_section: str = "",
    chosen: str | None = None,
    full_page: bool = True,
    review_failure: ReviewFailure | None = None,
    review_next: str | None = None,
) -> dict[str, Any]:
    """Everything the detail page and its sections show. ``failed`` is the form that was
    refused, re-rendered in its place (``failed_name``) with what was typed; its general
    message shows atop its section (or atop the page when the section has no controls).
    ``chosen`` (``?department=``) narrows the invite form to that department's people; an
    unknown one narrows nothing. The whole page also reviews the previous plan (S-REVIEW-2),
    with ``review_failure`` shown at its item's form."""
    bound = {failed_name: failed} if failed is not None and failed_name else {}
    person = request.user
    topics = list(meeting.topics.all())
    can_plan = roles.can_organise(person, meeting) and meeting.status in services.PLANNING
    steps = _steps(meeting)
    context: dict[str, Any] = {
        "nav": "meetings",
        "meeting": meeting,
        "topics": topics,
        "participants": list(meeting.participants.all()),
        "copies": list(meeting.copies.all()),
        "questions": list(meeting.questions.all()),
        "materials": list(meeting.materials.all()),
        "topic_rows": _topic_rows(topics),
        "planned_minutes": sum(topic.planned_minutes for topic in topics),
        "steps": steps,
        # The current step says the status: no second badge for it beside the title.
        "step_is_status": any(step["state"] == "current" for step in steps),
        "can_plan": can_plan,
        "can_schedule": can_plan and meeting.status == Status.DRAFT,
        "has_minutes": hasattr(meeting, "minutes"),
        "may_run": meeting.status in (Status.SCHEDULED, Status.IN_PROGRESS)
        and (roles.can_run(person, meeting) or roles.can_record(person, meeting)),
        "failed_section": failed_section,
        # On the full page a section without controls leaves the message to the page top.
        "failed_in_section": can_plan or bool(request.htmx),
        "failed_messages": _failed_messages(failed, shown_in_place=bool(failed_name) and can_plan),
    }
    if full_page:
        context |= review_context(
            person=person,
            meeting=meeting,
            next_url=review_next or detail_url(meeting.pk),
            failure=review_failure,
        )
    if not can_plan:
        return context
    departments = departments_to_choose()
    people = people_to_choose()
    choose_form = DepartmentChoiceForm({"department": chosen or ""}, departments=departments)
    department = choose_form.cleaned_data.get("department") if choose_form.is_valid() else None
    invite_people = people if department is None else people_to_choose(department=department)
    copied = {copy.department_id for copy in context["copies"]}
    forms_ = {
        "topic_form": lambda: TopicForm(departments=departments),
        "question_form": lambda: QuestionForm(topics=topics),
        "choose_form": lambda: DepartmentChoiceForm(
            departments=departments, initial={"department": department and department.pk}
        ),
        "invite_form": lambda: DepartmentInviteForm(
            departments=departments,
            people=invite_people,
            initial={"department": department and department.pk},
        ),
        "participant_form": lambda: ParticipantForm(departments=departments, people=people),
        "copy_form": lambda: CopyForm(departments=[d for d in departments if d.pk not in copied]),
        "material_form": lambda: MaterialForm(topics=topics),
        "send_at_form": lambda: SendAtForm(
            initial={"materials_send_at": meeting.materials_send_at}
        ),
        "schedule_form": ScheduleForm,
        "cancel_form": CancelForm,
    }
    for name, make in forms_.items():
        context[name] = bound.get(name) or make()
    context["warnings"] = agenda_warnings(meeting=meeting)
    if full_page:  # S-REVIEW-1: review the plan of an earlier meeting
        context |= follow_context(person=person, meeting=meeting, form=bound.get("follow_form"))
    return context


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting read-only, or, for its organiser before it starts, its planning."""
    return detail_page(request, pk)


def detail_page(
    request: HttpRequest,
    pk: int,
    *,
    status: int = 200,
    review_failure: ReviewFailure | None = None,
    review_next: str | None = None,
) -> HttpResponse:
    """The detail page; also what a refused move of the review shows (S-REVIEW-2)."""
    meeting = _planning(request, pk)
    context = _detail_context(
        request,
        meeting,
        chosen=request.GET.get("department"),
        review_failure=review_failure,
        review_next=review_next,
    )
    return render(request, "meetings/detail.html", context, status=status)


@login_required
@require_GET
def participants_section(request: HttpRequest, pk: int) -> HttpResponse:
    """The participants section with the invite form narrowed to one department's people;
    without htmx, the detail page showing the same."""
    meeting = _planning(request, pk)
    if not request.htmx:
        query = request.GET.urlencode()
        target = reverse("meetings:detail", args=[meeting.pk])
        return redirect(f"{target}?{query}#participants" if query else f"{target}#participants")
    context = _detail_context(
        request, meeting, chosen=request.GET.get("department"), full_page=False
    )
    return render(request, "meetings/_participants.html", context)


def _after_planning(
    request: HttpRequest,
    pk: int,
    *,
    section: str,
    form: forms.Form,
    status: int | None,
    notice: str,
    form_name: str = "",
) -> HttpResponse:
    """The answer to a planning POST: on success a redirect (the section alone for htmx),
    otherwise the page again with the form as it was typed and its message."""
    if status is None and not request.htmx:
        messages.success(request, notice)
        return redirect(reverse("meetings:detail", args=[pk]) + f"#{section}")
    meeting = _planning(request, pk)
    context = _detail_context(
        request,
        meeting,
        failed=form if status else None,
        failed_name=form_name,
        failed_section=section,
        full_page=not request.htmx,
    )
    if request.htmx:
        context["notice"] = notice if status is None else ""
        context["oob_warnings"] = True
        # The form just used stays unfolded for the next entry (several topics in a row).
        context["just_used"] = form_name if status is None else ""
        template = f"meetings/_{section}.html"
        if section == "agenda" and status is None:
            # The topics changed: the topic choices of the question and material forms
            # follow, out of band (only those fields: what is typed in the forms stays).
            template = "meetings/_agenda_swap.html"
        return render(request, template, context, status=status or 200)
    return render(request, "meetings/detail.html", context, status=status)


@login_required
@require_POST
def topic_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _visible(request, pk)
    form = TopicForm(request.POST, departments=departments_to_choose())
    _result, status = call_with_form(
        form, lambda data: services.topic_add(actor=request.user, meeting=meeting, **data)
    )
    return _after_planning(
        request,
        pk,
        section="agenda",
        form_name="topic_form",
        form=form,
        status=status,
        notice=_("Topic added."),
    )


@login_required
@require_POST
def topic_remove(request: HttpRequest, pk: int, topic_pk: int) -> HttpResponse:
    meeting = _visible(request, pk)
    try:
        topic = meeting.topics.get(pk=topic_pk)
    except AgendaTopic.DoesNotExist:
        raise Http404 from None
    form = forms.Form(request.POST)
    _result, status = call_with_form(
        form, lambda _data: services.topic_remove(actor=request.user, topic=topic)
    )
    return _after_planning(
        request,
        pk,
        section="agenda",
        form=form,
        status=status,
        notice=_("Topic removed."),
    )


@login_required
@require_POST
def topics_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _visible(request, pk)
    form = TopicsReorderForm(request.POST)
    _result, status = call_with_form(
        form,
        lambda data: services.topics_reorder(
            actor=request.user, meeting=meeting, topic_ids=data["topic_ids"]
        ),
    )
    return _after_planning(
        request,
        pk,
        section="agenda",
        form=form,
        status=status,
        notice=_("Agenda reordered."),
    )


@login_required
@require_POST
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _visible(request, pk)
    form = QuestionForm(request.POST, topics=list(meeting.topics.all()))
    _result, status = call_with_form(
        form, lambda data: services.question_add(actor=request.user, meeting=meeting, **data)
    )
    return _after_planning(
        request,
        pk,
        section="questions",
        form_name="question_form",
        form=form,
        status=status,
        notice=_("Question added."),
    )


@login_required
@require_POST
def participants_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """A department with its decision-maker and executors (S-PREP-2)."""
    meeting = _visible(request, pk)
    form = DepartmentInviteForm(
        request.POST, departments=departments_to_choose(), people=people_to_choose()
    )
    _result, status = call_with_form(
        form,
        lambda data: services.participants_invite_department(
            actor=request.user, meeting=meeting, **data
        ),
    )
    return _after_planning(
        request,
        pk,
        section="participants",
        form_name="invite_form",
        form=form,
        status=status,
        notice=_("Department invited."),
    )


@login_required
@require_POST
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _visible(request, pk)
    form = ParticipantForm(
        request.POST, departments=departments_to_choose(), people=people_to_choose()
    )
    _result, status = call_with_form(
        form,
        lambda data: services.participant_invite(actor=request.user, meeting=meeting, **data),
    )
    return _after_planning(
        request,
        pk,
        section="participants",
        form_name="participant_form",
        form=form,
        status=status,
        notice=_("Participant invited."),
    )


@login_required
@require_POST
def participant_remove(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    meeting = _visible(request, pk)
    try:
        participant = meeting.participants.get(pk=participant_pk)
    except Participant.DoesNotExist:
        raise Http404 from None
    form = forms.Form(request.POST)
    _result, status = call_with_form(
        form,
        lambda _data: services.participant_remove(actor=request.user, participant=participant),
    )
    return _after_planning(
        request,
        pk,
        section="participants",
        form=form,
        status=status,
        notice=_("Participant removed."),
    )


@login_required
@require_POST
def department_copy(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _visible(request, pk)
    form = CopyForm(request.POST, departments=departments_to_choose())
    _result, status = call_with_form(
        form, lambda data: services.department_copy(actor=request.user, meeting=meeting, **data)
    )
    return _after_planning(
        request,
        pk,
        section="copies",
        form_name="copy_form",
        form=form,
        status=status,
        notice=_("Department copied."),
    )


@login_required
@require_POST
def department_uncopy(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _visible(request, pk)
    form = CopyForm(request.POST, departments=departments_to_choose())
    _result, status = call_with_form(
        form,
        lambda data: services.department_uncopy(actor=request.user, meeting=meeting, **data),
    )
    return _after_planning(
        request,
        pk,
        section="copies",
        form=form,
        status=status,
        notice=_("Department no longer copied."),
    )


@login_required
@require_POST
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _visible(request, pk)
    form = MaterialForm(request.POST, request.FILES, topics=list(meeting.topics.all()))
    _result, status = call_with_form(
        form, lambda data: services.material_add(actor=request.user, meeting=meeting, **data)
    )
    return _after_planning(
        request,
        pk,
        section="materials",
        form_name="material_form",
        form=form,
        status=status,
        notice=_("Material added."),
    )


@login_required
@require_POST
def materials_send_at(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _visible(request, pk)
    form = SendAtForm(request.POST)
    _result, status = call_with_form(
        form,
        lambda data: services.meeting_set_materials_send_at(
            actor=request.user, meeting=meeting, send_at=data["materials_send_at"]
        ),
    )
    return _after_planning(
        request,
        pk,
        section="materials",
        form_name="send_at_form",
        form=form,
        status=status,
        notice=_("Send time saved."),
    )


@login_required
@require_POST
def meeting_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _visible(request, pk)
    form = ScheduleForm(request.POST)
    _result, status = call_with_form(
        form, lambda _data: services.meeting_schedule(actor=request.user, meeting=meeting)
    )
    return _after_lifecycle(request, pk, "schedule_form", form, status, _("Meeting scheduled."))


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _visible(request, pk)
    form = CancelForm(request.POST)
    _result, status = call_with_form(
        form,
        lambda data: services.meeting_cancel(
            actor=request.user, meeting=meeting, reason=data["reason"]
        ),
    )
    return _after_lifecycle(request, pk, "cancel_form", form, status, _("Meeting cancelled."))


def _after_lifecycle(
    request: HttpRequest,
    pk: int,
    form_name: str,
    form: forms.Form,
    status: int | None,
    notice: str,
) -> HttpResponse:
    """Schedule and cancel change the whole page: always a full page, never a section."""
    if status is None:
        messages.success(request, notice)
        return redirect("meetings:detail", pk)
    context = _detail_context(
        request,
        _planning(request, pk),
        failed=form,
        failed_name=form_name,
        # Scheduling is offered atop the page, cancelling at its foot.
        failed_section="cancel" if form_name == "cancel_form" else "lifecycle",
    )
    return render(request, "meetings/detail.html", context, status=status)


@login_required
@require_GET
def material_download(request: HttpRequest, pk: int) -> FileResponse:
    """An uploaded material, for those who may see its meeting; uploads are never public."""
    try:
        material = material_get_visible(person=request.user, pk=pk)
    except Material.DoesNotExist:
        raise Http404 from None
    if not material.file:
        raise Http404
    try:
        handle = material.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # As an attachment: an uploaded HTML file must not run in Accord's origin.
    return FileResponse(handle, as_attachment=True, filename=Path(material.file.name).name)


# -- prepare (S-PREP-3, S-PREP-4) ------------------------------------------------------------------


@dataclass
class AnswerRow:
    question: PrepQuestion
    answer: PrepAnswer | None
    form: AnswerForm | None  # None: read-only


@dataclass
class Sheet:
    """One department's answers, as the people who write them see them."""

    department: Department
    rows: list[AnswerRow]
    submit_form: SubmitAnswersForm | None
    submitted_at: dt.datetime | None


def _answer_auto_id(question_id: Any, department_id: Any) -> str:
    # Ids come from the request too: only digits may go into the pattern.
    parts = [str(part) if str(part).isdigit() else "x" for part in (question_id, department_id)]
    return f"answer_{parts[0]}_{parts[1]}_%s"


def _prepare_context(
    request: HttpRequest,
    meeting: Meeting,
    *,
    bound_answer: AnswerForm | None = None,
    bound_submit: SubmitAnswersForm | None = None,
) -> dict[str, Any]:
    person = request.user
    questions = list(meeting.questions.all())
    departments = answering_departments(person=person, meeting=meeting)
    answers = department_answers(meeting=meeting, departments=departments)
    open_for_answers = meeting.status in services.PLANNING
    placed: set[int] = set()

    def answer_form(question: PrepQuestion, department: Department, answer: PrepAnswer | None):
        if (
            bound_answer is not None
            and bound_answer.data.get("question") == str(question.pk)
            and bound_answer.data.get("department") == str(department.pk)
        ):
            placed.add(id(bound_answer))
            return bound_answer
        return AnswerForm(
            questions=questions,
            departments=departments,
            auto_id=_answer_auto_id(question.pk, department.pk),
            initial={
                "question": question.pk,
                "department": department.pk,
                "text": answer.text if answer else "",
            },
        )

    sheets = []
    for department in departments:
        rows = []
        for question in questions:
            answer = answers.get((question.pk, department.pk))
            editable = open_for_answers and (answer is None or answer.submitted_at is None)
            form = answer_form(question, department, answer) if editable else None
            rows.append(AnswerRow(question, answer, form))
        submit_form = None
        if any(row.form for row in rows):
            if bound_submit is not None and bound_submit.data.get("department") == str(
                department.pk
            ):
                submit_form = bound_submit
                placed.add(id(bound_submit))
            else:
                submit_form = SubmitAnswersForm(
                    departments=departments, initial={"department": department.pk}
                )
        submitted = [
            row.answer.submitted_at for row in rows if row.answer and row.answer.submitted_at
        ]
        sheets.append(Sheet(department, rows, submit_form, max(submitted, default=None)))

    failed = bound_answer or bound_submit
    context: dict[str, Any] = {
        "nav": "meetings",
        "meeting": meeting,
        "questions": questions,
        "materials": list(meeting.materials.all()),
        "sheets": sheets,
        # A failed form with no place on the page (e.g. a department one does not answer
        # for) shows its message at the top.
        "unplaced_messages": _failed_messages(failed, shown_in_place=False)
        if failed is not None and id(failed) not in placed
        else [],
        "matrix": None,
    }
    if roles.can_organise(person, meeting):
        matrix_departments, matrix_rows = answers_matrix(meeting=meeting)
        context["matrix"] = {
            "departments": matrix_departments,
            "rows": [
                {
                    "question": row.question,
                    "missing": row.missing,
                    "cells": [(d, row.answers.get(d.pk)) for d in matrix_departments],
                }
                for row in matrix_rows
            ],
        }
    return context


@login_required
@require_GET
def prepare(request: HttpRequest, pk: int) -> HttpResponse:
    """Materials and questions; each department's written answers; the organiser's matrix."""
    meeting = _preparation(request, pk)
    return render(request, "meetings/prepare.html", _prepare_context(request, meeting))


@login_required
@require_POST
def answer_save(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _visible(request, pk)
    questions = list(meeting.questions.all())
    form = AnswerForm(
        request.POST,
        questions=questions,
        departments=participating_departments(meeting=meeting),
        auto_id=_answer_auto_id(request.POST.get("question"), request.POST.get("department")),
    )
    answer, status = call_with_form(
        form, lambda data: services.answer_save(actor=request.user, **data)
    )
    if status is None and not request.htmx:
        messages.success(request, _("Draft saved."))
        anchor = f"#answer-{answer.question_id}-{answer.department_id}"
        return redirect(reverse("meetings:prepare", args=[pk]) + anchor)
    context = _prepare_context(
        request, _preparation(request, pk), bound_answer=form if status else None
    )
    if request.htmx:
        row = _find_row(context, form, answer)
        if row is not None:
            return render(
                request,
                "meetings/_answer.html",
                {**context, "row": row[1], "sheet": row[0], "saved": status is None},
                status=status or 200,
            )
    return render(request, "meetings/prepare.html", context, status=status or 200)


def _find_row(
    context: dict[str, Any], form: AnswerForm, answer: PrepAnswer | None
) -> tuple[Sheet, AnswerRow] | None:
    question_id = answer.question_id if answer else form.data.get("question")
    department_id = answer.department_id if answer else form.data.get("department")
    for sheet in context["sheets"]:
        for row in sheet.rows:
            if str(row.question.pk) == str(question_id) and str(sheet.department.pk) == str(
                department_id
            ):
                return sheet, row
    return None


@login_required
@require_POST
def answers_submit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _visible(request, pk)
    form = SubmitAnswersForm(request.POST, departments=participating_departments(meeting=meeting))
    _count, status = call_with_form(
        form,
        lambda data: services.answers_submit(
            actor=request.user, meeting=meeting, department=data["department"]
        ),
    )
    if status is None:
        messages.success(
            request,
            _("%(department)s's answers are submitted.")
            % {"department": form.cleaned_data["department"]},
        )
        return redirect("meetings:prepare", pk)
    context = _prepare_context(request, _preparation(request, pk), bound_submit=form)
    return render(request, "meetings/prepare.html", context, status=status)
