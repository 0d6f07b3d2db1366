"""The calendar feed at its secret URL, and the page where a person makes, resets or revokes
it. An unknown or revoked secret is a plain 404: the feed says nothing about who it was."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accord.calendars import selectors, services
from accord.calendars.models import CalendarFeed
from accord.core import clock
from accord.exports.ics import personal_calendar


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    person = selectors.calendar_feed_person(token=token)
    if person is None:
        raise Http404
    meetings, dues = selectors.calendar_feed_items(person=person, base_url=settings.BASE_URL)
    now = clock.now()
    CalendarFeed.objects.filter(person=person).update(last_fetched_at=now)
    body = personal_calendar(
        person_id=person.pk,
        name=_("Accord: %(name)s") % {"name": person},
        meetings=meetings,
        dues=dues,
        stamp=now,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    """Make or reset the secret URL (shown once, on the answer to the POST), or revoke it."""
    person = request.user
    context = {"nav": "notifications", "section": "calendar", "url": ""}
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke":
            if services.calendar_feed_revoke(actor=person):
                messages.success(
                    request, _("The calendar feed is off; its address no longer works.")
                )
            return redirect("calendars:manage")
        if action != "reset":
            return redirect("calendars:manage")
        token = services.calendar_feed_reset(actor=person)
        context["url"] = settings.BASE_URL + reverse("calendars:feed", args=[token])
    context["feed"] = CalendarFeed.objects.filter(person=person).first()
    response = render(request, "calendars/manage.html", context)
    response["Cache-Control"] = "private, no-store"
    return response
