"""Issue #16, items 3, 4 and 10: every text has one limit and one set of characters, every
meeting time and due date one range, the same through the web, the API, the import and the
admin; and minutes are approved by someone who did not write them.

Each attack goes to the live test server over HTTP and is checked for what the person sees
and for what was (not) stored."""

import datetime as dt
import html

import pytest
from conftest import STARTS
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from accord.actions import services as actions
from accord.actions.models import ActionItem
from accord.calendars.services import calendar_feed_reset
from accord.core import clock, limits
from accord.core.errors import AppError, PermissionDenied
from accord.meetings.models import Meeting, Objection
from accord.minutes import services as minutes_services
from accord.org import services as org_services

pytestmark = pytest.mark.django_db(transaction=True)

DURING = STARTS + dt.timedelta(minutes=10)


@pytest.fixture
def live_clock(running_meeting):
    """The live server's requests happen during the meeting."""
    with clock.frozen(DURING):
        yield DURING


# --- item 3: lengths -----------------------------------------------------------------------


def test_a_huge_task_is_refused_by_the_api_naming_the_field_and_nothing_is_stored(
    org, running_meeting, live_clock, api_as
):
    api = api_as(org.zhao)
    before = ActionItem.objects.count()
    response = api.post(
        f"/meetings/{running_meeting.pk}/actions",
        json={"task": "需" * 100_000, "owner_id": org.li.pk, "due": "2026-09-20"},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "task"
    assert body["message"] == "Keep it to 2000 characters."
    assert ActionItem.objects.count() == before


def test_the_api_schema_states_the_same_limits_the_service_enforces(org, live_server):
    import httpx

    schema = httpx.get(live_server.url + "/api/v1/openapi.json").json()["components"]["schemas"]
    action_in = schema["ActionIn"]["properties"]
    assert action_in["task"]["maxLength"] == limits.limit(ActionItem, "task") == 2000
    assert action_in["resources"]["maxLength"] == limits.limit(ActionItem, "resources") == 2000
    objection = next(
        props for name, props in schema.items() if name.startswith("Objection") and "In" in name
    )["properties"]
    assert objection["text"]["maxLength"] == limits.limit(Objection, "text") == 2000


def test_a_task_one_over_the_limit_is_refused_on_the_run_page_and_kept_on_screen(
    org, running_meeting, live_clock, browser_as
):
    browser = browser_as(org.zhao)
    page = reverse("meetings:run", args=[running_meeting.pk])
    assert browser.get(page).status_code == 200
    task = "输出技术方案" + "。" * 1995  # 2,001 characters
    assert len(task) == 2001
    before = ActionItem.objects.count()
    response = browser.post(
        reverse("meetings:run_action", args=[running_meeting.pk]),
        {
            "task": task,
            "owner": org.li.pk,
            "department": "",
            "due_date": "2026-09-20",
            "resources": "2名后端工程师",
            "topic": "",
        },
    )
    assert response.status_code == 422
    assert "Keep it to 2000 characters (this has 2001)." in html.unescape(response.text)
    assert task in html.unescape(response.text)  # what was typed is still on the page
    assert "2名后端工程师" in html.unescape(response.text)
    assert ActionItem.objects.count() == before


def test_an_objection_of_150_kilobytes_is_refused_and_nothing_is_stored(
    org, running_meeting, live_clock, browser_as
):
    browser = browser_as(org.zhao)
    browser.get(reverse("meetings:run", args=[running_meeting.pk]))
    response = browser.post(
        reverse("meetings:run_objection", args=[running_meeting.pk]),
        {"objection-text": "反对" * 25_000, "objection-topic": ""},
    )
    assert response.status_code == 422
    assert "Keep it to 2000 characters (this has 50000)." in html.unescape(response.text)
    assert not Objection.objects.filter(meeting=running_meeting).exists()


def test_the_admin_refuses_what_the_service_refuses(org, running_meeting, live_clock):
    item = actions.action_create(
        actor=org.zhao, meeting=running_meeting, task="输出技术方案", owner=org.li, due="2026-09-20"
    )
    client = Client()
    client.force_login(org.admin)
    url = reverse("admin:actions_actionitem_change", args=[item.pk])
    form = client.get(url)
    assert form.status_code == 200
    # The admin's form runs the same validators as every save.
    field = ActionItem._meta.get_field("task")
    with pytest.raises(AppError) as refused:
        item.task = "x" * 2001
        item.save()
    assert refused.value.field == "task"
    assert refused.value.code == "too_long"
    assert any(isinstance(v, limits.Text) and v.max_length == 2000 for v in field.validators)
    item.refresh_from_db()
    assert item.task == "输出技术方案"


# --- item 10: characters -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mobile", "char"),
    [("138\r\nBcc: evil@example.com", "U+000D"), ("13800001111\x00", "U+0000")],
)
def test_a_mobile_number_with_a_line_break_is_refused(org, mobile, char, api_as):
    api = api_as(org.admin)
    response = api.patch(
        f"/people/{org.zhang.pk}",
        json={"mobile": mobile},
        headers={"If-Match": api.get(f"/people/{org.zhang.pk}").headers["ETag"]},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "mobile"
    org.zhang.refresh_from_db()
    assert org.zhang.mobile == ""


def test_a_mobile_number_with_a_line_break_is_refused_by_the_service(org):
    with pytest.raises(AppError) as refused:
        org_services.person_update(actor=org.admin, person=org.zhang, mobile="138\r\nBcc: x")
    assert refused.value.field == "mobile"
    assert refused.value.message == (
        "Write this on one line, without line breaks, tabs, control characters or "
        "text-direction marks (found U+000D)."
    )
    org.zhang.refresh_from_db()
    assert org.zhang.mobile == ""


def test_a_title_with_a_bidi_override_is_refused_through_the_web_form(
    org, draft_meeting, browser_as
):
    browser = browser_as(org.sun)
    edit = reverse("meetings:edit", args=[draft_meeting.pk])
    assert browser.get(edit).status_code == 200
    spoofed = "会议纪要\u202etxt.exe"
    response = browser.post(
        edit,
        {
            "title": spoofed,
            "goal": "确定Q3产品上线分工",
            "kind": "kickoff",
            "starts_at": "2026-09-09T14:00",
            "duration_minutes": 90,
            "location": "3号会议室",
            "host": org.wang.pk,
            "recorder": org.zhao.pk,
        },
    )
    assert response.status_code == 422
    text = html.unescape(response.text)
    assert "text-direction marks (found U+202E)." in text
    assert spoofed in text
    draft_meeting.refresh_from_db()
    assert draft_meeting.title == "Q3产品上线跨部门协作启动会"


def test_line_breaks_in_a_text_are_kept_as_one_kind(org, running_meeting):
    with clock.frozen(DURING):
        item = actions.action_create(
            actor=org.zhao,
            meeting=running_meeting,
            task="第一步\r\n第二步\r第三步",
            owner=org.li,
            due="2026-09-20",
        )
    item.refresh_from_db()
    assert item.task == "第一步\n第二步\n第三步"


# --- item 4: dates -------------------------------------------------------------------------


def test_a_meeting_in_the_year_9999_is_refused_and_the_list_still_answers(
    org, draft_meeting, api_as, browser_as
):
    api = api_as(org.sun)
    before = Meeting.objects.count()
    response = api.post(
        "/meetings",
        json={
            "title": "远未来",
            "starts_at": "9999-12-31T23:59:59+08:00",
            "duration_minutes": 60,
        },
    )
    assert response.status_code == 422
    assert response.json() == {
        "message": "Choose a date between 2000-01-01 and 2099-12-31.",
        "field": "starts_at",
        "code": "out_of_range",
    }
    assert Meeting.objects.count() == before
    assert browser_as(org.sun).get(reverse("meetings:list")).status_code == 200


def test_the_last_day_of_the_range_is_accepted_and_every_page_renders_it(
    org, running_meeting, browser_as
):
    with clock.frozen(DURING):
        item = actions.action_create(
            actor=org.zhao,
            meeting=running_meeting,
            task="长期规划",
            owner=org.li,
            due=limits.LAST_DATE,
        )
        with pytest.raises(AppError) as refused:
            actions.action_create(
                actor=org.zhao,
                meeting=running_meeting,
                task="更远的规划",
                owner=org.li,
                due=limits.LAST_DATE + dt.timedelta(days=1),
            )
    assert refused.value.field == "due_date"
    assert refused.value.code == "out_of_range"
    assert ActionItem.objects.filter(task="更远的规划").count() == 0
    token = calendar_feed_reset(actor=org.li)
    browser = browser_as(org.li)
    feed = browser.get(reverse("calendars:feed", args=[token]))
    assert feed.status_code == 200
    due = [
        event
        for event in Calendar.from_ical(feed.content).walk("VEVENT")
        if "长期规划" in str(event["SUMMARY"])
    ]
    assert [event.decoded("DTSTART") for event in due] == [dt.date(2099, 12, 31)]
    for page in (reverse("web:home"), reverse("actions:detail", args=[item.pk])):
        assert browser.get(page).status_code == 200


def test_a_due_phrase_far_away_is_refused_with_the_range(org, running_meeting):
    with clock.frozen(DURING), pytest.raises(AppError) as refused:
        actions.action_create(
            actor=org.zhao, meeting=running_meeting, task="远期", owner=org.li, due="2100-01-01"
        )
    assert refused.value.message == "Choose a date between 2000-01-01 and 2099-12-31."
    assert not ActionItem.objects.filter(task="远期").exists()


# --- item 10: four eyes on the minutes ----------------------------------------------------


@pytest.fixture
def in_review(org, ended_meeting):
    minutes_services.minutes_submit(actor=org.zhao, meeting=ended_meeting)
    return ended_meeting


def test_the_recorder_who_is_also_host_cannot_approve_their_own_minutes(org, ended_meeting):
    Meeting.objects.filter(pk=ended_meeting.pk).update(host=org.zhao)
    ended_meeting.refresh_from_db()
    minutes_services.minutes_submit(actor=org.zhao, meeting=ended_meeting)
    with pytest.raises(PermissionDenied) as refused:
        minutes_services.minutes_approve(actor=org.zhao, meeting=ended_meeting)
    assert refused.value.message == (
        "You wrote or submitted these minutes, so someone else must approve them: "
        "the host, or an administrator who did not write them."
    )
    ended_meeting.refresh_from_db()
    assert ended_meeting.status == Meeting.Status.IN_REVIEW
    assert not ended_meeting.minutes.versions.exists()


def test_an_administrator_who_submitted_cannot_approve_but_another_can(org, ended_meeting):
    minutes_services.minutes_submit(actor=org.admin, meeting=ended_meeting)
    with pytest.raises(PermissionDenied):
        minutes_services.minutes_approve(actor=org.admin, meeting=ended_meeting)
    version = minutes_services.minutes_approve(actor=org.wang, meeting=ended_meeting)
    assert version.number == 1
    assert version.approved_by == org.wang


def test_a_small_team_may_allow_approving_ones_own_minutes(org, ended_meeting, settings):
    settings.ACCORD_ALLOW_SELF_APPROVAL = True
    Meeting.objects.filter(pk=ended_meeting.pk).update(host=org.zhao)
    ended_meeting.refresh_from_db()
    minutes_services.minutes_submit(actor=org.zhao, meeting=ended_meeting)
    version = minutes_services.minutes_approve(actor=org.zhao, meeting=ended_meeting)
    assert version.approved_by == org.zhao


def test_the_approve_button_refuses_the_recorder_over_http(org, ended_meeting, browser_as):
    Meeting.objects.filter(pk=ended_meeting.pk).update(host=org.zhao)
    ended_meeting.refresh_from_db()
    minutes_services.minutes_submit(actor=org.zhao, meeting=ended_meeting)
    browser = browser_as(org.zhao)
    page = reverse("minutes:detail", args=[ended_meeting.pk])
    assert browser.get(page).status_code == 200
    response = browser.post(reverse("minutes:approve", args=[ended_meeting.pk]), {})
    assert response.status_code == 403
    assert "someone else must approve them" in html.unescape(response.text)
    ended_meeting.refresh_from_db()
    assert ended_meeting.status == Meeting.Status.IN_REVIEW


# --- what goes around save(): bulk copies, phrases, rows stored before a limit -------------


def test_a_standing_topic_title_is_held_to_the_topics_rule(org, api_as):
    """Planning copies standing topics with bulk_create, past the topics' save: the series
    refuses them when they are given."""
    from accord.series.models import MeetingSeries

    api = api_as(org.sun)
    for title, message in [
        ("周\u202e报", "text-direction marks (found U+202E)."),
        ("议" * 201, "Keep it to 200 characters."),
    ]:
        response = api.post(
            "/series",
            json={
                "title": "Q3上线周例会",
                "recurrence": "FREQ=WEEKLY;BYDAY=MO",
                "duration_minutes": 30,
                "standing_topics": [{"title": title, "minutes": 10}],
            },
        )
        assert response.status_code == 422
        assert response.json()["field"].startswith("standing_topics")
        assert response.json()["message"].endswith(message)
    assert not MeetingSeries.objects.exists()


def test_a_due_phrase_with_a_direction_mark_is_refused_naming_the_due_date(
    org, running_meeting, live_clock, api_as
):
    response = api_as(org.zhao).post(
        f"/meetings/{running_meeting.pk}/actions",
        json={"task": "输出技术方案", "owner_id": org.li.pk, "due": "9月18日前\u202e"},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "due"  # the API's name of the due date
    assert response.json()["code"] == "bad_characters"
    assert not ActionItem.objects.filter(task="输出技术方案").exists()


def test_a_text_stored_before_its_limit_keeps_the_rest_of_its_row_editable(
    org, running_meeting, live_clock
):
    item = actions.action_create(
        actor=org.zhao, meeting=running_meeting, task="输出技术方案", owner=org.li, due="2026-09-20"
    )
    old_task = "旧" * 3000  # stored when tasks could be longer
    ActionItem.objects.filter(pk=item.pk).update(task=old_task)
    item = ActionItem.objects.get(pk=item.pk)

    actions.action_update(actor=org.zhao, action=item, resources="2名后端工程师")
    item.refresh_from_db()
    assert (item.task, item.resources) == (old_task, "2名后端工程师")

    item = ActionItem.objects.get(pk=item.pk)
    with pytest.raises(AppError) as refused:
        actions.action_update(actor=org.zhao, action=item, task=old_task + "。")
    assert (refused.value.field, refused.value.code) == ("task", "too_long")
    assert ActionItem.objects.get(pk=item.pk).task == old_task


def test_the_host_who_wrote_the_summary_cannot_approve_it(org, ended_meeting):
    """Four eyes count whoever wrote the minutes, not only who was named recorder."""
    minutes_services.minutes_update_summary(
        actor=org.wang, meeting=ended_meeting, summary="会议确定了Q3上线的分工。"
    )
    minutes_services.minutes_submit(actor=org.zhao, meeting=ended_meeting)
    with pytest.raises(PermissionDenied):
        minutes_services.minutes_approve(actor=org.wang, meeting=ended_meeting)
    version = minutes_services.minutes_approve(actor=org.admin, meeting=ended_meeting)
    assert (version.number, version.approved_by) == (1, org.admin)
