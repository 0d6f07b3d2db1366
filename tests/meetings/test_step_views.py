"""The guided planning (S-PREP-1..5): one page per step with a step bar, the review that
lists everything still missing, publishing, the host and recorder with the person picker, a
topic changed in place, and a start in the past that needs a confirmation."""

import datetime as dt

import pytest
from django.utils import timezone

from accord.core import clock
from accord.meetings import services as meetings
from accord.meetings.agenda_templates import agenda_templates_for
from accord.meetings.models import Meeting
from accord.org.models import Person
from accord.org.names import search_text_of
from tests.conftest import STARTS, Org
from tests.meetings.test_views import MEETING_FORM, messages_of, page, post, url

STEPS = [
    "Goal, time and place",
    "Topics",
    "Departments and people",
    "Questions and materials",
    "Review and publish",
]


def bare(org: Org, **fields) -> Meeting:
    """A draft with a name and a time and nothing else."""
    return meetings.meeting_create(actor=org.sun, title="资源协调会", starts_at=STARTS, **fields)


def step_bar(doc) -> list[tuple[str, str, bool]]:
    """Each step's label, state and whether it is the current one."""
    return [
        (
            li.find("span", cls="step-label").text,
            li.find("span", cls="step-state").text,
            li.find("a").attrs.get("aria-current") == "step",
        )
        for li in doc.find("nav", cls="plan-steps").find_all("li")
    ]


def missing_list(doc) -> list[tuple[str, str]]:
    return [(li.text, li.find("a").attrs["href"]) for li in doc.find(id="missing").find_all("li")]


# -- the steps ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "sections"),
    [
        ("details", ["details"]),
        ("topics", ["agenda", "templates"]),
        ("people", ["roles", "participants", "copies"]),
        ("preparation", ["questions", "materials"]),
        ("review", ["review"]),
    ],
)
def test_each_step_is_its_own_page_with_the_step_bar(client, org, step, sections):
    meeting = bare(org)
    client.force_login(org.sun)

    response = client.get(url("plan", meeting.pk, step))

    assert response.status_code == 200
    doc = page(response)
    assert doc.find("h1").text == "Plan “资源协调会”"
    current = STEPS[["details", "topics", "people", "preparation", "review"].index(step)]
    # A bare draft: no goal yet, no topic, no host, recorder or participant.
    assert step_bar(doc) == [
        ("Goal, time and place", "", current == "Goal, time and place"),
        ("Topics", "missing", current == "Topics"),
        ("Departments and people", "missing", current == "Departments and people"),
        ("Questions and materials", "", current == "Questions and materials"),
        ("Review and publish", "", current == "Review and publish"),
    ]
    assert doc.find("nav", cls="plan-steps").attrs["aria-label"] == "Planning steps"
    for section in sections:
        assert doc.has(None, id=section), section


def test_the_step_bar_says_done_when_a_step_has_what_it_needs(client, org, draft_meeting):
    client.force_login(org.sun)

    doc = page(client.get(url("plan", draft_meeting.pk, "preparation")))

    assert step_bar(doc) == [
        ("Goal, time and place", "done", False),
        ("Topics", "done", False),
        ("Departments and people", "done", False),
        ("Questions and materials", "", True),
        ("Review and publish", "", False),
    ]
    assert [a.text for a in doc.find("nav", cls="step-nav").find_all("a")] == [
        "Previous step",
        "Next step",
    ]


def test_an_unknown_step_is_404_and_an_unseen_meeting_too(client, org, draft_meeting):
    client.force_login(org.sun)
    assert client.get(f"/meetings/{draft_meeting.pk}/plan/nope/").status_code == 404
    client.force_login(org.outsider)
    assert client.get(url("plan", draft_meeting.pk, "topics")).status_code == 404


def test_who_may_not_plan_is_led_to_the_meeting_page(client, org, draft_meeting):
    client.force_login(org.zhang)  # a participant: sees it, may not plan it

    response = client.get(url("plan", draft_meeting.pk, "topics"))

    assert (response.status_code, response.url) == (302, url("detail", draft_meeting.pk))


def test_the_details_step_saves_and_goes_on_to_the_topics(client, org):
    meeting = bare(org)
    client.force_login(org.sun)

    response = client.post(
        url("plan", meeting.pk, "details"),
        {**MEETING_FORM, "title": "资源协调会", "kind": "resources", "goal": "确定研发支持"},
    )

    assert (response.status_code, response.url) == (302, url("plan", meeting.pk, "topics"))
    meeting.refresh_from_db()
    assert (meeting.goal, meeting.kind, meeting.location) == (
        "确定研发支持",
        "resources",
        "3号会议室",
    )


def test_the_details_step_keeps_what_was_typed_when_refused(client, org):
    meeting = bare(org)
    client.force_login(org.sun)

    response = client.post(
        url("plan", meeting.pk, "details"), {**MEETING_FORM, "title": " ", "goal": "新目标"}
    )

    assert response.status_code == 422
    doc = page(response)
    assert doc.find("ul", id="id_title_error").text == "A meeting needs a name."
    assert doc.value("goal") == "新目标"
    meeting.refresh_from_db()
    assert (meeting.title, meeting.goal) == ("资源协调会", "")


# -- host and recorder with the picker -------------------------------------------------------------


def test_the_people_step_names_host_and_recorder(client, org):
    meeting = bare(org)
    client.force_login(org.sun)

    response = client.post(
        url("plan", meeting.pk, "people"), {"host": org.wang.pk, "recorder": org.zhao.pk}
    )

    assert (response.status_code, response.url) == (302, url("plan", meeting.pk, "people"))
    assert messages_of(client.get(response.url)) == ["Host and recorder saved."]
    meeting.refresh_from_db()
    assert (meeting.host, meeting.recorder) == (org.wang, org.zhao)
    doc = page(client.get(url("plan", meeting.pk, "people")))
    roles = doc.find("section", id="roles")
    assert roles.texts("label") == [
        "Host *",
        "王经理 市场部 · 经理",
        "Nobody yet",
        "Recorder *",
        "赵专员 行政部 · 专员",
        "Nobody yet",
    ]
    assert roles.value("host") == str(org.wang.pk)


def test_the_people_step_refuses_someone_who_cannot_sign_in(client, org):
    meeting = bare(org, host=org.wang)
    org.zhou.is_active = False
    org.zhou.save(update_fields=["is_active"])
    client.force_login(org.sun)

    response = client.post(
        url("plan", meeting.pk, "people"), {"host": org.wang.pk, "recorder": org.zhou.pk}
    )

    assert response.status_code == 422
    assert page(response).find("ul", id="roles_recorder_error").text == (
        "Choose a person from the search results."
    )
    meeting.refresh_from_db()
    assert (meeting.host, meeting.recorder) == (org.wang, None)


def test_without_javascript_a_typed_name_is_looked_up(client, org):
    """The picker's results come by htmx; a page without it sends the typed name itself:
    one person fits, and it is saved; several fit, and they are offered to choose from."""
    meeting = bare(org)
    client.force_login(org.sun)

    response = client.post(
        url("plan", meeting.pk, "people"),
        {"host": "", "host_search": "王经理", "recorder": "", "recorder_search": "专员"},
    )

    assert response.status_code == 422
    doc = page(response)
    assert doc.find("ul", id="roles_recorder_error").text == (
        "Several people match “专员”: choose one."
    )
    roles = doc.find("section", id="roles")
    assert "张专员 市场部 · 专员" in roles.texts("label")
    assert "赵专员 行政部 · 专员" in roles.texts("label")
    assert roles.value("recorder_search") == "专员"
    meeting.refresh_from_db()
    assert (meeting.host, meeting.recorder) == (None, None)

    response = client.post(
        url("plan", meeting.pk, "people"),
        {"host": "", "host_search": "王经理", "recorder": org.zhao.pk, "recorder_search": "专员"},
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.host, meeting.recorder) == (org.wang, org.zhao)


def test_without_javascript_a_name_nobody_has_is_refused(client, org):
    meeting = bare(org)
    client.force_login(org.sun)

    response = client.post(
        url("plan", meeting.pk, "people"),
        {"host": "", "host_search": "钱老板", "recorder": "", "recorder_search": ""},
    )

    assert response.status_code == 422
    assert page(response).find("ul", id="roles_host_error").text == "Nobody matches “钱老板”."
    meeting.refresh_from_db()
    assert meeting.host is None


# -- review and publish --------------------------------------------------------------------------------


def test_the_review_lists_everything_missing_each_linking_to_its_step(client, org):
    meeting = bare(org)
    client.force_login(org.sun)

    doc = page(client.get(url("plan", meeting.pk, "review")))

    assert doc.find(id="missing").find("strong").text == (
        "4 things are still missing before the meeting can be scheduled:"
    )
    assert missing_list(doc) == [
        ("Add at least one agenda topic before scheduling.", url("plan", meeting.pk, "topics")),
        ("Name a host who keeps time before scheduling.", url("plan", meeting.pk, "people")),
        ("Name a recorder before scheduling.", url("plan", meeting.pk, "people")),
        (
            "Invite at least one participant before scheduling.",
            url("plan", meeting.pk, "people"),
        ),
    ]


def test_publishing_an_incomplete_draft_says_all_that_is_missing(client, org):
    meeting = bare(org, host=org.wang)
    client.force_login(org.sun)

    response = client.post(url("plan", meeting.pk, "review"))

    assert response.status_code == 422
    doc = page(response)
    alert = doc.find(id="missing")
    assert alert.attrs["role"] == "alert"
    assert [text for text, _href in missing_list(doc)] == [
        "Add at least one agenda topic before scheduling.",
        "Name a recorder before scheduling.",
        "Invite at least one participant before scheduling.",
    ]
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT


def test_publishing_a_complete_draft_schedules_it(client, org, draft_meeting):
    client.force_login(org.sun)
    doc = page(client.get(url("plan", draft_meeting.pk, "review")))
    assert doc.find("p", cls="success").text == "Everything scheduling needs is there."

    response = client.post(url("plan", draft_meeting.pk, "review"))

    assert (response.status_code, response.url) == (302, url("detail", draft_meeting.pk))
    assert messages_of(client.get(response.url)) == ["Meeting scheduled."]
    draft_meeting.refresh_from_db()
    assert draft_meeting.status == Meeting.Status.SCHEDULED


def test_a_start_in_the_past_is_missing_from_the_details_step(client, org, draft_meeting):
    client.force_login(org.sun)

    with clock.frozen(STARTS + dt.timedelta(hours=1)):
        doc = page(client.get(url("plan", draft_meeting.pk, "review")))

    assert missing_list(doc) == [
        (
            "A meeting can only be scheduled in the future.",
            url("plan", draft_meeting.pk, "details"),
        )
    ]
    assert step_bar(doc)[0] == ("Goal, time and place", "missing", False)


def test_step_page_query_count_does_not_grow(client, org, draft_meeting, django_assert_num_queries):
    """The review: session, person, the bell; the meeting and its five lists; the
    departments to choose. The missing list reads the lists already loaded."""
    client.force_login(org.sun)

    with django_assert_num_queries(10):
        small = client.get(url("plan", draft_meeting.pk, "review"))
    for n in range(5):
        meetings.topic_add(
            actor=org.sun, meeting=draft_meeting, title=f"议题{n}", planned_minutes=5
        )
    with django_assert_num_queries(10):
        big = client.get(url("plan", draft_meeting.pk, "review"))

    assert (small.status_code, big.status_code) == (200, 200)


# -- a topic changed in place --------------------------------------------------------------------------


def test_a_topic_is_changed_in_place_on_the_topics_step(client, org, draft_meeting):
    client.force_login(org.sun)
    topic = draft_meeting.topics.get(order=2)
    doc = page(client.get(url("plan", draft_meeting.pk, "topics")))
    form = doc.find("form", action=url("topic_edit", draft_meeting.pk, topic.pk))
    assert form.value("title") == "责任部门划分"

    response = post(
        client,
        "topic_edit",
        draft_meeting.pk,
        {
            "title": "责任划分",
            "planned_minutes": "25",
            "lead_department": org.rnd.pk,
            "edit_in_place": "1",
        },
        topic.pk,
        htmx=True,
    )

    assert response.status_code == 200
    section = page(response)
    assert section.find("p", cls="success").text == "Topic saved."
    # The agenda comes back with its forms to change each topic.
    assert section.has("form", action=url("topic_edit", draft_meeting.pk, topic.pk))
    topic.refresh_from_db()
    assert (topic.title, topic.planned_minutes, topic.lead_department) == (
        "责任划分",
        25,
        org.rnd,
    )


def test_a_topic_changed_badly_is_refused_and_kept(client, org, draft_meeting):
    client.force_login(org.sun)
    topic = draft_meeting.topics.get(order=2)

    response = post(
        client,
        "topic_edit",
        draft_meeting.pk,
        {"title": "新标题", "planned_minutes": "0", "edit_in_place": "1"},
        topic.pk,
        htmx=True,
    )

    assert response.status_code == 422
    form = page(response).find("form", action=url("topic_edit", draft_meeting.pk, topic.pk))
    assert form.find("ul", id=f"topic{topic.pk}_planned_minutes_error").text == (
        "Minutes must be a whole number between 1 and 1440."
    )
    assert (form.value("title"), form.value("planned_minutes")) == ("新标题", "0")
    topic.refresh_from_db()
    assert (topic.title, topic.planned_minutes) == ("责任部门划分", 30)


# -- a start in the past (create and edit) -----------------------------------------------------------


PAST = {**MEETING_FORM, "starts_at": "2026-09-01T14:00"}


def test_creating_in_the_past_asks_for_a_confirmation_and_keeps_the_typing(client, org):
    client.force_login(org.sun)

    refused = client.post(url("create"), PAST)

    assert refused.status_code == 422
    doc = page(refused)
    assert doc.find("ul", id="id_confirm_past_error").text == (
        "2026-09-01 14:00 is in the past. Check the date; if the meeting really is in the "
        "past, confirm it."
    )
    assert doc.find("div", cls="past-confirm").find("label").text == (
        "Yes, this meeting is in the past"
    )
    for name in ("goal", "title", "starts_at", "location"):
        assert doc.value(name) == PAST[name]
    assert not Meeting.objects.exists()

    confirmed = client.post(url("create"), {**PAST, "confirm_past": "on"})

    assert confirmed.status_code == 302
    meeting = Meeting.objects.get()
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-09-01 14:00"


def test_the_create_page_shows_no_confirmation_until_asked(client, org):
    client.force_login(org.sun)

    doc = page(client.get(url("create")))

    assert not doc.has("input", name="confirm_past")


def test_moving_a_draft_into_the_past_needs_the_confirmation(client, org, draft_meeting):
    client.force_login(org.sun)
    typed = {**PAST, "host": org.wang.pk, "recorder": org.zhao.pk}

    refused = client.post(url("edit", draft_meeting.pk), typed)
    on_the_step = client.post(url("plan", draft_meeting.pk, "details"), typed)

    assert refused.status_code == on_the_step.status_code == 422
    assert (
        page(on_the_step)
        .find("ul", id="id_confirm_past_error")
        .text.startswith("2026-09-01 14:00 is in the past.")
    )
    draft_meeting.refresh_from_db()
    assert draft_meeting.starts_at == STARTS

    confirmed = client.post(url("edit", draft_meeting.pk), {**typed, "confirm_past": "on"})

    assert confirmed.status_code == 302
    draft_meeting.refresh_from_db()
    assert draft_meeting.starts_at < STARTS


def test_keeping_a_past_start_needs_no_confirmation(client, org):
    """Only a new start is checked: a draft already in the past keeps its other changes."""
    meeting = bare(org)
    client.force_login(org.sun)
    with clock.frozen(STARTS + dt.timedelta(days=1)):
        response = client.post(
            url("edit", meeting.pk), {**MEETING_FORM, "starts_at": "2026-09-09T14:00"}
        )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.location == "3号会议室"


# -- the person picker's search ---------------------------------------------------------------------


def test_the_picker_search_answers_radio_buttons_of_the_field(client, org):
    client.force_login(org.sun)

    response = client.get(
        url("people_search"), {"field": "host", "host_search": "zzy"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    doc = page(response)
    assert doc.texts("label") == ["张专员 市场部 · 专员", "赵专员 行政部 · 专员"]
    assert [radio.attrs["name"] for radio in doc.find_all("input")] == ["host", "host"]
    assert [radio.attrs["value"] for radio in doc.find_all("input")] == [
        str(org.zhang.pk),
        str(org.zhao.pk),
    ]


def test_the_picker_search_says_when_nobody_matches_and_answers_json(client, org):
    client.force_login(org.sun)

    nobody = client.get(url("people_search"), {"field": "person", "q": "无此人"})
    as_json = client.get(url("people_search"), {"q": "陈", "format": "json"})
    odd_field = client.get(url("people_search"), {"field": 'x"><b>', "q": "陈"})

    assert page(nobody).find("p").text == "Nobody matches “无此人”."
    assert as_json.json() == {
        "people": [{"id": org.chen.pk, "name": "陈主管", "department": "设计部", "title": "主管"}],
        "more": False,
    }
    assert page(odd_field).find("input").attrs["name"] == "person"


def test_the_picker_search_needs_a_sign_in(client, org):
    response = client.get(url("people_search"), {"q": "王"})

    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_the_picker_search_over_5000_people_in_3_queries(client, org, django_assert_num_queries):
    """Session, person, the search: with 5,000 people, the 20 best and a "more"."""
    Person.objects.bulk_create(
        [
            Person(
                username=f"p{n:04d}",
                name=f"王{n}" if n % 50 == 0 else f"员工{n}",
                department=org.sales,
                title="代表",
                search_key=search_text_of(
                    name=f"王{n}" if n % 50 == 0 else f"员工{n}", username=f"p{n:04d}"
                ),
            )
            for n in range(5000)
        ],
        batch_size=1000,
    )
    client.force_login(org.sun)

    with django_assert_num_queries(3):
        response = client.get(url("people_search"), {"field": "host", "q": "王经理"})
    with django_assert_num_queries(3):
        many = client.get(url("people_search"), {"field": "host", "q": "wang"})

    assert page(response).texts("label") == ["王经理 市场部 · 经理"]
    assert len(page(many).find_all("label")) == 20
    assert all(label.startswith("王") for label in page(many).texts("label"))
    assert page(many).find("p").text == "More people match: type more of the name."


# -- agenda templates on the topics step (S-KIND-1..5) --------------------------------------------


def test_the_topics_step_offers_the_templates_of_the_meeting_kind(client, org):
    meeting = bare(org, kind="process")
    client.force_login(org.sun)

    doc = page(client.get(url("plan", meeting.pk, "topics")))

    start = doc.find("form", action=url("template_start", meeting.pk))
    assert start.texts("label") == ["Process improvement — 4 topics, 80 minutes"]
    assert start.value("template") == "built-in-process"
    # Nothing to save while the agenda is empty.
    assert not doc.has("form", action=url("template_save", meeting.pk))


def test_starting_from_a_template_on_the_topics_step(client, org):
    meeting = bare(org, kind="check_in")
    client.force_login(org.sun)

    response = client.post(url("template_start", meeting.pk), {"template": "built-in-check_in"})

    assert (response.status_code, response.url) == (302, url("plan", meeting.pk, "topics"))
    assert messages_of(client.get(response.url)) == ["3 topics added from “Weekly check-in”."]
    assert list(meeting.topics.values_list("title", flat=True)) == [
        "Last week's action items",
        "Blockers and help needed",
        "This week's plan",
    ]


def test_an_unknown_template_is_refused_on_the_topics_step(client, org):
    meeting = bare(org)
    client.force_login(org.sun)

    response = client.post(url("template_start", meeting.pk), {"template": "built-in-party"})

    assert response.status_code == 422
    assert page(response).find("section", id="templates").find("ul", cls="errorlist").text == (
        "Select a valid choice. built-in-party is not one of the available choices."
    )
    assert not meeting.topics.exists()


def test_saving_the_agenda_as_a_template_on_the_topics_step(client, org, draft_meeting):
    client.force_login(org.sun)  # PMO: may share
    doc = page(client.get(url("plan", draft_meeting.pk, "topics")))
    assert doc.find("form", action=url("template_save", draft_meeting.pk)).texts("label") == [
        "Template name *",
        "Share with everyone",
    ]

    refused = client.post(url("template_save", draft_meeting.pk), {"name": " "})
    saved = client.post(
        url("template_save", draft_meeting.pk), {"name": "上线启动会", "shared": "on"}
    )

    assert refused.status_code == 422
    assert page(refused).find("ul", id="save_name_error").text == "A template needs a name."
    assert saved.status_code == 302
    assert messages_of(client.get(saved.url)) == ["Agenda saved as the template “上线启动会”."]
    assert agenda_names(org.zhang) == ["Project kickoff", "上线启动会"]


def test_who_may_not_share_is_not_offered_sharing(client, org, draft_meeting):
    client.force_login(org.wang)  # the host plans it, and is no PMO

    doc = page(client.get(url("plan", draft_meeting.pk, "topics")))

    assert doc.find("form", action=url("template_save", draft_meeting.pk)).texts("label") == [
        "Template name *"
    ]


def agenda_names(person) -> list[str]:
    return [t.name for t in agenda_templates_for(person=person, kind="kickoff")]


def test_a_change_on_a_step_brings_the_step_bar_along(client, org):
    """htmx answers to a step's forms carry the step bar out of band; the meeting page's
    do not."""
    meeting = bare(org)
    client.force_login(org.sun)
    topic = {"title": "排期", "planned_minutes": "30", "edit_in_place": "1"}
    on_step = f"http://testserver{url('plan', meeting.pk, 'topics')}"

    added = post(client, "topic_add", meeting.pk, topic, htmx=True, HTTP_HX_CURRENT_URL=on_step)
    on_page = post(
        client,
        "topic_add",
        meeting.pk,
        topic,
        htmx=True,
        HTTP_HX_CURRENT_URL=f"http://testserver{url('detail', meeting.pk)}",
    )

    bar = page(added).find("nav", id="plan-steps")
    assert bar.attrs["hx-swap-oob"] == "true"
    assert [li.attrs["class"] for li in bar.find_all("li")] == [
        "open",
        "done current",
        "missing",
        "open",
        "open",
    ]
    assert not page(on_page).has("nav", id="plan-steps")


def test_a_topic_s_lead_department_can_be_taken_away(client, org, draft_meeting):
    """ "—" chosen is what is saved, not ignored."""
    client.force_login(org.sun)
    topic = draft_meeting.topics.get(order=1)

    response = post(
        client,
        "topic_edit",
        draft_meeting.pk,
        {"title": topic.title, "planned_minutes": "30", "lead_department": ""},
        topic.pk,
    )

    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.lead_department is None
