"""Planning a meeting as a guided flow (S-PREP-1..5, S-KIND-1..5): one page per step at
``/meetings/<id>/plan/<step>/`` — goal, time and place; topics (with agenda templates);
departments and people; questions and materials; review and publish — with a step bar that
says which steps are done and which still lack what scheduling needs. The steps show the
meeting page's own sections, whose forms post to the same views as there
(``planning_views``); the review lists everything still missing, each item linking to its
step. Also the person picker's search (``people_search``).

Views parse with a form, call a service or selector and render; a refusal re-renders the
step with what was typed and the message (422, or 403). A meeting one may not see is a 404;
one that can no longer be planned, or by someone who may not plan it, leads to its page.
"""

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core import clock
from accord.core.refusals import call_with_form
from accord.meetings import plan_steps, roles, rules, services, template_services
from accord.meetings.agenda_templates import agenda_templates_for
from accord.meetings.forms import MeetingForm, ScheduleForm
from accord.meetings.models import Meeting
from accord.meetings.plan_forms import RolesForm, TemplateSaveForm, TemplateStartForm
from accord.meetings.views import detail_context, meeting_for_planning_or_404
from accord.org.selectors import people_to_pick

FIELD_NAME = re.compile(r"[a-z_]{1,40}")
STEP_IN_URL = re.compile(r"/meetings/\d+/plan/(?P<step>[a-z]+)/")

# -- the person picker ------------------------------------------------------------------------


@login_required
@require_GET
def people_search(request: HttpRequest) -> HttpResponse:
    """Up to 20 active people matching ``q`` (or ``<field>_search``, what the picker's box
    sends) by name, pinyin, initials, user name, department or title, as the picker's radio
    buttons named ``field``; with ``format=json``, as ``{"people": [{id, name, department,
    title}], "more": …}``. One query for the search."""
    field = request.GET.get("field", "")
    field = field if FIELD_NAME.fullmatch(field) else "person"
    typed = (request.GET.get("q") or request.GET.get(f"{field}_search") or "").strip()[:100]
    found = people_to_pick(text=typed)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "people": [
                    {
                        "id": person.pk,
                        "name": person.name or person.username,
                        "department": person.department.name if person.department else "",
                        "title": person.title,
                    }
                    for person in found.people
                ],
                "more": found.more,
            }
        )
    return render(
        request,
        "meetings/_people_found.html",
        {"found": found, "field": field, "typed": typed},
    )


# -- the steps --------------------------------------------------------------------------------


def _plannable(request: HttpRequest, meeting: Meeting) -> bool:
    return roles.can_organise(request.user, meeting) and meeting.status in rules.PLANNING


def _steps_of(request: HttpRequest, meeting: Meeting, context: dict, step: str) -> list:
    missing = rules.meeting_missing(meeting, now=clock.now())
    return plan_steps.plan_steps(
        meeting,
        missing=missing,
        has_preparation=bool(context["questions"] or context["materials"]),
        current=step,
    )


def step_bar_swap(request: HttpRequest, meeting: Meeting, context: dict) -> str:
    """The step bar, out of band, for an htmx answer to a form of a planning step (the
    step the page shows is in its address): what the change did to the steps shows at
    once. Empty for the meeting page."""
    found = STEP_IN_URL.search(request.htmx.current_url_abs_path or "")
    if not found or found["step"] not in plan_steps.SLUGS:
        return ""
    steps = _steps_of(request, meeting, context, found["step"])
    return render_to_string(
        "meetings/_plan_steps.html",
        {"plan_steps": steps, "meeting": meeting, "oob": True},
        request=request,
    )


def _step_page(
    request: HttpRequest,
    meeting: Meeting,
    step: str,
    *,
    failed: forms.Form | None = None,
    failed_name: str = "",
    status: int = 200,
) -> HttpResponse:
    context = detail_context(
        request,
        meeting,
        failed=failed,
        failed_name=failed_name,
        failed_section=step,
        chosen=request.GET.get("department"),
        full_page=False,
        edit_in_place=step == plan_steps.TOPICS,
    )
    missing = rules.meeting_missing(meeting, now=clock.now())
    steps = _steps_of(request, meeting, context, step)
    context |= {
        "step": step,
        "plan_steps": steps,
        "current_step": steps[plan_steps.SLUGS.index(step)],
        "previous_step": plan_steps.previous_slug(step),
        "next_step": plan_steps.next_slug(step),
        "missing": [
            {"item": item, "step": plan_steps.STEP_OF_FIELD.get(item.field, plan_steps.REVIEW)}
            for item in missing
        ],
        "publish_failed": failed_name == "publish_form",
    }
    bound = {failed_name: failed} if failed is not None else {}
    if step == plan_steps.DETAILS:
        context["form"] = bound.get("form") or MeetingForm(
            known=[meeting.host, meeting.recorder], initial=MeetingForm.initial_of(meeting)
        )
    elif step == plan_steps.TOPICS:
        templates = agenda_templates_for(person=request.user, kind=meeting.kind)
        context["start_form"] = bound.get("start_form") or TemplateStartForm(
            templates=templates, initial={"template": templates[0].key}
        )
        context["save_form"] = bound.get("save_form") or TemplateSaveForm(
            may_share=template_services.may_share(request.user)
        )
    elif step == plan_steps.PEOPLE:
        context["roles_form"] = bound.get("roles_form") or RolesForm(meeting=meeting)
    elif step == plan_steps.REVIEW:
        context["publish_form"] = bound.get("publish_form") or ScheduleForm()
    return render(request, "meetings/plan.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def plan_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step of the guided planning. POST saves the step's own form: the meeting's
    details, its host and recorder, or (on the review) publishes it."""
    if step not in plan_steps.SLUGS:
        raise Http404
    meeting = meeting_for_planning_or_404(request, pk)
    if not _plannable(request, meeting):
        return redirect("meetings:detail", meeting.pk)
    if request.method == "GET":
        return _step_page(request, meeting, step)
    if step == plan_steps.DETAILS:
        return _save_details(request, meeting)
    if step == plan_steps.PEOPLE:
        return _save_roles(request, meeting)
    if step == plan_steps.REVIEW:
        return _publish(request, meeting)
    return HttpResponse(status=405, headers={"Allow": "GET"})


def _save_details(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    form = MeetingForm(
        request.POST,
        known=[meeting.host, meeting.recorder],
        initial=MeetingForm.initial_of(meeting),
    )
    _result, status = call_with_form(
        form, lambda data: services.meeting_update(actor=request.user, meeting=meeting, **data)
    )
    if status is not None:
        return _step_page(
            request, meeting, plan_steps.DETAILS, failed=form, failed_name="form", status=status
        )
    messages.success(request, _("Meeting saved."))
    return redirect("meetings:plan", meeting.pk, plan_steps.TOPICS)


def _save_roles(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    form = RolesForm(request.POST, meeting=meeting)
    _result, status = call_with_form(
        form, lambda data: services.meeting_update(actor=request.user, meeting=meeting, **data)
    )
    if status is not None:
        return _step_page(
            request,
            meeting,
            plan_steps.PEOPLE,
            failed=form,
            failed_name="roles_form",
            status=status,
        )
    messages.success(request, _("Host and recorder saved."))
    return redirect("meetings:plan", meeting.pk, plan_steps.PEOPLE)


def _publish(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    form = ScheduleForm(request.POST)
    _result, status = call_with_form(
        form, lambda _data: services.meeting_schedule(actor=request.user, meeting=meeting)
    )
    if status is not None:
        return _step_page(
            request,
            meeting,
            plan_steps.REVIEW,
            failed=form,
            failed_name="publish_form",
            status=status,
        )
    messages.success(request, _("Meeting scheduled."))
    return redirect("meetings:detail", meeting.pk)


# -- agenda templates on the topics step (S-KIND-1..5) ------------------------------------------


@login_required
@require_POST
def template_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a template's topics to the agenda."""
    meeting = meeting_for_planning_or_404(request, pk)
    form = TemplateStartForm(
        request.POST, templates=agenda_templates_for(person=request.user, kind=None)
    )
    topics, status = call_with_form(
        form,
        lambda data: template_services.agenda_template_apply(
            actor=request.user, meeting=meeting, template=data["template"]
        ),
    )
    if status is not None:
        return _step_page(
            request,
            meeting,
            plan_steps.TOPICS,
            failed=form,
            failed_name="start_form",
            status=status,
        )
    messages.success(
        request,
        _("%(count)d topics added from “%(name)s”.")
        % {"count": len(topics), "name": form.cleaned_data["template"].name},
    )
    return redirect("meetings:plan", meeting.pk, plan_steps.TOPICS)


@login_required
@require_POST
def template_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the meeting's agenda as a template of its kind."""
    meeting = meeting_for_planning_or_404(request, pk)
    form = TemplateSaveForm(request.POST, may_share=template_services.may_share(request.user))
    template, status = call_with_form(
        form,
        lambda data: template_services.agenda_template_save(
            actor=request.user, meeting=meeting, **data
        ),
    )
    if status is not None:
        return _step_page(
            request, meeting, plan_steps.TOPICS, failed=form, failed_name="save_form", status=status
        )
    messages.success(request, _("Agenda saved as the template “%(name)s”.") % {"name": template})
    return redirect("meetings:plan", meeting.pk, plan_steps.TOPICS)
