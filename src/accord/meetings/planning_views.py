"""Planning a meeting (S-PREP-1, S-PREP-2): create and edit it; on its detail page, its agenda
topics, questions, participants, copied departments and materials; schedule or cancel it.

Views parse with a form, call a service and answer. A refused or invalid input re-renders the
same page with what was typed and the message (422, or 403 when the person may not do it); a
meeting one may not see is a 404, like one that does not exist. htmx requests get the changed
section only; every form also works without JavaScript.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accord.core.refusals import call_with_form
from accord.meetings import plan_steps, preparation, roles, rules, services
from accord.meetings.forms import (
    CancelForm,
    CopyForm,
    DepartmentInviteForm,
    MaterialForm,
    MeetingForm,
    ParticipantForm,
    QuestionForm,
    ScheduleForm,
    SendAtForm,
    TopicForm,
    TopicsReorderForm,
)
from accord.meetings.models import AgendaTopic, Meeting, Participant
from accord.meetings.plan_forms import TopicEditForm
from accord.meetings.selectors import (
    departments_to_choose,
    meeting_visible_one,
    people_to_choose,
)
from accord.meetings.step_views import step_bar_swap
from accord.meetings.views import (
    create_steps,
    detail_context,
    meeting_for_planning_or_404,
    meeting_or_404,
)

# The people the edit page shows in its pickers, read with the meeting.
PICKED = ("host__department", "recorder__department")

# -- create and edit ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    """Plan a meeting: a draft with its goal, time, place, host and recorder (S-PREP-1), the
    first step of the guided planning; the next one is its topics."""
    if request.method == "GET":
        form = MeetingForm(initial={"duration_minutes": 90})
        return _form_page(request, form, meeting=None)
    form = MeetingForm(request.POST)
    meeting, status = call_with_form(
        form, lambda data: services.meeting_create(actor=request.user, **data)
    )
    if status is not None:
        return _form_page(request, form, meeting=None, status=status)
    messages.success(request, _("Meeting “%(title)s” created as a draft.") % {"title": meeting})
    return redirect("meetings:plan", meeting.pk, plan_steps.TOPICS)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        meeting = meeting_visible_one(request.user).select_related(*PICKED).get(pk=pk)
    except Meeting.DoesNotExist:
        raise Http404 from None
    people = [meeting.host, meeting.recorder]
    initial = MeetingForm.initial_of(meeting)
    if not (roles.can_organise(request.user, meeting) and meeting.status in rules.PLANNING):
        return _form_page(
            request,
            MeetingForm(known=people, initial=initial),
            meeting=meeting,
            status=403,
            refusal=_("Only the organiser may change this meeting, and only before it starts."),
        )
    if request.method == "GET":
        return _form_page(request, MeetingForm(known=people, initial=initial), meeting=meeting)
    form = MeetingForm(request.POST, known=people, initial=initial)
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
        {
            "nav": "meetings",
            "form": form,
            "meeting": meeting,
            "refusal": refusal,
            # Creating is the first step of the guided planning; the others need the draft.
            "plan_steps": None if meeting else create_steps(),
        },
        status=status,
    )


# -- on the detail page: agenda, questions, participants, copies, materials ---------------------


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
    meeting = meeting_for_planning_or_404(request, pk)
    context = detail_context(
        request,
        meeting,
        failed=form if status else None,
        failed_name=form_name,
        failed_section=section,
        full_page=not request.htmx,
        # The topics step sends this with each form of its agenda (hx-vals on the section).
        edit_in_place=request.POST.get("edit_in_place") == "1",
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
        response = render(request, template, context, status=status or 200)
        # On a planning step, the step bar follows the change.
        response.content += step_bar_swap(request, meeting, context).encode()
        return response
    return render(request, "meetings/detail.html", context, status=status)


@login_required
@require_POST
def topic_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
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


def _topic_or_404(request: HttpRequest, pk: int, topic_pk: int) -> AgendaTopic:
    """A topic of a meeting the person may see; else 404."""
    try:
        return meeting_or_404(request, pk).topics.get(pk=topic_pk)
    except AgendaTopic.DoesNotExist:
        raise Http404 from None


@login_required
@require_POST
def topic_edit(request: HttpRequest, pk: int, topic_pk: int) -> HttpResponse:
    """A topic changed in place: title, time allocation, lead department, description."""
    topic = _topic_or_404(request, pk, topic_pk)
    form = TopicEditForm(
        request.POST, departments=departments_to_choose(), auto_id=f"topic{topic.pk}_%s"
    )
    _result, status = call_with_form(
        form, lambda data: services.topic_update(actor=request.user, topic=topic, **data)
    )
    return _after_planning(
        request,
        pk,
        section="agenda",
        form_name=f"topic_edit_{topic.pk}",
        form=form,
        status=status,
        notice=_("Topic saved."),
    )


@login_required
@require_POST
def topic_remove(request: HttpRequest, pk: int, topic_pk: int) -> HttpResponse:
    topic = _topic_or_404(request, pk, topic_pk)
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
    meeting = meeting_or_404(request, pk)
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
    meeting = meeting_or_404(request, pk)
    form = QuestionForm(request.POST, topics=list(meeting.topics.all()))
    _result, status = call_with_form(
        form, lambda data: preparation.question_add(actor=request.user, meeting=meeting, **data)
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
    meeting = meeting_or_404(request, pk)
    departments = departments_to_choose()
    # Only the chosen department's people are offered, and so only they are accepted.
    chosen = next((d for d in departments if str(d.pk) == request.POST.get("department")), None)
    form = DepartmentInviteForm(
        request.POST,
        departments=departments,
        people=people_to_choose(department=chosen) if chosen else [],
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
    meeting = meeting_or_404(request, pk)
    form = ParticipantForm(request.POST, departments=departments_to_choose())
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
    meeting = meeting_or_404(request, pk)
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
    meeting = meeting_or_404(request, pk)
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
    meeting = meeting_or_404(request, pk)
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
    meeting = meeting_or_404(request, pk)
    form = MaterialForm(request.POST, request.FILES, topics=list(meeting.topics.all()))
    _result, status = call_with_form(
        form, lambda data: preparation.material_add(actor=request.user, meeting=meeting, **data)
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
    meeting = meeting_or_404(request, pk)
    form = SendAtForm(request.POST)
    _result, status = call_with_form(
        form,
        lambda data: preparation.meeting_set_materials_send_at(
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


# -- schedule and cancel ------------------------------------------------------------------------


@login_required
@require_POST
def meeting_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
    form = ScheduleForm(request.POST)
    _result, status = call_with_form(
        form, lambda _data: services.meeting_schedule(actor=request.user, meeting=meeting)
    )
    return _after_lifecycle(request, pk, "schedule_form", form, status, _("Meeting scheduled."))


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_or_404(request, pk)
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
    context = detail_context(
        request,
        meeting_for_planning_or_404(request, pk),
        failed=form,
        failed_name=form_name,
        # Scheduling is offered atop the page, cancelling at its foot.
        failed_section="cancel" if form_name == "cancel_form" else "lifecycle",
    )
    return render(request, "meetings/detail.html", context, status=status)
