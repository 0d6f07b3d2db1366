"""The home page (what needs the person now), the language switch, and the benchmark's hello view."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accord.actions.models import ActionItem
from accord.actions.selectors import actions_for_owner, actions_unsigned, due_proposals_awaiting
from accord.core import clock
from accord.core.errors import AppError
from accord.meetings.models import Meeting
from accord.meetings.selectors import answers_awaiting, meetings_taking_part
from accord.minutes.selectors import minutes_to_review, minutes_to_write
from accord.org.services import person_set_locale

SOON_DAYS = 7


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My work: my items by urgency, my meetings, and what waits for me."""
    person = request.user
    today = clock.today()
    mine = list(actions_for_owner(person=person).filter(status__in=ActionItem.OPEN_STATUSES))
    overdue = [a for a in mine if a.due_date < today]
    soon = [a for a in mine if today <= a.due_date <= today + dt.timedelta(days=SOON_DAYS)]
    to_sign = list(
        actions_unsigned().filter(owner=person).select_related("meeting").order_by("due_date")
    )
    upcoming = list(
        meetings_taking_part(person=person)
        .filter(status__in=[Meeting.Status.SCHEDULED, Meeting.Status.IN_PROGRESS])
        .order_by("starts_at")[:10]
    )
    answers = answers_awaiting(person=person)
    to_write = list(minutes_to_write(person=person))
    to_review = list(minutes_to_review(person=person))
    proposals = list(due_proposals_awaiting(person=person))
    return render(
        request,
        "web/home.html",
        {
            "nav": "home",
            "today": today,
            "overdue": overdue,
            "soon": soon,
            "later": [a for a in mine if a.due_date > today + dt.timedelta(days=SOON_DAYS)],
            "to_sign": to_sign,
            "upcoming": upcoming,
            "answers": answers,
            "to_write": to_write,
            "to_review": to_review,
            "proposals": proposals,
            "waiting": len(answers) + len(to_write) + len(to_review) + len(proposals),
        },
    )


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch the language; remembered on the person, and in a cookie before sign-in."""
    code = request.POST.get("language", "")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if code not in ("zh-hans", "en"):
        return response
    if request.user.is_authenticated:
        try:
            person_set_locale(actor=request.user, locale=code)
        except AppError:
            return response
    translation.activate(code)
    response.set_cookie("django_language", code, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def bench_hello(request: HttpRequest) -> JsonResponse:
    """The stack's ceiling for ``benchmarks/run.py``: Django and the server, no database.
    Served by the same server, settings and middleware as every page; 404 unless
    ``ACCORD_BENCH_HELLO`` is on."""
    if not settings.ACCORD_BENCH_HELLO:
        raise Http404
    return JsonResponse({"hello": "world"})
