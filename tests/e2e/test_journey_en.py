"""A shorter loop in an English browser (en-US): plan a two-topic meeting, schedule it, run it
with one action item due "next Friday", end it, submit, approve, and the owner signs.

Each person signs in with their own login; each step is checked on the page they look at.
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from accord.actions.models import ActionItem, Signature
from accord.core import clock
from accord.meetings.models import Meeting
from tests.conftest import Org
from tests.e2e.conftest import check_page, follow, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Q4 pricing review"
TASK = "Draft the new price list"


def at(*args: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def h1(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def notice(page: Page, text: str) -> Locator:
    return page.locator(".alert.success").filter(has_text=text)


def status_badge(page: Page) -> Locator:
    return page.locator(".spread .badge").first


def test_a_short_meeting_in_english(new_page, staff: Org) -> None:
    meeting = plan(new_page)
    with clock.frozen(at(2026, 9, 9, 14, 0)):
        host = new_page(locale="en-US")
        sign_in(host, "wang", next=f"/meetings/{meeting.pk}/")
        follow(host, host.get_by_role("link", name="Run"))
        host.get_by_role("button", name="Start meeting").click()
        expect(notice(host, "The meeting has started.")).to_be_visible()
        expect(status_badge(host)).to_have_text("In progress")
        check_page(host)
        recorder = new_page(locale="en-US")
        sign_in(recorder, "zhao", next=f"/meetings/{meeting.pk}/run/")
        record(recorder, meeting)
    with clock.frozen(at(2026, 9, 9, 14, 50)):
        host.reload()
        readback = host.locator("#readback")
        expect(readback.locator("li", has_text=TASK)).to_contain_text("2026-09-18")
        # Ending cannot be undone: the host is asked first.
        asked: list[str] = []
        host.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        readback.get_by_role("button", name="End meeting").click()
        expect(notice(host, "The minutes are due by 2026-09-10 14:50.")).to_be_visible()
        assert asked == [
            "End the meeting now? The consensus stands and cannot be changed afterwards."
        ]
        expect(h1(host)).to_have_text(f"Minutes and action plan: {TITLE}")
        check_page(host)
    with clock.frozen(at(2026, 9, 9, 16, 0)):
        recorder.goto(f"/minutes/{meeting.pk}/")
        recorder.get_by_role("button", name="Submit to the host for review").click()
        expect(notice(recorder, "The minutes went to the host for review.")).to_be_visible()
        check_page(recorder)
        host.reload()
        host.get_by_role("button", name="Approve").click()
        expect(notice(host, "The minutes are approved.")).to_be_visible()
        expect(status_badge(host)).to_have_text("Minutes approved")
        check_page(host)
    with clock.frozen(at(2026, 9, 10, 9, 0)):
        sign(new_page, meeting)


def plan(new_page) -> Meeting:
    page = new_page(locale="en-US")

    def pick(box: str, name: str) -> None:
        """The person picker: type the name, choose the person among the results."""
        page.locator(f"#{box}").fill(name)
        page.locator(f"#{box}_results").get_by_role("radio", name=name).check()

    sign_in(page, "sun")
    expect(h1(page)).to_have_text("My work")
    follow(page, page.get_by_role("link", name="Meetings").first)
    follow(page, page.get_by_role("link", name="Plan a meeting"))
    expect(h1(page)).to_have_text("Plan a meeting")
    page.get_by_label("Core goal").fill("Agree on Q4 prices")
    page.locator("#id_title").fill(TITLE)
    page.get_by_label("Date and time").fill("2026-09-09T14:00")
    page.get_by_label("Length (minutes)").fill("60")
    page.get_by_label("Place").fill("Room 3")
    pick("id_host", "王经理")
    pick("id_recorder", "赵专员")
    page.get_by_role("button", name="Create draft").click()
    expect(notice(page, f"Meeting “{TITLE}” created as a draft.")).to_be_visible()
    # Creating is the first planning step; the topics come next.
    expect(page.locator(".plan-steps [aria-current=step]")).to_contain_text("Topics")
    check_page(page)

    agenda = page.locator("#agenda")
    add = agenda.locator("form[aria-labelledby='topic-add-h']")
    for title, minutes in [("Price list", 30), ("Discount rules", 20)]:
        add.get_by_label("Topic", exact=True).fill(title)
        add.get_by_label("Minutes").fill(str(minutes))
        add.get_by_role("button", name="Add topic").click()
        expect(agenda.locator("tbody")).to_contain_text(title)
    # Two topics are fewer than the source's 3–5: a warning, not a refusal (S-PREP-1).
    warnings = page.locator("#agenda-warnings")
    expect(warnings).to_contain_text("Check the agenda")
    expect(warnings).to_contain_text("2 topics: 3 to 5 keep the discussion focused.")

    follow(page, page.get_by_role("link", name="Departments and people"))
    invite = page.locator("form[aria-labelledby='invite-h']")
    invite.get_by_label("Department").select_option(label="研发部")
    invite.get_by_label("Decision-maker").select_option(label="李主管")
    invite.get_by_role("button", name="Invite department").click()
    expect(page.locator("#participants")).to_contain_text("李主管")
    check_page(page)

    follow(page, page.get_by_role("link", name="Review and publish"))
    page.get_by_role("button", name="Schedule").click()
    expect(notice(page, "Meeting scheduled.")).to_be_visible()
    expect(page.locator(".steps li[aria-current=step]")).to_have_text("Scheduled")
    check_page(page)
    meeting = Meeting.objects.get(title=TITLE)
    assert meeting.status == Meeting.Status.SCHEDULED
    assert meeting.topics.count() == 2
    return meeting


def record(page: Page, meeting: Meeting) -> None:
    check_page(page)
    actions = page.locator("#actions")
    actions.get_by_label("Task").fill(TASK)
    actions.get_by_label("Owner").select_option(label="研发部 李主管")
    actions.get_by_label("Due date").fill("next Friday")
    # The Friday of the week after the meeting's week (the meeting is on Wednesday 9th).
    expect(page.locator("#due-check-action")).to_have_text("2026-09-18 (Friday)")
    actions.get_by_label("Required resources").fill("Last year's price list")
    actions.get_by_role("button", name="Add the action item").click()
    row = actions.locator("tbody tr", has_text=TASK)
    expect(row).to_contain_text("2026-09-18")
    expect(row).to_contain_text("(said as “next Friday”)")
    check_page(page)
    assert ActionItem.objects.get(meeting=meeting).due_date == dt.date(2026, 9, 18)

    for title, text in [
        ("Price list", "Prices rise 5% from October"),
        ("Discount rules", "Discounts above 10% need sales approval"),
    ]:
        topic = page.locator("#topic")
        expect(topic.get_by_role("heading", level=2)).to_contain_text(title)
        topic.get_by_role("radio", name="Consensus").check()
        topic.get_by_label("Consensus or conclusion").fill(text)
        topic.get_by_role("button", name="Close the topic").click()
        expect(notice(page, f"Outcome of “{title}”: Consensus.")).to_be_visible()
        check_page(page)


def sign(new_page, meeting: Meeting) -> None:
    """The owner signs on the minutes page, then reads his home page in Chinese."""
    owner = new_page(locale="en-US")
    sign_in(owner, "li")
    expect(owner.locator("#sign")).to_contain_text(TASK)
    follow(owner, owner.get_by_role("link", name="Meetings").first)
    follow(owner, owner.get_by_role("link", name=TITLE))
    follow(owner, owner.get_by_role("link", name="Minutes").last)
    expect(h1(owner)).to_have_text(f"Minutes and action plan: {TITLE}")
    row = owner.locator("#signatures tbody tr", has_text=TASK)
    row.get_by_role("button", name="Sign").click()
    expect(notice(owner, f"You signed “{TASK}”.")).to_be_visible()
    expect(row).to_contain_text("Signed 2026-09-10 09:00 (version 1)")
    check_page(owner)
    assert Signature.objects.get(action__meeting=meeting).person.username == "li"

    # The language switch: remembered on the person, whatever the browser asks for.
    owner.goto("/")
    owner.get_by_label("Language").select_option(label="中文")
    expect(h1(owner)).to_have_text("我的工作台")
    owner.reload()
    expect(h1(owner)).to_have_text("我的工作台")
    check_page(owner)
