"""No button discards what was typed in another form of the page (the keeper, web/accord.js).

On the prepare, run and minutes pages a person types into every field, then presses every
other button in turn (one of each kind: the first attendance row stands for all of them);
each press starts from the same fresh state. Afterwards every word typed is either saved —
it is on the page when the page is opened again — or still in its field on the screen.

- Typing only in the forms saved as typed (answers, positions, notes, actual time, the
  summary): every button goes through, and what was typed is saved first.
- Typing in every field, those of forms that only send with their own button included (a new
  action item, an objection, the host's comment …): a button that would take the page away asks
  first, "back to it" leaves everything on the screen and does nothing, "discard it and go on"
  is tested on its own.

Then the three cases people met: the answers submitted right after typing, the summary sent
to the host right after typing it, the topic closed right after typing a position; and what
happens when a save is refused (the text stays, the button does nothing).
"""

import contextlib
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from accord.core import clock
from accord.live import services as live
from accord.meetings import preparation
from accord.meetings import services as meetings
from accord.meetings.models import Meeting, PrepAnswer, TopicOutcome
from accord.minutes import services as minutes
from accord.minutes.models import Minutes
from accord.org.models import Person
from tests.conftest import STARTS, Org, build_org, close_topics
from tests.e2e.conftest import check_page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def org(db) -> Org:
    return build_org()


def new_meeting(o: Org, title: str) -> Meeting:
    """The source's meeting (as tests.conftest.draft_meeting) with one question, scheduled."""
    meeting = meetings.meeting_create(
        actor=o.sun,
        title=title,
        goal="确定Q3产品上线分工",
        starts_at=STARTS,
        duration_minutes=90,
        location="3号会议室",
        host=o.wang,
        recorder=o.zhao,
    )
    for title_, minutes_, lead in [
        ("产品需求优先级确认", 30, o.marketing),
        ("责任部门划分", 30, None),
    ]:
        meetings.topic_add(
            actor=o.sun,
            meeting=meeting,
            title=title_,
            planned_minutes=minutes_,
            lead_department=lead,
        )
    meetings.participants_invite_department(
        actor=o.sun,
        meeting=meeting,
        department=o.marketing,
        decision_maker=o.wang,
        executors=[o.zhang],
    )
    meetings.participants_invite_department(
        actor=o.sun, meeting=meeting, department=o.rnd, decision_maker=o.li
    )
    for text in ["本部门的核心需求？", "可投入的人力？"]:
        preparation.question_add(actor=o.sun, meeting=meeting, text=text)
    return meetings.meeting_schedule(actor=o.sun, meeting=meeting)


def running(o: Org, title: str) -> Meeting:
    meeting = new_meeting(o, title)
    with clock.frozen(STARTS):
        return live.meeting_start(actor=o.wang, meeting=meeting)


def minutes_draft(o: Org, title: str) -> Meeting:
    meeting = running(o, title)
    with clock.frozen(STARTS + dt.timedelta(minutes=60)):
        close_topics(o, meeting)
        return live.meeting_end(actor=o.wang, meeting=meeting)


def minutes_in_review(o: Org, title: str) -> Meeting:
    meeting = minutes_draft(o, title)
    minutes.minutes_update_summary(actor=o.zhao, meeting=meeting, summary="会议确定了分工。")
    minutes.minutes_submit(actor=o.zhao, meeting=meeting)
    return meeting


@dataclass(frozen=True)
class Page:
    """A page in a state: who opens it, and how to build a fresh meeting for it."""

    name: str
    path: str  # with {pk}
    person: Callable[[Org], Person]
    build: Callable[[Org, str], Meeting]


PAGES = [
    Page("prepare", "/meetings/{pk}/prepare/", lambda o: o.wang, new_meeting),
    Page("run", "/meetings/{pk}/run/", lambda o: o.wang, running),
    Page("minutes", "/minutes/{pk}/", lambda o: o.zhao, minutes_draft),
    Page("review", "/minutes/{pk}/", lambda o: o.wang, minutes_in_review),
]

# What the page lets a person type in, each field named by its form's address (ids made
# generic) and its own name, so the same field is found again on a fresh meeting.
FIELDS = """() => {
  const typed = ['text', 'search', 'email', 'url', 'number', 'tel', ''];
  const out = [];
  document.querySelectorAll('form').forEach((form, f) => {
    if ((form.method || '').toLowerCase() !== 'post' || form.closest('header')) return;
    for (const el of form.elements) {
      const type = el.tagName === 'TEXTAREA' ? '' : (el.getAttribute('type') || '').toLowerCase();
      if (!el.name || el.disabled || el.readOnly || !el.checkVisibility()) continue;
      if (el.tagName !== 'TEXTAREA' && !(el.tagName === 'INPUT' && typed.includes(type))) continue;
      out.push({form: f, action: form.getAttribute('action'), name: el.name,
                number: type === 'number', autosave: form.hasAttribute('data-autosave')});
    }
  });
  return out;
}"""

BUTTONS = """() => {
  const out = [];
  const seen = new Set();
  document.querySelectorAll('form button').forEach((button) => {
    const form = button.form;
    if (!form || (form.method || '').toLowerCase() !== 'post' || !button.checkVisibility()) return;
    if ((button.getAttribute('type') || 'submit') !== 'submit') return;
    const kind = (form.getAttribute('action') || '').replace(/\\d+/g, 'N') + ' ' + button.textContent.trim();
    if (seen.has(kind)) return;
    seen.add(kind);
    out.push({kind: kind, text: button.textContent.trim(), header: !!form.closest('header')});
  });
  return out;
}"""

# Mark the first button of a kind (on a fresh meeting the ids differ) so a locator finds it.
MARK_BUTTON = """(kind) => {
  for (const button of document.querySelectorAll('form button')) {
    const form = button.form;
    if (!form || !button.checkVisibility()) continue;
    const k = (form.getAttribute('action') || '').replace(/\\d+/g, 'N') + ' ' + button.textContent.trim();
    if (k === kind) { button.setAttribute('data-pressed', ''); return true; }
  }
  return false;
}"""

# Mark the fields, in the order FIELDS lists them.
MARK_FIELDS = """(fields) => {
  const forms = document.querySelectorAll('form');
  fields.forEach((field, i) => {
    const form = forms[field.form];
    const el = form && form.elements.namedItem(field.name);
    if (el && el.setAttribute) el.setAttribute('data-typed', String(i));
  });
}"""

VALUE_OF = """(field) => {
  const forms = [...document.querySelectorAll('form')].filter((f) => f.getAttribute('action') === field.action);
  for (const form of forms) {
    const el = form.elements.namedItem(field.name);
    if (el && 'value' in el) return el.value;
  }
  return null;
}"""


def token(field: dict, i: int, page_name: str) -> str:
    return str(41 + i) if field["number"] else f"{page_name}-{i}-typed-here"


def open_page(new_page, log_in, person: Person, url: str):
    page = new_page(locale="en-US")
    log_in(page, person)
    page.goto(url)
    page.wait_for_load_state()
    return page


def kept(page, url: str, field: dict, value: str) -> str | None:
    """Where the typed value is: "screen" (still in its field), "saved" (on the page when it
    is opened again) or None (lost)."""
    if page.evaluate(VALUE_OF, field) == value:
        return "screen"
    fresh = page.context.new_page()
    fresh.goto(url)
    fresh.wait_for_load_state()
    found = fresh.evaluate(VALUE_OF, field) == value or (
        not field["number"] and value in fresh.locator("main").inner_text()
    )
    fresh.close()
    return "saved" if found else None


def press_each(new_page, log_in, o: Org, spec: Page, *, only_autosaved: bool) -> list[str]:
    """Every button of the page, each on a fresh meeting; returns the buttons pressed."""
    probe = spec.build(o, f"{spec.name} probe")
    page = open_page(new_page, log_in, spec.person(o), spec.path.format(pk=probe.pk))
    check_page(page)
    buttons = [b for b in page.evaluate(BUTTONS) if not b["header"]]
    page.context.close()
    pressed = []
    for n, button in enumerate(buttons):
        meeting = spec.build(o, f"{spec.name} {n}")
        url = spec.path.format(pk=meeting.pk)
        page = open_page(new_page, log_in, spec.person(o), url)
        # Confirmations (ending the meeting) and "leave this page?" are answered yes.
        page.on("dialog", lambda dialog: dialog.accept())
        fields = [f for f in page.evaluate(FIELDS) if f["autosave"] or not only_autosaved]
        page.evaluate(MARK_FIELDS, fields)
        assert page.evaluate(MARK_BUTTON, button["kind"]), button
        own = page.locator("[data-pressed]").evaluate("b => b.form.getAttribute('action')")
        others = [(i, f) for i, f in enumerate(fields) if f["action"] != own]
        values = {}
        for i, field in others:
            values[i] = token(field, i, spec.name)
            page.locator(f'[data-typed="{i}"]').fill(values[i])
        navigations = []
        page.on("framenavigated", lambda frame, seen=navigations: seen.append(frame.url))
        page.locator("[data-pressed]").click()
        keeper = page.locator("#keeper-dialog")
        asked_back = False
        if not only_autosaved and any(not f["autosave"] for _, f in others):
            # Only a button that replaces the page, or the part holding such a form, asks.
            with contextlib.suppress(PlaywrightTimeout):
                keeper.wait_for(state="visible", timeout=3_000)
            if keeper.is_visible():
                expect(keeper).to_contain_text("is not saved yet")
                keeper.locator("[data-answer=back]").click()
                asked_back = True
        page.wait_for_load_state("networkidle")
        if asked_back:
            assert navigations == [], f"{button['text']}: the page was left after 'back to it'"
        lost = []
        for i, field in others:
            where = kept(page, url, field, values[i])
            if where is None:
                lost.append((field["action"], field["name"], values[i]))
            elif field["autosave"] and only_autosaved:
                assert where in ("saved", "screen")
        assert not lost, f"pressing “{button['text']}” lost {lost}"
        if only_autosaved:
            # Every autosaved word is in the database, whatever the button did.
            fresh = page.context.new_page()
            fresh.goto(url)
            for i, field in others:
                if field["autosave"] and not field["number"]:
                    assert values[i] in fresh.content(), (button["text"], field, values[i])
            fresh.close()
        pressed.append(button["text"])
        page.context.close()
    return pressed


@pytest.mark.parametrize("spec", PAGES, ids=[p.name for p in PAGES])
def test_no_button_discards_typing_in_autosaved_forms(new_page, log_in, org, spec):
    pressed = press_each(new_page, log_in, org, spec, only_autosaved=True)
    assert len(pressed) >= 2, pressed


@pytest.mark.parametrize("spec", PAGES, ids=[p.name for p in PAGES])
def test_no_button_discards_typing_in_any_form(new_page, log_in, org, spec):
    pressed = press_each(new_page, log_in, org, spec, only_autosaved=False)
    assert len(pressed) >= 2, pressed


def test_answers_submitted_right_after_typing_are_the_typed_ones(new_page, log_in, org):
    """S-PREP-3: type both answers, press submit without saving: both are submitted."""
    o = org
    meeting = new_meeting(o, "answers")
    page = open_page(new_page, log_in, o.wang, f"/meetings/{meeting.pk}/prepare/")
    sheet = page.locator(f"#sheet-{o.marketing.pk}")
    answers = sheet.locator("textarea")
    expect(answers).to_have_count(2)
    answers.nth(0).fill("核心需求是A")
    answers.nth(1).fill("研发3名")
    sheet.get_by_role("button", name=re.compile("^Submit answers of")).click()
    expect(page.locator(".alert.success").first).to_contain_text("submitted")
    got = dict(
        PrepAnswer.objects.filter(question__meeting=meeting, department=o.marketing).values_list(
            "question__text", "text"
        )
    )
    assert got == {"本部门的核心需求？": "核心需求是A", "可投入的人力？": "研发3名"}
    assert (
        PrepAnswer.objects.filter(question__meeting=meeting, submitted_at__isnull=True).count() == 0
    )


def test_summary_typed_then_sent_to_the_host_goes_with_the_minutes(new_page, log_in, org):
    """S-POST-1: the summary typed just before "submit to the host" is in what the host gets."""
    o = org
    meeting = minutes_draft(o, "summary")
    page = open_page(new_page, log_in, o.zhao, f"/minutes/{meeting.pk}/")
    page.locator("#summary textarea").fill("会议确定了Q3产品上线的分工。")
    page.get_by_role("button", name="Submit to the host for review").click()
    expect(page.locator(".alert.success").first).to_contain_text("went to the host")
    minutes_ = Minutes.objects.get(meeting=meeting)
    assert minutes_.summary == "会议确定了Q3产品上线的分工。"
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.IN_REVIEW


def test_position_typed_then_topic_closed_keeps_the_position(new_page, log_in, org):
    """S-MEET-2, S-MEET-3: a position typed just before "close the topic" is recorded."""
    o = org
    meeting = running(o, "position")
    topic = meeting.topics.get(order=1)
    page = open_page(new_page, log_in, o.wang, f"/meetings/{meeting.pk}/run/")
    position = page.locator(f"#position-{o.marketing.pk}")
    position.get_by_label("Position").fill("优先开发A")
    page.locator("#topic").get_by_label("Consensus", exact=True).check()
    page.locator("#topic").get_by_label("Consensus or conclusion").fill("优先开发A")
    page.get_by_role("button", name="Close the topic").click()
    page.wait_for_load_state("networkidle")
    assert list(topic.positions.values_list("department_id", "statement")) == [
        (o.marketing.pk, "优先开发A")
    ]
    assert TopicOutcome.objects.filter(topic=topic).count() == 1


def test_a_refused_save_keeps_the_text_and_stops_the_button(new_page, log_in, org):
    """A position over its length limit is refused: the form says why, the text stays, and
    "close the topic" asks first; back to it, nothing happened."""
    o = org
    meeting = running(o, "refused")
    topic = meeting.topics.get(order=1)
    page = open_page(new_page, log_in, o.wang, f"/meetings/{meeting.pk}/run/")
    position = page.locator(f"#position-{o.marketing.pk}")
    field = position.locator("textarea").first
    too_long = "长" * 20_001
    field.evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }",
        too_long,
    )
    state = position.locator(".save-state")
    expect(state).to_have_attribute("data-state", "failed")
    expect(state).to_contain_text("Not saved:")
    expect(state).to_contain_text("What you typed is still here.")
    page.locator("#topic").get_by_label("Consensus", exact=True).check()
    page.get_by_role("button", name="Close the topic").click()
    keeper = page.locator("#keeper-dialog")
    expect(keeper).to_be_visible()
    keeper.locator("[data-answer=back]").click()
    page.wait_for_timeout(300)
    assert field.input_value() == too_long
    assert not topic.positions.exists()
    assert not TopicOutcome.objects.filter(topic=topic).exists()
    # Fixed, it saves, and the state says so.
    field.fill("优先开发A")
    expect(state).to_have_attribute("data-state", "saved")
    expect(state).to_contain_text(re.compile(r"Saved at \d\d:\d\d\."))
    assert list(topic.positions.values_list("statement", flat=True)) == ["优先开发A"]


def test_discard_drops_only_the_unsent_form_and_goes_on(new_page, log_in, org):
    """A half-written action item, then "close the topic": "discard it and go on" closes the
    topic and no item is created."""
    o = org
    meeting = running(o, "discard")
    topic = meeting.topics.get(order=1)
    page = open_page(new_page, log_in, o.wang, f"/meetings/{meeting.pk}/run/")
    page.locator("#actions textarea, #actions input[type=text]").first.fill("整理D需求清单")
    page.locator("#topic").get_by_label("Consensus", exact=True).check()
    page.locator("#topic").get_by_label("Consensus or conclusion").fill("优先开发A")
    page.get_by_role("button", name="Close the topic").click()
    keeper = page.locator("#keeper-dialog")
    expect(keeper).to_be_visible()
    keeper.locator("[data-answer=discard]").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".alert.success").first).to_be_visible()
    assert TopicOutcome.objects.filter(topic=topic).count() == 1
    assert not meeting.actions.exists()


def test_ending_the_meeting_asks_first(new_page, log_in, org):
    """An irreversible step asks: dismissed, the meeting runs on; accepted, it ends."""
    o = org
    meeting = running(o, "end")
    close_topics(o, meeting)
    page = open_page(new_page, log_in, o.wang, f"/meetings/{meeting.pk}/run/")
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.get_by_role("button", name="End meeting").click()
    page.wait_for_timeout(300)
    assert asked == ["End the meeting now? The consensus stands and cannot be changed afterwards."]
    meeting.refresh_from_db()
    assert meeting.ended_at is None
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="End meeting").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".alert.success").first).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.ended_at is not None


def test_removing_a_topic_asks_first(new_page, log_in, org):
    o = org
    meeting = meetings.meeting_create(
        actor=o.sun, title="draft", starts_at=STARTS, duration_minutes=60, host=o.wang
    )
    meetings.topic_add(actor=o.sun, meeting=meeting, title="产品需求优先级确认", planned_minutes=30)
    page = open_page(new_page, log_in, o.sun, f"/meetings/{meeting.pk}/")
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.get_by_role("button", name="Remove “产品需求优先级确认”").click()
    page.wait_for_timeout(300)
    assert asked == [
        "Remove the topic “产品需求优先级确认” from the agenda? Its questions and materials "
        "lose their topic."
    ]
    assert meeting.topics.count() == 1
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Remove “产品需求优先级确认”").click()
    expect(page.get_by_role("button", name="Remove “产品需求优先级确认”")).to_have_count(0)
    assert meeting.topics.count() == 0


def test_a_live_due_date_check_does_not_count_as_saving_the_item(new_page, log_in, org):
    """The due date is checked as it is typed (a request of its own): the half-written item
    is still unsaved afterwards, and closing the topic asks about it."""
    o = org
    meeting = running(o, "due check")
    page = open_page(new_page, log_in, o.wang, f"/meetings/{meeting.pk}/run/")
    actions = page.locator("#actions")
    actions.get_by_label("Task").fill("整理D需求清单")
    actions.get_by_label("Due date").fill("下周五")
    expect(page.locator("#due-check-action")).to_contain_text("2026-09-18")
    page.locator("#topic").get_by_label("Consensus", exact=True).check()
    page.locator("#topic").get_by_label("Consensus or conclusion").fill("优先开发A")
    page.get_by_role("button", name="Close the topic").click()
    keeper = page.locator("#keeper-dialog")
    expect(keeper).to_be_visible()
    keeper.locator("[data-answer=back]").click()
    assert actions.get_by_label("Task").input_value() == "整理D需求清单"
    assert not TopicOutcome.objects.filter(topic__meeting=meeting).exists()
