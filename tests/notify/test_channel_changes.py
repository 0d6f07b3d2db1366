"""Changing a channel: switching a department's channel off tells the PMO (who oversee every
department's channels) and the department's head, naming the channel, the department and
who did it; Accord switching one off after a failure tells them too. The stored secret is
never shown: an empty field keeps it, an explicit choice removes it (web: "Remove the
signing secret"; API: ``"secret": null``, refused for an integration's webhook, which is
always signed). Deliveries go to real receivers on 127.0.0.1."""

import pytest
from django.test import Client
from django.urls import reverse
from notify.receivers import Answer, HttpReceiver

from accord.api.services import token_create
from accord.core.models import AuditEvent
from accord.notify import messages
from accord.notify import services as notify
from accord.notify.models import Channel, Notification
from tests.conftest import Org

Kind = Channel.Kind
SECRET = "SEC0123456789abcdef"
DINGTALK_OK = {"errcode": 0, "errmsg": "ok"}


def url(name: str, *args) -> str:
    return reverse(f"notify:{name}", args=args)


@pytest.fixture
def robot():
    """A DingTalk robot on 127.0.0.1 that takes every message."""
    with HttpReceiver(lambda request: Answer(200, DINGTALK_OK)) as server:
        yield server


@pytest.fixture
def rnd_bot(org: Org, robot) -> Channel:
    """R&D's DingTalk group bot with a signing secret, set up by its head."""
    return notify.channel_create(
        actor=org.li,
        kind=Kind.DINGTALK,
        name="研发群机器人",
        target=robot.url + "/robot/send?access_token=tok",
        secret=SECRET,
        department=org.rnd,
    )


def switched_off_notices() -> list[tuple[str, str, str, str]]:
    """(recipient, through, subject, text) of every "switched off" notice."""
    rows = Notification.objects.filter(kind="channel.switched_off").select_related("recipient")
    return sorted((n.recipient.username, n.via, *messages.texts(n)[:2]) for n in rows)


# -- the PMO hears when a department's channel is switched off -------------------------------


def test_the_head_switching_off_the_group_bot_tells_the_pmo(client, org: Org, rnd_bot):
    client.force_login(org.li)

    response = client.post(url("channel_switch", rnd_bot.pk), {"on": "0"})

    assert response.status_code == 302
    assert switched_off_notices() == [
        (
            "sun",
            Kind.IN_APP,
            "Channel switched off: 研发群机器人 of 研发部",
            "研发部 李主管 switched off 研发群机器人 (DingTalk), the channel of 研发部: notices "
            "no longer reach that group through it until someone switches it on again.",
        )
    ]
    # not to the bot itself, nor to anyone's channel: in the app only
    assert not Notification.objects.filter(kind="channel.switched_off", channel__isnull=False)


def test_the_pmo_switching_it_off_tells_the_head_not_the_pmo(org: Org, rnd_bot):
    notify.channel_update(
        actor=org.sun, channel=rnd_bot, name=rnd_bot.name, target=rnd_bot.target, enabled=False
    )

    assert [(name, via) for name, via, *_texts in switched_off_notices()] == [("li", Kind.IN_APP)]


def test_switching_on_again_or_off_twice_tells_nobody(org: Org, rnd_bot):
    for enabled in (False, True, True):
        notify.channel_update(
            actor=org.li, channel=rnd_bot, name=rnd_bot.name, target=rnd_bot.target, enabled=enabled
        )
    audits = AuditEvent.objects.filter(verb="channel.updated").count()
    notify.channel_update(
        actor=org.li, channel=rnd_bot, name=rnd_bot.name, target=rnd_bot.target, enabled=True
    )

    assert len(switched_off_notices()) == 1  # the first switch, no more
    assert AuditEvent.objects.filter(verb="channel.updated").count() == audits


def test_a_persons_own_channel_switched_off_tells_nobody(org: Org, robot):
    own = notify.channel_create(
        actor=org.zhou, kind=Kind.DINGTALK, name="周的机器人", target=robot.url + "/robot/send"
    )
    notify.channel_update(
        actor=org.zhou, channel=own, name=own.name, target=own.target, enabled=False
    )

    assert switched_off_notices() == []


def test_accord_switching_the_bot_off_tells_the_pmo_with_the_department(
    org: Org, draft_meeting, settings
):
    """The robot answers errcode 310000: Accord switches R&D's bot off and tells its head,
    the PMO and the administrator, naming the department and the answer."""
    answer = {"errcode": 310000, "errmsg": "sign not match"}
    with HttpReceiver(lambda request: Answer(200, answer)) as bad:
        bot = notify.channel_create(
            actor=org.li,
            kind=Kind.DINGTALK,
            name="研发群机器人",
            target=bad.url + "/robot/send?access_token=tok",
            secret=SECRET,
            department=org.rnd,
        )
        notify.channel_send_test(actor=org.li, channel=bot)

    broken = Notification.objects.filter(kind="channel.broken").select_related("recipient")
    assert sorted(n.recipient.username for n in broken) == ["admin", "li", "sun"]
    notice = broken.get(recipient=org.sun)
    assert messages.texts(notice)[:2] == (
        "Channel switched off: 研发群机器人",
        "Accord stopped sending through 研发群机器人, the channel of 研发部, because it "
        "answered: DingTalk 310000: signature, timestamp, keyword or IP rejected (sign not "
        "match). Fix the address or secret, switch it on again, and send the waiting notices "
        "again from the delivery log.",
    )


# -- the signing secret ------------------------------------------------------------------------


def signed(robot: HttpReceiver) -> list[bool]:
    """Whether each request the robot received carried DingTalk's signature."""
    return ["sign" in request.query for request in robot.requests]


def test_an_empty_secret_field_keeps_the_secret(client, org: Org, rnd_bot, robot):
    client.force_login(org.li)

    response = client.post(
        url("channel_edit", rnd_bot.pk),
        {"name": "研发部钉钉群", "target": rnd_bot.target, "secret": "", "members_too": "on"},
    )
    notify.channel_send_test(actor=org.li, channel=rnd_bot)

    assert response.status_code == 302
    rnd_bot.refresh_from_db()
    assert (rnd_bot.name, rnd_bot.secret) == ("研发部钉钉群", SECRET)
    assert signed(robot) == [True]


def test_removing_the_secret_on_the_web_sends_unsigned(client, org: Org, rnd_bot, robot):
    """The box is offered only while a secret is stored; ticked, the secret is gone, the
    page says so, the audit row says it was removed (not what it was), and the next
    message goes unsigned."""
    client.force_login(org.li)
    form = client.get(url("channel_edit", rnd_bot.pk)).content.decode()
    assert '<input type="checkbox" name="remove_secret"' in form
    assert "Remove the signing secret" in form

    response = client.post(
        url("channel_edit", rnd_bot.pk),
        {
            "name": rnd_bot.name,
            "target": rnd_bot.target,
            "remove_secret": "on",
            "members_too": "on",
        },
    )
    notify.channel_send_test(actor=org.li, channel=rnd_bot)

    assert response.status_code == 302
    rnd_bot.refresh_from_db()
    assert rnd_bot.secret == ""
    assert AuditEvent.objects.filter(verb="channel.updated").get().data == {"secret": "removed"}
    assert signed(robot) == [False]
    again = client.get(url("channel_edit", rnd_bot.pk)).content.decode()
    assert "no signing secret" in again
    assert 'name="remove_secret"' not in again


def test_a_new_secret_and_removing_it_at_once_is_refused(client, org: Org, rnd_bot):
    client.force_login(org.li)

    response = client.post(
        url("channel_edit", rnd_bot.pk),
        {"name": "新名字", "target": rnd_bot.target, "secret": "SECnew", "remove_secret": "on"},
    )

    assert response.status_code == 422
    markup = response.content.decode()
    assert "Either type a new secret or remove the stored one, not both." in markup
    assert 'name="name" value="新名字"' in markup  # what was typed stays
    rnd_bot.refresh_from_db()
    assert (rnd_bot.name, rnd_bot.secret) == ("研发群机器人", SECRET)
    assert not AuditEvent.objects.filter(verb="channel.updated").exists()


def test_a_signed_webhook_cannot_lose_its_secret_on_the_web(client, org: Org, robot):
    hook = notify.channel_create(
        actor=org.zhou, kind=Kind.WEBHOOK, name="周的OA", target=robot.url + "/oa", secret="whsec"
    )
    client.force_login(org.zhou)

    response = client.post(
        url("channel_edit", hook.pk),
        {"name": hook.name, "target": hook.target, "remove_secret": "on"},
    )

    assert response.status_code == 422
    assert (
        "A signed webhook needs a secret: the receiver checks the signature with it."
        in response.content.decode()
    )
    hook.refresh_from_db()
    assert hook.secret == "whsec"


def api(person) -> Client:
    _token, text = token_create(actor=person, name="OA")
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def integration(org: Org, robot) -> Channel:
    return notify.integration_create(
        actor=org.admin,
        name="OA",
        target=robot.url + "/events",
        secret="old-secret",
        events=["action.created"],
    )


def test_the_api_keeps_the_secret_when_it_is_left_out(org: Org, integration):
    response = api(org.admin).patch(
        f"/api/v1/webhooks/{integration.pk}",
        {"events": ["action.overdue"]},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    integration.refresh_from_db()
    assert (integration.events, integration.secret) == (["action.overdue"], "old-secret")


def test_the_api_replaces_the_secret(org: Org, integration):
    response = api(org.admin).patch(
        f"/api/v1/webhooks/{integration.pk}",
        {"secret": "new-secret"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert "secret" not in response.json()
    integration.refresh_from_db()
    assert (integration.events, integration.secret) == (["action.created"], "new-secret")
    assert AuditEvent.objects.get(verb="integration.updated").data == {
        "events": ["action.created"],
        "secret": "replaced",
    }


def test_the_api_refuses_to_remove_an_integrations_secret(org: Org, integration):
    response = api(org.admin).patch(
        f"/api/v1/webhooks/{integration.pk}", {"secret": None}, content_type="application/json"
    )

    assert response.status_code == 422
    assert (response.json()["field"], response.json()["message"]) == (
        "secret",
        "A signed webhook needs a secret: the receiver checks the signature with it.",
    )
    integration.refresh_from_db()
    assert integration.secret == "old-secret"
    assert not AuditEvent.objects.filter(verb="integration.updated").exists()
