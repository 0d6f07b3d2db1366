"""The page of a paused sign-in: django-axes' lock-out response (``AXES_LOCKOUT_CALLABLE``)."""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accord.org.sign_in import Limit, Pause

TOO_MANY_REQUESTS = 429


def sign_in_paused(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The sign-in form again, the name kept and the password empty, saying why sign-in is
    paused, for how long and who can lift it; HTTP 429. The admin's sign-in gets the same
    page: its form posts the same fields back to the same address."""
    pause = AxesProxyHandler.get_implementation().pause(request, credentials)
    if pause is None:  # lifted by an administrator a moment ago: say the longest it can be
        started = request.axes_attempt_time
        pause = Pause(Limit.ACCOUNT, 0, started + get_cool_off(request), started)
    username = get_client_username(request, credentials) or ""
    return render(
        request,
        "registration/login.html",
        {
            "form": AuthenticationForm(request, initial={"username": username}),
            "next": request.POST.get("next", request.GET.get("next", "")),
            "sign_in_paused": pause.message(),
        },
        status=TOO_MANY_REQUESTS,
    )
