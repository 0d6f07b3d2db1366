"""Action items on the run page (S-MEET-4): added with a task, an owner, a department, a
real due date and resources; what a due phrase means, as it is typed; an item corrected or
removed while the meeting runs or its minutes are written (S-POST-2), from the run page or
from the minutes page."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accord.actions.models import ActionItem
from accord.actions.selectors import meeting_due_preview
from accord.actions.services import action_create, action_remove, action_update
from accord.core.errors import AppError
from accord.core.refusals import show_refusal
from accord.live.forms import (
    ActionEditForm,
    ActionForm,
    DueCheckForm,
    RemoveForm,
    edit_initial,
    live_due,
)
from accord.live.views import (
    choices_to_name,
    flags_for,
    load_meeting,
    render_run,
    run_url,
    submit,
)
from accord.meetings.models import Meeting


@login_required
@require_POST
def run_action(request: HttpRequest, pk: int) -> HttpResponse:
    """An action item with task, owner, department, a real due date and resources (S-MEET-4)."""
    meeting = load_meeting(request, pk)
    topics = list(meeting.topics.all())
    form = ActionForm(request.POST, topics=topics, **choices_to_name())
    chosen = None
    if form.is_valid():
        chosen = form.cleaned_data["topic"]
    return submit(
        request,
        meeting,
        name="action",
        form=form,
        call=lambda data: action_create(
            actor=request.user,
            meeting=meeting,
            task=data["task"],
            owner=data["owner"],
            department=data["department"],
            due=data["due_date"],
            resources=data["resources"],
            topic=data["topic"],
        ),
        success=lambda a: (
            _("Action item added: “%(task)s”, %(owner)s, due %(due)s.")
            % {"task": a.task, "owner": a.owner, "due": a.due_date.isoformat()}
        ),
        topic=chosen,
        anchor="actions",
        partial="meetings/run/_actions_swap.html",
    )


def _action(meeting: Meeting, action_pk: int) -> ActionItem:
    """One of the meeting's action items (loaded with it); another meeting's is 404."""
    for action in meeting.actions.all():
        if action.pk == action_pk:
            return action
    raise Http404


def _back(request: HttpRequest) -> str | None:
    """Where a correction opened from the minutes page returns to (a fixed place, never a
    URL from the request)."""
    came_from = request.POST.get("from") or request.GET.get("from")
    return "minutes" if came_from == "minutes" else None


def _back_url(meeting: Meeting, back: str | None, anchor: str) -> str:
    if back == "minutes":
        return reverse("minutes:detail", args=[meeting.pk]) + "#plan"
    return run_url(meeting, anchor=anchor)


def _action_page(
    request: HttpRequest,
    meeting: Meeting,
    action: ActionItem,
    *,
    template: str,
    back: str | None,
    status: int = 200,
    **forms_: forms.Form,
) -> HttpResponse:
    """The page of its own that a correction or a removal opens without JavaScript."""
    return render(
        request,
        template,
        {
            "nav": "meetings",
            "meeting": meeting,
            "action": action,
            "flags": flags_for(request.user, meeting),
            "back": back,
            "cancel_url": _back_url(meeting, back, f"action-{action.pk}"),
            **forms_,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def run_action_edit(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    """Correct an action item while the meeting runs or its minutes are written (S-MEET-4,
    S-POST-2: after approval only in a new version). htmx opens the form in the list."""
    meeting = load_meeting(request, pk)
    action = _action(meeting, action_pk)
    back = _back(request)
    if request.method != "POST" and request.htmx:
        return render_run(request, meeting, partial="meetings/run/_actions.html", editing=action)
    choices = choices_to_name()
    initial = edit_initial(action)
    if request.method != "POST":
        return _edit_page(
            request, meeting, action, ActionEditForm(initial=initial, **choices), back
        )
    form = ActionEditForm(request.POST, initial=initial, **choices)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            updated = action_update(
                actor=request.user,
                action=action,
                task=data["task"],
                owner=data["owner"],
                department=data["department"],
                # An unchanged phrase is not read again: its date stays as it was.
                due=data["due_date"] if "due_date" in form.changed_data else None,
                resources=data["resources"],
            )
        except AppError as error:
            status = show_refusal(form, error)
        else:
            messages.success(
                request,
                _("Action item corrected: “%(task)s”, %(owner)s (%(department)s), due %(due)s.")
                % {
                    "task": updated.task,
                    "owner": updated.owner,
                    "department": updated.department,
                    "due": updated.due_date.isoformat(),
                },
            )
            if request.htmx:
                return render_run(
                    request, load_meeting(request, pk), partial="meetings/run/_actions_swap.html"
                )
            return redirect(_back_url(meeting, back, f"action-{action.pk}"))
    # The service re-read the meeting inside its rolled-back transaction: read it again.
    fresh = load_meeting(request, pk)
    action = _action(fresh, action_pk)
    if request.htmx:
        return render_run(
            request,
            fresh,
            bound={"edit": form},
            status=status,
            partial="meetings/run/_actions_swap.html",
            editing=action,
        )
    return _edit_page(request, fresh, action, form, back, status=status)


def _edit_page(
    request: HttpRequest,
    meeting: Meeting,
    action: ActionItem,
    form: ActionEditForm,
    back: str | None,
    *,
    status: int = 200,
) -> HttpResponse:
    check = reverse("meetings:run_due_check", args=[meeting.pk])
    live_due(form, url=f"{check}?prefix=edit", target="due-check-edit")
    return _action_page(
        request,
        meeting,
        action,
        template="meetings/run/action_edit.html",
        edit_form=form,
        back=back,
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def run_action_remove(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    """Remove an action item: a POST with ``confirm=yes`` removes it; anything else asks
    first (a page of its own, or with htmx a question in the list)."""
    meeting = load_meeting(request, pk)
    action = _action(meeting, action_pk)
    back = _back(request)
    form = RemoveForm(request.POST) if request.method == "POST" else RemoveForm()
    if not form.confirmed():
        if request.htmx:
            return render_run(
                request, meeting, partial="meetings/run/_actions.html", removing=action
            )
        return _action_page(
            request,
            meeting,
            action,
            template="meetings/run/action_remove.html",
            remove_form=RemoveForm(),
            back=back,
        )
    task = action.task
    try:
        action_remove(actor=request.user, action=action)
    except AppError as error:
        form.add_error(None, error.message)
        status = 403 if error.code == "forbidden" else 422
    else:
        messages.success(request, _("Action item removed: “%(task)s”.") % {"task": task})
        if request.htmx:
            return render_run(
                request, load_meeting(request, pk), partial="meetings/run/_actions_swap.html"
            )
        return redirect(_back_url(meeting, back, "actions"))
    fresh = load_meeting(request, pk)
    action = _action(fresh, action_pk)
    if request.htmx:
        return render_run(
            request,
            fresh,
            bound={"remove": form},
            status=status,
            partial="meetings/run/_actions_swap.html",
            removing=action,
        )
    return _action_page(
        request,
        fresh,
        action,
        template="meetings/run/action_remove.html",
        remove_form=form,
        back=back,
        status=status,
    )


@login_required
@require_safe
def run_due_check(request: HttpRequest, pk: int) -> HttpResponse:
    """What a due phrase means, as it is typed (S-MEET-4): the date and its weekday, or why
    it is not a date. Nothing for an empty field."""
    meeting = load_meeting(request, pk)
    prefix = request.GET.get("prefix") or None
    form = DueCheckForm(request.GET, prefix=prefix if prefix in ("outcome", "edit") else None)
    context: dict[str, Any] = {"due": None, "error": None}
    status = 200
    if not form.is_valid():
        context["error"] = form.errors["due_date"][0]
        status = 422
    elif form.cleaned_data["due_date"]:
        try:
            context["due"] = meeting_due_preview(
                meeting=meeting, text=form.cleaned_data["due_date"]
            )
        except AppError as error:
            context["error"], status = error.message, 422
    return render(request, "meetings/run/_due_check.html", context, status=status)
