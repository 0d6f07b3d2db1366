"""The bell and the inbox in a browser at phone width (390 px): the bell says how many
notices are unread, opens the inbox, and the inbox fits the screen."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from accord.notify.outbox import Event, publish
from tests.conftest import NOW, Org
from tests.e2e.conftest import PHONE, check_page, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_bell_counts_and_opens_the_inbox_on_a_phone(
    new_page, log_in, org: Org, scheduled_meeting
) -> None:
    # given: the invitation to the launch meeting and two more notices for zhou
    publish(
        [
            Event(
                key=f"channel-broken:c{number}:e2e",
                kind="channel.broken",
                people=[org.zhou],
                payload={
                    "channel_name": "研发部钉钉群（产品上线专项）",
                    "reason": "DingTalk 310000: signature, timestamp, keyword or IP rejected",
                },
                send_after=NOW - dt.timedelta(hours=number),
            )
            for number in (1, 2)
        ]
    )
    page = new_page(locale="en-US", **PHONE)
    log_in(page, org.zhou)

    # when: zhou opens Accord and follows the bell
    page.goto("/")
    bell = page.get_by_role("link", name="3 unread notices")
    expect(bell).to_be_visible()
    expect(bell).to_have_text("3")
    bell.click()
    page.wait_for_url("**/notifications/")

    # then: the inbox lists the three notices, unread, and nothing is wider than the phone
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")
    check_page(page)
    expect(page.locator("li.notice.unread")).to_have_count(3)
    expect(page.locator("li.notice").first).to_contain_text(
        "Invitation: Q3产品上线跨部门协作启动会"
    )
    screenshot(page, "inbox-phone")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the inbox is {width}px wide"

    # and marking one read brings the bell down to two
    page.locator("li.notice").first.get_by_role("button", name="Mark read").click()
    expect(page.get_by_role("link", name="2 unread notices")).to_be_visible()
    expect(page.locator("li.notice.unread")).to_have_count(2)


def test_channels_and_log_fit_a_phone(new_page, log_in, org: Org, draft_meeting) -> None:
    # given: R&D's bot, li's webhook, and the invitations with one failed delivery
    from accord.meetings import services as meetings
    from accord.notify import services
    from accord.notify.models import Notification

    bot = services.channel_create(
        actor=org.li,
        kind="dingtalk",
        name="研发部钉钉群（产品上线专项）",
        target="https://oapi.dingtalk.com/robot/send?access_token=" + "a" * 64,
        secret="SEC" + "b" * 60,
        department=org.rnd,
    )
    services.channel_create(
        actor=org.li,
        kind="webhook",
        name="李的Webhook",
        target="https://hooks.example.cn/accord/" + "c" * 80,
        secret="s",
    )
    meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
    Notification.objects.filter(channel=bot).update(
        status=Notification.Status.FAILED,
        attempts=3,
        last_error="DingTalk 310000: signature, timestamp, keyword or IP rejected (sign not match)",
        response='{"errcode":310000,"errmsg":"sign not match, more: [https://ding-doc.dingtalk'
        '.com/doc#/serverapi2/qf2nxq]"}',
    )
    page = new_page(locale="en-US", **PHONE)
    log_in(page, org.li)

    for path, heading in [
        ("/notifications/channels/", "Channels"),
        ("/notifications/log/", "Delivery log"),
    ]:
        # when
        page.goto(path)

        # then
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        check_page(page)
        screenshot(page, f"{heading.lower().replace(' ', '-')}-phone")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width}px wide"
    expect(page.get_by_role("button", name="Send again")).to_have_count(1)
