"""Server-side request forgery (issue #16, item 1): a channel or an integration's webhook
whose address points at the server's own loopback or its private network must not make
Accord send anything there, nor show what answers there.

The address is refused when it is typed (the channel form, the API), when a name resolves
there at send time (the test button, the worker), and, whatever the address, nothing of a
receiver's body is kept or shown: only its status and a platform's own code. Every test
here runs with no network allowed (``ACCORD_OUTGOING_ALLOWED_NETWORKS`` empty, as in
production by default) unless it says otherwise; the receivers are real servers on
127.0.0.1 that answer with a marker no page may show. No traffic goes anywhere but
127.0.0.1: the other addresses are refused before any connection."""

import ipaddress
import os
import re
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from notify.receivers import Answer, HttpReceiver, free_port

from accord import env
from accord.core import outgoing
from accord.exports.pdf import minutes_pdf
from accord.meetings import preparation
from accord.meetings import services as meetings
from accord.meetings.selectors import meeting_with_record
from accord.minutes.selectors import minutes_record
from accord.notify import services as notify
from accord.notify.models import Channel, Notification
from accord.notify.worker import Worker

Status = Notification.Status
ACCORD = str(Path(sys.executable).with_name("accord"))

REFUSED = "the address is not allowed: it points into a private or local network"
UNREACHABLE = "could not connect, or no answer in time"
FORM_REFUSAL = (
    "Accord does not send to this address: it points into a private or local network. "
    "Paste the bot's public webhook URL."
)
# What the internal service answers: no page, log row or reason may show it.
MARKER = "internal-admin-token-5f1c"
SECRETS = {"dingtalk": "SECx", "feishu": "fs", "webhook": "whsec"}
HOOK_KINDS = ["feishu", "dingtalk", "wecom", "slack", "teams", "webhook"]


@pytest.fixture(autouse=True)
def loopback_receivers(settings):
    """Overrides the suite's fixture of the same name: no network is allowed here."""
    settings.ACCORD_OUTGOING_ALLOWED_NETWORKS = ()


@pytest.fixture(autouse=True)
def english_installation(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def internal():
    """A service on the server's loopback that would hand out its secret to anyone."""
    with HttpReceiver(lambda request: Answer(200, f"<h1>Admin</h1> {MARKER}")) as server:
        yield server


@pytest.fixture
def dns(monkeypatch):
    """The names an attacker's DNS server answers for (``records[name] = [addresses]``), as
    a name of their own domain that points at 127.0.0.1; other names go to the system's
    resolver. The URL a person types carries such a name, and only the connection can
    tell where it leads."""
    records: dict[str, list[str]] = {}
    system = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in records:
            return [
                info for address in records[host] for info in system(address, port, *args, **kwargs)
            ]
        return system(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return records


def text_of(markup: str) -> str:
    """The visible text, tags removed and white space collapsed."""
    import html

    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def field_errors(markup: str) -> dict[str, list[str]]:
    return {
        field: [text_of(item) for item in re.findall(r"<li>(.*?)</li>", items, re.S)]
        for field, items in re.findall(
            r'<ul class="errorlist" id="id_(\w+)_error"[^>]*>(.*?)</ul>', markup, re.S
        )
    }


def notify_url(name: str, *args) -> str:
    return reverse(f"notify:{name}", args=args)


def stored_channel(org, kind: str, target: str) -> Channel:
    """R&D's group bot with an address stored past the form's check (before it existed, or
    by an administrator in the admin site)."""
    return Channel.objects.create(
        kind=kind,
        name=f"研发群 {kind}",
        department=org.rnd,
        target=target,
        secret=SECRETS.get(kind, ""),
    )


def broken_notices() -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(kind="channel.broken").values_list("recipient__username", "via")
    )


# -- the guard -------------------------------------------------------------------------------

REFUSED_ADDRESSES = [
    "127.0.0.1",
    "127.8.9.10",
    "::1",
    "169.254.169.254",  # a cloud's metadata service
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "100.64.0.1",  # shared address space (carrier-grade NAT)
    "224.0.0.1",
    "239.255.255.250",
    "ff02::1",
    "ff0e::1",  # multicast, though "global"
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "::7f00:1",  # IPv4-compatible, reserved
    "0.0.0.0",
    "::",
    "fe80::1",
    "fc00::1",
    "198.18.0.1",
    "240.0.0.1",
    "255.255.255.255",
]


@pytest.mark.parametrize("address", REFUSED_ADDRESSES)
def test_the_guard_refuses_every_address_that_is_not_public(address):
    assert outgoing.address_allowed(address) is False
    with pytest.raises(outgoing.AddressNotAllowed) as refused:
        outgoing.resolve(address, 443)  # a literal: no lookup, no connection
    assert str(refused.value) == REFUSED


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]
)
def test_public_addresses_pass_the_guard(address):
    assert outgoing.address_allowed(address) is True
    [resolved] = outgoing.resolve(address, 443)
    assert ipaddress.ip_address(resolved) == ipaddress.ip_address(address)


def test_an_allowed_network_opens_itself_and_nothing_else(settings):
    settings.ACCORD_OUTGOING_ALLOWED_NETWORKS = (ipaddress.ip_network("10.20.0.0/16"),)

    assert outgoing.address_allowed("10.20.1.5") is True
    assert outgoing.address_allowed("::ffff:10.20.1.5") is True
    assert outgoing.address_allowed("10.21.0.1") is False
    assert outgoing.address_allowed("127.0.0.1") is False
    assert outgoing.address_allowed("169.254.169.254") is False


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "0.0.0.0", "[::ffff:127.0.0.1]", "2130706433", "127.1", "0x7f.1"],
)
def test_the_client_refuses_loopback_in_every_spelling_before_connecting(internal, host):
    port = internal.server.server_address[1]
    with (
        outgoing.client(timeout=httpx.Timeout(5)) as client,
        pytest.raises(outgoing.AddressNotAllowed) as refused,
    ):
        client.post(f"http://{host}:{port}/admin", content=b"{}")

    assert str(refused.value) == REFUSED
    assert internal.requests == []


def test_a_name_answering_with_a_public_and_a_loopback_address_is_refused(internal, dns):
    """Whichever address would be tried first, one refused address refuses the name."""
    dns["mixed.attacker.example"] = ["8.8.8.8", "127.0.0.1"]
    port = internal.server.server_address[1]
    with (
        outgoing.client(timeout=httpx.Timeout(5)) as client,
        pytest.raises(outgoing.AddressNotAllowed),
    ):
        client.post(f"http://mixed.attacker.example:{port}/admin", content=b"{}")

    assert internal.requests == []


# -- the setting -----------------------------------------------------------------------------


def test_the_allowed_networks_are_read_strictly(monkeypatch):
    name = "ACCORD_OUTGOING_ALLOWED_NETWORKS"
    monkeypatch.delenv(name, raising=False)
    assert env.env_networks(name) == ()
    monkeypatch.setenv(name, "10.20.0.0/16, fd00:1::/64,192.168.7.9")
    assert env.env_networks(name) == (
        ipaddress.ip_network("10.20.0.0/16"),
        ipaddress.ip_network("fd00:1::/64"),
        ipaddress.ip_network("192.168.7.9/32"),
    )
    for value, message in [
        (
            "10.20.1.5/16",
            f"{name}: '10.20.1.5/16' is not a network such as 10.20.0.0/16 "
            "(10.20.1.5/16 has host bits set).",
        ),
        (
            "intranet",
            f"{name}: 'intranet' is not a network such as 10.20.0.0/16 "
            "('intranet' does not appear to be an IPv4 or IPv6 network).",
        ),
        ("10.0.0.0/8,,", f"{name}='10.0.0.0/8,,' has an empty item: separate values by commas."),
    ]:
        monkeypatch.setenv(name, value)
        with pytest.raises(ImproperlyConfigured) as error:
            env.env_networks(name)
        assert str(error.value) == message


def test_a_wrong_allowed_network_stops_start_up_naming_the_variable(tmp_path):
    environment = {
        **os.environ,
        "ACCORD_OUTGOING_ALLOWED_NETWORKS": "10.0.0.1/8",
        "ACCORD_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [ACCORD, "check"], env=environment, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 2
    assert result.stderr.startswith("accord: configuration error: ")
    assert "ACCORD_OUTGOING_ALLOWED_NETWORKS: '10.0.0.1/8' is not a network" in result.stderr


# -- refused where it is typed ---------------------------------------------------------------

FORM_TARGETS = [
    ("webhook", "http://127.0.0.1:{port}/hook"),
    ("webhook", "http://localhost:{port}/hook"),
    ("webhook", "http://LocalHost:{port}/hook"),
    ("webhook", "http://[::1]:{port}/hook"),
    ("webhook", "http://[::ffff:127.0.0.1]:{port}/hook"),
    ("webhook", "http://0.0.0.0:{port}/hook"),
    ("webhook", "http://169.254.169.254/latest/meta-data/"),
    ("feishu", "http://10.0.0.1/open-apis/bot/v2/hook/x"),
    ("slack", "https://192.168.1.1/services/T/B/x"),
]


@pytest.mark.parametrize(("kind", "target"), FORM_TARGETS)
def test_a_channel_into_the_local_network_is_refused_at_the_form(
    browser_as, org, internal, kind, target
):
    target = target.format(port=internal.server.server_address[1])
    browser = browser_as(org.zhou)
    browser.get(notify_url("channel_create"))

    response = browser.post(
        notify_url("channel_create"),
        {"kind": kind, "name": "内部", "target": target, "secret": SECRETS.get(kind, "")},
    )

    assert response.status_code == 422
    assert field_errors(response.text) == {"target": [FORM_REFUSAL]}
    assert Channel.objects.count() == 0
    assert internal.requests == []


def test_changing_a_channels_address_into_the_local_network_is_refused(browser_as, org, internal):
    channel = notify.channel_create(
        actor=org.zhou,
        kind="slack",
        name="周的Slack",
        target="https://hooks.slack.com/services/T/B/x",
    )
    browser = browser_as(org.zhou)
    browser.get(notify_url("channel_edit", channel.pk))

    response = browser.post(
        notify_url("channel_edit", channel.pk),
        {"name": "周的Slack", "target": internal.url + "/services/T/B/x"},
    )

    assert response.status_code == 422
    assert field_errors(response.text) == {"target": [FORM_REFUSAL]}
    channel.refresh_from_db()
    assert channel.target == "https://hooks.slack.com/services/T/B/x"
    assert internal.requests == []


def test_a_channel_stored_at_a_refused_address_can_still_be_switched_off(browser_as, org):
    """An address stored before the check is not retyped: renaming the channel or switching
    it off goes on working, and its deliveries are refused at the connection."""
    channel = Channel.objects.create(
        kind="slack", name="旧的", person=org.zhou, target="http://10.0.0.7/services/T/B/x"
    )
    browser = browser_as(org.zhou)
    browser.get(notify_url("channels"))

    response = browser.post(notify_url("channel_switch", channel.pk), {"on": "0"})

    assert response.status_code == 302
    channel.refresh_from_db()
    assert (channel.enabled, channel.target) == (False, "http://10.0.0.7/services/T/B/x")


@pytest.mark.parametrize(
    "url", ["{base}/events", "http://localhost:{port}/events", "http://169.254.169.254/latest/"]
)
def test_the_api_refuses_an_integration_webhook_into_the_local_network(api_as, org, internal, url):
    url = url.format(base=internal.url, port=internal.server.server_address[1])

    response = api_as(org.admin).post(
        "/webhooks",
        json={"name": "OA", "url": url, "secret": "whsec", "events": ["meeting.scheduled"]},
    )

    assert response.status_code == 422
    assert response.json() == {
        "message": FORM_REFUSAL,
        "field": "url",
        "code": "address_not_allowed",
    }
    assert Channel.objects.count() == 0
    assert internal.requests == []


# -- refused where it is connected to --------------------------------------------------------


def assert_refused_and_switched_off(row: Notification, channel: Channel) -> None:
    row.refresh_from_db()
    assert (row.status, row.last_error, row.response, row.sent_at) == (
        Status.FAILED,
        REFUSED,
        "",
        None,
    )
    channel.refresh_from_db()
    assert (channel.enabled, channel.disabled_reason) == (False, REFUSED)


def test_the_test_button_refuses_a_name_that_resolves_to_loopback(browser_as, org, internal, dns):
    """The form takes a name it cannot judge; the connection refuses where it leads, and
    the page and the delivery log show the refusal, not the internal service's answer."""
    dns["hooks.rebind.example"] = ["127.0.0.1"]
    target = f"http://hooks.rebind.example:{internal.server.server_address[1]}/accord"
    browser = browser_as(org.li)
    browser.get(notify_url("channel_create"))
    created = browser.post(
        notify_url("channel_create"),
        {"kind": "webhook", "name": "研发OA", "target": target, "secret": "whsec"},
    )
    assert created.status_code == 302
    channel = Channel.objects.get(name="研发OA")

    browser.get(notify_url("channels"))
    page = browser.post(notify_url("channel_test", channel.pk), {})
    log = browser.get(notify_url("log"))

    assert page.status_code == 200
    shown = text_of(page.text)
    assert f"The test message failed: {REFUSED}" in shown
    assert (
        f"Accord switched it off because the channel answered: {REFUSED}. Fix the address or "
        "secret, then switch it on again."
    ) in shown
    assert MARKER not in page.text
    assert log.status_code == 200
    assert REFUSED in text_of(log.text)
    assert MARKER not in log.text
    assert internal.requests == []
    assert_refused_and_switched_off(Notification.objects.get(kind="channel.test"), channel)


@pytest.mark.parametrize("host", ["localhost", "admin.rebind.example", "v6.rebind.example"])
def test_the_test_message_refuses_a_stored_address_that_resolves_to_loopback(
    org, internal, dns, host
):
    dns["admin.rebind.example"] = ["127.0.0.1"]
    dns["v6.rebind.example"] = ["::ffff:127.0.0.1"]
    channel = stored_channel(org, "slack", f"http://{host}:{internal.server.server_address[1]}/x")

    row = notify.channel_send_test(actor=org.sun, channel=channel)

    assert internal.requests == []
    assert_refused_and_switched_off(row, channel)
    # R&D's group bot: its head, the PMO and the administrator are told
    assert broken_notices() == [("admin", "in_app"), ("li", "in_app"), ("sun", "in_app")]


@pytest.mark.parametrize("kind", HOOK_KINDS)
def test_the_worker_sends_nothing_to_a_stored_loopback_channel_of_any_kind(
    org, draft_meeting, internal, kind
):
    channel = stored_channel(org, kind, f"http://localhost:{internal.server.server_address[1]}/x")

    meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
    counts = Worker().run(once=True)

    assert internal.requests == []
    assert counts["sent"] == 0
    row = Notification.objects.get(channel=channel)
    assert row.attempts == 1
    assert_refused_and_switched_off(row, channel)
    assert broken_notices() == [("admin", "in_app"), ("li", "in_app"), ("sun", "in_app")]
    notice = Notification.objects.get(kind="channel.broken", recipient=org.li)
    assert notice.payload == {
        "channel_name": channel.name,
        "reason": REFUSED,
        "why": {"code": "address_refused", "params": {}},
        "department_name": "研发部",
    }


def test_an_integration_whose_name_resolves_to_loopback_is_switched_off(
    api_as, org, draft_meeting, internal, dns
):
    dns["oa.rebind.example"] = ["127.0.0.1"]
    api = api_as(org.admin)
    created = api.post(
        "/webhooks",
        json={
            "name": "OA",
            "url": f"http://oa.rebind.example:{internal.server.server_address[1]}/events",
            "secret": "whsec",
            "events": ["meeting.scheduled"],
        },
    )
    assert created.status_code == 201

    meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
    Worker().run(once=True)
    listed = api.get("/webhooks").json()

    assert internal.requests == []
    assert [(hook["enabled"], hook["disabled_reason"]) for hook in listed] == [(False, REFUSED)]
    row = Notification.objects.get(channel_id=created.json()["id"])
    assert (row.kind, row.status, row.last_error, row.response) == (
        "meeting.scheduled",
        Status.FAILED,
        REFUSED,
        "",
    )


def test_an_open_and_a_closed_port_read_the_same(org, internal):
    """Nothing tells whether something listens at a refused address."""
    open_port, closed_port = internal.server.server_address[1], free_port()
    rows = {}
    for port in (open_port, closed_port):
        channel = Channel.objects.create(
            kind="webhook", name=f"p{port}", person=org.sun, target=f"http://localhost:{port}/"
        )
        row = notify.channel_send_test(actor=org.sun, channel=channel)
        channel.refresh_from_db()
        rows[port] = (row.status, row.last_error, row.response, channel.disabled_reason)

    assert rows[open_port] == rows[closed_port] == (Status.FAILED, REFUSED, "", REFUSED)
    assert internal.requests == []


# -- where a network is allowed --------------------------------------------------------------


def test_an_allowed_network_is_reached_and_shows_only_the_status(
    browser_as, settings, org, internal
):
    """An on-premises deployment allows its chat server's network: delivery works, and the
    answer shown is the status, not the body."""
    settings.ACCORD_OUTGOING_ALLOWED_NETWORKS = (ipaddress.ip_network("127.0.0.0/8"),)
    browser = browser_as(org.li)
    browser.get(notify_url("channel_create"))
    created = browser.post(
        notify_url("channel_create"),
        {"kind": "webhook", "name": "内部OA", "target": internal.url + "/accord", "secret": "s"},
    )
    assert created.status_code == 302
    channel = Channel.objects.get(name="内部OA")

    browser.get(notify_url("channels"))
    page = browser.post(notify_url("channel_test", channel.pk), {})
    log = browser.get(notify_url("log"))

    assert len(internal.requests) == 1
    assert "The test message was sent. The channel answered: HTTP 200" in text_of(page.text)
    assert MARKER not in page.text
    assert MARKER not in log.text
    row = Notification.objects.get(kind="channel.test")
    assert (row.status, row.last_error, row.response) == (Status.SENT, "", "HTTP 200")


@pytest.mark.parametrize("status", [200, 404, 503])
@pytest.mark.parametrize("kind", HOOK_KINDS)
def test_no_kind_of_channel_keeps_the_body_of_what_answered(settings, org, kind, status):
    """Whatever answers, and however: the row and the channel keep its status, not its
    page."""
    settings.ACCORD_OUTGOING_ALLOWED_NETWORKS = (ipaddress.ip_network("127.0.0.0/8"),)
    page = f"<html><h1>Admin</h1><p>token: {MARKER}</p></html>"
    with HttpReceiver(lambda request: Answer(status, page)) as service:
        channel = stored_channel(org, kind, service.url + "/x")
        row = notify.channel_send_test(actor=org.sun, channel=channel)

    channel.refresh_from_db()
    assert len(service.requests) == 1
    assert row.response == f"HTTP {status}"
    assert MARKER not in row.last_error
    assert MARKER not in channel.disabled_reason


def test_a_closed_port_and_a_silent_one_read_the_same(settings, org):
    """Inside an allowed network too, a refused connection and an answer that never comes
    read alike: the delivery log is no port scanner."""
    settings.ACCORD_OUTGOING_ALLOWED_NETWORKS = (ipaddress.ip_network("127.0.0.0/8"),)
    settings.ACCORD_NOTIFY_TIMEOUT = 1
    with HttpReceiver(lambda request: Answer(200, MARKER, delay=1.5)) as silent:
        rows = []
        for target in (silent.url + "/x", f"http://127.0.0.1:{free_port()}/x"):
            channel = Channel.objects.create(
                kind="slack", name=target, person=org.sun, target=target
            )
            row = notify.channel_send_test(actor=org.sun, channel=channel)
            rows.append((row.status, row.last_error, row.response))

    assert rows == [(Status.PENDING, UNREACHABLE, ""), (Status.PENDING, UNREACHABLE, "")]


# -- what is never fetched -------------------------------------------------------------------


class FetchRecorder:
    """A server on 127.0.0.1 that keeps the path of any request, whatever its method."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self):
                recorder.paths.append(self.path)
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_HEAD = _record  # noqa: N815 - http.server's names

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_links_people_type_are_stored_never_fetched(settings, client, org, scheduled_meeting):
    """A material's link and a meeting's online link are only shown; markup in a meeting's
    goal stays text, so the PDF renderer (which would fetch an image it is given) is
    given none. Even with loopback allowed, nothing reaches the recorder."""
    settings.ACCORD_OUTGOING_ALLOWED_NETWORKS = (ipaddress.ip_network("127.0.0.0/8"),)
    recorder = FetchRecorder()
    try:
        meeting = scheduled_meeting
        preparation.material_add(
            actor=org.sun, meeting=meeting, title="内部资料", url=recorder.url + "/material"
        )
        meetings.meeting_update(
            actor=org.sun,
            meeting=meeting,
            online_link=recorder.url + "/online",
            goal=f'<img src="{recorder.url}/goal.png"><link rel="stylesheet" href="{recorder.url}/goal.css">',
        )
        client.force_login(org.sun)
        detail = client.get(reverse("meetings:detail", args=[meeting.pk]))
        pdf = minutes_pdf(minutes_record(meeting=meeting_with_record(pk=meeting.pk)), language="en")
    finally:
        recorder.close()

    assert detail.status_code == 200
    assert recorder.url + "/material" in detail.content.decode()
    assert pdf.startswith(b"%PDF-")
    assert recorder.paths == []


@pytest.mark.parametrize("encoding", ["identity", "gzip", "br"])
def test_an_answer_of_gigabytes_is_read_no_further_than_64_kb(settings, org, encoding):
    """A server that answers a webhook with an endless body, or with a small gzip or brotli
    answer that inflates to 200 MB, costs the worker 64 KB at most: the rest is never read
    (and a brotli answer, which has no bounded decoder, is not inflated at all)."""
    import gzip
    import resource
    import time

    import brotli

    settings.ACCORD_OUTGOING_ALLOWED_NETWORKS = (ipaddress.ip_network("127.0.0.0/8"),)
    zeros = b"ok" + b"0" * 200_000_000
    if encoding == "gzip":
        answer = Answer(200, gzip.compress(zeros, compresslevel=9), {"Content-Encoding": "gzip"})
    elif encoding == "br":
        answer = Answer(200, brotli.compress(zeros, quality=1), {"Content-Encoding": "br"})
    else:
        answer = Answer(200, zeros[:50_000_000])
    assert encoding == "identity" or len(answer.body) < 250_000
    with HttpReceiver(lambda request: answer) as service:
        channel = stored_channel(org, "slack", service.url + "/hook")
        peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.monotonic()
        row = notify.channel_send_test(actor=org.sun, channel=channel)
        took = time.monotonic() - started
        peak_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    assert len(service.requests) == 1
    assert (row.status, row.response) == (Status.SENT, "HTTP 200")
    assert (peak_after - peak_before) < 40_000  # kilobytes: far from 50 or 200 MB
    assert took < 5


def test_answers_recorded_before_the_policy_are_forgotten_by_the_migration(org):
    """The migration that comes with the policy clears the bodies and connection details
    older rows kept, and leaves what rows keep now."""
    from importlib import import_module

    from django.apps import apps
    from django.utils import timezone

    forget = import_module("accord.notify.migrations.0008_forget_answer_bodies").forget
    rows = [
        Notification.objects.create(
            key=f"before-policy:{n}",
            kind="channel.test",
            via="slack",
            recipient=org.sun,
            send_after=timezone.now(),
            response=response,
            last_error=error,
        )
        for n, (response, error) in enumerate(
            [
                (f"<h1>Admin</h1> {MARKER}", f"HTTP 404: {MARKER}"),
                ("HTTP 404: channel_not_found", "HTTP 404"),
                ("", "could not connect: [Errno 111] Connection refused"),
                ("", "timed out: ReadTimeout"),
            ]
        )
    ]
    channel = stored_channel(org, "slack", "https://hooks.example.com/x")
    Channel.objects.filter(pk=channel.pk).update(
        enabled=False, disabled_reason=f"HTTP 403: {MARKER}"
    )
    forget(apps, None)
    assert [
        (row.response, row.last_error)
        for row in Notification.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk")
    ] == [
        ("", "HTTP 404"),
        ("HTTP 404: channel_not_found", "HTTP 404"),
        ("", UNREACHABLE),
        ("", UNREACHABLE),
    ]
    assert Channel.objects.get(pk=channel.pk).disabled_reason == "HTTP 403"
