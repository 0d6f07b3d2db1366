"""The meeting pages one reads (S-PREP-1, S-PREP-2): the list, the week, and the detail page.

The detail page shows the meeting read-only, or, for its organiser before it starts, with the
planning forms that ``accord.meetings.planning_views`` takes; the review of earlier plans on
it comes from ``accord.meetings.review_views``. ``meeting_or_404``,
``meeting_for_planning_or_404`` and ``detail_context`` are shared with the planning,
preparation and series pages.

Views parse with a form, call a selector and render; invalid filters are a 422 beside their
field. A meeting one may not see is a 404, like one that does not exist. htmx requests get the
changed section only.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accord.core import clock
from accord.meetings import plan_steps, roles, rules
from accord.meetings.forms import (
    CancelForm,
    CopyForm,
    DepartmentChoiceForm,
    DepartmentInviteForm,
    MaterialForm,
    MeetingFilterForm,
    ParticipantForm,
    QuestionForm,
    ScheduleForm,
    SendAtForm,
    TopicForm,
    WeekForm,
)
from accord.meetings.models import AgendaTopic, Meeting
from accord.meetings.plan_forms import TopicEditForm
from accord.meetings.review_views import ReviewFailure, detail_url, follow_context, review_context
from accord.meetings.selectors import (
    agenda_warnings,
    departments_to_choose,
    meeting_for_planning,
    meeting_get_visible,
    meetings_in_week,
    meetings_search,
    people_to_choose,
    week_start,
)

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


def meeting_or_404(request: HttpRequest, pk: int) -> Meeting:
    """The meeting, when the person may see it; a 404 otherwise."""
    try:
        return meeting_get_visible(person=request.user, pk=pk)
    except Meeting.DoesNotExist:
        raise Http404 from None


def meeting_for_planning_or_404(request: HttpRequest, pk: int) -> Meeting:
    """The meeting with everything its detail page shows; a 404 when the person may not see it."""
    try:
        return meeting_for_planning(person=request.user, pk=pk)
    except Meeting.DoesNotExist:
        raise Http404 from None


def failed_messages(form: forms.Form | None, *, shown_in_place: bool) -> list[str]:
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


def create_steps() -> list[plan_steps.Step]:
    """The step bar of the create page: the first step current, the others still ahead."""
    return [
        plan_steps.Step(slug, label, number, plan_steps.State.OPEN, number == 1)
        for number, (slug, label) in enumerate(plan_steps.STEPS, start=1)
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


# -- the detail page ---------------------------------------------------------------------------------


@dataclass
class TopicRow:
    topic: AgendaTopic
    up: list[int] | None  # the order after moving it up, if it can move up
    down: list[int] | None
    edit_form: forms.Form | None = None  # changing it in place, for its organiser


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


def detail_context(
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
    edit_in_place: bool = False,
) -> dict[str, Any]:
    """Everything the detail page and its sections show. ``failed`` is the form that was
    refused, re-rendered in its place (``failed_name``) with what was typed; its general
    message shows atop its section (or atop the page when the section has no controls).
    ``chosen`` (``?department=``) narrows the invite form to that department's people; an
    unknown one narrows nothing. The whole page also reviews the previous plan (S-REVIEW-2),
    with ``review_failure`` shown at its item's form. ``edit_in_place``: each topic comes
    with its form to change it (the topics step of the guided planning)."""
    bound = {failed_name: failed} if failed is not None and failed_name else {}
    person = request.user
    topics = list(meeting.topics.all())
    can_plan = roles.can_organise(person, meeting) and meeting.status in rules.PLANNING
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
        "edit_in_place": edit_in_place,
        # On the full page a section without controls leaves the message to the page top.
        "failed_in_section": can_plan or bool(request.htmx),
        "failed_messages": failed_messages(failed, shown_in_place=bool(failed_name) and can_plan),
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
    choose_form = DepartmentChoiceForm({"department": chosen or ""}, departments=departments)
    department = choose_form.cleaned_data.get("department") if choose_form.is_valid() else None
    # The decision-maker and executors are offered once a department is chosen: its members
    # and its head, never a list of everyone in the company.
    invite_people = [] if department is None else people_to_choose(department=department)
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
        "participant_form": lambda: ParticipantForm(departments=departments),
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
    for row in context["topic_rows"] if edit_in_place else []:
        row.edit_form = bound.get(f"topic_edit_{row.topic.pk}") or TopicEditForm(
            departments=departments,
            auto_id=f"topic{row.topic.pk}_%s",
            initial={
                "title": row.topic.title,
                "planned_minutes": row.topic.planned_minutes,
                "lead_department": row.topic.lead_department_id,
                "description": row.topic.description,
            },
        )
    context["warnings"] = agenda_warnings(meeting=meeting)
    context["invite_department"] = department
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
    meeting = meeting_for_planning_or_404(request, pk)
    context = detail_context(
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
    meeting = meeting_for_planning_or_404(request, pk)
    if not request.htmx:
        query = request.GET.urlencode()
        target = reverse("meetings:detail", args=[meeting.pk])
        return redirect(f"{target}?{query}#participants" if query else f"{target}#participants")
    context = detail_context(
        request, meeting, chosen=request.GET.get("department"), full_page=False
    )
    return render(request, "meetings/_participants.html", context)
