"""The live due-date check on the run page (S-MEET-4), in the browser: once a refused "尽快"
is replaced by a real date, the field's old error goes, not only the check's."""

import pytest
from playwright.sync_api import expect

from accord.actions.models import ActionItem
from accord.meetings.models import Meeting
from tests.conftest import Org
from tests.e2e.conftest import check_page

pytestmark = pytest.mark.django_db(transaction=True)

VAGUE = "“尽快” is not a date"


def test_a_valid_date_clears_the_error_of_the_refused_one(
    new_page, log_in, org: Org, running_meeting: Meeting
):
    page = new_page(locale="en-US")
    log_in(page, org.zhao)
    page.goto(f"/meetings/{running_meeting.pk}/run/")
    actions = page.locator("#actions")
    actions.get_by_label("Task").fill("提交技术方案初稿")
    actions.get_by_label("Owner").select_option(label="研发部 周工程师")
    due = actions.get_by_label("Due date")
    due.fill("尽快")
    expect(page.locator("#due-check-action")).to_contain_text(VAGUE)

    # given: the form was sent with the vague date and refused beside the field
    actions.get_by_role("button", name="Add the action item").click()
    error = page.locator("#id_due_date_error")
    expect(error).to_contain_text(VAGUE)
    expect(due).to_have_attribute("aria-invalid", "true")
    assert ActionItem.objects.count() == 0
    # htmx wires the returned form's live check when the swap settles (20 ms later)
    expect(page.locator(".htmx-settling, .htmx-added")).to_have_count(0)

    # when: a real date is typed
    due.fill("9月15日前")

    # then: the check shows the date, and the refused form's error has gone
    expect(page.locator("#due-check-action")).to_have_text("2026-09-15 (Tuesday)")
    expect(error).to_have_count(0)
    expect(due).not_to_have_attribute("aria-invalid", "true")
    field = page.locator("#actions .field:has(#id_due_date)")
    expect(field).to_have_class("field")
    expect(actions.get_by_label("Task")).to_have_value("提交技术方案初稿")

    # and typing something vague again marks the field once more, by the check alone
    due.fill("待定")
    expect(page.locator("#due-check-action")).to_contain_text("“待定” is not a date")
    expect(due).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_class("field invalid")
    check_page(page)
