"""The series pages (S-REVIEW-1): list, create, detail with its standing participants and
occurrences, edit, "plan the next meeting now"; and, from the meeting page, "review the plan
of an earlier meeting" (S-REVIEW-2; the section itself is ``meetings.review_views``).

Views parse with ``accord.series.forms``, call ``accord.series.services`` (writes) or
``accord.series.selectors`` (reads) and render. A series one may not see is a 404; a series
one sees but does not organise is read-only, and a change posted to it is a 403 that
changes nothing. A refused or invalid input re-renders the page with what was typed and the
message beside its field (422).
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.refusals import call_with_form
from accord.meetings.models import Meeting
from accord.meetings.review_forms import FollowForm
from accord.meetings.selectors import meeting_get_visible, meetings_visible_to, people_to_choose
from accord.meetings.views import detail_context, meeting_for_planning_or_404
from accord.org.models import Person
from accord.series import selectors, services
from accord.series.forms import MemberForm, PlanForm, SeriesForm
from accord.series.models import MeetingSeries
from accord.series.rules import describe_rule


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _visible(request: HttpRequest, pk: int) -> MeetingSeries:
    try:
        return (
            selectors.series_visible_to(request.user)
            .select_related("organiser", "host__department", "recorder__department")
            .get(pk=pk)
        )
    except MeetingSeries.DoesNotExist:
        raise Http404 from None


def _managed(request: HttpRequest, pk: int) -> MeetingSeries:
    """The series, for one who may change it: 404 when hidden, 403 when only seen."""
    series = _visible(request, pk)
    if not services.series_can_manage(request.user, series):
        raise Forbidden
    return series


def _first_start(series: MeetingSeries):
    return series.meetings.order_by("starts_at", "pk").values_list("starts_at", flat=True).first()


# -- the list ----------------------------------------------------------------------------------


@login_required
@require_GET
def series_list(request: HttpRequest) -> HttpResponse:
    """The series one may see, with each one's rule in words and its next meeting."""
    rows = list(selectors.series_list(person=request.user))
    for series in rows:
        series.rule_text = describe_rule(series.recurrence)
    return render(request, "series/list.html", {"nav": "series", "rows": rows})


# -- create and edit ---------------------------------------------------------------------------


def _form_page(
    request: HttpRequest,
    form: SeriesForm,
    *,
    series: MeetingSeries | None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "series/form.html",
        {"nav": "series", "form": form, "series": series},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def series_create(request: HttpRequest) -> HttpResponse:
    """A series and its first meeting, as a draft, in one go."""
    people = people_to_choose()
    if request.method == "GET":
        return _form_page(request, SeriesForm(people=people), series=None)
    form = SeriesForm(request.POST, people=people)

    def create(data: dict) -> tuple[MeetingSeries, Meeting]:
        # Both or neither: a refused first meeting leaves no series behind.
        with transaction.atomic():
            series = services.series_create(actor=request.user, **form.service_fields())
            meeting = services.series_plan_next(
                actor=request.user, series=series, first_start=data["starts_at"]
            )
        return series, meeting

    result, status = call_with_form(form, create)
    if status is not None:
        return _form_page(request, form, series=None, status=status)
    series, meeting = result
    messages.success(
        request,
        _("Series “%(title)s” created; its first meeting, on %(date)s, is a draft.")
        % {"title": series.title, "date": _local(meeting.starts_at)},
    )
    return redirect("series:detail", series.pk)


@login_required
@require_http_methods(["GET", "POST"])
def series_edit(request: HttpRequest, pk: int) -> HttpResponse:
    series = _managed(request, pk)
    people = people_to_choose()
    anchor = _first_start(series)
    initial = SeriesForm.initial_of(series, anchor)
    if request.method == "GET":
        form = SeriesForm(people=people, series=series, anchor=anchor, initial=initial)
        return _form_page(request, form, series=series)
    form = SeriesForm(request.POST, people=people, series=series, anchor=anchor, initial=initial)
    _result, status = call_with_form(
        form,
        lambda _data: services.series_update(
            actor=request.user, series=series, **form.service_fields()
        ),
    )
    if status is not None:
        return _form_page(request, form, series=series, status=status)
    messages.success(request, _("Series saved."))
    return redirect("series:detail", series.pk)


# -- the detail page -------------------------------------------------------------------------


def _detail_context(
    request: HttpRequest,
    series: MeetingSeries,
    *,
    failed: forms.Form | None = None,
    failed_name: str = "",
) -> dict[str, Any]:
    """The facts, the standing topics and participants, the occurrences; for the organiser
    the forms. ``failed`` is the refused form, shown in its place (``failed_name``) with
    what was typed, its general messages atop its section."""
    person = request.user
    occurrences = selectors.series_occurrences(person=person, series=series)
    shown = [meeting for meeting in occurrences if meeting.visible]
    can_manage = services.series_can_manage(person, series)
    context: dict[str, Any] = {
        "nav": "series",
        "series": series,
        "rule_text": describe_rule(series.recurrence),
        "members": list(series.members.select_related("person__department").order_by("pk")),
        "occurrences": shown,
        "hidden_count": len(occurrences) - len(shown),
        "can_manage": can_manage,
        "failed_name": failed_name if failed is not None else "",
        "failed_messages": list(failed.non_field_errors()) if failed is not None else [],
    }
    if not can_manage:
        return context
    bound = {failed_name: failed} if failed is not None else {}
    context["member_form"] = bound.get("member_form") or MemberForm(people=people_to_choose())
    context["plan_form"] = bound.get("plan_form") or PlanForm()
    context["needs_first_start"] = not occurrences
    return context


@login_required
@require_GET
def series_detail(request: HttpRequest, pk: int) -> HttpResponse:
    series = _visible(request, pk)
    return render(request, "series/detail.html", _detail_context(request, series))


def _after(
    request: HttpRequest,
    series: MeetingSeries,
    *,
    form: forms.Form,
    form_name: str,
    status: int | None,
    notice: str,
    section: str,
) -> HttpResponse:
    if status is None:
        messages.success(request, notice)
        return redirect(reverse("series:detail", args=[series.pk]) + f"#{section}")
    context = _detail_context(request, series, failed=form, failed_name=form_name)
    return render(request, "series/detail.html", context, status=status)


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    series = _managed(request, pk)
    form = MemberForm(request.POST, people=people_to_choose())
    member, status = call_with_form(
        form,
        lambda data: services.series_member_add(actor=request.user, series=series, **data),
    )
    return _after(
        request,
        series,
        form=form,
        form_name="member_form",
        status=status,
        notice=_("%(name)s is now a standing participant.") % {"name": member.person}
        if member
        else "",
        section="members",
    )


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    series = _managed(request, pk)
    person = Person.objects.filter(pk=person_pk).first()
    if person is None:
        raise Http404
    form = forms.Form(request.POST)
    _result, status = call_with_form(
        form,
        lambda _data: services.series_member_remove(
            actor=request.user, series=series, person=person
        ),
    )
    return _after(
        request,
        series,
        form=form,
        form_name="member_remove",
        status=status,
        notice=_("%(name)s is no longer a standing participant.") % {"name": person},
        section="members",
    )


@login_required
@require_POST
def plan_next(request: HttpRequest, pk: int) -> HttpResponse:
    """Plan the next meeting now, as the worker would a few days before it."""
    series = _managed(request, pk)
    form = PlanForm(request.POST)
    meeting, status = call_with_form(
        form,
        lambda data: services.series_plan_next(
            actor=request.user, series=series, first_start=data["starts_at"]
        ),
    )
    if status is not None:
        context = _detail_context(request, series, failed=form, failed_name="plan_form")
        return render(request, "series/detail.html", context, status=status)
    messages.success(
        request,
        _("The meeting of %(date)s is planned as a draft.") % {"date": _local(meeting.starts_at)},
    )
    return redirect("meetings:detail", meeting.pk)


# -- a meeting reviews an earlier one's plan (S-REVIEW-2) -----------------------------------------


def follow_candidates(request: HttpRequest, meeting: Meeting) -> list[Meeting]:
    """The earlier meetings offered, and the one posted if the person may see it (the
    service says why it cannot be followed, e.g. a later one)."""
    candidates = selectors.meetings_to_follow(person=request.user, meeting=meeting)
    posted = request.POST.get("previous", "")
    if posted.isascii() and posted.isdigit() and all(str(m.pk) != posted for m in candidates):
        candidates += list(meetings_visible_to(request.user).filter(pk=int(posted)))
    return candidates


@login_required
@require_POST
def meeting_follow(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    try:
        meeting = meeting_get_visible(person=request.user, pk=meeting_pk)
    except Meeting.DoesNotExist:
        raise Http404 from None
    form = FollowForm(request.POST, meetings=follow_candidates(request, meeting))
    _result, status = call_with_form(
        form,
        lambda data: services.meeting_follow(
            actor=request.user, meeting=meeting, previous=data["previous"]
        ),
    )
    if status is None:
        previous = form.cleaned_data["previous"]
        messages.success(
            request,
            _("This meeting now reviews the plan of “%(title)s” (%(date)s).")
            % {"title": previous.title, "date": _local(previous.starts_at)},
        )
        return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#follows")
    context = detail_context(
        request,
        meeting_for_planning_or_404(request, meeting_pk),
        failed=form,
        failed_name="follow_form",
        failed_section="follows",
    )
    return render(request, "meetings/detail.html", context, status=status)
