"""The series pages (S-REVIEW-1): list, create, detail, edit, standing participants, "plan
the next meeting now", and "review the plan of an earlier meeting" on the meeting page.

People are those of ``tests/conftest.py``: sun (PMO) organises, wang hosts, zhang takes part,
qian is the outsider. Refused input is checked for its status, its message beside its field,
the typed values kept and an unchanged database; each page's query count is pinned and does
not grow with more rows.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accord.meetings import services as meetings
from accord.meetings.models import Meeting
from accord.series import services as series_services
from accord.series.models import MeetingSeries
from accord.series.rules import describe_rule
from tests.conftest import Org
from tests.meetings.test_views import messages_of, page

REVIEW = "上期行动计划完成情况回顾"  # stored in the organisation's language (zh-hans)


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


def url(name: str, *args) -> str:
    return reverse(f"series:{name}", args=args)


def make_series(org: Org, title: str = "产品周例会", *, first: dt.datetime | None = None, **extra):
    """A series by sun; with ``first``, its first meeting planned at that time."""
    fields = {
        "recurrence": "FREQ=WEEKLY;BYDAY=MO",
        "duration_minutes": 30,
        "location": "2号会议室",
        "standing_topics": [{"title": "风险与阻塞", "minutes": 10}],
        "host": org.wang,
        "recorder": org.zhao,
    } | extra
    series = series_services.series_create(actor=org.sun, title=title, **fields)
    if first is not None:
        series_services.series_plan_next(actor=org.sun, series=series, first_start=first)
    return series


@pytest.fixture
def weekly(org: Org) -> MeetingSeries:
    """产品周例会: Mondays 10:00, wang and zhang standing, first meeting on Monday 09-14."""
    series = make_series(org)
    series_services.series_member_add(
        actor=org.sun, series=series, person=org.wang, role="decision_maker"
    )
    series_services.series_member_add(
        actor=org.sun, series=series, person=org.zhang, role="executor"
    )
    series_services.series_plan_next(actor=org.sun, series=series, first_start=at(9, 14))
    return series


def snapshot(series: MeetingSeries) -> tuple:
    series.refresh_from_db()
    return (
        series.title,
        series.recurrence,
        series.duration_minutes,
        series.location,
        series.standing_topics,
        series.host_id,
        series.recorder_id,
        series.plan_ahead,
        series.active,
        list(series.members.values_list("person__username", "role")),
        list(series.meetings.values_list("starts_at", flat=True)),
    )


# -- the rule in words ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=WEEKLY;BYDAY=MO", "Weekly on Monday"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "Every 2 weeks on Monday"),
        ("FREQ=WEEKLY;BYDAY=TU,TH", "Weekly on Tuesday, Thursday"),
        ("FREQ=WEEKLY", "Weekly"),
        ("FREQ=MONTHLY;BYMONTHDAY=14", "Monthly on day 14"),
        ("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=14", "Every 3 months on day 14"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "Monthly on the last day"),
        ("FREQ=DAILY", "Daily"),
        ("FREQ=DAILY;INTERVAL=2", "Every 2 days"),
        ("FREQ=YEARLY", "Yearly"),
        # Anything else is shown as written.
        ("FREQ=WEEKLY;BYDAY=MO;COUNT=6", "FREQ=WEEKLY;BYDAY=MO;COUNT=6"),
        ("FREQ=MONTHLY;BYDAY=1MO", "Monthly on the first Monday"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "Monthly on the last Friday"),
        ("FREQ=MONTHLY;BYDAY=5MO", "FREQ=MONTHLY;BYDAY=5MO"),
        ("FREQ=WEEKLY;INTERVAL=0", "FREQ=WEEKLY;INTERVAL=0"),
    ],
)
def test_rules_in_words(rule, words):
    assert describe_rule(rule) == words


# -- the list -------------------------------------------------------------------------------------


def test_list_shows_the_series_one_may_see(client, org, weekly):
    monthly = make_series(
        org, "月度经营复盘", recurrence="FREQ=MONTHLY;BYMONTHDAY=7", duration_minutes=60
    )
    series_services.series_update(actor=org.sun, series=monthly, active=False)
    client.force_login(org.sun)

    response = client.get(url("list"))

    assert response.status_code == 200
    doc = page(response)
    assert doc.find("h1").text == "Meeting series"
    assert doc.find("a", href=url("create")).text == "New series"
    assert doc.find("nav").find("a", aria_current="page").text == "Series"
    assert doc.find("p", role="status").text == "2 series"
    assert doc.find("table", id="series").rows() == [
        ["产品周例会", "Weekly on Monday", "30 minutes", "孙主任", "2026-09-14 10:00", "active"],
        ["月度经营复盘", "Monthly on day 7", "60 minutes", "孙主任", "—", "ended"],
    ]
    first_meeting = weekly.meetings.get()
    links = [a.attrs["href"] for a in doc.find("table", id="series").find_all("a")]
    assert links == [
        url("detail", weekly.pk),
        reverse("meetings:detail", args=[first_meeting.pk]),
        url("detail", monthly.pk),
    ]


def test_list_shows_a_participant_only_the_series_of_their_meetings(client, org, weekly):
    make_series(org, "月度经营复盘", first=at(9, 21))  # zhang takes no part in it
    client.force_login(org.zhang)

    doc = page(client.get(url("list")))

    assert [row[0] for row in doc.find("table", id="series").rows()] == ["产品周例会"]


def test_list_is_empty_for_an_outsider(client, org, weekly):
    client.force_login(org.outsider)

    doc = page(client.get(url("list")))

    assert doc.find("p", role="status").text == "0 series"
    assert doc.find("p", cls="card").text == "No series yet."
    assert "产品周例会" not in doc.text


def test_the_next_meeting_is_the_first_from_now_not_cancelled(client, org):
    """NOW is Monday 09-07 09:00: the meeting of 08-31 is past; 09-07 10:00 is next until it
    is cancelled, then 09-14 is."""
    series = make_series(org, first=at(8, 31))
    following = series_services.series_plan_next(actor=org.sun, series=series)
    client.force_login(org.sun)

    def next_meeting() -> str:
        return page(client.get(url("list"))).find("table", id="series").rows()[0][4]

    assert following.starts_at == at(9, 7)
    assert next_meeting() == "2026-09-07 10:00"
    meetings.meeting_cancel(actor=org.sun, meeting=following, reason="假期")
    assert next_meeting() == "—"
    series_services.series_plan_next(actor=org.sun, series=series)
    assert next_meeting() == "2026-09-14 10:00"


def test_list_needs_sign_in(client, org):
    response = client.get(url("list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("web:login"))


# -- create ---------------------------------------------------------------------------------------


def create_data(org: Org, **changes) -> dict:
    return {
        "title": "产品周例会",
        "starts_at": "2026-09-14T10:00",
        "preset": "weekly",
        "recurrence": "",
        "duration_minutes": "30",
        "location": "2号会议室",
        "host": str(org.wang.pk),
        "recorder": str(org.zhao.pk),
        "plan_ahead": "on",
        # The standing topics' rows; an empty row between is skipped.
        "topic_title_0": "上周行动回顾",
        "topic_minutes_0": "10",
        "topic_title_1": "",
        "topic_minutes_1": "",
        "topic_title_2": "风险与阻塞",
        "topic_minutes_2": "5",
    } | changes


def test_the_create_form_offers_presets_and_plans_ahead_by_default(client, org):
    client.force_login(org.zhang)

    doc = page(client.get(url("create")))

    assert doc.find("h1").text == "New series"
    assert doc.value("preset") == "weekly"
    assert doc.value("plan_ahead") == "on"
    assert doc.value("duration_minutes") == "30"
    assert [label.text for label in doc.find("div", id="id_preset").find_all("label")] == [
        "Weekly, on the chosen weekdays",
        "Every two weeks, on the chosen weekdays",
        "Monthly, on a day of the month",
        "Monthly, on the first, second … or last weekday",
        "Every three months, on the day of the first meeting",
        "Custom rule (advanced)",
    ]
    # Plain controls for the days; the RFC 5545 rule only under "Advanced".
    assert [label.text for label in doc.find("div", id="id_weekdays").find_all("label")] == [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
    assert doc.options("nth") == [
        "As the first meeting",
        "first",
        "second",
        "third",
        "fourth",
        "last",
    ]
    assert doc.options("month_day")[0] == "The day of the first meeting"
    assert doc.options("month_day")[-1] == "The last day"
    advanced = doc.find("input", name="recurrence").parent.parent
    assert (advanced.tag, advanced.find("summary").text) == ("details", "Advanced")
    assert "open" not in advanced.attrs
    # The standing topics: rows of a topic and its minutes, two empty ones to begin with.
    rows = doc.find("div", cls="standing-topics")
    assert rows.texts("label") == [
        "Standing topic 1",
        "Minutes of topic 1",
        "Standing topic 2",
        "Minutes of topic 2",
    ]
    assert "王经理" in doc.options("host")


def test_create_makes_the_series_and_its_first_meeting(client, org):
    client.force_login(org.zhang)

    response = client.post(url("create"), create_data(org))

    series = MeetingSeries.objects.get()
    assert response.status_code == 302
    assert response.url == url("detail", series.pk)
    assert messages_of(client.get(response.url)) == [
        "Series “产品周例会” created; its first meeting, on 2026-09-14 10:00, is a draft."
    ]
    assert (
        series.title,
        series.organiser,
        series.recurrence,
        series.duration_minutes,
        series.location,
        series.standing_topics,
        series.host,
        series.recorder,
        series.plan_ahead,
        series.active,
    ) == (
        "产品周例会",
        org.zhang,
        "FREQ=WEEKLY;BYDAY=MO",
        30,
        "2号会议室",
        [{"title": "上周行动回顾", "minutes": 10}, {"title": "风险与阻塞", "minutes": 5}],
        org.wang,
        org.zhao,
        True,
        True,
    )
    meeting = series.meetings.get()
    assert (meeting.title, meeting.starts_at, meeting.status, meeting.organiser) == (
        "产品周例会",
        at(9, 14),
        Meeting.Status.DRAFT,
        org.zhang,
    )
    assert list(meeting.topics.values_list("title", "planned_minutes")) == [
        ("上周行动回顾", 10),
        ("风险与阻塞", 5),
    ]


@pytest.mark.parametrize(
    ("preset", "starts_at", "custom", "rule"),
    [
        ("weekly", "2026-09-16T15:00", "", "FREQ=WEEKLY;BYDAY=WE"),
        ("biweekly", "2026-09-14T10:00", "", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
        ("monthly", "2026-09-14T10:00", "", "FREQ=MONTHLY;BYMONTHDAY=14"),
        ("monthly", "2026-09-30T10:00", "", "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("quarterly", "2026-10-08T10:00", "", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=8"),
        # The plain controls (S-REVIEW-1): chosen weekdays, a day, the n-th weekday.
        (
            {"preset": "weekly", "weekdays": ["TH", "MO"]},
            "2026-09-14T10:00",
            "",
            "FREQ=WEEKLY;BYDAY=MO,TH",
        ),
        (
            {"preset": "biweekly", "weekdays": ["FR"]},
            "2026-09-14T10:00",
            "",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
        ),
        (
            {"preset": "monthly", "month_day": "-1"},
            "2026-09-14T10:00",
            "",
            "FREQ=MONTHLY;BYMONTHDAY=-1",
        ),
        (
            {"preset": "monthly", "month_day": "5"},
            "2026-09-14T10:00",
            "",
            "FREQ=MONTHLY;BYMONTHDAY=5",
        ),
        ("monthly_weekday", "2026-09-14T10:00", "", "FREQ=MONTHLY;BYDAY=2MO"),
        ("monthly_weekday", "2026-09-29T10:00", "", "FREQ=MONTHLY;BYDAY=-1TU"),
        (
            {"preset": "monthly_weekday", "nth": "1", "month_weekday": "FR"},
            "2026-09-14T10:00",
            "",
            "FREQ=MONTHLY;BYDAY=1FR",
        ),
        ("custom", "2026-09-15T10:00", " FREQ=WEEKLY;BYDAY=TU,TH ", "FREQ=WEEKLY;BYDAY=TU,TH"),
    ],
)
def test_create_turns_the_preset_into_its_rule(client, org, preset, starts_at, custom, rule):
    client.force_login(org.sun)
    controls = preset if isinstance(preset, dict) else {"preset": preset}

    response = client.post(
        url("create"),
        create_data(org, **controls, starts_at=starts_at, recurrence=custom, plan_ahead=""),
    )

    assert response.status_code == 302
    series = MeetingSeries.objects.get()
    assert (series.recurrence, series.plan_ahead) == (rule, False)
    assert (
        timezone.localtime(series.meetings.get().starts_at).strftime("%Y-%m-%dT%H:%M") == starts_at
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "  "}, "title", "A series needs a name."),
        (
            {"preset": "custom", "recurrence": "FREQ=SOMETIMES"},
            "recurrence",
            "Not a recurrence rule (invalid 'FREQ': SOMETIMES); write e.g. FREQ=WEEKLY;BYDAY=MO.",
        ),
        (
            {"preset": "custom", "recurrence": ""},
            "recurrence",
            "Write the rule, or choose one of the patterns above.",
        ),
        ({"topic_minutes_2": ""}, "topic_minutes_2", "How many minutes for this topic?"),
        ({"topic_title_2": " "}, "topic_title_2", "The topic needs a title."),
        ({"topic_minutes_0": "十"}, "topic_minutes_0", "Enter a whole number."),
        ({"starts_at": ""}, "starts_at", "This field is required."),
        ({"starts_at": "2026-02-30T10:00"}, "starts_at", "Enter a valid date/time."),
        (
            {"duration_minutes": "0"},
            "duration_minutes",
            "Minutes must be a whole number between 1 and 1440.",
        ),
    ],
)
def test_create_refuses_bad_input_and_keeps_what_was_typed(client, org, changes, field, message):
    client.force_login(org.sun)
    data = create_data(org, **changes)

    response = client.post(url("create"), data)

    assert response.status_code == 422
    doc = page(response)
    assert doc.find("ul", id=f"id_{field}_error").text == message
    for name in ("title", "starts_at", "recurrence", "duration_minutes", "location"):
        assert doc.value(name) == data[name]
    for name in ("topic_title_0", "topic_minutes_0", "topic_title_2", "topic_minutes_2"):
        assert doc.value(name) == data[name]
    assert doc.value("preset") == data["preset"]
    assert doc.value("host") == str(org.wang.pk)
    assert doc.value("plan_ahead") == "on"
    assert MeetingSeries.objects.count() == 0
    assert Meeting.objects.count() == 0


# -- detail ---------------------------------------------------------------------------------------


def test_detail_for_the_organiser(client, org, weekly):
    client.force_login(org.sun)

    response = client.get(url("detail", weekly.pk))

    assert response.status_code == 200
    doc = page(response)
    assert doc.find("h1").text == "产品周例会"
    facts = doc.find("dl", cls="facts")
    assert list(zip(facts.texts("dt"), facts.texts("dd"), strict=True)) == [
        ("Repeats", "Weekly on Monday (FREQ=WEEKLY;BYDAY=MO)"),
        ("Length", "30 minutes"),
        ("Place", "2号会议室"),
        ("Organiser", "孙主任"),
        ("Host", "市场部 王经理"),
        ("Recorder", "行政部 赵专员"),
        ("Planned ahead", "yes: the next meeting is created a few days before it falls due"),
    ]
    assert doc.find("section", id="topics").texts("li") == ["风险与阻塞 10 minutes"]
    assert doc.find("ul", cls="people").texts("li") == [
        "市场部 王经理 Decision-maker Remove",
        "市场部 张专员 Executor Remove",
    ]
    first = weekly.meetings.get()
    occurrences = doc.find("table", id="occurrence-table")
    assert occurrences.rows() == [["2026-09-14 10:00", "产品周例会", "Draft"]]
    assert occurrences.find("a").attrs["href"] == reverse("meetings:detail", args=[first.pk])
    assert doc.find("a", href=url("edit", weekly.pk)).text == "Change series"
    assert doc.has("form", action=url("member_add", weekly.pk))
    assert doc.has("form", action=url("member_remove", weekly.pk, org.zhang.pk))
    assert doc.find("form", action=url("plan_next", weekly.pk)).text == (
        "Plan the next meeting now"
    )
    assert doc.options("role") == ["Decision-maker", "Executor", "Observer"]


def test_detail_is_read_only_for_a_participant(client, org, weekly):
    client.force_login(org.zhang)

    response = client.get(url("detail", weekly.pk))

    assert response.status_code == 200
    doc = page(response)
    assert doc.find("ul", cls="people").texts("li") == [
        "市场部 王经理 Decision-maker",
        "市场部 张专员 Executor",
    ]
    assert doc.find("main").find_all("form") == []
    assert not doc.has("a", href=url("edit", weekly.pk))
    assert doc.find("table", id="occurrence-table").rows() == [
        ["2026-09-14 10:00", "产品周例会", "Draft"]
    ]


def test_confidential_occurrences_are_counted_not_linked(client, org, weekly):
    secret = meetings.meeting_create(
        actor=org.wang, title="人事议题", starts_at=at(9, 15), confidential=True, series=weekly
    )
    client.force_login(org.zhang)

    doc = page(client.get(url("detail", weekly.pk)))

    assert doc.find("table", id="occurrence-table").rows() == [
        ["2026-09-14 10:00", "产品周例会", "Draft"]
    ]
    assert doc.find("p", id="hidden-occurrences").text == "1 more meeting you may not see."
    assert reverse("meetings:detail", args=[secret.pk]) not in doc.text
    assert "人事议题" not in response_text(client, url("detail", weekly.pk))


def response_text(client, path: str) -> str:
    return client.get(path).content.decode()


def test_a_series_seen_only_through_a_confidential_meeting(client, org):
    """zhang's series has one meeting, confidential, with li: li sees the series; the
    outsider and wang (head of a department, not taking part) get a 404."""
    series = series_services.series_create(
        actor=org.zhang, title="薪酬调整", recurrence="FREQ=MONTHLY;BYMONTHDAY=1"
    )
    meeting = meetings.meeting_create(
        actor=org.zhang, title="薪酬调整", starts_at=at(10, 1), confidential=True, series=series
    )
    meetings.participant_invite(actor=org.zhang, meeting=meeting, person=org.li, role="executor")

    client.force_login(org.li)
    assert client.get(url("detail", series.pk)).status_code == 200
    for person in (org.outsider, org.wang):
        client.force_login(person)
        assert client.get(url("detail", series.pk)).status_code == 404
        assert client.get(url("edit", series.pk)).status_code == 404
        assert client.post(url("plan_next", series.pk)).status_code == 404
        assert "薪酬调整" not in response_text(client, url("list"))
    assert client.get(url("detail", 999999)).status_code == 404
    assert series.meetings.count() == 1


# -- edit -----------------------------------------------------------------------------------------


def edit_data(org: Org, **changes) -> dict:
    return {
        "title": "产品双周会",
        "preset": "biweekly",
        "recurrence": "",
        "duration_minutes": "45",
        "location": "线上",
        "host": str(org.li.pk),
        "recorder": "",
        "topic_title_0": "进度",
        "topic_minutes_0": "20",
        "topic_title_1": "",
        "topic_minutes_1": "",
    } | changes  # plan_ahead and active unticked


def test_the_edit_form_shows_the_series(client, org, weekly):
    client.force_login(org.sun)

    doc = page(client.get(url("edit", weekly.pk)))

    assert doc.find("h1").text == "Change “产品周例会”"
    assert (doc.value("title"), doc.value("preset"), doc.value("recurrence")) == (
        "产品周例会",
        "weekly",
        "",
    )
    assert (doc.value("topic_title_0"), doc.value("topic_minutes_0")) == ("风险与阻塞", "10")
    assert (doc.value("topic_title_1"), doc.value("topic_minutes_2")) == ("", "")
    assert doc.value("weekdays") == "MO"
    assert (doc.value("host"), doc.value("recorder")) == (str(org.wang.pk), str(org.zhao.pk))
    assert (doc.value("plan_ahead"), doc.value("active")) == ("on", "on")
    assert doc.value("starts_at") is None  # the first start is the first meeting's


def test_the_edit_form_shows_a_custom_rule_as_written(client, org):
    series = make_series(org, recurrence="FREQ=DAILY;INTERVAL=3", first=at(9, 14))
    client.force_login(org.sun)

    doc = page(client.get(url("edit", series.pk)))

    assert (doc.value("preset"), doc.value("recurrence")) == ("custom", "FREQ=DAILY;INTERVAL=3")
    # Shown as written, under "Advanced", unfolded.
    assert "open" in doc.find("input", name="recurrence").parent.parent.attrs


@pytest.mark.parametrize(
    ("rule", "controls"),
    [
        ("FREQ=WEEKLY;BYDAY=MO,TH", {"preset": "weekly", "weekdays": ["MO", "TH"]}),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", {"preset": "biweekly", "weekdays": ["FR"]}),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", {"preset": "monthly", "month_day": "-1"}),
        (
            "FREQ=MONTHLY;BYDAY=2TU",
            {"preset": "monthly_weekday", "nth": "2", "month_weekday": "TU"},
        ),
    ],
)
def test_the_edit_form_shows_a_rule_with_its_plain_controls(client, org, rule, controls):
    series = make_series(org, recurrence=rule, first=at(9, 14))
    client.force_login(org.sun)

    doc = page(client.get(url("edit", series.pk)))

    assert doc.value("recurrence") == ""
    for name, value in controls.items():
        if name == "weekdays":
            boxes = doc.find("div", id="id_weekdays").find_all("input")
            assert [b.attrs["value"] for b in boxes if "checked" in b.attrs] == value
        else:
            assert doc.value(name) == value, name


def test_edit_changes_every_field(client, org, weekly):
    client.force_login(org.sun)

    response = client.post(url("edit", weekly.pk), edit_data(org))

    assert response.status_code == 302
    assert response.url == url("detail", weekly.pk)
    assert messages_of(client.get(response.url)) == ["Series saved."]
    weekly.refresh_from_db()
    assert (
        weekly.title,
        weekly.recurrence,
        weekly.duration_minutes,
        weekly.location,
        weekly.standing_topics,
        weekly.host,
        weekly.recorder,
        weekly.plan_ahead,
        weekly.active,
    ) == (
        "产品双周会",
        # Anchored at the first meeting, a Monday.
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
        45,
        "线上",
        [{"title": "进度", "minutes": 20}],
        org.li,
        None,
        False,
        False,
    )
    # Meetings already planned keep what they have.
    assert weekly.meetings.get().title == "产品周例会"


def test_edit_refuses_a_bad_rule_and_changes_nothing(client, org, weekly):
    client.force_login(org.sun)
    before = snapshot(weekly)
    data = edit_data(org, preset="custom", recurrence="FREQ=SOMETIMES")

    response = client.post(url("edit", weekly.pk), data)

    assert response.status_code == 422
    doc = page(response)
    assert doc.find("ul", id="id_recurrence_error").text == (
        "Not a recurrence rule (invalid 'FREQ': SOMETIMES); write e.g. FREQ=WEEKLY;BYDAY=MO."
    )
    assert (doc.value("title"), doc.value("recurrence"), doc.value("active")) == (
        "产品双周会",
        "FREQ=SOMETIMES",
        None,
    )
    assert snapshot(weekly) == before


def test_edit_presets_need_a_first_meeting(client, org):
    series = make_series(org)  # no meeting yet
    client.force_login(org.sun)
    before = snapshot(series)

    response = client.post(url("edit", series.pk), edit_data(org, preset="monthly"))

    assert response.status_code == 422
    assert page(response).find("ul", id="id_preset_error").text == (
        "The series has no meeting yet to take the day from: write a custom rule."
    )
    assert snapshot(series) == before


# -- standing participants ------------------------------------------------------------------------


def test_add_a_standing_participant(client, org, weekly):
    client.force_login(org.sun)

    response = client.post(
        url("member_add", weekly.pk), {"person": org.zhou.pk, "role": "executor"}
    )

    assert response.status_code == 302
    assert response.url == url("detail", weekly.pk) + "#members"
    shown = client.get(response.url)
    assert messages_of(shown) == ["周工程师 is now a standing participant."]
    doc = page(shown)
    assert doc.find("ul", cls="people").texts("li")[-1] == "研发部 周工程师 Executor Remove"
    assert list(weekly.members.values_list("person__username", "role")) == [
        ("wang", "decision_maker"),
        ("zhang", "executor"),
        ("zhou", "executor"),
    ]


def test_adding_someone_twice_is_refused_beside_the_person(client, org, weekly):
    client.force_login(org.sun)
    before = snapshot(weekly)

    response = client.post(
        url("member_add", weekly.pk), {"person": org.wang.pk, "role": "observer"}
    )

    assert response.status_code == 422
    doc = page(response)
    assert doc.find("ul", id="member_person_error").text == (
        "王经理 is already a standing participant."
    )
    assert (doc.value("person"), doc.value("role")) == (str(org.wang.pk), "observer")
    assert snapshot(weekly) == before


def test_remove_a_standing_participant(client, org, weekly):
    client.force_login(org.sun)

    response = client.post(url("member_remove", weekly.pk, org.zhang.pk))

    assert response.status_code == 302
    assert messages_of(client.get(url("detail", weekly.pk))) == [
        "张专员 is no longer a standing participant."
    ]
    assert list(weekly.members.values_list("person__username", flat=True)) == ["wang"]


def test_removing_someone_who_is_not_standing_is_refused(client, org, weekly):
    client.force_login(org.sun)
    before = snapshot(weekly)

    response = client.post(url("member_remove", weekly.pk, org.li.pk))

    assert response.status_code == 422
    assert page(response).find("section", id="members").find("div", role="alert").text == (
        "Not a standing participant."
    )
    assert snapshot(weekly) == before
    assert client.post(url("member_remove", weekly.pk, 999999)).status_code == 404


# -- plan the next meeting ------------------------------------------------------------------------


def test_plan_the_next_meeting_now(client, org, weekly):
    first = weekly.meetings.get()
    client.force_login(org.sun)

    response = client.post(url("plan_next", weekly.pk))

    planned = weekly.meetings.exclude(pk=first.pk).get()
    assert response.status_code == 302
    assert response.url == reverse("meetings:detail", args=[planned.pk])
    assert messages_of(client.get(response.url)) == [
        "The meeting of 2026-09-21 10:00 is planned as a draft."
    ]
    assert (planned.starts_at, planned.status, planned.host, planned.recorder) == (
        at(9, 21),
        Meeting.Status.DRAFT,
        org.wang,
        org.zhao,
    )
    assert list(planned.previous_meetings.all()) == [first]
    assert list(planned.topics.order_by("order").values_list("title", flat=True)) == [
        REVIEW,
        "风险与阻塞",
    ]
    assert sorted(planned.participants.values_list("person__username", flat=True)) == [
        "wang",
        "zhang",
    ]
    rows = page(client.get(url("detail", weekly.pk))).find("table", id="occurrence-table").rows()
    assert rows == [
        ["2026-09-14 10:00", "产品周例会", "Draft"],
        ["2026-09-21 10:00", "产品周例会", "Draft"],
    ]


def test_the_first_meeting_of_a_series_without_one_needs_its_start(client, org):
    series = make_series(org)
    client.force_login(org.sun)
    doc = page(client.get(url("detail", series.pk)))
    assert doc.find("section", id="occurrences").find("p").text == "No meetings yet."
    assert doc.value("starts_at") == ""

    refused = client.post(url("plan_next", series.pk), {"starts_at": ""})

    assert refused.status_code == 422
    assert page(refused).find("ul", id="plan_starts_at_error").text == (
        "Give the start of the first meeting."
    )
    assert series.meetings.count() == 0

    response = client.post(url("plan_next", series.pk), {"starts_at": "2026-09-14T10:00"})

    assert response.status_code == 302
    assert list(series.meetings.values_list("starts_at", flat=True)) == [at(9, 14)]


def test_an_ended_series_plans_no_meeting(client, org, weekly):
    series_services.series_update(actor=org.sun, series=weekly, active=False)
    client.force_login(org.sun)
    assert not page(client.get(url("detail", weekly.pk))).has(
        "form", action=url("plan_next", weekly.pk)
    )

    response = client.post(url("plan_next", weekly.pk))

    assert response.status_code == 422
    assert page(response).find("section", id="occurrences").find("div", role="alert").text == (
        "This series has ended."
    )
    assert weekly.meetings.count() == 1


# -- who may change a series ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("edit", None),
        ("member_add", {"person": "zhou", "role": "executor"}),
        ("member_remove", {}),
        ("plan_next", {}),
    ],
)
def test_a_participant_may_not_change_a_series(client, org, weekly, name, data):
    client.force_login(org.zhang)
    before = snapshot(weekly)
    args = (weekly.pk, org.wang.pk) if name == "member_remove" else (weekly.pk,)
    if data is None:
        data = edit_data(org)
    if "person" in data:
        data["person"] = org.zhou.pk

    response = client.post(url(name, *args), data)

    assert response.status_code == 403
    assert snapshot(weekly) == before
    if name == "edit":
        assert client.get(url("edit", weekly.pk)).status_code == 403


def test_the_pmo_and_an_administrator_may_change_another_s_series(client, org):
    series = series_services.series_create(
        actor=org.zhang, title="市场周会", recurrence="FREQ=WEEKLY;BYDAY=FR"
    )
    for person, topic in ((org.sun, "a"), (org.admin, "b")):
        client.force_login(person)
        response = client.post(
            url("edit", series.pk),
            edit_data(org, title="市场周会", preset="custom", recurrence="FREQ=WEEKLY;BYDAY=FR")
            | {"topic_title_0": topic, "topic_minutes_0": "5", "active": "on"},
        )
        assert response.status_code == 302
        series.refresh_from_db()
        assert series.standing_topics == [{"title": topic[0], "minutes": 5}]


# -- a meeting reviews an earlier plan (S-REVIEW-2) ---------------------------------------------


@pytest.fixture
def earlier(org: Org) -> dict[str, Meeting]:
    """Meetings before the draft of 09-09 (two sun sees, one confidential he does not) and
    one after it."""
    return {
        "august": meetings.meeting_create(actor=org.sun, title="八月复盘会", starts_at=at(8, 20)),
        "july": meetings.meeting_create(actor=org.sun, title="七月启动会", starts_at=at(7, 10)),
        "secret": meetings.meeting_create(
            actor=org.zhang, title="人事会", starts_at=at(8, 25), confidential=True
        ),
        "later": meetings.meeting_create(actor=org.sun, title="十月会", starts_at=at(10, 9)),
    }


def meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


def test_the_meeting_page_offers_the_earlier_meetings(client, org, draft_meeting, earlier):
    client.force_login(org.sun)

    doc = page(client.get(meeting_url(draft_meeting)))

    section = doc.find("section", id="follows")
    assert section.find("h2").text == "Earlier plans reviewed"
    assert section.find("p").text == "This meeting reviews no earlier plan yet."
    assert section.find("form").attrs["action"] == url("follow", draft_meeting.pk)
    assert doc.options("previous") == [
        "—",
        "2026-08-20 10:00 八月复盘会",
        "2026-07-10 10:00 七月启动会",
    ]


def test_follow_an_earlier_meeting(client, org, draft_meeting, earlier):
    client.force_login(org.sun)

    response = client.post(url("follow", draft_meeting.pk), {"previous": earlier["august"].pk})

    assert response.status_code == 302
    assert response.url == meeting_url(draft_meeting) + "#follows"
    shown = client.get(response.url)
    assert messages_of(shown) == [
        "This meeting now reviews the plan of “八月复盘会” (2026-08-20 10:00)."
    ]
    doc = page(shown)
    assert list(draft_meeting.previous_meetings.all()) == [earlier["august"]]
    assert draft_meeting.topics.order_by("order").first().title == REVIEW
    followed = doc.find("ul", id="followed")
    assert followed.texts("li") == ["2026-08-20 10:00 八月复盘会"]
    assert followed.find("a").attrs["href"] == meeting_url(earlier["august"])
    assert doc.options("previous") == ["—", "2026-07-10 10:00 七月启动会"]


def test_a_followed_meeting_one_may_not_see_is_counted(client, org, draft_meeting, earlier):
    series_services.meeting_follow(
        actor=org.admin, meeting=draft_meeting, previous=earlier["secret"]
    )
    client.force_login(org.sun)

    section = page(client.get(meeting_url(draft_meeting))).find("section", id="follows")

    assert section.find("p", cls="muted").text == "and 1 meeting you may not see"
    assert "人事会" not in section.text


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("later", "A meeting can only follow an earlier meeting."),
        ("secret", None),  # not among the choices: as if it did not exist
        ("august_twice", "This meeting already follows that one."),
    ],
)
def test_follow_refusals_show_beside_the_choice(client, org, draft_meeting, earlier, key, message):
    if key == "august_twice":
        series_services.meeting_follow(
            actor=org.sun, meeting=draft_meeting, previous=earlier["august"]
        )
        previous = earlier["august"]
    else:
        previous = earlier[key]
    before = list(draft_meeting.previous_meetings.values_list("pk", flat=True))
    topics = list(draft_meeting.topics.values_list("title", flat=True))
    client.force_login(org.sun)

    response = client.post(url("follow", draft_meeting.pk), {"previous": previous.pk})

    assert response.status_code == 422
    doc = page(response)
    expected = message or (
        f"Select a valid choice. {previous.pk} is not one of the available choices."
    )
    assert doc.find("ul", id="follow_previous_error").text == expected
    if message:
        assert doc.value("previous") == str(previous.pk)
    assert list(draft_meeting.previous_meetings.values_list("pk", flat=True)) == before
    assert list(draft_meeting.topics.values_list("title", flat=True)) == topics


def test_only_the_organiser_may_follow(client, org, draft_meeting, earlier):
    meetings.participant_invite(
        actor=org.sun, meeting=earlier["august"], person=org.li, role="executor"
    )
    client.force_login(org.li)
    assert not page(client.get(meeting_url(draft_meeting))).has("section", id="follows")

    response = client.post(url("follow", draft_meeting.pk), {"previous": earlier["august"].pk})

    assert response.status_code == 403
    assert page(response).find("div", role="alert").text == (
        "Only the organiser may change the agenda."
    )
    assert draft_meeting.previous_meetings.count() == 0
    client.force_login(org.outsider)
    assert (
        client.post(url("follow", draft_meeting.pk), {"previous": earlier["august"].pk}).status_code
        == 404
    )
    assert draft_meeting.previous_meetings.count() == 0


# -- query counts ---------------------------------------------------------------------------------


def _many_series(org: Org, count: int) -> None:
    for n in range(count):
        series = make_series(org, f"周会{n:02d}", first=at(9, 14))
        series_services.series_plan_next(actor=org.sun, series=series)


# session, person, the bell; the series with their organiser and next meeting.
LIST_QUERIES = 4


@pytest.mark.parametrize("count", [2, 12])
def test_list_query_count_does_not_grow(client, org, count, django_assert_num_queries):
    _many_series(org, count)
    client.force_login(org.wang)  # hosts them all

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url("list"))

    assert len(page(response).find("table", id="series").rows()) == count


def _series_with(org: Org, count: int) -> MeetingSeries:
    series = make_series(org, first=at(9, 14))
    for person in (org.wang, org.zhang, org.li, org.zhou)[: 1 if count < 10 else 4]:
        series_services.series_member_add(
            actor=org.sun, series=series, person=person, role="executor"
        )
    for _ in range(count - 1):
        series_services.series_plan_next(actor=org.sun, series=series)
    return series


# session, person, the bell; the series with organiser, host and recorder; its meetings;
# its standing participants; for the organiser the people to choose from.
DETAIL_QUERIES = {"sun": 7, "wang": 6}


@pytest.mark.parametrize("who", ["sun", "wang"])
@pytest.mark.parametrize("count", [2, 12])
def test_detail_query_count_does_not_grow(client, org, who, count, django_assert_num_queries):
    series = _series_with(org, count)
    client.force_login(getattr(org, who))

    with django_assert_num_queries(DETAIL_QUERIES[who]):
        response = client.get(url("detail", series.pk))

    assert len(page(response).find("table", id="occurrence-table").rows()) == count
