"""The worker's fault paths against real receivers on 127.0.0.1: a timeout, a malformed
address, a server error with backoff, and each channel's rate limit. Each ends in a clear
state on the delivery log, never a crash and never a lost notice (S-TRACK-1..3)."""

import datetime as dt
import threading

import pytest
from conftest import NOW
from notify.channels import group_bot, own_channel
from notify.receivers import Answer, HttpReceiver

from accord.core import clock
from accord.meetings import services as meetings
from accord.notify.models import Channel, Notification
from accord.notify.outbox import Event, publish
from accord.notify.worker import Worker

Status = Notification.Status
SECONDS = dt.timedelta(seconds=1)


@pytest.fixture(autouse=True)
def english_installation(settings):
    settings.LANGUAGE_CODE = "en"


def row_of(channel: Channel, kind: str = "meeting.invitation") -> Notification:
    return Notification.objects.get(channel=channel, kind=kind)


def test_a_receiver_slower_than_the_timeout_is_tried_again(org, draft_meeting, settings):
    settings.ACCORD_NOTIFY_TIMEOUT = 1
    answers = iter([Answer(200, "ok", delay=1.5), Answer(200, "ok")])
    with HttpReceiver(lambda r: next(answers)) as hook:
        channel = own_channel(org.li, "slack", hook.url + "/services/T/B/x")
        meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
        counts = Worker().run(once=True)

        assert counts["retried"] == 1
        assert counts["failed"] == 0
        row = row_of(channel)
        assert row.status == Status.PENDING
        assert row.attempts == 1
        assert row.last_error == "could not connect, or no answer in time"
        assert row.send_after == NOW + 30 * SECONDS
        assert row.sent_at is None
        channel.refresh_from_db()
        assert channel.enabled is True

        with clock.frozen(NOW + 30 * SECONDS):
            counts = Worker().run(once=True)

    assert counts["sent"] == 1
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert row.attempts == 2
    assert row.last_error == ""
    assert len(hook.requests) == 2


@pytest.mark.parametrize(
    "address",
    [
        "",
        "not a url",
        "ftp://bots.example.cn/hook",
        "http://exa mple.cn/hook",
        "https://hooks.slack.com:abc/services/x",
        "http://127.0.0.1:99999/hook",
        "http://[::1/hook",
    ],
)
def test_a_malformed_stored_address_fails_clearly_and_the_batch_goes_on(
    org, draft_meeting, address
):
    """The address was stored past the service's checks. The row fails with a clear error,
    the channel stops, and the next row of the same batch is still delivered."""
    broken = Channel.objects.create(kind="slack", name="Li's Slack", person=org.li, target=address)
    with HttpReceiver(lambda r: Answer(200, "ok")) as hook:
        good = group_bot(org, "slack", hook.url + "/services/T/B/x")
        meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
        counts = Worker().run(once=True)

    assert counts["failed"] == 1
    assert counts["sent"] == 1
    bad_row, good_row = row_of(broken), row_of(good)
    assert bad_row.id < good_row.id  # the failing row came first in the batch
    assert bad_row.status == Status.FAILED
    assert bad_row.attempts == 1
    assert bad_row.last_error == "malformed address: the webhook URL is not a valid http(s) URL"
    assert bad_row.tried_at == NOW
    broken.refresh_from_db()
    assert broken.enabled is False
    assert broken.disabled_reason == bad_row.last_error
    assert sorted(
        Notification.objects.filter(kind="channel.broken", via="in_app").values_list(
            "recipient__username", flat=True
        )
    ) == ["admin", "li"]
    assert good_row.status == Status.SENT
    # that Li's own channel stopped concerns Li alone: nothing of it goes to R&D's group bot
    assert not Notification.objects.filter(channel=good, kind="channel.broken").exists()
    assert len(hook.requests) == 1


def test_a_429_asking_for_no_wait_still_waits_a_second(org, draft_meeting):
    """``Retry-After: 0`` must not spin the worker on one row."""
    with HttpReceiver(lambda r: Answer(429, "rate_limited", {"Retry-After": "0"})) as hook:
        channel = own_channel(org.li, "slack", hook.url + "/services/T/B/x")
        meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
        Worker().run(once=True)

    assert len(hook.requests) == 1
    row = row_of(channel)
    assert (row.status, row.attempts, row.send_after) == (Status.PENDING, 0, NOW + SECONDS)


def test_server_errors_are_retried_with_growing_backoff(org, draft_meeting):
    answers = iter([Answer(500, "rollup_error")] * 3 + [Answer(200, "ok")])
    with HttpReceiver(lambda r: next(answers)) as hook:
        channel = own_channel(org.li, "slack", hook.url + "/services/T/B/x")
        meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
        Worker().run(once=True)
        row = row_of(channel)
        assert (row.status, row.attempts, row.send_after) == (
            Status.PENDING,
            1,
            NOW + 30 * SECONDS,
        )
        assert row.last_error == "HTTP 500"
        assert row.response == "HTTP 500: rollup_error"

        # not before its time
        with clock.frozen(NOW + 29 * SECONDS):
            assert Worker().run(once=True)["claimed"] == 0
        assert len(hook.requests) == 1

        expected = [(30, 2, 30 + 60), (90, 3, 90 + 120)]
        for at, attempts, next_at in expected:
            with clock.frozen(NOW + at * SECONDS):
                assert Worker().run(once=True)["retried"] == 1
            row.refresh_from_db()
            assert (row.status, row.attempts, row.send_after) == (
                Status.PENDING,
                attempts,
                NOW + next_at * SECONDS,
            )

        with clock.frozen(NOW + 210 * SECONDS):
            assert Worker().run(once=True)["sent"] == 1

    row.refresh_from_db()
    assert row.status == Status.SENT
    assert row.attempts == 4
    assert row.last_error == ""
    assert row.response == "HTTP 200: ok"
    assert row.sent_at == NOW + 210 * SECONDS
    assert len(hook.requests) == 4
    channel.refresh_from_db()
    assert channel.enabled is True


def test_server_errors_fail_the_row_after_the_last_attempt(org, draft_meeting, settings):
    settings.ACCORD_NOTIFY_MAX_ATTEMPTS = 2
    with HttpReceiver(lambda r: Answer(502, "bad gateway")) as hook:
        channel = own_channel(org.li, "slack", hook.url + "/services/T/B/x")
        meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
        Worker().run(once=True)
        with clock.frozen(NOW + 30 * SECONDS):
            counts = Worker().run(once=True)
        with clock.frozen(NOW + 3600 * SECONDS):
            assert Worker().run(once=True)["claimed"] == 0

    assert counts["failed"] == 1
    row = row_of(channel)
    assert row.status == Status.FAILED
    assert row.attempts == 2
    assert row.last_error == "HTTP 502"
    assert row.response == "HTTP 502"  # not a token: the body is not kept
    assert len(hook.requests) == 2
    channel.refresh_from_db()
    assert channel.enabled is True  # the server's trouble, not the channel's
    assert not Notification.objects.filter(kind="channel.broken").exists()


def counting_bot(limit: int, window: float, too_fast: Answer, ok: Answer):
    """A bot that enforces its own rate limit by the app's clock and counts refusals."""
    seen: list[float] = []
    refused: list[float] = []
    lock = threading.Lock()

    def answer(request):
        now = clock.now().timestamp()
        with lock:
            if len([t for t in seen if t > now - window]) >= limit:
                refused.append(now)
                return too_fast
            seen.append(now)
        return ok

    return answer, seen, refused


def nudges(org, meeting, count: int) -> None:
    """``count`` notices naming R&D, through the outbox."""
    publish(
        [
            Event(
                key=f"nudge:meeting:{meeting.pk}:round:{n}",
                kind="meeting.answers_nudge",
                departments=[org.rnd],
                meeting_id=meeting.pk,
                payload={"department_name": org.rnd.name},
            )
            for n in range(count)
        ]
    )


def test_dingtalk_quota_of_20_a_minute_queues_the_rest(org, scheduled_meeting):
    answer, seen, refused = counting_bot(
        20,
        60,
        Answer(200, {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}),
        Answer(200, {"errcode": 0, "errmsg": "ok"}),
    )
    with HttpReceiver(answer) as bot:
        channel = group_bot(org, "dingtalk", bot.url + "/robot/send?access_token=t", "SECx")
        nudges(org, scheduled_meeting, 25)
        counts = Worker().run(once=True)

        assert counts["sent"] == 20
        assert counts["failed"] == 0
        assert len(bot.requests) == 20
        assert refused == []
        rows = Notification.objects.filter(channel=channel)
        assert rows.filter(status=Status.SENT).count() == 20
        waiting = rows.filter(status=Status.PENDING)
        assert waiting.count() == 5
        assert set(waiting.values_list("send_after", "attempts", "last_error")) == {
            (NOW + 60 * SECONDS, 0, "")
        }

        with clock.frozen(NOW + 59 * SECONDS):
            assert Worker().run(once=True)["claimed"] == 0
        with clock.frozen(NOW + 61 * SECONDS):
            counts = Worker().run(once=True)

    assert counts["sent"] == 5
    assert len(bot.requests) == 25
    assert refused == []
    assert rows.filter(status=Status.SENT).count() == 25
    assert set(rows.values_list("attempts", flat=True)) == {1}


def test_slack_one_a_second(org, scheduled_meeting):
    answer, seen, refused = counting_bot(
        1, 1, Answer(429, "rate_limited", {"Retry-After": "1"}), Answer(200, "ok")
    )
    with HttpReceiver(answer) as hook:
        channel = group_bot(org, "slack", hook.url + "/services/T/B/x")
        nudges(org, scheduled_meeting, 3)
        rows = Notification.objects.filter(channel=channel).order_by("id")
        sent_per_second = []
        for second in range(3):
            with clock.frozen(NOW + second * SECONDS):
                sent_per_second.append(Worker().run(once=True)["sent"])
            if second == 0:
                assert [(r.status, r.send_after) for r in rows] == [
                    (Status.SENT, NOW),
                    (Status.PENDING, NOW + SECONDS),
                    (Status.PENDING, NOW + SECONDS),
                ]

    assert sent_per_second == [1, 1, 1]
    assert refused == []
    assert [r.sent_at for r in rows.all()] == [NOW, NOW + SECONDS, NOW + 2 * SECONDS]
