"""The delivery log in the reader's language: why a row failed or was cancelled is stored as
a code with its facts and shown translated, keeping what the platform itself said (its
code and message); a row stored before codes were kept shows its text. The recipient
column has its own msgid ("To" in the context "recipient of a notice"), not the date
range's "To" that zh-hans translates as 结束日期.

The translations are read from a small catalog made for the test (``test_catalog``, put
before Accord's own) with gettext's msgfmt: the entries the zh-hans catalog is to get."""

import datetime as dt
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from notify.receivers import Answer, HttpReceiver

from accord.actions import services as actions
from accord.core import clock
from accord.notify import planner
from accord.notify import services as notify
from accord.notify.models import Channel, Notification
from accord.org import services as org_services
from tests.conftest import STARTS, Org

ZH = {
    ("recipient of a notice", "To"): "收件人",
    (None, "the due date or owner changed"): "截止日期或负责人已变更",
    (None, "%(platform)s %(code)s: %(meaning)s (%(message)s)"): (
        "%(platform)s %(code)s：%(meaning)s（%(message)s）"
    ),
    (None, "DingTalk"): "钉钉",
    (None, "signature, timestamp, keyword or IP rejected"): "签名、时间戳、关键词或 IP 被拒绝",
}


def po_text(entries: dict) -> str:
    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for (context, msgid), msgstr in entries.items():
        if context:
            lines.append(f'msgctxt "{context}"')
        lines += [f'msgid "{msgid}"', f'msgstr "{msgstr}"', ""]
    return "\n".join(lines)


@pytest.fixture
def test_catalog(tmp_path, settings):
    if not shutil.which("msgfmt"):
        pytest.skip("GNU gettext's msgfmt is not installed")
    folder = tmp_path / "zh_Hans" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.po").write_text(po_text(ZH), encoding="utf-8")
    subprocess.run(
        ["msgfmt", "-o", str(folder / "django.mo"), str(folder / "django.po")], check=True
    )
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]


def log_page(client, person) -> str:
    client.force_login(person)
    return client.get(reverse("notify:log")).content.decode()


def header(markup: str) -> list[str]:
    return re.findall(r"<th>(.*?)</th>", re.search(r"<thead>(.*?)</thead>", markup, re.S)[1])


def error_of(markup: str, row: Notification) -> str:
    found = re.search(
        rf'<tr data-delivery="{row.pk}">.*?<div class="error-text" data-error>(.*?)</div>',
        markup,
        re.S,
    )
    assert found, f"row {row.pk} shows no error"
    return found[1]


@pytest.fixture
def chinese_admin(org: Org):
    return org_services.person_update(actor=org.admin, person=org.admin, locale="zh-hans")


@pytest.fixture
def rows(org: Org, running_meeting, settings) -> dict[str, Notification]:
    """A reminder e-mail cancelled because its owner changed, a DingTalk test message that
    failed with errcode 310000 (from a robot on 127.0.0.1), and a row from before codes."""
    settings.ACCORD_NOTIFY_EMAIL = True
    org.zhou.email = "zhou@example.cn"
    org.zhou.save(update_fields=["email"])
    with clock.frozen(STARTS + dt.timedelta(minutes=30)):
        item = actions.action_create(
            actor=org.zhao,
            meeting=running_meeting,
            task="提交技术方案初稿",
            owner=org.zhou,
            due=dt.date(2026, 9, 15),
        )
    moment = STARTS.replace(day=12, hour=9)
    with clock.frozen(moment):
        planner.plan(moment)
        actions.action_update(actor=org.zhao, action=item, owner=org.zhang)
    cancelled = Notification.objects.get(kind="action.reminder", via=Channel.Kind.EMAIL)

    answer = {"errcode": 310000, "errmsg": "sign not match"}
    with HttpReceiver(lambda request: Answer(200, answer)) as robot:
        bot = notify.channel_create(
            actor=org.li,
            kind=Channel.Kind.DINGTALK,
            name="研发群机器人",
            target=robot.url + "/robot/send?access_token=tok",
            secret="SECx",
            department=org.rnd,
        )
        failed = notify.channel_send_test(actor=org.li, channel=bot)

    old = Notification.objects.create(
        key="old:1",
        event="old:1",
        kind="channel.test",
        via=Channel.Kind.SLACK,
        recipient=org.li,
        send_after=STARTS,
        status=Notification.Status.FAILED,
        last_error="HTTP 404: channel_not_found",
        payload={"channel_name": "旧通道", "by": "李主管"},
    )
    return {"cancelled": cancelled, "failed": failed, "old": old}


def test_the_recipient_column_is_not_headed_end_date(client, chinese_admin, rows, test_catalog):
    markup = log_page(client, chinese_admin)

    assert "结束日期" not in markup
    assert header(markup)[2] == "收件人"
    assert re.search(r'<td data-label="收件人">', markup)


def test_why_a_row_stopped_reads_in_the_readers_language(client, chinese_admin, rows, test_catalog):
    markup = log_page(client, chinese_admin)

    assert error_of(markup, rows["cancelled"]) == "截止日期或负责人已变更"
    assert error_of(markup, rows["failed"]) == (
        "钉钉 310000：签名、时间戳、关键词或 IP 被拒绝（sign not match）"
    )
    # stored before codes were kept: shown as it was stored
    assert error_of(markup, rows["old"]) == "HTTP 404: channel_not_found"


def test_in_english_the_log_reads_as_stored(client, org: Org, rows, test_catalog):
    markup = log_page(client, org.admin)

    assert header(markup)[2] == "To"
    assert error_of(markup, rows["cancelled"]) == "the due date or owner changed"
    assert error_of(markup, rows["failed"]) == (
        "DingTalk 310000: signature, timestamp, keyword or IP rejected (sign not match)"
    )
    for row in ("cancelled", "failed"):
        rows[row].refresh_from_db()
    assert (rows["cancelled"].last_error_code, rows["cancelled"].last_error_params) == (
        "due_or_owner_changed",
        None,
    )
    assert (rows["failed"].last_error_code, rows["failed"].last_error_params) == (
        "platform_broken",
        {
            "platform": "DingTalk",
            "code": 310000,
            "meaning": "signature, timestamp, keyword or IP rejected",
            "message": "sign not match",
        },
    )
