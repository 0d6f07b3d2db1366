"""A notice that asked for something settles itself once that is done: the sign-off request
once its items are signed (S-POST-3), the status request and the overdue notice once the
item is done or cancelled (S-TRACK-2, S-TRACK-3), the host's review request once the
minutes are approved or sent back (S-POST-2). Such a notice is read, shown as done, and
its link no longer says what to do; the bell's count drops by it."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accord.actions import services as actions
from accord.actions import tracking
from accord.actions.models import ActionItem
from accord.api.services import token_create
from accord.core import clock
from accord.live import services as live
from accord.meetings.models import Meeting
from accord.minutes import services as minutes_services
from accord.notify import planner, selectors
from accord.notify.models import Channel, Notification
from tests.conftest import STARTS, Org, close_topics

SIGNED_AT = timezone.make_aware(dt.datetime(2026, 9, 10, 11, 0))


def at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour))


@pytest.fixture
def items(org: Org, running_meeting: Meeting) -> dict[str, ActionItem]:
    """Two items of Zhou's and one of Chen's, recorded in the launch meeting."""
    with clock.frozen(STARTS + dt.timedelta(minutes=30)):
        return {
            name: actions.action_create(
                actor=org.zhao, meeting=running_meeting, task=task, owner=owner, due=due
            )
            for name, task, owner, due in (
                ("draft", "提交技术方案初稿", org.zhou, dt.date(2026, 9, 15)),
                ("estimate", "评估需求D工期", org.zhou, dt.date(2026, 9, 20)),
                ("design", "完成UI设计稿", org.chen, dt.date(2026, 9, 18)),
            )
        }


@pytest.fixture
def distributed(org: Org, running_meeting: Meeting, items) -> Meeting:
    """The minutes reviewed, approved and distributed on 2026-09-10: each owner is asked to
    sign their items."""
    with clock.frozen(STARTS + dt.timedelta(minutes=85)):
        close_topics(org, running_meeting)
        live.meeting_end(actor=org.wang, meeting=running_meeting)
    with clock.frozen(at(9, 10)):
        minutes_services.minutes_submit(actor=org.zhao, meeting=running_meeting)
        minutes_services.minutes_approve(actor=org.wang, meeting=running_meeting)
        minutes_services.minutes_distribute(actor=org.zhao, meeting=running_meeting)
    return running_meeting


def sign_request(person) -> Notification:
    return Notification.objects.get(
        kind="action.sign_request", recipient=person, via=Channel.Kind.IN_APP
    )


def inbox_entry(client: Client, notice: Notification) -> str:
    """The inbox's entry for ``notice``, as HTML, an hour after the signatures."""
    with clock.frozen(SIGNED_AT + dt.timedelta(hours=1)):
        page = client.get(reverse("notify:inbox")).content.decode()
    match = re.search(rf'<li class="[^"]*" data-notice="{notice.pk}"[^>]*>(.*?)</li>', page, re.S)
    assert match, f"notice {notice.pk} is not in the inbox"
    return match.group(0)


# -- S-POST-3: the sign-off request ------------------------------------------------------------


def test_signing_on_the_web_settles_the_request_once_every_listed_item_is_signed_s_post_3(
    client, org: Org, distributed: Meeting, items
):
    """Zhou's request lists his two items: after the first signature it still asks (one is
    left); after the second it is done: read, badge "Done", the link labelled "Open", no
    "Mark read", and the bell counts one fewer."""
    request = sign_request(org.zhou)
    assert [item["id"] for item in request.payload["items"]] == [
        items["draft"].pk,
        items["estimate"].pk,
    ]
    client.force_login(org.zhou)
    with clock.frozen(SIGNED_AT):
        unread_before = selectors.unread_count(org.zhou)

    with clock.frozen(SIGNED_AT):
        response = client.post(reverse("minutes:sign", args=[distributed.pk, items["draft"].pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.read_at, request.done_at) == (None, None)
    entry = inbox_entry(client, request)
    assert 'data-state="done"' not in entry
    assert ">Sign</a>" in entry and ">Mark read</button>" in entry
    with clock.frozen(SIGNED_AT):
        assert selectors.unread_count(org.zhou) == unread_before

    later = SIGNED_AT + dt.timedelta(minutes=5)
    with clock.frozen(later):
        response = client.post(reverse("minutes:sign", args=[distributed.pk, items["estimate"].pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.read_at, request.done_at) == (later, later)
    entry = inbox_entry(client, request)
    assert '<span class="badge ok" data-state="done">Done</span>' in entry
    assert f'<a href="/minutes/{distributed.pk}/">Open</a>' in entry
    assert ">Sign</a>" not in entry and "Mark read" not in entry
    with clock.frozen(later):
        assert selectors.unread_count(org.zhou) == unread_before - 1
    # Chen has signed nothing: her request still asks
    assert (sign_request(org.chen).read_at, sign_request(org.chen).done_at) == (None, None)


def test_signing_through_the_api_settles_the_request_and_the_reminders_s_post_3(
    org: Org, distributed: Meeting, items
):
    """Chen signs her one item through the API on the day after a reminder: the request and
    the reminder are both done; the unread count the API gives drops by two."""
    with clock.frozen(at(9, 11)):
        planner.plan(at(9, 11))
    reminder = Notification.objects.get(
        kind="action.sign_reminder", recipient=org.chen, via=Channel.Kind.IN_APP
    )
    _token, text = token_create(actor=org.chen, name="手机")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {text}", HTTP_ACCEPT_LANGUAGE="en")
    with clock.frozen(at(9, 11, 10)):
        before = api.get("/api/v1/notifications/unread-count").json()["unread"]
        response = api.post(f"/api/v1/actions/{items['design'].pk}/sign")
        after = api.get("/api/v1/notifications/unread-count").json()["unread"]
        listed = {n["id"]: n for n in api.get("/api/v1/notifications").json()["items"]}

    assert response.status_code == 200, response.content
    assert after == before - 2
    for notice in (sign_request(org.chen), reminder):
        assert listed[notice.pk]["done_at"] == "2026-09-11T02:00:00Z"
        assert listed[notice.pk]["read_at"] == "2026-09-11T02:00:00Z"
        assert (listed[notice.pk]["link"], listed[notice.pk]["link_label"]) == (
            f"/minutes/{distributed.pk}/",
            "Open",
        )


def test_a_request_read_before_signing_keeps_when_it_was_read(
    org: Org, distributed: Meeting, items
):
    request = sign_request(org.chen)
    with clock.frozen(at(9, 10, 10)):
        Notification.objects.filter(pk=request.pk).update(read_at=clock.now())
    with clock.frozen(SIGNED_AT):
        actions.action_sign(actor=org.chen, action=items["design"])

    request.refresh_from_db()
    assert (request.read_at, request.done_at) == (at(9, 10, 10), SIGNED_AT)


def test_another_signature_leaves_a_request_that_still_lists_an_unsigned_item(
    org: Org, distributed: Meeting, items
):
    """Settling reads only the owner's own requests and the items they list: Chen signing
    hers, and Zhou one of his two, settle Chen's request only."""
    with clock.frozen(SIGNED_AT):
        actions.action_sign(actor=org.chen, action=items["design"])
        actions.action_sign(actor=org.zhou, action=items["draft"])

    assert sign_request(org.zhou).done_at is None
    assert sign_request(org.chen).done_at == SIGNED_AT


# -- S-TRACK-2, S-TRACK-3: the status request and the overdue notice ----------------------------


def test_marking_the_item_done_settles_its_status_requests_and_overdue_notices_s_track_2(
    org: Org, running_meeting: Meeting, items
):
    """Zhou's draft was due on the 15th: a status request on the 15th, the overdue notice to
    him, R&D's head and the organiser on the 18th. Done on the 18th: all of them are done;
    the reminder of the 12th (which asked nothing) and the other items' notices stay."""
    for day in (12, 15, 18):
        with clock.frozen(at(9, day)):
            planner.plan(at(9, day))
    in_app = Notification.objects.filter(via=Channel.Kind.IN_APP, action=items["draft"])
    assert sorted(in_app.values_list("kind", "recipient__username")) == [
        ("action.overdue", "li"),
        ("action.overdue", "sun"),
        ("action.overdue", "zhou"),
        ("action.reminder", "zhou"),
        ("action.status_request", "zhou"),
    ]
    others = Notification.objects.filter(via=Channel.Kind.IN_APP).exclude(action=items["draft"])
    others_before = sorted(others.values_list("pk", "read_at", "done_at"))

    done_at = at(9, 18, 10)
    with clock.frozen(done_at):
        tracking.action_set_status(actor=org.zhou, action=items["draft"], status="done")

    assert sorted(in_app.values_list("kind", "recipient__username", "done_at", "read_at")) == [
        ("action.overdue", "li", done_at, done_at),
        ("action.overdue", "sun", done_at, done_at),
        ("action.overdue", "zhou", done_at, done_at),
        ("action.reminder", "zhou", None, None),
        ("action.status_request", "zhou", done_at, done_at),
    ]
    assert sorted(others.values_list("pk", "read_at", "done_at")) == others_before


def test_a_progress_note_does_not_settle_the_status_request_s_track_2(
    org: Org, running_meeting: Meeting, items
):
    """Progress is not a finished item: the request goes on asking."""
    with clock.frozen(at(9, 15)):
        planner.plan(at(9, 15))
        tracking.action_report_progress(
            actor=org.zhou, action=items["draft"], progress=60, note="初稿已完成六成"
        )
    request = Notification.objects.get(kind="action.status_request", via=Channel.Kind.IN_APP)
    assert (request.read_at, request.done_at) == (None, None)


# -- S-POST-2: the host's review request -------------------------------------------------------


@pytest.mark.parametrize("decision", ["approve", "return"])
def test_the_review_request_is_done_once_the_host_decides_s_post_2(
    org: Org, running_meeting: Meeting, items, decision: str
):
    with clock.frozen(STARTS + dt.timedelta(minutes=85)):
        close_topics(org, running_meeting)
        live.meeting_end(actor=org.wang, meeting=running_meeting)
    with clock.frozen(at(9, 10)):
        minutes_services.minutes_submit(actor=org.zhao, meeting=running_meeting)
    review = Notification.objects.get(kind="minutes.review", via=Channel.Kind.IN_APP)
    assert (review.recipient, review.done_at) == (org.wang, None)

    with clock.frozen(at(9, 10, 11)):
        if decision == "approve":
            minutes_services.minutes_approve(actor=org.wang, meeting=running_meeting)
        else:
            minutes_services.minutes_return(
                actor=org.wang, meeting=running_meeting, comment="补充销售部意见"
            )

    review.refresh_from_db()
    assert (review.read_at, review.done_at) == (at(9, 10, 11), at(9, 10, 11))
