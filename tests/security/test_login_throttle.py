"""Password guessing (issue #16): failed sign-ins are counted per user name and per client
address (django-axes, in the database); past the limit sign-in is paused, the right password
included, with a page that says so, an audit row, and HTTP 429. API tokens likewise.

Axes keeps its own clock (the real one): a test lets time pass by moving the counted
attempts back, as the clock would have moved them."""

import datetime as dt
import html
import io
import json
import os
import re
import subprocess
import sys

import httpx
import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db.models import F
from django.test import Client

from accord.api.models import ApiToken
from accord.api.services import token_create
from accord.core.models import AuditEvent

PASSWORD = "Correct-Horse-42"
WRONG = "The user name or password is wrong."
ACCOUNT_PAUSED = (
    "Too many failed sign-ins to this account. Sign-in to it is paused for {} minutes; "
    "until then even the right password is refused. An administrator can lift the pause "
    "sooner."
)
ADDRESS_PAUSED = (
    "Too many failed sign-ins from your network address. Sign-in from it is paused for {} "
    "minutes; until then even the right password is refused. An administrator can lift the "
    "pause sooner."
)
TOKENS_PAUSED = (
    "Too many failed sign-ins from your network address: a wrong token from it is refused "
    "for 15 minutes."
)


def browser(address: str = "127.0.0.1") -> Client:
    return Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")


def sign_in(client: Client, username: str, password: str, path: str = "/login/"):
    return client.post(path, {"username": username, "password": password})


def alert(response) -> str:
    """The text of the page's alert, as the person reads it."""
    found = re.search(r'<div class="alert error" role="alert"[^>]*>(.*?)</div>', response.text)
    return html.unescape(found.group(1)).strip() if found else ""


def field(response, name: str) -> str | None:
    """The value the form shows in input ``name`` (None: the input is empty)."""
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', response.text).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return html.unescape(value.group(1)) if value else None


def signed_in(client: Client) -> bool:
    """Whether the session opens the home page (signed out, it redirects to sign-in)."""
    return client.get("/").status_code == 200


def pauses() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb="sign_in.paused").order_by("id"))


def time_passes(minutes: float) -> None:
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=minutes))


@pytest.fixture
def zhou(org):
    org.zhou.set_password(PASSWORD)
    org.zhou.save()
    return org.zhou


@pytest.fixture
def li(org):
    org.li.set_password(PASSWORD)
    org.li.save()
    return org.li


def test_thirty_quick_guesses_pause_the_account_and_the_right_password_is_refused(zhou):
    client = browser()
    for attempt in range(1, 5):
        response = sign_in(client, "zhou", f"guess-{attempt}")
        assert (response.status_code, alert(response)) == (200, WRONG)

    fifth = sign_in(client, "zhou", "guess-5")
    assert fifth.status_code == 429
    assert alert(fifth) == ACCOUNT_PAUSED.format(15)
    for attempt in range(6, 31):
        assert sign_in(client, "zhou", f"guess-{attempt}").status_code == 429

    right = sign_in(client, "zhou", PASSWORD)

    assert right.status_code == 429
    assert alert(right) == ACCOUNT_PAUSED.format(15)
    assert field(right, "username") == "zhou"
    assert field(right, "password") is None
    assert not signed_in(client)
    assert client.get("/")["Location"] == "/login/?next=/"
    # the attempts refused while paused are not counted: the pause is not extended
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [
        ("zhou", 5)
    ]
    [paused] = pauses()
    assert (paused.actor, paused.subject_type, paused.subject_id) == (None, "org.person", zhou.pk)
    until = AccessAttempt.objects.get().attempt_time + dt.timedelta(minutes=15)
    assert paused.data == {
        "username": "zhou",
        "ip_address": "127.0.0.1",
        "limit": "account",
        "failures": 5,
        "until": until.isoformat(),
        "path": "/login/",
    }


def test_the_pause_holds_one_account_only(zhou, li):
    for attempt in range(5):
        sign_in(browser(), "zhou", f"guess-{attempt}")

    same_address, other_address = browser(), browser("10.0.0.9")
    assert sign_in(same_address, "li", PASSWORD)["Location"] == "/"
    assert signed_in(same_address)
    assert sign_in(other_address, "zhou", PASSWORD).status_code == 429
    assert not signed_in(other_address)


def test_after_the_cool_off_the_right_password_works(zhou):
    client = browser()
    for attempt in range(5):
        sign_in(client, "zhou", f"guess-{attempt}")

    time_passes(10)
    assert alert(sign_in(client, "zhou", PASSWORD)) == ACCOUNT_PAUSED.format(5)
    assert not signed_in(client)

    time_passes(5)
    response = sign_in(client, "zhou", PASSWORD)

    assert (response.status_code, response["Location"]) == (302, "/")
    assert signed_in(client)
    assert len(pauses()) == 1


def test_an_administrator_lifts_the_pause_at_once(zhou):
    client = browser()
    for attempt in range(5):
        sign_in(client, "zhou", f"guess-{attempt}")

    call_command("axes_reset_username", "zhou", stdout=io.StringIO())

    assert sign_in(client, "zhou", PASSWORD)["Location"] == "/"
    assert signed_in(client)


def test_many_names_from_one_address_pause_the_address(zhou, li):
    """A guesser who tries one password on many accounts stays under each account's limit;
    the address's limit stops them. Another address is not affected."""
    guesser = browser("10.1.1.1")
    for n in range(1, 20):
        response = sign_in(guesser, f"user{n}", "123456")
        assert (response.status_code, alert(response)) == (200, WRONG)

    twentieth = sign_in(guesser, "user20", "123456")

    assert twentieth.status_code == 429
    assert alert(twentieth) == ADDRESS_PAUSED.format(15)
    refused = sign_in(guesser, "zhou", PASSWORD)
    assert (refused.status_code, alert(refused)) == (429, ADDRESS_PAUSED.format(15))
    assert field(refused, "username") == "zhou"
    assert not signed_in(guesser)
    elsewhere = browser("10.1.1.2")
    assert sign_in(elsewhere, "zhou", PASSWORD)["Location"] == "/"
    [paused] = pauses()
    attempt = AccessAttempt.objects.get(username="user20")
    assert (paused.subject_type, paused.subject_id) == ("axes.accessattempt", attempt.pk)
    assert (paused.data["limit"], paused.data["failures"], paused.data["ip_address"]) == (
        "address",
        20,
        "10.1.1.1",
    )


def test_an_ipv6_guesser_cannot_dodge_the_address_limit_within_its_64(zhou):
    """A provider hands one line a whole /64: each address of it counts as the same client.
    Another /64 is another client."""
    for n in range(1, 20):
        response = sign_in(browser(f"2001:db8:5:7::{n:x}"), f"user{n}", "123456")
        assert (response.status_code, alert(response)) == (200, WRONG)

    twentieth = sign_in(browser("2001:db8:5:7:ffff::1"), "user20", "123456")

    assert (twentieth.status_code, alert(twentieth)) == (429, ADDRESS_PAUSED.format(15))
    assert sign_in(browser("2001:db8:5:8::1"), "zhou", PASSWORD)["Location"] == "/"
    assert AccessAttempt.objects.filter(ip_address="2001:db8:5:7::").count() == 20


def test_a_forged_forwarded_for_does_not_dodge_the_address_limit(zhou):
    """Not behind a proxy, X-Forwarded-For is the client's own say and is not believed."""
    for n in range(20):
        sign_in(
            Client(REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"),
            f"user{n}",
            "123456",
        )

    response = sign_in(
        Client(REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="198.51.100.7"), "zhou", PASSWORD
    )

    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.1.1.1"}


@pytest.mark.parametrize(
    ("behind_proxy", "forwarded_for", "client_address"),
    [
        ("true", "203.0.113.9, 10.0.0.5", "10.0.0.5"),  # the hop the proxy appended
        ("true", "10.0.0.5", "10.0.0.5"),
        ("true", None, "192.0.2.1"),  # no header: the connection
        ("false", "203.0.113.9, 10.0.0.5", "192.0.2.1"),
    ],
)
def test_behind_a_proxy_the_client_is_the_last_forwarded_hop(
    behind_proxy, forwarded_for, client_address
):
    """The settings as a deployment reads them from its environment, in a fresh process."""
    script = (
        "import django; django.setup()\n"
        "from django.test import RequestFactory\n"
        "from axes.helpers import get_client_ip_address\n"
        "meta = {'REMOTE_ADDR': '192.0.2.1'}\n"
        f"if {forwarded_for!r}: meta['HTTP_X_FORWARDED_FOR'] = {forwarded_for!r}\n"
        "print(get_client_ip_address(RequestFactory().post('/login/', **meta)))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "accord.settings",
        "ACCORD_BEHIND_PROXY": behind_proxy,
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == client_address


@pytest.mark.parametrize(
    ("variable", "value", "refusal"),
    [
        ("ACCORD_LOGIN_FAILURE_LIMIT", "0", "it must be between 1 and 1000"),
        ("ACCORD_LOGIN_ADDRESS_FAILURE_LIMIT", "twenty", "is not a whole number"),
        ("ACCORD_LOGIN_COOLOFF_MINUTES", "0", "it must be between 1 and 10080"),
    ],
)
def test_a_limit_that_is_not_a_number_in_range_stops_start_up(variable, value, refusal):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "accord.settings", variable: value}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert f"ImproperlyConfigured: {variable}=" in result.stderr
    assert refusal in result.stderr


def test_the_admin_sign_in_is_paused_alike(org):
    org.admin.set_password(PASSWORD)
    org.admin.save()
    client = browser()
    for attempt in range(5):
        response = sign_in(client, "admin", f"guess-{attempt}", "/admin/login/")

    assert response.status_code == 429
    right = sign_in(client, "admin", PASSWORD, "/admin/login/")
    assert (right.status_code, alert(right)) == (429, ACCOUNT_PAUSED.format(15))
    assert client.get("/admin/").status_code == 302
    assert [p.data["path"] for p in pauses()] == ["/admin/login/"]


def test_twenty_bad_tokens_pause_the_wrong_ones_from_the_address(org):
    token, text = token_create(actor=org.zhou, name="OA同步")
    guesser = Client(REMOTE_ADDR="10.2.2.2", HTTP_ACCEPT_LANGUAGE="en")
    for n in range(19):
        response = guesser.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer acc_{n:08x}_guess")
        assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")

    twentieth = guesser.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer acc_deadbeef_guess")

    assert twentieth.status_code == 429
    assert twentieth.json() == {"message": TOKENS_PAUSED, "field": None, "code": "throttled"}
    assert twentieth["Retry-After"] == "900"
    again = guesser.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer acc_cafebabe_guess")
    assert (again.status_code, again["Retry-After"]) == (429, "900")
    # A valid token is 256 random bits nobody guesses: it is never slowed, from anywhere.
    right = guesser.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {text}")
    assert (right.status_code, right.json()["id"]) == (200, org.zhou.pk)
    elsewhere = Client(REMOTE_ADDR="10.2.2.3", HTTP_AUTHORIZATION=f"Bearer {text}")
    assert elsewhere.get("/api/v1/me").json()["id"] == org.zhou.pk
    [paused] = pauses()
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        None,
        "10.2.2.2",
        20,  # the one refused while paused is not counted
    )
    assert (paused.subject_type, paused.subject_id) == ("axes.accessattempt", attempt.pk)
    assert {k: paused.data[k] for k in ("username", "limit", "failures", "path")} == {
        "username": None,
        "limit": "address",
        "failures": 20,
        "path": "/api/v1/me",
    }


def test_a_good_token_costs_no_query_more_and_counts_nothing(org, django_assert_num_queries):
    token, text = token_create(actor=org.zhou, name="OA同步")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    client.get("/api/v1/me")  # the first use is recorded once
    # the token with its person, the person shown: as before the throttle
    with django_assert_num_queries(2):
        assert client.get("/api/v1/me").status_code == 200
    assert not AccessAttempt.objects.exists()


def test_the_openapi_description_lists_the_429(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    me = schema["paths"]["/api/v1/me"]["get"]["responses"]
    assert {"401", "429"} <= set(me)


def csrf(response: httpx.Response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)


def test_against_the_live_server(live_server, zhou):
    """Over HTTP, as a browser without JavaScript signs in."""
    with httpx.Client(
        base_url=live_server.url,
        headers={"Accept-Language": "en", "Referer": live_server.url + "/login/"},
        timeout=30,
    ) as http:
        token = csrf(http.get("/login/"))
        statuses = []
        for attempt in range(5):
            response = http.post(
                "/login/",
                data={"csrfmiddlewaretoken": token, "username": "zhou", "password": f"g{attempt}"},
            )
            statuses.append(response.status_code)
            token = csrf(response)
        right = http.post(
            "/login/",
            data={"csrfmiddlewaretoken": token, "username": "zhou", "password": PASSWORD},
        )
        home = http.get("/")

    assert statuses == [200, 200, 200, 200, 429]
    assert right.status_code == 429
    assert alert(right) == ACCOUNT_PAUSED.format(15)
    assert right.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "frame-ancestors 'none'" in right.headers["Content-Security-Policy"]
    assert (home.status_code, home.headers["Location"]) == (302, "/login/?next=/")
    assert len(pauses()) == 1


def test_api_against_the_live_server(live_server, org):
    _token, text = token_create(actor=org.zhou, name="OA同步")
    with httpx.Client(base_url=live_server.url + "/api/v1", timeout=30) as http:
        statuses = [
            http.get("/me", headers={"Authorization": f"Bearer acc_{n:08x}_x"}).status_code
            for n in range(20)
        ]
        wrong = http.get("/me", headers={"Authorization": "Bearer acc_ffffffff_x"})
        right = http.get("/me", headers={"Authorization": f"Bearer {text}"})

    assert statuses == [401] * 19 + [429]
    assert (wrong.status_code, wrong.headers["Retry-After"]) == (429, "900")
    assert json.loads(wrong.text)["code"] == "throttled"
    assert (right.status_code, right.json()["id"]) == (200, org.zhou.pk)
    assert ApiToken.objects.get().last_used_at is not None
