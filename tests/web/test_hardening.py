"""Rules that keep data where it belongs: confidential meetings and PMO, upload limits,
frozen approved minutes, and caches that keep htmx parts apart from pages."""

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accord.actions import services as actions
from accord.actions import tracking
from accord.actions.models import ActionItem, Signature
from accord.core import clock
from accord.core.errors import AppError
from accord.core.models import AuditEvent
from accord.live import services as live
from accord.meetings import preparation
from accord.meetings import services as meetings
from accord.meetings.models import CopiedDepartment, Material, Meeting
from accord.minutes import services as minutes
from tests.conftest import STARTS, close_topics


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


def test_pmo_taking_part_may_not_organise_a_confidential_meeting(org, draft_meeting):
    """PMO organises what it may see without taking part; a confidential meeting is not that."""
    meetings.meeting_update(actor=org.wang, meeting=draft_meeting, confidential=True)
    draft_meeting.organiser = org.wang
    draft_meeting.save(update_fields=["organiser"])
    org.li.is_pmo = True
    org.li.save(update_fields=["is_pmo"])
    audits = AuditEvent.objects.count()

    with pytest.raises(AppError) as error:
        meetings.meeting_update(actor=org.li, meeting=draft_meeting, confidential=False)

    assert error.value.code == "forbidden"
    draft_meeting.refresh_from_db()
    assert draft_meeting.confidential is True
    assert AuditEvent.objects.count() == audits


def test_pmo_organises_a_meeting_that_is_not_confidential(org, draft_meeting):
    org.li.is_pmo = True
    org.li.save(update_fields=["is_pmo"])
    meetings.meeting_update(actor=org.li, meeting=draft_meeting, location="5号会议室")
    draft_meeting.refresh_from_db()
    assert draft_meeting.location == "5号会议室"


def test_an_upload_over_the_limit_is_refused_and_nothing_is_stored(
    org, draft_meeting, settings, tmp_path
):
    """S-PREP-3: materials, within the configured size."""
    settings.MEDIA_ROOT = tmp_path
    settings.ACCORD_MAX_UPLOAD_MB = 1
    big = ContentFile(b"x" * (1024 * 1024 + 1), name="统计表.xlsx")

    with pytest.raises(AppError) as error:
        preparation.material_add(actor=org.sun, meeting=draft_meeting, title="统计表", file=big)

    assert (error.value.field, error.value.code) == ("file", "too_large")
    assert str(error.value) == "The file is larger than 1 MB."
    assert Material.objects.count() == 0
    assert list(tmp_path.rglob("*.xlsx")) == []


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(client, org, settings):
    settings.ACCORD_MAX_UPLOAD_MB = 1
    client.force_login(org.sun)
    response = client.post(
        reverse("meetings:create"),
        data=b"x" * (2 * 1024 * 1024 + 2),
        content_type="application/octet-stream",
    )
    assert response.status_code == 413
    assert response.content.decode() == "The upload is larger than 1 MB."
    assert Meeting.objects.count() == 0


def test_a_finished_meeting_keeps_its_copied_departments(org, draft_meeting):
    meetings.department_copy(actor=org.sun, meeting=draft_meeting, department=org.office)
    meetings.meeting_cancel(actor=org.sun, meeting=draft_meeting, reason="改期")

    with pytest.raises(AppError) as error:
        meetings.department_uncopy(actor=org.sun, meeting=draft_meeting, department=org.office)

    assert (error.value.field, error.value.code) == ("status", "illegal_state")
    assert CopiedDepartment.objects.filter(meeting=draft_meeting).count() == 1


@pytest.fixture
def approved(org, running_meeting):
    with clock.frozen(STARTS + dt.timedelta(minutes=30)):
        item = actions.action_create(
            actor=org.zhao,
            meeting=running_meeting,
            task="提交技术方案",
            owner=org.zhou,
            due=dt.date(2026, 9, 15),
        )
        close_topics(org, running_meeting)
        live.meeting_end(actor=org.wang, meeting=running_meeting)
        minutes.minutes_submit(actor=org.zhao, meeting=running_meeting)
        minutes.minutes_approve(actor=org.wang, meeting=running_meeting)
    return running_meeting, item


def test_a_cancelled_item_is_not_signed(org, approved):
    """S-POST-3: owners confirm what they will do; a cancelled item asks nothing of them."""
    _meeting, item = approved
    tracking.action_set_status(actor=org.sun, action=item, status=ActionItem.Status.CANCELLED)

    with pytest.raises(AppError) as error:
        actions.action_sign(actor=org.zhou, action=item)

    assert error.value.code == "illegal_state"
    assert Signature.objects.count() == 0


def test_approved_minutes_show_the_approved_plan_after_a_replan(client, org, approved):
    """S-POST-2: approval freezes a version; a re-plan shows on the item, not in version 1."""
    meeting, item = approved
    with clock.frozen(STARTS + dt.timedelta(days=2)):
        tracking.action_replan(actor=org.sun, action=item, due="9月25日前", reason="等待测试环境")
    client.force_login(org.zhou)

    minutes_page = text(client.get(reverse("minutes:detail", args=[meeting.pk])))
    item_page = text(client.get(reverse("actions:detail", args=[item.pk])))

    assert "提交技术方案 周工程师 研发部 2026-09-15 re-planned to 2026-09-25 — Open" in minutes_page
    assert "2026-09-25" in item_page


def test_htmx_parts_vary_and_the_back_button_gets_the_whole_page(client, org):
    client.force_login(org.admin)
    url = reverse("org:people")

    part = client.get(url, {"q": "王"}, HTTP_HX_REQUEST="true")
    restored = client.get(
        url, {"q": "王"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    assert "HX-Request" in part["Vary"]
    assert "<html" not in part.content.decode()
    assert "<html" in restored.content.decode()
    assert "王经理" in text(restored)


def test_pages_allow_scripts_only_from_accord_itself(client, org):
    client.force_login(org.zhou)
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "onchange=" not in response.content.decode()
