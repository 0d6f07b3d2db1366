"""The meeting pages: list, week, plan (create, edit, detail) and prepare.

Every page is requested as the people of ``tests/conftest.py`` would: the organiser (sun,
PMO), the host (wang), the recorder (zhao), participants (zhang, li, zhou, chen, liu) and the
outsider (qian, finance), who gets a 404 for every page of a meeting. Refused and invalid
input is checked for its status, its message, the typed value kept and an unchanged
database; each page's query count is pinned, and does not grow with more rows.
"""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accord.core import clock
from accord.live import services as live
from accord.meetings import preparation
from accord.meetings import services as meetings
from accord.meetings.models import (
    AgendaTopic,
    CopiedDepartment,
    Material,
    Meeting,
    Participant,
    PrepAnswer,
    PrepQuestion,
)
from accord.org import services as org_services
from tests.conftest import NOW, STARTS, Org


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    # Uploads go to a fresh folder per test, never into var/.
    settings.MEDIA_ROOT = tmp_path / "media"


# -- reading pages -----------------------------------------------------------------------------------


class Node:
    BLOCKS = {"div", "p", "li", "td", "th", "tr", "h1", "h2", "h3", "ul", "ol", "dt", "dd", "br"}

    def __init__(self, tag: str, attrs: dict, parent: "Node | None") -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list = []

    @property
    def text(self) -> str:
        parts: list[str] = []

        def walk(node: Node) -> None:
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                elif child.tag in self.BLOCKS:
                    parts.append(" ")
                    walk(child)
                    parts.append(" ")
                else:
                    walk(child)

        walk(self)
        return " ".join("".join(parts).split())

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list:
        found = []
        for child in self.children:
            if isinstance(child, str):
                continue
            if (
                (tag is None or child.tag == tag)
                and (cls is None or cls in child.attrs.get("class", "").split())
                and all(
                    child.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items()
                )
            ):
                found.append(child)
            found.extend(child.find_all(tag, cls, **attrs))
        return found

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> "Node":
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag} class={cls} {attrs}>"
        return found[0]

    def has(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> bool:
        return bool(self.find_all(tag, cls, **attrs))

    def texts(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[str]:
        return [node.text for node in self.find_all(tag, cls, **attrs)]

    def rows(self) -> list[list[str]]:
        """The text of each body row's cells."""
        body = self.find("tbody")
        return [[cell.text for cell in row.find_all("td")] for row in body.find_all("tr")]

    def value(self, name: str) -> str | list[str] | None:
        """What a form field shows: an input's value, a textarea's text, selected options."""
        for node in self.find_all(name=name):
            if node.tag == "textarea":
                return "".join(c for c in node.children if isinstance(c, str)).strip("\n")
            if node.tag == "select":
                chosen = [
                    o.attrs.get("value") for o in node.find_all("option") if "selected" in o.attrs
                ]
                return chosen if "multiple" in node.attrs else (chosen[0] if chosen else None)
            if node.attrs.get("type") in ("checkbox", "radio"):
                if "checked" in node.attrs:
                    return node.attrs.get("value", "on")
                continue
            return node.attrs.get("value", "")
        return None

    def options(self, name: str) -> list[str]:
        select = self.find("select", name=name)
        return [o.text for o in select.find_all("option")]


class _Builder(HTMLParser):
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "wbr",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#root", {}, None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in self.VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(
            Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.current)
        )

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def page(response) -> Node:
    builder = _Builder()
    builder.feed(response.content.decode())
    return builder.root


def messages_of(response) -> list[str]:
    return [m.message for m in response.context["messages"]] if response.context else []


def url(name: str, *args) -> str:
    return reverse(f"meetings:{name}", args=args)


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def make_meeting(org: Org, title: str, *, starts_at: dt.datetime = STARTS, **extra) -> Meeting:
    return meetings.meeting_create(actor=org.sun, title=title, starts_at=starts_at, **extra)


# -- the list -----------------------------------------------------------------------------------------


def test_list_shows_the_meetings_one_may_see(client, org, draft_meeting):
    """S-KIND-1, S-TPL-1: each row has name, time, place, host, status and kind."""
    client.force_login(org.zhang)

    response = client.get(url("list"))

    assert response.status_code == 200
    doc = page(response)
    assert doc.find("h1").text == "Meetings"
    assert doc.find("table", id="meetings").rows() == [
        [
            "Q3产品上线跨部门协作启动会",
            "2026-09-09 14:00–15:30",
            "3号会议室",
            "王经理",
            "Draft",
            "Project kickoff and progress",
        ]
    ]
    assert doc.find("table", id="meetings").find("a").attrs["href"] == url(
        "detail", draft_meeting.pk
    )
    assert doc.find("a", href=url("calendar")).text == "Week view"
    assert doc.find("p", role="status").text == "1 meeting"


def test_list_hides_what_one_may_not_see(client, org, draft_meeting):
    client.force_login(org.outsider)

    response = client.get(url("list"))

    assert response.status_code == 200
    assert "Q3产品上线" not in response.content.decode()
    assert page(response).find("p", role="status").text == "0 meetings"
    assert page(response).find("p", cls="card").text == "No meetings match."


def test_list_needs_sign_in(client, org):
    response = client.get(url("list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("web:login"))


@pytest.mark.parametrize(
    "kind",
    ["kickoff", "problem", "process", "resources", "alignment", "check_in"],
)
def test_list_filters_by_kind(client, org, kind):
    """S-KIND-1..5 and the weekly check-in (S-REVIEW-1) are each a filter."""
    for each in Meeting.Kind.values:
        make_meeting(org, f"会议-{each}", kind=each)
    client.force_login(org.sun)

    response = client.get(url("list"), {"kind": kind})

    assert response.status_code == 200
    assert [row[0] for row in page(response).find("table").rows()] == [f"会议-{kind}"]
    assert (
        page(response).find("select", name="kind").find("option", selected="").attrs["value"]
        == kind
    )


def test_list_filters_by_status_department_dates_and_text(client, org, draft_meeting):
    """Status, a department that takes part or organises, a date range and text in name
    or goal narrow the list; they combine."""
    cancelled = make_meeting(org, "已取消的会", starts_at=STARTS + dt.timedelta(days=10))
    meetings.meeting_cancel(actor=org.sun, meeting=cancelled, reason="改期")
    meetings.meeting_create(
        actor=org.zhang, title="市场部内部会", goal="预算", starts_at=STARTS - dt.timedelta(days=1)
    )
    client.force_login(org.sun)

    def titles(**filters) -> list[str]:
        response = client.get(url("list"), filters)
        assert response.status_code == 200
        table = page(response).find_all("table")
        return [row[0] for row in table[0].rows()] if table else []

    everything = ["已取消的会", "Q3产品上线跨部门协作启动会", "市场部内部会"]
    assert titles() == everything
    assert titles(status="cancelled") == ["已取消的会"]
    assert titles(status="draft") == ["Q3产品上线跨部门协作启动会", "市场部内部会"]
    # R&D takes part in the launch meeting; marketing takes part in it and organises its own.
    assert titles(department=org.rnd.pk) == ["Q3产品上线跨部门协作启动会"]
    assert titles(department=org.marketing.pk) == ["Q3产品上线跨部门协作启动会", "市场部内部会"]
    assert titles(department=org.office.pk) == ["已取消的会", "Q3产品上线跨部门协作启动会"]
    # Whole days in Shanghai, both ends included.
    assert titles(starts_from="2026-09-09", starts_to="2026-09-09") == [
        "Q3产品上线跨部门协作启动会"
    ]
    assert titles(starts_from="2026-09-09") == ["已取消的会", "Q3产品上线跨部门协作启动会"]
    assert titles(starts_to="2026-09-08") == ["市场部内部会"]
    assert titles(q="上线") == ["Q3产品上线跨部门协作启动会"]
    assert titles(q="分工") == ["Q3产品上线跨部门协作启动会"]  # in the goal
    assert titles(q="预算", department=org.marketing.pk) == ["市场部内部会"]
    assert titles(q="预算", status="cancelled") == []


@pytest.mark.parametrize(
    ("filters", "field", "message"),
    [
        (
            {"status": "bogus"},
            "status",
            "Select a valid choice. bogus is not one of the available choices.",
        ),
        (
            {"kind": "meeting"},
            "kind",
            "Select a valid choice. meeting is not one of the available choices.",
        ),
        (
            {"department": "999999"},
            "department",
            "Select a valid choice. 999999 is not one of the available choices.",
        ),
        (
            {"department": "abc"},
            "department",
            "Select a valid choice. abc is not one of the available choices.",
        ),
        ({"starts_from": "2026-13-45"}, "starts_from", "Enter a valid date."),
        (
            {"starts_from": "2026-09-09", "starts_to": "2026-09-01"},
            "starts_to",
            "The end of the range is before its start.",
        ),
    ],
)
def test_invalid_filters_show_a_message_beside_the_filter(
    client, org, draft_meeting, filters, field, message
):
    client.force_login(org.sun)

    response = client.get(url("list"), filters)

    assert response.status_code == 422
    doc = page(response)
    assert doc.find("ul", id=f"id_{field}_error").text == message
    # The typed value stays in the filter; the list still shows (the valid filters apply).
    if field != "department" and field != "status" and field != "kind":
        assert doc.value(field) == filters[field]
    assert [row[0] for row in doc.find("table").rows()] == ["Q3产品上线跨部门协作启动会"]


def test_list_pages_by_25_newest_first(client, org):
    """Stable order: start time descending, then id descending (ties keep their place)."""
    created = [
        make_meeting(org, f"会{n:02d}", starts_at=STARTS + dt.timedelta(days=n // 2))
        for n in range(30)
    ]
    client.force_login(org.sun)

    first = client.get(url("list"), {"q": "会"})
    second = client.get(url("list"), {"q": "会", "page": 2})
    beyond = client.get(url("list"), {"q": "会", "page": "x"})

    expected = [m.title for m in sorted(created, key=lambda m: (m.starts_at, m.pk), reverse=True)]
    assert [row[0] for row in page(first).find("table").rows()] == expected[:25]
    assert [row[0] for row in page(second).find("table").rows()] == expected[25:]
    assert beyond.status_code == 200
    assert [row[0] for row in page(beyond).find("table").rows()] == expected[:25]
    nav = page(first).find("nav", cls="pages")
    assert nav.text == "Page 1 of 2 Next"
    assert nav.find("a", rel="next").attrs["href"] == "?q=%E4%BC%9A&page=2"
    assert page(second).find("nav", cls="pages").text == "Previous Page 2 of 2"


LIST_QUERIES = 6  # session, person, the bell, departments, count, page


@pytest.mark.parametrize("count", [5, 40])
def test_list_query_count_does_not_grow(client, org, count, django_assert_num_queries):
    for n in range(count):
        make_meeting(org, f"会{n}", host=org.wang, kind=Meeting.Kind.PROBLEM)
    client.force_login(org.sun)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url("list"))

    assert len(page(response).find("table").rows()) == min(count, 25)


# -- the week --------------------------------------------------------------------------------------


def test_week_shows_monday_to_sunday_with_today_marked(client, org, draft_meeting):
    early = make_meeting(org, "周一早会", starts_at=NOW - dt.timedelta(hours=1))
    make_meeting(org, "下周的会", starts_at=STARTS + dt.timedelta(days=7))
    client.force_login(org.sun)

    response = client.get(url("calendar"))

    assert response.status_code == 200
    doc = page(response)
    assert doc.find("h1").text == "Week of 2026-09-07 to 2026-09-13"
    days = doc.find_all("section", cls="day")
    assert [day.find("h2").text for day in days] == [
        "Monday 09-07 Today",
        "Tuesday 09-08",
        "Wednesday 09-09",
        "Thursday 09-10",
        "Friday 09-11",
        "Saturday 09-12",
        "Sunday 09-13",
    ]
    assert [day.attrs.get("aria-current") for day in days] == ["date"] + [None] * 6
    assert days[0].texts("a", cls="event") == ["08:00–09:30 周一早会"]
    assert days[0].find("a", cls="event").attrs["href"] == url("detail", early.pk)
    assert days[2].texts("a", cls="event") == ["14:00–15:30 Q3产品上线跨部门协作启动会"]
    assert [day.texts("a", cls="event") for day in days[3:]] == [[]] * 4
    assert doc.find("a", rel="prev").attrs["href"] == url("calendar") + "?week=2026-08-31"
    assert doc.find("a", rel="next").attrs["href"] == url("calendar") + "?week=2026-09-14"


def test_week_of_any_day_starts_on_its_monday(client, org, draft_meeting):
    client.force_login(org.zhang)

    wednesday = client.get(url("calendar"), {"week": "2026-09-09"})
    next_week = client.get(url("calendar"), {"week": "2026-09-14"})

    assert page(wednesday).find("h1").text == "Week of 2026-09-07 to 2026-09-13"
    assert page(wednesday).texts("a", cls="event") == ["14:00–15:30 Q3产品上线跨部门协作启动会"]
    assert page(next_week).find("h1").text == "Week of 2026-09-14 to 2026-09-20"
    assert page(next_week).texts("a", cls="event") == []
    assert not page(next_week).has("section", cls="today")


def test_week_with_a_malformed_date_says_so(client, org, draft_meeting):
    client.force_login(org.sun)

    response = client.get(url("calendar"), {"week": "next week"})

    assert response.status_code == 422
    doc = page(response)
    assert doc.find("ul", id="id_week_error").text == "Enter a valid date."
    assert doc.value("week") == "next week"
    assert doc.find("h1").text == "Week of 2026-09-07 to 2026-09-13"


def test_week_hides_what_one_may_not_see(client, org, draft_meeting):
    client.force_login(org.outsider)

    response = client.get(url("calendar"))

    assert page(response).texts("a", cls="event") == []


WEEK_QUERIES = 4  # session, person, the bell, meetings


@pytest.mark.parametrize("count", [2, 20])
def test_week_query_count_does_not_grow(client, org, count, django_assert_num_queries):
    for n in range(count):
        make_meeting(org, f"会{n}", starts_at=STARTS + dt.timedelta(hours=n), host=org.wang)
    client.force_login(org.zhang)
    client.force_login(org.sun)

    with django_assert_num_queries(WEEK_QUERIES):
        response = client.get(url("calendar"))

    assert len(page(response).find_all("a", cls="event")) == count


# -- create and edit -----------------------------------------------------------------------------


MEETING_FORM = {
    "goal": "确定Q3产品上线分工",
    "kind": "kickoff",
    "title": "Q3产品上线跨部门协作启动会",
    "starts_at": "2026-09-15T14:00",
    "duration_minutes": "90",
    "location": "3号会议室",
    "online_link": "https://meeting.tencent.com/dm/618",
    "online_meeting_number": "618-2023-815",
    "host": "",
    "recorder": "",
}


def test_create_page_offers_the_fields(client, org):
    """S-PREP-1, S-PREP-5, S-TPL-1: goal, kind, name, time, length, place, online meeting,
    host, recorder, confidential."""
    client.force_login(org.zhang)

    response = client.get(url("create"))

    assert response.status_code == 200
    doc = page(response)
    assert doc.find("h1").text == "Plan a meeting"
    # Needed fields are marked (S-PREP-1, S-PREP-5): an asterisk, required and aria-required;
    # host and recorder, needed to schedule, only aria-required (a draft may wait for them).
    assert [label.text for label in doc.find("form", cls="card").find_all("label")] == [
        "Core goal",
        "Kind *",
        "Name *",
        "Date and time *",
        "Length (minutes) *",
        "Place",
        "Online meeting link",
        "Online meeting number",
        "Host *",
        "Nobody yet",
        "Recorder *",
        "Nobody yet",
        "Confidential",
    ]
    for name in ("kind", "title", "starts_at", "duration_minutes"):
        attrs = doc.find(None, name=name).attrs
        assert (attrs.get("required"), attrs.get("aria-required")) == ("", "true"), name
    for name in ("host_search", "recorder_search"):
        attrs = doc.find("input", name=name).attrs
        assert ("required" in attrs, attrs.get("aria-required")) == (False, "true"), name
    assert doc.options("kind") == [
        "Project kickoff and progress",
        "Problem solving and conflict coordination",
        "Process optimisation and rule making",
        "Resource allocation and support",
        "Periodic goal alignment",
        "Weekly progress check-in",
    ]
    assert doc.find("input", name="starts_at").attrs["type"] == "datetime-local"
    help_id = doc.find("input", name="starts_at").attrs["aria-describedby"]
    assert doc.find("div", id=help_id).text == "Time in Asia/Shanghai."
    assert doc.value("duration_minutes") == "90"
    # Host and recorder are found with the person picker, not chosen from everyone: a
    # search box and, until someone is chosen, "Nobody yet".
    assert doc.find("input", name="host_search").attrs["hx-get"] == "/meetings/people/"
    assert not doc.find_all("select", name="host")
    assert [radio.attrs["value"] for radio in doc.find_all("input", name="host")] == [""]
    # Creating is the first of the planning steps.
    steps = doc.find("nav", cls="plan-steps")
    assert [li.find("span", cls="step-label").text for li in steps.find_all("li")] == [
        "Goal, time and place",
        "Topics",
        "Departments and people",
        "Questions and materials",
        "Review and publish",
    ]
    assert steps.find(None, **{"aria-current": "step"}).find("span", cls="step-label").text == (
        "Goal, time and place"
    )


def test_create_makes_a_draft_in_the_organisation_time_zone(client, org):
    """S-PREP-1: the actor becomes the organiser; 14:00 typed is 14:00 in Shanghai."""
    client.force_login(org.zhang)

    response = client.post(
        url("create"),
        {**MEETING_FORM, "host": org.wang.pk, "recorder": org.zhao.pk, "confidential": "on"},
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    # The guided planning goes on with the topics.
    assert response.url == f"/meetings/{meeting.pk}/plan/topics/"
    assert (
        meeting.title,
        meeting.goal,
        meeting.kind,
        meeting.status,
        meeting.starts_at,
        meeting.duration_minutes,
        meeting.location,
        meeting.online_link,
        meeting.online_meeting_number,
        meeting.host,
        meeting.recorder,
        meeting.organiser,
        meeting.organiser_department,
        meeting.confidential,
    ) == (
        "Q3产品上线跨部门协作启动会",
        "确定Q3产品上线分工",
        "kickoff",
        "draft",
        timezone.make_aware(dt.datetime(2026, 9, 15, 14, 0)),
        90,
        "3号会议室",
        "https://meeting.tencent.com/dm/618",
        "618-2023-815",
        org.wang,
        org.zhao,
        org.zhang,
        org.marketing,
        True,
    )
    assert meeting.starts_at == dt.datetime(2026, 9, 15, 6, 0, tzinfo=dt.UTC)
    followed = client.get(response.url)
    assert messages_of(followed) == ["Meeting “Q3产品上线跨部门协作启动会” created as a draft."]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": "  "}, "title", "A meeting needs a name."),
        ({"starts_at": "2026-09-31T14:00"}, "starts_at", "Enter a valid date/time."),
        ({"starts_at": ""}, "starts_at", "This field is required."),
        (
            {"duration_minutes": "0"},
            "duration_minutes",
            "Minutes must be a whole number between 1 and 1440.",
        ),
        ({"duration_minutes": "ninety"}, "duration_minutes", "Enter a whole number."),
        (
            {"online_link": "ftp://files.example.com"},
            "online_link",
            "The online meeting link must be an http(s) address.",
        ),
        (
            {"kind": "party"},
            "kind",
            "Select a valid choice. party is not one of the available choices.",
        ),
        ({"host": "999999"}, "host", "Choose a person from the search results."),
        ({"recorder": "x1"}, "recorder", "Choose a person from the search results."),
    ],
)
def test_create_with_bad_input_keeps_what_was_typed(client, org, change, field, message):
    client.force_login(org.zhang)
    typed = {**MEETING_FORM, **change}

    response = client.post(url("create"), typed)

    assert response.status_code == 422
    doc = page(response)
    assert doc.find("ul", id=f"id_{field}_error").text == message
    for name in ("goal", "title", "starts_at", "duration_minutes", "location", "online_link"):
        assert doc.value(name) == typed[name]
    assert not Meeting.objects.exists()


def test_edit_changes_what_was_planned(client, org, draft_meeting):
    client.force_login(org.sun)
    shown = page(client.get(url("edit", draft_meeting.pk)))
    assert shown.find("h1").text == "Change “Q3产品上线跨部门协作启动会”"
    assert shown.value("starts_at") == "2026-09-09T14:00"
    assert shown.value("host") == str(org.wang.pk)
    assert shown.value("goal") == "确定Q3产品上线分工"

    response = client.post(
        url("edit", draft_meeting.pk),
        {
            **MEETING_FORM,
            "starts_at": "2026-09-10T09:30",
            "duration_minutes": "60",
            "location": "5号会议室",
            "host": org.li.pk,
            "recorder": org.zhao.pk,
        },
    )

    assert response.status_code == 302
    assert response.url == url("detail", draft_meeting.pk)
    draft_meeting.refresh_from_db()
    assert (
        local(draft_meeting.starts_at),
        draft_meeting.duration_minutes,
        draft_meeting.location,
        draft_meeting.host,
    ) == ("2026-09-10 09:30", 60, "5号会议室", org.li)
    assert messages_of(client.get(response.url)) == ["Meeting saved."]


def test_edit_of_a_scheduled_meeting_keeps_its_host(client, org, scheduled_meeting):
    client.force_login(org.sun)
    typed = {**MEETING_FORM, "starts_at": "2026-09-09T14:00", "recorder": org.zhao.pk, "host": ""}

    response = client.post(url("edit", scheduled_meeting.pk), typed)

    assert response.status_code == 422
    doc = page(response)
    assert doc.find("ul", id="id_host_error").text == "A scheduled meeting needs a host."
    assert doc.value("location") == "3号会议室"
    assert doc.value("recorder") == str(org.zhao.pk)
    scheduled_meeting.refresh_from_db()
    assert scheduled_meeting.host == org.wang


@pytest.mark.parametrize("who", ["zhang", "li"])
def test_edit_is_refused_to_who_may_not_organise(client, org, draft_meeting, who):
    client.force_login(getattr(org, who))

    shown = client.get(url("edit", draft_meeting.pk))
    posted = client.post(url("edit", draft_meeting.pk), {**MEETING_FORM, "title": "改名"})

    for response in (shown, posted):
        assert response.status_code == 403
        doc = page(response)
        assert doc.find("div", cls="alert").text == (
            "Only the organiser may change this meeting, and only before it starts."
        )
        assert "Save" not in doc.find("main").texts("button")
    draft_meeting.refresh_from_db()
    assert draft_meeting.title == "Q3产品上线跨部门协作启动会"


def test_edit_after_the_start_is_refused(client, org, running_meeting):
    client.force_login(org.sun)

    response = client.post(url("edit", running_meeting.pk), {**MEETING_FORM, "title": "改名"})

    assert response.status_code == 403
    running_meeting.refresh_from_db()
    assert running_meeting.title == "Q3产品上线跨部门协作启动会"


# -- the detail page: read-only -----------------------------------------------------------------


def facts(doc: Node) -> dict[str, str]:
    dl = doc.find("dl", cls="facts")
    return dict(zip(dl.texts("dt"), dl.texts("dd"), strict=True))


def test_detail_shows_the_meeting_read_only_to_a_participant(client, org, draft_meeting):
    """S-TPL-1, S-PREP-2, S-PREP-5: basic information, topics with their minutes,
    participants by department and role, copied departments, materials."""
    meetings.department_copy(actor=org.sun, meeting=draft_meeting, department=org.office)
    preparation.material_add(
        actor=org.sun,
        meeting=draft_meeting,
        title="近3个月投诉统计",
        url="https://oa.example.com/c",
    )
    client.force_login(org.zhang)

    response = client.get(url("detail", draft_meeting.pk))

    assert response.status_code == 200
    doc = page(response)
    assert doc.find("h1").text == "Q3产品上线跨部门协作启动会"
    assert [
        (li.text, li.attrs.get("class")) for li in doc.find("ol", cls="steps").find_all("li")
    ] == [
        ("Draft", "current"),
        ("Scheduled", None),
        ("In progress", None),
        ("Minutes", None),
        ("Review", None),
        ("Approved", None),
        ("Distributed", None),
    ]
    assert facts(doc) == {
        "Core goal": "确定Q3产品上线分工",
        "Kind": "Project kickoff and progress",
        "Time": "2026-09-09 14:00–15:30 (90 minutes)",
        "Place": "3号会议室",
        "Online meeting": "Meeting number 618-2023-815",
        "Host": "市场部 王经理",
        "Recorder": "行政部 赵专员",
        "Organiser": "孙主任 (行政部)",
    }
    agenda = doc.find("section", id="agenda")
    assert agenda.find("table").rows() == [
        ["1", "产品需求优先级确认", "30", "市场部"],
        ["2", "责任部门划分", "30", "—"],
        ["3", "时间节点确认", "20", "—"],
    ]
    assert agenda.find("tfoot").text == "80 of 90 minutes planned"
    participants = doc.find("section", id="participants")
    assert participants.texts("h3") == ["市场部", "研发部", "行政部", "设计部", "销售部"]
    assert participants.texts("li") == [
        "王经理 经理 Decision-maker",
        "张专员 专员 Executor",
        "李主管 主管 Decision-maker",
        "周工程师 工程师 Executor",
        "赵专员 专员 Executor",
        "陈主管 主管 Decision-maker",
        "刘代表 代表 Decision-maker",
    ]
    assert doc.find("section", id="copies").texts("li") == ["行政部"]
    assert doc.find("section", id="materials").texts("li") == ["近3个月投诉统计 (link)"]
    # Read-only: no planning controls, no warnings, no forms but the language switch.
    assert [f.attrs.get("action") for f in doc.find("main").find_all("form")] == []
    assert not doc.has(id="agenda-warnings")
    assert not doc.has("section", id="questions")
    links = doc.find("nav", cls="meeting-links")
    assert [(a.text, a.attrs["href"]) for a in links.find_all("a")] == [
        ("Prepare", url("prepare", draft_meeting.pk))
    ]


def test_detail_for_the_organiser_offers_the_planning(client, org, draft_meeting):
    """S-PREP-1..5: the organiser plans topics, questions, participants, copies, materials,
    the send time, and schedules or cancels."""
    client.force_login(org.sun)

    doc = page(client.get(url("detail", draft_meeting.pk)))

    actions = [f.attrs["action"] for f in doc.find("main").find_all("form", method="post")]
    pk = draft_meeting.pk
    topics = [t.pk for t in draft_meeting.topics.order_by("order")]
    participants = list(draft_meeting.participants.order_by("department__name", "role", "id"))
    assert actions == [
        # the primary action first, near the top
        url("schedule", pk),
        # down for the first topic; up, down for the second; up for the last; each removable
        url("topics_reorder", pk),
        url("topic_remove", pk, topics[0]),
        url("topics_reorder", pk),
        url("topics_reorder", pk),
        url("topic_remove", pk, topics[1]),
        url("topics_reorder", pk),
        url("topic_remove", pk, topics[2]),
        url("topic_add", pk),
        reverse("series:follow", args=[pk]),  # review the plan of an earlier meeting
        url("question_add", pk),
        *[url("participant_remove", pk, p.pk) for p in participants],
        url("participants_invite", pk),
        url("participant_add", pk),
        url("department_copy", pk),
        url("material_add", pk),
        url("materials_send_at", pk),
        # cancelling at the foot, folded
        url("cancel", pk),
    ]
    assert doc.find(id="agenda-warnings").text == "No agenda warnings."
    assert doc.find("button", aria_label="Move “责任部门划分” up").text == "↑"
    assert doc.find("nav", cls="meeting-links").texts("a") == [
        "Prepare",
        "Change details",
        "Plan step by step",
    ]
    assert doc.find("section", id="lifecycle").texts("button") == ["Schedule"]
    assert doc.find("section", id="cancel").texts("button") == ["Cancel meeting"]
    # The add forms are folded where their section has content, open where it is empty.
    assert {
        details.find("summary").text: "open" in details.attrs
        for details in doc.find("main").find_all("details")
    } == {
        "Add a topic": False,
        "Ask a question": True,
        "Invite a department": False,
        "Invite one person": False,
        "Copy a department": True,
        "Add material": True,
        "When materials go out": True,
        "Cancel meeting": False,
    }
    # The current step says the status: no second "Draft" badge beside the title.
    assert doc.find("li", aria_current="step").text == "Draft"
    assert not doc.find("div", cls="spread").has("span", cls="badge")
    # The headings go down one level at a time.
    assert doc.texts("h1") == ["Q3产品上线跨部门协作启动会"]


def test_detail_after_the_start_is_read_only_even_for_the_organiser(client, org, running_meeting):
    client.force_login(org.sun)

    doc = page(client.get(url("detail", running_meeting.pk)))

    assert [f.attrs.get("action") for f in doc.find("main").find_all("form")] == []
    assert doc.find("li", aria_current="step").text == "In progress"
    assert [li.attrs.get("class") for li in doc.find("ol", cls="steps").find_all("li")] == [
        "done",
        "done",
        "current",
        None,
        None,
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("who", "links"),
    [
        ("wang", ["Prepare", "Run"]),  # host
        ("zhao", ["Prepare", "Run"]),  # recorder
        ("sun", ["Prepare", "Run"]),  # organiser
        ("zhang", ["Prepare"]),  # participant
        ("li", ["Prepare"]),
    ],
)
def test_run_link_for_who_runs_or_records(client, org, scheduled_meeting, who, links):
    client.force_login(getattr(org, who))

    doc = page(client.get(url("detail", scheduled_meeting.pk)))

    nav = doc.find("nav", cls="meeting-links")
    assert [a.text for a in nav.find_all("a") if a.text != "Change details"] == links
    if "Run" in links:
        assert nav.find("a", cls="button", href=url("run", scheduled_meeting.pk)).text == "Run"


def test_minutes_link_once_the_meeting_has_minutes(client, org, ended_meeting):
    client.force_login(org.chen)

    doc = page(client.get(url("detail", ended_meeting.pk)))

    nav = doc.find("nav", cls="meeting-links")
    assert [(a.text, a.attrs["href"]) for a in nav.find_all("a")] == [
        ("Prepare", url("prepare", ended_meeting.pk)),
        ("Minutes", reverse("minutes:detail", args=[ended_meeting.pk])),
    ]
    assert doc.find("li", aria_current="step").text == "Minutes"


def test_cancelled_meeting_shows_why(client, org, draft_meeting):
    meetings.meeting_cancel(actor=org.sun, meeting=draft_meeting, reason="产品延期")
    client.force_login(org.zhang)

    doc = page(client.get(url("detail", draft_meeting.pk)))

    assert doc.find("div", cls="alert").text == "This meeting was cancelled: 产品延期"
    assert not doc.has("ol", cls="steps")
    assert doc.find("span", cls="badge").text == "Cancelled"


# -- planning through the views ---------------------------------------------------------------


def post(client, name: str, pk: int, data: dict | None = None, *extra, htmx: bool = False, **kw):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(url(name, pk, *extra), data or {}, **headers, **kw)


def ids_of(org: Org, data: dict) -> dict:
    """Form data naming the org's people and departments ("zhang", "rnd") by their ids."""

    def one(value):
        return (
            str(getattr(org, value).pk) if isinstance(value, str) and hasattr(org, value) else value
        )

    return {k: [one(v) for v in v_] if isinstance(v_, list) else one(v_) for k, v_ in data.items()}


def assert_done(client, response, meeting: Meeting, section: str, message: str) -> None:
    """A successful plain POST redirects to its section of the page, with a message."""
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.url == url("detail", meeting.pk) + f"#{section}"
    assert messages_of(client.get(response.url)) == [message]


def test_plan_a_meeting_through_the_views(client, org):
    """S-PREP-1..5: create → topics → participants → copied department → materials (link and
    upload) → send time → question → schedule, checking the database after each step."""
    client.force_login(org.sun)

    # Create (S-PREP-1, S-PREP-5): a goal, a host who keeps time, a recorder.
    response = client.post(
        url("create"), {**MEETING_FORM, "host": org.wang.pk, "recorder": org.zhao.pk}
    )
    meeting = Meeting.objects.get()
    assert response.url == url("plan", meeting.pk, "topics")
    assert messages_of(client.get(response.url)) == [
        "Meeting “Q3产品上线跨部门协作启动会” created as a draft."
    ]
    assert (meeting.status, meeting.organiser, meeting.host, meeting.recorder) == (
        "draft",
        org.sun,
        org.wang,
        org.zhao,
    )

    # Topics with their minutes and lead department (S-PREP-1, S-PREP-5).
    for title, minutes, lead in [
        ("产品需求优先级确认", 30, org.marketing.pk),
        ("责任部门划分", 30, ""),
        ("时间节点确认", 20, org.rnd.pk),
    ]:
        response = post(
            client,
            "topic_add",
            meeting.pk,
            {
                "title": title,
                "planned_minutes": minutes,
                "lead_department": lead,
                "description": "",
            },
        )
        assert_done(client, response, meeting, "agenda", "Topic added.")
    assert list(
        meeting.topics.order_by("order").values_list(
            "order", "title", "planned_minutes", "lead_department"
        )
    ) == [
        (1, "产品需求优先级确认", 30, org.marketing.pk),
        (2, "责任部门划分", 30, None),
        (3, "时间节点确认", 20, org.rnd.pk),
    ]

    # Participants per department: decision-maker and executors (S-PREP-2).
    response = post(
        client,
        "participants_invite",
        meeting.pk,
        {
            "department": org.marketing.pk,
            "decision_maker": org.wang.pk,
            "executors": [org.zhang.pk],
        },
    )
    assert_done(client, response, meeting, "participants", "Department invited.")
    response = post(
        client,
        "participants_invite",
        meeting.pk,
        {"department": org.rnd.pk, "decision_maker": org.li.pk, "executors": [org.zhou.pk]},
    )
    assert_done(client, response, meeting, "participants", "Department invited.")
    response = post(
        client, "participant_add", meeting.pk, {"person": org.liu.pk, "role": "executor"}
    )
    assert_done(client, response, meeting, "participants", "Participant invited.")
    assert sorted(
        meeting.participants.values_list("person__username", "department__name", "role")
    ) == [
        ("li", "研发部", "decision_maker"),
        ("liu", "销售部", "executor"),
        ("wang", "市场部", "decision_maker"),
        ("zhang", "市场部", "executor"),
        ("zhou", "研发部", "executor"),
    ]

    # A copied department (S-POST-2).
    response = post(client, "department_copy", meeting.pk, {"department": org.design.pk})
    assert_done(client, response, meeting, "copies", "Department copied.")
    assert list(meeting.copies.values_list("department__name", flat=True)) == ["设计部"]

    # Materials: a link and an upload (S-PREP-3).
    topic = meeting.topics.get(order=1)
    response = post(
        client,
        "material_add",
        meeting.pk,
        {"title": "近3个月投诉统计", "url": "https://oa.example.com/complaints", "topic": topic.pk},
    )
    assert_done(client, response, meeting, "materials", "Material added.")
    upload = SimpleUploadedFile("流程图.txt", "现行审批流程".encode(), content_type="text/plain")
    response = post(client, "material_add", meeting.pk, {"title": "现行流程图", "file": upload})
    assert_done(client, response, meeting, "materials", "Material added.")
    link, file = meeting.materials.order_by("id")
    assert (link.title, link.url, link.topic, bool(link.file)) == (
        "近3个月投诉统计",
        "https://oa.example.com/complaints",
        topic,
        False,
    )
    assert (file.title, file.url, file.topic, file.added_by) == ("现行流程图", "", None, org.sun)
    assert file.file.read().decode() == "现行审批流程"

    # When materials and questions go out: 1–2 days before (S-PREP-3).
    response = post(
        client, "materials_send_at", meeting.pk, {"materials_send_at": "2026-09-14T09:00"}
    )
    assert_done(client, response, meeting, "materials", "Send time saved.")
    meeting.refresh_from_db()
    assert local(meeting.materials_send_at) == "2026-09-14 09:00"

    # A pre-discussion question (S-PREP-3).
    response = post(
        client, "question_add", meeting.pk, {"text": "核心需求是什么？", "topic": topic.pk}
    )
    assert_done(client, response, meeting, "questions", "Question added.")
    assert list(meeting.questions.values_list("text", "topic")) == [("核心需求是什么？", topic.pk)]

    # Schedule.
    response = post(client, "schedule", meeting.pk)
    assert response.status_code == 302
    assert response.url == url("detail", meeting.pk)
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"
    doc = page(client.get(response.url))
    assert doc.find("div", role="status").text == "Meeting scheduled."
    assert doc.find("li", aria_current="step").text == "Scheduled"
    # Scheduled: nothing more to schedule; it can still be cancelled.
    assert not doc.has("section", id="lifecycle")
    assert doc.find("section", id="cancel").texts("button") == ["Cancel meeting"]
    assert doc.find("section", id="materials").texts("li") == [
        "近3个月投诉统计 (link) — 产品需求优先级确认",
        "现行流程图 (file)",
    ]
    assert (
        doc.find("section", id="materials").find("a", href=url("material", file.pk)).text
        == "现行流程图"
    )


def topic_titles(meeting: Meeting) -> list[str]:
    return list(meeting.topics.order_by("order").values_list("title", flat=True))


def test_a_topic_with_0_minutes_is_refused_and_kept(client, org, draft_meeting):
    """S-PREP-5: each topic needs its time allocation."""
    client.force_login(org.sun)
    typed = {
        "title": "风险评估",
        "planned_minutes": "0",
        "lead_department": org.rnd.pk,
        "description": "上线风险",
    }

    response = post(client, "topic_add", draft_meeting.pk, typed)

    assert response.status_code == 422
    doc = page(response)
    assert doc.find("ul", id="topic_planned_minutes_error").text == (
        "Minutes must be a whole number between 1 and 1440."
    )
    agenda = doc.find("section", id="agenda")
    assert (
        agenda.value("title"),
        agenda.value("planned_minutes"),
        agenda.value("lead_department"),
    ) == ("风险评估", "0", str(org.rnd.pk))
    assert agenda.value("description") == "上线风险"
    assert topic_titles(draft_meeting) == ["产品需求优先级确认", "责任部门划分", "时间节点确认"]


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"title": " ", "planned_minutes": "15"}, "title", "A topic needs a title."),
        ({"title": "风险", "planned_minutes": ""}, "planned_minutes", "This field is required."),
        ({"title": "风险", "planned_minutes": "1.5"}, "planned_minutes", "Enter a whole number."),
        (
            {"title": "风险", "planned_minutes": "15", "lead_department": "0"},
            "lead_department",
            "Select a valid choice. 0 is not one of the available choices.",
        ),
    ],
)
def test_topic_input_errors_as_htmx_partials(client, org, draft_meeting, typed, field, message):
    """htmx gets the agenda section back, 422, with the message and what was typed."""
    client.force_login(org.sun)

    response = post(client, "topic_add", draft_meeting.pk, typed, htmx=True)

    assert response.status_code == 422
    doc = page(response)
    assert doc.find_all("section")[0].attrs["id"] == "agenda"
    assert not doc.has("main")
    assert doc.find("ul", id=f"topic_{field}_error").text == message
    assert doc.value("title") == typed["title"]
    assert draft_meeting.topics.count() == 3


def test_adding_topics_with_htmx_re_renders_the_agenda_warnings(client, org, draft_meeting):
    """S-PREP-1, S-PREP-5: 3–5 topics and the meeting's length; the warnings follow each
    change and are shown to the organiser, never silently passed."""
    client.force_login(org.sun)

    fourth = post(
        client,
        "topic_add",
        draft_meeting.pk,
        {"title": "资源需求", "planned_minutes": "5"},
        htmx=True,
    )
    fifth = post(
        client,
        "topic_add",
        draft_meeting.pk,
        {"title": "风险评估", "planned_minutes": "5"},
        htmx=True,
    )
    sixth = post(
        client,
        "topic_add",
        draft_meeting.pk,
        {"title": "宣传计划", "planned_minutes": "20"},
        htmx=True,
    )

    assert fourth.status_code == 200
    doc = page(fourth)
    assert doc.find("p", cls="success").text == "Topic added."
    assert doc.find(id="agenda-warnings").text == "No agenda warnings."
    assert doc.find("tfoot").text == "85 of 90 minutes planned"
    assert doc.value("title") == ""  # a fresh form for the next topic
    assert page(fifth).find(id="agenda-warnings").find_all("li") == []
    warnings = page(sixth).find(id="agenda-warnings")
    assert [(li.attrs["data-code"], li.text) for li in warnings.find_all("li")] == [
        ("topic_count", "6 topics: 3 to 5 keep the discussion focused."),
        ("over_length", "The topics need 110 minutes but the meeting has 90."),
    ]
    assert warnings.find("div", cls="alert").attrs["class"] == "alert warning"
    assert topic_titles(draft_meeting)[3:] == ["资源需求", "风险评估", "宣传计划"]


def test_topics_changed_with_htmx_reach_the_question_and_material_topic_choices(
    client, org, draft_meeting
):
    """The topic choices further down the page follow the agenda without a reload: the two
    fields come out of band; the rest of those forms (what is typed there) is left alone."""
    client.force_login(org.sun)
    pk = draft_meeting.pk

    full = page(client.get(url("detail", pk)))
    added = post(client, "topic_add", pk, {"title": "资源需求", "planned_minutes": "5"}, htmx=True)
    fourth = draft_meeting.topics.get(title="资源需求")
    removed = post(client, "topic_remove", pk, {}, fourth.pk, htmx=True)
    refused = post(client, "topic_add", pk, {"title": "零", "planned_minutes": "0"}, htmx=True)

    # On the page the two fields sit in boxes that a swap can replace by id.
    for box in ("question-topic", "material-topic"):
        assert "hx-swap-oob" not in full.find("div", id=box).attrs
    assert added.status_code == removed.status_code == 200
    titles = ["—", "产品需求优先级确认", "责任部门划分", "时间节点确认"]
    for response, expected in [(added, [*titles, "资源需求"]), (removed, titles)]:
        doc = page(response)
        assert doc.find_all("section")[0].attrs["id"] == "agenda"
        for box, field_id in [
            ("question-topic", "question_topic"),
            ("material-topic", "material_topic"),
        ]:
            swapped = doc.find("div", id=box)
            assert swapped.attrs["hx-swap-oob"] == "true"
            assert swapped.find("select").attrs["id"] == field_id
            assert swapped.options("topic") == expected
        # Only those fields: the question and material forms themselves are not replaced.
        assert not doc.has("section", id="questions")
        assert not doc.has("section", id="materials")
        assert not doc.has(name="text")
    # The add form stays unfolded after adding, for the next topic.
    assert "open" in page(added).find("details").attrs
    # A refused topic changes no topic: nothing out of band.
    assert refused.status_code == 422
    assert not page(refused).has("div", id="question-topic")


def test_required_choices_start_empty_and_say_so_when_left_empty(client, org, draft_meeting):
    """No person or department is preselected: a required one left at "—" is refused."""
    client.force_login(org.sun)
    doc = page(client.get(url("detail", draft_meeting.pk)))
    chosen = page(client.get(url("detail", draft_meeting.pk), {"department": org.rnd.pk}))
    invite = chosen.find("form", action=url("participants_invite", draft_meeting.pk))
    assert (invite.options("decision_maker")[0], invite.value("decision_maker")) == ("—", "")
    for action, name in [
        ("participants_invite", "department"),
        ("department_copy", "department"),
    ]:
        form = doc.find("form", action=url(action, draft_meeting.pk))
        assert form.options(name)[0] == "—"
        assert form.value(name) == ""
    # One person is found with the picker: nobody chosen, and no "nobody" to choose.
    one = doc.find("form", action=url("participant_add", draft_meeting.pk))
    assert one.find_all("input", type="radio") == []
    assert one.find("input", name="person_search").attrs["aria-required"] == "true"
    before = people_of(draft_meeting)

    copy = post(client, "department_copy", draft_meeting.pk, {"department": ""})
    person = post(client, "participant_add", draft_meeting.pk, {"person": "", "role": "executor"})

    assert copy.status_code == person.status_code == 422
    copies = page(copy).find("section", id="copies")
    assert copies.find("ul", id="copy_department_error").text == "This field is required."
    assert "open" in copies.find("details").attrs
    assert page(person).find("ul", id="participant_person_error").text == (
        "This field is required."
    )
    assert not CopiedDepartment.objects.exists()
    assert people_of(draft_meeting) == before


def test_a_long_meeting_warns_on_the_page(client, org, draft_meeting):
    """S-PREP-5: 60–90 minutes are recommended."""
    meetings.meeting_update(actor=org.sun, meeting=draft_meeting, duration_minutes=120)
    client.force_login(org.sun)

    doc = page(client.get(url("detail", draft_meeting.pk)))

    assert doc.find(id="agenda-warnings").texts("li") == [
        "120 minutes: 60 to 90 minutes are recommended."
    ]


def test_topics_move_up_and_down_and_are_removed(client, org, draft_meeting):
    """S-PREP-1: the order of the topics is the order of the discussion."""
    client.force_login(org.sun)
    first, second, third = draft_meeting.topics.order_by("order")

    # Plain POST of the "down" button of the first topic.
    response = post(
        client, "topics_reorder", draft_meeting.pk, {"topic_ids": [second.pk, first.pk, third.pk]}
    )
    assert_done(client, response, draft_meeting, "agenda", "Agenda reordered.")
    assert topic_titles(draft_meeting) == ["责任部门划分", "产品需求优先级确认", "时间节点确认"]

    # The "up" button of the last topic, as the page renders it, with htmx.
    doc = page(client.get(url("detail", draft_meeting.pk)))
    form = doc.find("button", aria_label="Move “时间节点确认” up").parent
    ids = [node.attrs["value"] for node in form.find_all("input", name="topic_ids")]
    response = post(client, "topics_reorder", draft_meeting.pk, {"topic_ids": ids}, htmx=True)
    assert response.status_code == 200
    assert [row[1] for row in page(response).find("table").rows()] == [
        "责任部门划分",
        "时间节点确认",
        "产品需求优先级确认",
    ]
    assert topic_titles(draft_meeting) == ["责任部门划分", "时间节点确认", "产品需求优先级确认"]

    # Remove: the rest close up.
    response = post(client, "topic_remove", draft_meeting.pk, {}, second.pk, htmx=True)
    assert response.status_code == 200
    assert page(response).find("p", cls="success").text == "Topic removed."
    assert list(draft_meeting.topics.order_by("order").values_list("order", "title")) == [
        (1, "时间节点确认"),
        (2, "产品需求优先级确认"),
    ]
    warnings = page(response).find(id="agenda-warnings").texts("li")
    assert warnings == ["2 topics: 3 to 5 keep the discussion focused."]


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        (["x"], "Give whole numbers."),
        ([], "This field is required."),
        ("first-two", "Give every topic of this meeting exactly once."),
        ("repeat", "Give every topic of this meeting exactly once."),
    ],
)
def test_a_bad_order_is_refused(client, org, draft_meeting, ids, message):
    client.force_login(org.sun)
    topics = [t.pk for t in draft_meeting.topics.order_by("order")]
    if ids == "first-two":
        ids = topics[:2]
    elif ids == "repeat":
        ids = [topics[0], topics[0], topics[1]]

    response = post(client, "topics_reorder", draft_meeting.pk, {"topic_ids": ids})

    assert response.status_code == 422
    assert (
        page(response).find("section", id="agenda").find("div", cls="alert", role="alert").text
        == message
    )
    assert topic_titles(draft_meeting) == ["产品需求优先级确认", "责任部门划分", "时间节点确认"]


def test_a_topic_of_another_meeting_is_not_found(client, org, draft_meeting):
    other = make_meeting(org, "别的会")
    foreign = meetings.topic_add(actor=org.sun, meeting=other, title="别的议题", planned_minutes=10)
    client.force_login(org.sun)

    response = post(client, "topic_remove", draft_meeting.pk, {}, foreign.pk)

    assert response.status_code == 404
    assert AgendaTopic.objects.filter(pk=foreign.pk).exists()


def test_question_errors_keep_what_was_typed(client, org, draft_meeting):
    """S-PREP-3."""
    client.force_login(org.sun)

    empty = post(client, "question_add", draft_meeting.pk, {"text": "  ", "topic": ""})
    wrong_topic = post(
        client,
        "question_add",
        draft_meeting.pk,
        {"text": "缺哪些资源？", "topic": "99999"},
        htmx=True,
    )

    assert empty.status_code == 422
    assert page(empty).find("ul", id="question_text_error").text == "Write the question."
    assert wrong_topic.status_code == 422
    assert page(wrong_topic).find("ul", id="question_topic_error").text == (
        "Select a valid choice. 99999 is not one of the available choices."
    )
    assert page(wrong_topic).value("text") == "缺哪些资源？"
    assert not PrepQuestion.objects.exists()


def test_question_added_with_htmx(client, org, draft_meeting):
    client.force_login(org.sun)
    topic = draft_meeting.topics.get(order=2)

    response = post(
        client,
        "question_add",
        draft_meeting.pk,
        {"text": "谁来牵头？", "topic": topic.pk},
        htmx=True,
    )

    assert response.status_code == 200
    doc = page(response)
    assert doc.find("section").attrs["id"] == "questions"
    assert doc.find("ol").texts("li") == ["谁来牵头？ — 责任部门划分"]
    assert list(draft_meeting.questions.values_list("text", "topic")) == [("谁来牵头？", topic.pk)]


def people_of(meeting: Meeting) -> list[tuple[str, str, str]]:
    return sorted(meeting.participants.values_list("person__username", "department__name", "role"))


def test_picking_a_department_offers_its_people(client, org, draft_meeting):
    """S-PREP-2: per department its decision-maker (e.g. the head) and executors."""
    client.force_login(org.sun)

    plain = client.get(url("participants", draft_meeting.pk), {"department": org.rnd.pk})
    htmx = client.get(
        url("participants", draft_meeting.pk), {"department": org.rnd.pk}, HTTP_HX_REQUEST="true"
    )
    full = client.get(url("detail", draft_meeting.pk), {"department": org.rnd.pk})
    unknown = client.get(url("detail", draft_meeting.pk), {"department": "nope"})

    assert plain.status_code == 302
    assert plain.url == url("detail", draft_meeting.pk) + f"?department={org.rnd.pk}#participants"
    assert htmx.status_code == 200
    section = page(htmx)
    assert section.find("section").attrs["id"] == "participants"
    assert not section.has("main")
    for doc in (section, page(full)):
        invite = doc.find("form", action=url("participants_invite", draft_meeting.pk))
        assert invite.value("department") == str(org.rnd.pk)
        # Nobody preselected: the organiser picks the decision-maker.
        assert invite.options("decision_maker") == ["—", "周工程师", "李主管"]
        assert invite.value("decision_maker") == ""
        # Executors are checkboxes, under their department's name.
        executors = invite.find("div", id="invite_executors")
        assert executors.texts("legend") == ["研发部"]
        assert executors.texts("label") == ["周工程师", "李主管"]
        assert [box.attrs["type"] for box in executors.find_all("input")] == ["checkbox"] * 2
        # A department chosen keeps the invite form unfolded.
        folds = [d for d in doc.find_all("details") if d.has("h3", id="invite-h")]
        assert "open" in folds[0].attrs
    # No department chosen: nobody is offered (never a list of the whole company).
    nobody = page(unknown).find("form", action=url("participants_invite", draft_meeting.pk))
    assert not nobody.has("select", name="decision_maker")
    assert not nobody.has("div", id="invite_executors")
    assert nobody.find("p", cls="muted").text == (
        "Choose the department first: its people are offered here."
    )


def test_inviting_a_department_and_a_person_with_htmx(client, org):
    client.force_login(org.sun)
    meeting = make_meeting(org, "资源协调会", host=org.wang, recorder=org.zhao)

    invited = post(
        client,
        "participants_invite",
        meeting.pk,
        {"department": org.sales.pk, "decision_maker": org.liu.pk},
        htmx=True,
    )
    one = post(
        client,
        "participant_add",
        meeting.pk,
        {"person": org.zhou.pk, "role": "observer", "department": org.design.pk},
        htmx=True,
    )

    assert invited.status_code == one.status_code == 200
    doc = page(one)
    assert doc.find("p", cls="success").text == "Participant invited."
    assert doc.texts("h3")[:2] == ["设计部", "销售部"]
    assert doc.texts("li") == [
        "周工程师 工程师 Observer Remove",
        "刘代表 代表 Decision-maker Remove",
    ]
    assert people_of(meeting) == [
        ("liu", "销售部", "decision_maker"),
        ("zhou", "设计部", "observer"),
    ]


@pytest.mark.parametrize(
    ("name", "typed", "field", "message"),
    [
        (
            "participants_invite",
            {"department": "marketing", "decision_maker": "wang"},
            None,
            "王经理 is already invited.",
        ),
        (
            # Only the chosen department's people are offered, so only they are taken.
            "participants_invite",
            {"department": "rnd", "decision_maker": "wang"},
            "invite_decision_maker",
            "Select a valid choice. {wang} is not one of the available choices.",
        ),
        (
            "participants_invite",
            {"department": "rnd", "decision_maker": ""},
            "invite_decision_maker",
            "This field is required.",
        ),
        (
            "participants_invite",
            {"department": "rnd", "decision_maker": "li", "executors": ["99999"]},
            "invite_executors",
            "Select a valid choice. 99999 is not one of the available choices.",
        ),
        (
            "participant_add",
            {"person": "zhang", "role": "executor"},
            "participant_person",
            "张专员 is already invited.",
        ),
        (
            "participant_add",
            {"person": "outsider", "role": "boss"},
            "participant_role",
            "Select a valid choice. boss is not one of the available choices.",
        ),
    ],
)
def test_invitation_errors_keep_what_was_typed(
    client, org, draft_meeting, name, typed, field, message
):
    client.force_login(org.sun)
    ids = ids_of(org, typed)
    message = message.format(wang=org.wang.pk)
    before = people_of(draft_meeting)

    response = post(client, name, draft_meeting.pk, ids)

    assert response.status_code == 422
    doc = page(response)
    section = doc.find("section", id="participants")
    if field is None:
        assert section.find("div", cls="alert", role="alert").text == message
    else:
        assert section.find("ul", id=f"{field}_error").text == message
    form = section.find("form", action=url(name, draft_meeting.pk))
    # What was typed is kept, except a choice that is not offered (it cannot be shown).
    for key, value in ids.items():
        offered = field is None or not field.endswith(key)
        if key != "executors" and value and key != "role" and offered:
            assert form.value(key) == value
    assert people_of(draft_meeting) == before


def test_inviting_someone_who_cannot_sign_in_says_so(client, org, draft_meeting):
    org_services.person_update(actor=org.admin, person=org.zhou, is_active=False)
    client.force_login(org.sun)

    response = post(
        client, "participant_add", draft_meeting.pk, {"person": org.zhou.pk, "role": "executor"}
    )

    # Who cannot sign in is not found by the picker, and refused when sent anyway.
    assert response.status_code == 422
    assert page(response).find("ul", id="participant_person_error").text == (
        "Choose a person from the search results."
    )


def test_removing_a_participant(client, org, draft_meeting):
    client.force_login(org.sun)
    zhou = draft_meeting.participants.get(person=org.zhou)

    response = post(client, "participant_remove", draft_meeting.pk, {}, zhou.pk)

    assert_done(client, response, draft_meeting, "participants", "Participant removed.")
    assert ("zhou", "研发部", "executor") not in people_of(draft_meeting)
    assert len(people_of(draft_meeting)) == 6
    other = make_meeting(org, "别的会")
    foreign = meetings.participant_invite(
        actor=org.sun, meeting=other, person=org.liu, role="executor"
    )
    assert post(client, "participant_remove", draft_meeting.pk, {}, foreign.pk).status_code == 404
    assert Participant.objects.filter(pk=foreign.pk).exists()


def test_copying_and_uncopying_departments(client, org, draft_meeting):
    """S-POST-2: copied departments receive the minutes; they do not attend."""
    client.force_login(org.sun)

    copied = post(
        client, "department_copy", draft_meeting.pk, {"department": org.office.pk}, htmx=True
    )
    again = post(client, "department_copy", draft_meeting.pk, {"department": org.office.pk})

    assert copied.status_code == 200
    assert page(copied).find("section").texts("li") == ["行政部 Remove"]
    # Already copied: not offered again, and refused when posted anyway.
    assert str(org.office.pk) not in [
        o.attrs["value"] for o in page(copied).find("select", name="department").find_all("option")
    ]
    assert again.status_code == 422
    assert page(again).find("ul", id="copy_department_error").text == "行政部 is already copied."
    assert page(again).find("section", id="copies").value("department") == str(org.office.pk)
    assert list(CopiedDepartment.objects.values_list("department__name", flat=True)) == ["行政部"]

    removed = post(client, "department_uncopy", draft_meeting.pk, {"department": org.office.pk})
    assert_done(client, removed, draft_meeting, "copies", "Department no longer copied.")
    assert not CopiedDepartment.objects.exists()
    not_copied = post(client, "department_uncopy", draft_meeting.pk, {"department": org.office.pk})
    assert not_copied.status_code == 422
    assert page(not_copied).find("section", id="copies").find("div", role="alert").text == (
        "This department is not copied."
    )


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"title": "投诉统计", "url": ""}, "url", "Upload a file or give a link."),
        (
            {"title": "投诉统计", "url": "ftp://files/a.xlsx"},
            "url",
            "The link must be an http(s) address.",
        ),
        ({"title": "", "url": "https://oa.example.com/a"}, "title", "Give the material a title."),
        (
            {"title": "投诉统计", "url": "https://oa.example.com/a", "topic": "x"},
            "topic",
            "Select a valid choice. x is not one of the available choices.",
        ),
    ],
)
def test_material_errors_keep_what_was_typed(client, org, draft_meeting, typed, field, message):
    """S-PREP-3."""
    client.force_login(org.sun)

    response = post(client, "material_add", draft_meeting.pk, typed)

    assert response.status_code == 422
    form = page(response).find("form", action=url("material_add", draft_meeting.pk))
    assert form.find("ul", id=f"material_{field}_error").text == message
    assert (form.value("title"), form.value("url")) == (typed["title"], typed["url"])
    assert not Material.objects.exists()


def test_material_upload_with_htmx(client, org, draft_meeting):
    client.force_login(org.sun)
    upload = SimpleUploadedFile("数据.csv", b"month,count\n7,12\n", content_type="text/csv")

    response = post(
        client, "material_add", draft_meeting.pk, {"title": "投诉数据", "file": upload}, htmx=True
    )

    assert response.status_code == 200
    material = Material.objects.get()
    assert page(response).find("section").texts("li") == ["投诉数据 (file)"]
    assert page(response).find("a", href=url("material", material.pk)).text == "投诉数据"
    assert material.file.name.startswith("materials/")


def uploaded(org: Org, meeting: Meeting, content: bytes = b"<script>alert(1)</script>") -> Material:
    return preparation.material_add(
        actor=org.sun,
        meeting=meeting,
        title="现行流程图",
        file=SimpleUploadedFile("流程.html", content, content_type="text/html"),
    )


@pytest.mark.parametrize("who", ["sun", "zhang", "li", "zhao"])
def test_material_download_for_who_may_see_the_meeting(client, org, draft_meeting, who):
    """S-PREP-3: materials go to participants; the file is served as an attachment."""
    material = uploaded(org, draft_meeting)
    client.force_login(getattr(org, who))

    response = client.get(url("material", material.pk))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "%E6%B5%81%E7%A8%8B" in response["Content-Disposition"]


def test_material_download_is_not_found_for_others(client, org, draft_meeting):
    material = uploaded(org, draft_meeting)
    link = preparation.material_add(
        actor=org.sun, meeting=draft_meeting, title="链接", url="https://a.example.com"
    )
    client.force_login(org.outsider)
    assert client.get(url("material", material.pk)).status_code == 404
    client.force_login(org.zhang)
    assert client.get(url("material", link.pk)).status_code == 404
    assert client.get(url("material", 999999)).status_code == 404
    # Uploads are not served publicly under MEDIA_URL.
    client.logout()
    assert client.get("/media/" + material.file.name).status_code == 404
    assert client.get(url("material", material.pk)).status_code == 302


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2026-09-07T08:00", "That time has passed; choose a moment from now on."),
        ("2026-09-09T14:00", "Materials must go out before the meeting starts."),
        ("tomorrow", "Enter a valid date/time."),
    ],
)
def test_send_time_errors_keep_what_was_typed(client, org, draft_meeting, typed, message):
    """S-PREP-3."""
    client.force_login(org.sun)

    response = post(client, "materials_send_at", draft_meeting.pk, {"materials_send_at": typed})

    assert response.status_code == 422
    form = page(response).find("form", action=url("materials_send_at", draft_meeting.pk))
    assert form.find("ul", id="sendat_materials_send_at_error").text == message
    assert form.value("materials_send_at") == typed
    draft_meeting.refresh_from_db()
    assert draft_meeting.materials_send_at is None


def test_send_time_with_htmx_updates_the_warnings(client, org, draft_meeting):
    """S-PREP-3: 1–2 days before; a later time is warned about, out of band."""
    client.force_login(org.sun)

    late = post(
        client,
        "materials_send_at",
        draft_meeting.pk,
        {"materials_send_at": "2026-09-09T11:00"},
        htmx=True,
    )
    default = post(
        client, "materials_send_at", draft_meeting.pk, {"materials_send_at": ""}, htmx=True
    )

    assert late.status_code == 200
    doc = page(late)
    assert doc.find("section").attrs["id"] == "materials"
    assert doc.find("p", cls="small").text == "Materials and questions go out at 2026-09-09 11:00."
    oob = doc.find(id="agenda-warnings")
    assert oob.attrs["hx-swap-oob"] == "true"
    assert oob.texts("li") == [
        "Materials go out 3 hours before the meeting: 1 to 2 days before gives people time to prepare."
    ]
    # Empty: the start of the window, or now if that has passed.
    assert page(default).find(id="agenda-warnings").text == "No agenda warnings."
    draft_meeting.refresh_from_db()
    assert local(draft_meeting.materials_send_at) == "2026-09-07 14:00"


def test_scheduling_without_participants_says_what_is_missing(client, org):
    """The service's message, atop the lifecycle card; nothing changes."""
    meeting = make_meeting(org, "资源协调会", host=org.wang, recorder=org.zhao)
    meetings.topic_add(actor=org.sun, meeting=meeting, title="排期", planned_minutes=30)
    client.force_login(org.sun)

    response = post(client, "schedule", meeting.pk)

    assert response.status_code == 422
    card = page(response).find("section", id="lifecycle")
    assert (
        card.find("div", role="alert").text == "Invite at least one participant before scheduling."
    )
    meeting.refresh_from_db()
    assert meeting.status == "draft"


def test_scheduling_a_meeting_in_the_past_is_refused(client, org, draft_meeting):
    meetings.meeting_update(
        actor=org.sun, meeting=draft_meeting, starts_at=NOW - dt.timedelta(days=1)
    )
    client.force_login(org.sun)

    response = post(client, "schedule", draft_meeting.pk)

    assert response.status_code == 422
    assert page(response).find("section", id="lifecycle").find("div", role="alert").text == (
        "A meeting can only be scheduled in the future."
    )
    draft_meeting.refresh_from_db()
    assert draft_meeting.status == "draft"


def test_scheduling_twice_is_refused(client, org, scheduled_meeting):
    client.force_login(org.sun)

    response = post(client, "schedule", scheduled_meeting.pk)

    assert response.status_code == 422
    assert page(response).find("div", role="alert").text == "Only a draft meeting can be scheduled."


def test_cancelling_needs_a_reason(client, org, scheduled_meeting):
    client.force_login(org.sun)

    empty = post(client, "cancel", scheduled_meeting.pk, {"reason": "  "})
    scheduled_meeting.refresh_from_db()
    assert (empty.status_code, scheduled_meeting.status) == (422, "scheduled")
    assert (
        page(empty).find("ul", id="cancel_reason_error").text == "Say why the meeting is cancelled."
    )
    # The folded cancel form opens to show the message.
    assert "open" in page(empty).find("section", id="cancel").find("details").attrs

    done = post(client, "cancel", scheduled_meeting.pk, {"reason": "产品延期"})

    assert done.status_code == 302
    scheduled_meeting.refresh_from_db()
    assert (scheduled_meeting.status, scheduled_meeting.cancel_reason) == ("cancelled", "产品延期")
    assert messages_of(client.get(done.url)) == ["Meeting cancelled."]


PLANNING_POSTS = [
    (
        "topic_add",
        {"title": "新议题", "planned_minutes": "10"},
        "Only the organiser may change the agenda.",
    ),
    ("question_add", {"text": "问题？"}, "Only the organiser may ask pre-discussion questions."),
    (
        "participant_add",
        {"person": "liu", "role": "observer"},
        "Only the organiser may invite participants.",
    ),
    ("department_copy", {"department": "office"}, "Only the organiser may copy departments."),
    (
        "material_add",
        {"title": "资料", "url": "https://a.example.com"},
        "Only the organiser may add materials.",
    ),
    (
        "materials_send_at",
        {"materials_send_at": "2026-09-08T09:00"},
        "Only the organiser may decide when materials go out.",
    ),
    ("schedule", {}, "Only the organiser may schedule this meeting."),
    ("cancel", {"reason": "不开了"}, "Only the organiser may cancel this meeting."),
]


@pytest.mark.parametrize(("name", "data", "message"), PLANNING_POSTS)
def test_planning_posts_are_refused_to_a_participant(
    client, org, draft_meeting, name, data, message
):
    """A participant who tries anyway gets 403 and the message; nothing changes."""
    client.force_login(org.zhang)
    before = (
        draft_meeting.topics.count(),
        PrepQuestion.objects.count(),
        Participant.objects.count(),
        CopiedDepartment.objects.count(),
        Material.objects.count(),
    )

    response = post(client, name, draft_meeting.pk, ids_of(org, data))

    assert response.status_code == 403
    doc = page(response)
    assert doc.find("main").find("div", cls="alert", role="alert").text == message
    after = (
        draft_meeting.topics.count(),
        PrepQuestion.objects.count(),
        Participant.objects.count(),
        CopiedDepartment.objects.count(),
        Material.objects.count(),
    )
    assert after == before
    draft_meeting.refresh_from_db()
    assert (draft_meeting.status, draft_meeting.materials_send_at) == ("draft", None)


def test_planning_after_the_start_is_refused_with_the_reason(client, org, running_meeting):
    client.force_login(org.sun)

    plain = post(
        client, "topic_add", running_meeting.pk, {"title": "新议题", "planned_minutes": "10"}
    )
    htmx = post(
        client,
        "topic_add",
        running_meeting.pk,
        {"title": "新议题", "planned_minutes": "10"},
        htmx=True,
    )

    assert plain.status_code == htmx.status_code == 422
    message = "The agenda can only change before the meeting starts."
    assert page(plain).find("main").find("div", role="alert").text == message
    assert page(htmx).find("section", id="agenda").find("div", role="alert").text == message
    assert running_meeting.topics.count() == 3


# -- prepare (S-PREP-3, S-PREP-4) -----------------------------------------------------------------


@pytest.fixture
def questions(org, draft_meeting) -> list[PrepQuestion]:
    topic = draft_meeting.topics.get(order=1)
    preparation.material_add(
        actor=org.sun,
        meeting=draft_meeting,
        title="近3个月投诉统计",
        url="https://oa.example.com/c",
        topic=topic,
    )
    return [
        preparation.question_add(
            actor=org.sun, meeting=draft_meeting, text="核心需求是什么？", topic=topic
        ),
        preparation.question_add(actor=org.sun, meeting=draft_meeting, text="缺哪些资源？"),
    ]


def answer(client, meeting: Meeting, question: PrepQuestion, department, text: str, **kw):
    return client.post(
        url("answer_save", meeting.pk),
        {"question": question.pk, "department": department.pk, "text": text},
        **kw,
    )


def test_prepare_shows_materials_questions_and_the_department_form(
    client, org, draft_meeting, questions
):
    """S-PREP-3: background and questions go to every participant; S-PREP-4: a participant
    writes their department's answers."""
    client.force_login(org.zhang)

    response = client.get(url("prepare", draft_meeting.pk))

    assert response.status_code == 200
    doc = page(response)
    assert doc.find("h1").text == "Prepare “Q3产品上线跨部门协作启动会”"
    assert doc.find("section", id="materials").texts("li") == [
        "近3个月投诉统计 (link) — 产品需求优先级确认"
    ]
    assert doc.find("section", id="questions").texts("li") == [
        "核心需求是什么？ — 产品需求优先级确认",
        "缺哪些资源？",
    ]
    sheets = doc.find_all("section", cls="sheet")
    assert [sheet.find("h2").text for sheet in sheets] == ["Answers of 市场部"]
    sheet = sheets[0]
    assert sheet.texts("h3") == ["核心需求是什么？", "缺哪些资源？"]
    assert sheet.texts("button") == ["Save draft", "Save draft", "Submit answers of 市场部"]
    first = sheet.find("div", id=f"answer-{questions[0].pk}-{org.marketing.pk}")
    assert (first.value("question"), first.value("department"), first.value("text")) == (
        str(questions[0].pk),
        str(org.marketing.pk),
        "",
    )
    assert first.find("label").attrs["for"] == f"answer_{questions[0].pk}_{org.marketing.pk}_text"
    assert not doc.has("section", id="matrix")


def test_a_department_saves_drafts_then_submits(client, org, draft_meeting, questions):
    """S-PREP-4: each department answers in writing; drafts until submitted, then read-only
    with the time."""
    client.force_login(org.zhang)
    first, second = questions

    saved = answer(client, draft_meeting, first, org.marketing, "需求A、B、C，先做A")
    assert saved.status_code == 302
    assert saved.url == url("prepare", draft_meeting.pk) + f"#answer-{first.pk}-{org.marketing.pk}"
    assert messages_of(client.get(saved.url)) == ["Draft saved."]
    assert list(PrepAnswer.objects.values_list("text", "author__username", "submitted_at")) == [
        ("需求A、B、C，先做A", "zhang", None)
    ]

    # Submitting with a question open is refused, and says how many.
    early = client.post(url("answers_submit", draft_meeting.pk), {"department": org.marketing.pk})
    assert early.status_code == 422
    sheet = page(early).find("section", cls="sheet")
    assert (
        sheet.find("div", role="alert").text
        == "Answer every question before submitting; 1 still open."
    )
    assert (
        sheet.find("div", id=f"answer-{first.pk}-{org.marketing.pk}").value("text")
        == "需求A、B、C，先做A"
    )
    assert not PrepAnswer.objects.filter(submitted_at__isnull=False).exists()

    # The second answer with htmx: the question's block comes back.
    partial = answer(
        client, draft_meeting, second, org.marketing, "设计资源", HTTP_HX_REQUEST="true"
    )
    assert partial.status_code == 200
    block = page(partial).find("div", cls="answer")
    assert block.attrs["id"] == f"answer-{second.pk}-{org.marketing.pk}"
    assert block.find("span", role="status").text == "Draft saved."
    assert block.value("text") == "设计资源"

    submitted = client.post(
        url("answers_submit", draft_meeting.pk), {"department": org.marketing.pk}
    )
    assert submitted.status_code == 302
    assert messages_of(client.get(submitted.url)) == ["市场部's answers are submitted."]
    assert list(
        PrepAnswer.objects.order_by("question__order").values_list("text", "submitted_at")
    ) == [("需求A、B、C，先做A", NOW), ("设计资源", NOW)]

    # Read-only now, with the time; the head of marketing sees the same.
    client.force_login(org.wang)
    sheet = page(client.get(url("prepare", draft_meeting.pk))).find("section", cls="sheet")
    assert sheet.find("p", cls="alert").text == "Submitted at 2026-09-07 09:00."
    assert sheet.texts("blockquote") == ["需求A、B、C，先做A", "设计资源"]
    assert sheet.texts("p", cls="small") == [
        "Topic: 产品需求优先级确认",
        "Submitted by 张专员 at 2026-09-07 09:00",
        "Submitted by 张专员 at 2026-09-07 09:00",
    ]
    assert sheet.find_all("form") == []


@pytest.mark.parametrize("htmx", [False, True])
def test_an_empty_answer_is_refused(client, org, draft_meeting, questions, htmx):
    client.force_login(org.li)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    response = answer(client, draft_meeting, questions[0], org.rnd, "  ", **headers)

    assert response.status_code == 422
    block = page(response).find("div", id=f"answer-{questions[0].pk}-{org.rnd.pk}")
    assert block.find("ul", cls="errorlist").text == "Write the answer."
    assert page(response).has("main") is not htmx
    assert not PrepAnswer.objects.exists()


def test_answering_for_another_department_is_refused(client, org, draft_meeting, questions):
    client.force_login(org.zhang)

    response = answer(client, draft_meeting, questions[0], org.rnd, "我们替研发回答")

    assert response.status_code == 403
    assert page(response).find("main").find("div", role="alert").text == (
        "Only participants of 研发部 may answer for it."
    )
    assert not PrepAnswer.objects.exists()


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"question": "999999", "department": "marketing", "text": "x"}, 422),
        ({"question": "q", "department": "finance", "text": "x"}, 422),
        ({"question": "abc", "department": "marketing", "text": "x"}, 422),
    ],
)
def test_answers_with_wrong_ids_are_refused(client, org, draft_meeting, questions, data, status):
    client.force_login(org.zhang)
    finance = type(org.marketing).objects.get(name="财务部")
    ids = {
        "question": str(questions[0].pk) if data["question"] == "q" else data["question"],
        "department": str((finance if data["department"] == "finance" else org.marketing).pk),
        "text": data["text"],
    }

    response = client.post(url("answer_save", draft_meeting.pk), ids)

    assert response.status_code == status
    assert (
        page(response)
        .find("main")
        .find("div", role="alert")
        .text.startswith("Select a valid choice.")
    )
    assert not PrepAnswer.objects.exists()


def test_the_organiser_sees_the_answers_side_by_side(client, org, draft_meeting, questions):
    """S-PREP-4: per question × department, the submitted answers, and who is missing."""
    first, second = questions
    for author, department, texts in [
        (org.zhang, org.marketing, ("需求A、B、C，先做A", "设计资源")),
        (org.li, org.rnd, ("技术方案可行", "测试环境")),
    ]:
        for question, text in zip(questions, texts, strict=True):
            preparation.answer_save(
                actor=author, question=question, department=department, text=text
            )
        preparation.answers_submit(actor=author, meeting=draft_meeting, department=department)
    preparation.answer_save(actor=org.chen, question=first, department=org.design, text="设计草稿")
    client.force_login(org.sun)

    doc = page(client.get(url("prepare", draft_meeting.pk)))

    matrix = doc.find("section", id="matrix")
    assert matrix.find("thead").texts("th") == [
        "Question",
        "市场部",
        "研发部",
        "行政部",
        "设计部",
        "销售部",
    ]
    assert matrix.find("table").rows() == [
        [
            "核心需求是什么？ Not answered by: 行政部, 设计部, 销售部",
            "需求A、B、C，先做A 张专员 · 09-07 09:00",
            "技术方案可行 李主管 · 09-07 09:00",
            "Missing",
            "Missing",  # design's draft is its own business until submitted
            "Missing",
        ],
        [
            "缺哪些资源？ Not answered by: 行政部, 设计部, 销售部",
            "设计资源 张专员 · 09-07 09:00",
            "测试环境 李主管 · 09-07 09:00",
            "Missing",
            "Missing",
            "Missing",
        ],
    ]
    assert [
        cell.attrs["data-label"] for cell in matrix.find("tbody").find("tr").find_all("td")
    ] == ["Question", "市场部", "研发部", "行政部", "设计部", "销售部"]
    # sun answers for the office (zhao's department, which sun heads).
    assert [s.find("h2").text for s in doc.find_all("section", cls="sheet")] == [
        "Answers of 行政部"
    ]


def test_a_department_head_answers_for_it_without_taking_part(client, org):
    """S-PREP-4: the head of a participating department may write its answers."""
    meeting = make_meeting(org, "研发资源会", host=org.wang, recorder=org.zhao)
    meetings.participant_invite(actor=org.sun, meeting=meeting, person=org.zhou, role="executor")
    question = preparation.question_add(actor=org.sun, meeting=meeting, text="需要几名工程师？")
    client.force_login(org.li)

    doc = page(client.get(url("prepare", meeting.pk)))
    response = answer(client, meeting, question, org.rnd, "两名")

    assert [s.find("h2").text for s in doc.find_all("section", cls="sheet")] == [
        "Answers of 研发部"
    ]
    assert response.status_code == 302
    assert PrepAnswer.objects.get().author == org.li


def test_prepare_after_the_start_is_read_only(client, org, draft_meeting, questions):
    preparation.answer_save(
        actor=org.zhang, question=questions[0], department=org.marketing, text="草稿"
    )
    meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
    with clock.frozen(STARTS):
        live.meeting_start(actor=org.wang, meeting=draft_meeting)
    client.force_login(org.zhang)

    doc = page(client.get(url("prepare", draft_meeting.pk)))
    late = answer(client, draft_meeting, questions[1], org.marketing, "晚了")

    sheet = doc.find("section", cls="sheet")
    assert sheet.find_all("form") == []
    assert sheet.texts("blockquote") == ["草稿"]
    assert sheet.texts("p") == [
        "Topic: 产品需求优先级确认",
        "Draft, not submitted",
        "Not answered.",
    ]
    assert late.status_code == 422
    assert (
        page(late).find("main").find("div", role="alert").text
        == "Answers are written before the meeting."
    )
    assert PrepAnswer.objects.count() == 1


def test_a_copied_department_reads_but_does_not_answer(client, org, draft_meeting, questions):
    meetings.department_copy(actor=org.sun, meeting=draft_meeting, department=org.office)
    client.force_login(org.zhao)  # office, also a participant: answers for the office
    assert [
        s.find("h2").text
        for s in page(client.get(url("prepare", draft_meeting.pk))).find_all("section", cls="sheet")
    ] == ["Answers of 行政部"]
    copied = org_services.person_create(
        actor=org.admin, username="wu", name="吴文员", department=org.office
    )
    client.force_login(copied)

    doc = page(client.get(url("prepare", draft_meeting.pk)))

    assert doc.find("section", id="questions").texts("li")[1] == "缺哪些资源？"
    assert doc.find_all("section", cls="sheet") == []
    assert not doc.has("section", id="matrix")


# -- who may see: 404 for everyone else ------------------------------------------------------------

GET_PAGES = ["detail", "edit", "prepare", "participants"]
POST_PAGES = [
    "topic_add",
    "topics_reorder",
    "question_add",
    "participants_invite",
    "participant_add",
    "department_copy",
    "department_uncopy",
    "material_add",
    "materials_send_at",
    "schedule",
    "cancel",
    "answer_save",
    "answers_submit",
]


@pytest.mark.parametrize("name", GET_PAGES)
def test_an_outsider_gets_404_for_every_page(client, org, draft_meeting, name):
    client.force_login(org.outsider)

    assert client.get(url(name, draft_meeting.pk)).status_code == 404
    assert client.get(url(name, 999999)).status_code == 404


@pytest.mark.parametrize("name", POST_PAGES)
def test_an_outsider_gets_404_for_every_action(client, org, draft_meeting, name):
    client.force_login(org.outsider)
    before = Meeting.objects.values_list("status", "title").get()

    response = client.post(
        url(name, draft_meeting.pk), {"title": "x", "planned_minutes": "5", "reason": "x"}
    )

    assert response.status_code == 404
    assert Meeting.objects.values_list("status", "title").get() == before
    assert draft_meeting.topics.count() == 3


def test_an_outsider_gets_404_for_topic_and_participant_actions(client, org, draft_meeting):
    client.force_login(org.outsider)
    topic = draft_meeting.topics.first()
    participant = draft_meeting.participants.first()

    assert post(client, "topic_remove", draft_meeting.pk, {}, topic.pk).status_code == 404
    assert (
        post(client, "participant_remove", draft_meeting.pk, {}, participant.pk).status_code == 404
    )
    assert draft_meeting.topics.count() == 3
    assert draft_meeting.participants.count() == 7


def test_a_confidential_meeting_is_hidden_from_the_pmo(client, org):
    """DESIGN "Visibility": confidential narrows to those who take part and administrators."""
    meeting = meetings.meeting_create(
        actor=org.zhang, title="人事调整", starts_at=STARTS, confidential=True
    )
    client.force_login(org.sun)

    assert client.get(url("detail", meeting.pk)).status_code == 404
    assert client.get(url("prepare", meeting.pk)).status_code == 404
    assert page(client.get(url("list"))).find("p", role="status").text == "0 meetings"


def test_pages_need_sign_in_and_the_right_method(client, org, draft_meeting):
    for name in GET_PAGES:
        response = client.get(url(name, draft_meeting.pk))
        assert response.status_code == 302
        assert response.url.startswith(reverse("web:login"))
    client.force_login(org.sun)
    assert client.get(url("schedule", draft_meeting.pk)).status_code == 405
    assert client.post(url("list")).status_code == 405
    assert client.post(url("detail", draft_meeting.pk)).status_code == 405


# -- query counts ---------------------------------------------------------------------------------


def _big_meeting(org: Org) -> Meeting:
    """8 topics, 14 participants in 7 departments, 3 copied departments, 6 questions with
    answers, 5 materials: built through the services."""
    meeting = make_meeting(org, "年度目标对齐会", host=org.wang, recorder=org.zhao)
    departments = [org.marketing, org.rnd, org.design, org.sales, org.office]
    extra = [org_services.department_create(actor=org.admin, name=f"事业部{n}") for n in range(2)]
    for n, department in enumerate(departments + extra):
        for role in ("decision_maker", "executor"):
            person = org_services.person_create(
                actor=org.admin,
                username=f"p{n}{role[0]}",
                name=f"人{n}{role[0]}",
                department=department,
            )
            meetings.participant_invite(actor=org.sun, meeting=meeting, person=person, role=role)
    topics = [
        meetings.topic_add(
            actor=org.sun,
            meeting=meeting,
            title=f"议题{n}",
            planned_minutes=10,
            lead_department=departments[n % 5],
        )
        for n in range(8)
    ]
    for department in (org.design, *extra):
        meetings.department_copy(actor=org.sun, meeting=meeting, department=department)
    for n in range(6):
        question = preparation.question_add(
            actor=org.sun, meeting=meeting, text=f"问题{n}", topic=topics[n]
        )
        preparation.answer_save(
            actor=org.wang, question=question, department=org.marketing, text=f"答{n}"
        )
    preparation.answers_submit(actor=org.wang, meeting=meeting, department=org.marketing)
    for n in range(5):
        preparation.material_add(
            actor=org.sun,
            meeting=meeting,
            title=f"资料{n}",
            url=f"https://a.example.com/{n}",
            topic=topics[n],
        )
    preparation.meeting_set_materials_send_at(actor=org.sun, meeting=meeting)
    return meeting


def _small_meeting(org: Org, meeting: Meeting) -> Meeting:
    """The launch meeting with what the big one has of each kind, once."""
    meetings.department_copy(actor=org.sun, meeting=meeting, department=org.office)
    question = preparation.question_add(
        actor=org.sun, meeting=meeting, text="问题", topic=meeting.topics.first()
    )
    preparation.answer_save(actor=org.wang, question=question, department=org.marketing, text="答")
    preparation.answers_submit(actor=org.wang, meeting=meeting, department=org.marketing)
    preparation.material_add(
        actor=org.sun,
        meeting=meeting,
        title="资料",
        url="https://a.example.com/0",
        topic=meeting.topics.first(),
    )
    preparation.meeting_set_materials_send_at(actor=org.sun, meeting=meeting)
    return meeting


# session, person, the bell; the meeting, its topics, participants, copies, questions, materials;
# whether it reviews earlier plans; then for the organiser's planning the departments and
# departments to choose from (people only once a department is chosen), and the earlier
# meetings it reviews and may review (S-REVIEW-1).
DETAIL_QUERIES = {"sun": 13, "wang": 13, "li": 10}


@pytest.mark.parametrize("who", ["sun", "wang", "li"])
def test_detail_query_count_does_not_grow(
    client, org, draft_meeting, who, django_assert_num_queries
):
    small = _small_meeting(org, draft_meeting)
    big = _big_meeting(org)
    client.force_login(getattr(org, who))

    with django_assert_num_queries(DETAIL_QUERIES[who]):
        small_page = client.get(url("detail", small.pk))
    with django_assert_num_queries(DETAIL_QUERIES[who]):
        big_page = client.get(url("detail", big.pk))

    assert (small_page.status_code, big_page.status_code) == (200, 200)
    assert len(page(big_page).find("section", id="agenda").find("table").rows()) == 8
    assert len(page(big_page).find("section", id="participants").find_all("li")) == 14


# session, person, the bell; the meeting, its questions, its materials; the departments one answers
# for and their answers; for the organiser side the participating departments, the
# questions and their submitted answers.
PREPARE_QUERIES = {"sun": 11, "wang": 11, "li": 8, "chen": 8}


@pytest.mark.parametrize("who", ["sun", "wang", "li", "chen"])
def test_prepare_query_count_does_not_grow(
    client, org, draft_meeting, who, django_assert_num_queries
):
    small = _small_meeting(org, draft_meeting)
    big = _big_meeting(org)
    client.force_login(getattr(org, who))

    with django_assert_num_queries(PREPARE_QUERIES[who]):
        small_page = client.get(url("prepare", small.pk))
    with django_assert_num_queries(PREPARE_QUERIES[who]):
        big_page = client.get(url("prepare", big.pk))

    assert (small_page.status_code, big_page.status_code) == (200, 200)
    assert len(page(big_page).find("section", id="questions").find_all("li")) == 6


# -- malformed input is a 422, never a 500 -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "field_id"),
    [
        ("calendar", {"week": "9999-12-31"}, "id_week"),
        ("calendar", {"week": "0001-01-01"}, "id_week"),
        ("list", {"starts_to": "9999-12-31"}, "id_starts_to"),
        ("list", {"starts_from": "0001-01-01"}, "id_starts_from"),
    ],
)
def test_dates_out_of_range_are_refused_on_pages(client, org, name, data, field_id):
    client.force_login(org.sun)

    response = client.get(url(name), data)

    assert response.status_code == 422
    assert page(response).find("ul", id=f"{field_id}_error").text == (
        "Choose a date between 2000-01-01 and 2099-12-31."
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9999-12-31T23:59", "Choose a date between 2000-01-01 and 2099-12-31."),
        ("0001-01-01T00:00", "Choose a date between 2000-01-01 and 2099-12-31."),
    ],
)
def test_meeting_times_out_of_range_are_refused(client, org, draft_meeting, typed, message):
    client.force_login(org.sun)

    created = client.post(url("create"), {**MEETING_FORM, "starts_at": typed})
    edited = client.post(url("edit", draft_meeting.pk), {**MEETING_FORM, "starts_at": typed})
    send_at = post(client, "materials_send_at", draft_meeting.pk, {"materials_send_at": typed})

    for response, field_id in (
        (created, "id_starts_at"),
        (edited, "id_starts_at"),
        (send_at, "sendat_materials_send_at"),
    ):
        assert response.status_code == 422
        assert page(response).find("ul", id=f"{field_id}_error").text == message
    assert Meeting.objects.count() == 1
    draft_meeting.refresh_from_db()
    assert (local(draft_meeting.starts_at), draft_meeting.materials_send_at) == (
        "2026-09-09 14:00",
        None,
    )


def test_answer_ids_that_are_not_numbers_are_refused(client, org, draft_meeting, questions):
    client.force_login(org.zhang)

    response = client.post(
        url("answer_save", draft_meeting.pk), {"question": "%d", "department": "%s", "text": "答"}
    )

    assert response.status_code == 422
    assert page(response).find("main").find("div", role="alert").texts("div") == [
        "Select a valid choice. %d is not one of the available choices.",
        "Select a valid choice. %s is not one of the available choices.",
    ]
    assert not PrepAnswer.objects.exists()


# session, person, the bell; edit also reads the meeting with its host and recorder (no list
# of people: the picker searches).
FORM_QUERIES = {"create": 3, "edit": 4}


@pytest.mark.parametrize("extra_people", [0, 20])
def test_form_pages_query_count_does_not_grow(
    client, org, draft_meeting, extra_people, django_assert_num_queries
):
    for n in range(extra_people):
        org_services.person_create(
            actor=org.admin, username=f"extra{n}", name=f"员工{n}", department=org.sales
        )
    client.force_login(org.sun)

    with django_assert_num_queries(FORM_QUERIES["create"]):
        created = client.get(url("create"))
    with django_assert_num_queries(FORM_QUERIES["edit"]):
        edited = client.get(url("edit", draft_meeting.pk))

    # The person picker lists nobody until something is typed: the chosen one, or nobody.
    assert page(created).texts("label", cls="picker-option") == ["Nobody yet", "Nobody yet"]
    assert page(edited).texts("label", cls="picker-option") == [
        "王经理 市场部 · 经理",
        "Nobody yet",
        "赵专员 行政部 · 专员",
        "Nobody yet",
    ]


def test_material_download_query_count(client, org, draft_meeting, django_assert_num_queries):
    material = uploaded(org, draft_meeting)
    client.force_login(org.zhang)

    with django_assert_num_queries(3):  # session, person, the material through visibility
        response = client.get(url("material", material.pk))

    assert response.status_code == 200
