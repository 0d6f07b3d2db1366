"""Saving as typed (web/accord.js's keeper, accord.web.middleware.AutosaveMiddleware): a form
posts to its own view with the header ``X-Accord-Autosave``, and the answer says saved (204),
refused (the view's 422 with the form and its errors) or signed out (401) — never a redirect
the script would take for "saved"."""

import pytest
from django.urls import reverse

from accord.meetings.models import AgendaTopic, Meeting
from accord.minutes.models import Minutes
from tests.conftest import Org

AUTOSAVE = {"HTTP_X_ACCORD_AUTOSAVE": "1"}


def summary_url(meeting: Meeting) -> str:
    return reverse("minutes:summary", args=[meeting.pk])


@pytest.mark.django_db
def test_a_saved_summary_answers_204_and_leaves_no_message_for_later(
    client, org: Org, ended_meeting
):
    """S-POST-1: the recorder's summary saved as typed."""
    client.force_login(org.zhao)
    response = client.post(summary_url(ended_meeting), {"summary": "会议确定了分工。"}, **AUTOSAVE)
    assert response.status_code == 204
    assert response.content == b""
    assert Minutes.objects.get(meeting=ended_meeting).summary == "会议确定了分工。"
    # The "Summary saved." a Save button would show is not waiting on the next page.
    page = client.get(reverse("minutes:detail", args=[ended_meeting.pk])).content.decode()
    assert "Summary saved." not in page


@pytest.mark.django_db
def test_a_refused_save_answers_with_the_form_and_its_error(client, org: Org, ended_meeting):
    client.force_login(org.zhao)
    response = client.post(summary_url(ended_meeting), {"summary": "长" * 20_001}, **AUTOSAVE)
    assert response.status_code == 422
    page = response.content.decode()
    assert f'action="{summary_url(ended_meeting)}"' in page
    assert "errorlist" in page
    assert Minutes.objects.get(meeting=ended_meeting).summary == ""


@pytest.mark.django_db
def test_a_save_not_allowed_answers_403_and_changes_nothing(client, org: Org, ended_meeting):
    client.force_login(org.liu)  # a participant, not the recorder
    response = client.post(summary_url(ended_meeting), {"summary": "改写"}, **AUTOSAVE)
    assert response.status_code == 403
    assert Minutes.objects.get(meeting=ended_meeting).summary == ""


@pytest.mark.django_db
def test_signed_out_answers_401_not_the_sign_in_redirect(client, org: Org, ended_meeting):
    response = client.post(summary_url(ended_meeting), {"summary": "会议确定了分工。"}, **AUTOSAVE)
    assert response.status_code == 401
    assert "Location" not in response.headers
    assert Minutes.objects.get(meeting=ended_meeting).summary == ""


@pytest.mark.django_db
def test_without_the_header_the_save_button_still_redirects(client, org: Org, ended_meeting):
    client.force_login(org.zhao)
    response = client.post(summary_url(ended_meeting), {"summary": "会议确定了分工。"})
    assert response.status_code == 302
    assert (
        response.headers["Location"]
        == reverse("minutes:detail", args=[ended_meeting.pk]) + "#summary"
    )


@pytest.mark.django_db
def test_a_position_saved_as_typed(client, org: Org, running_meeting):
    """S-MEET-2: the run page's positions are saved the same way."""
    topic = running_meeting.topics.get(order=1)
    client.force_login(org.zhao)
    url = reverse("meetings:run_position", args=[running_meeting.pk, topic.pk, org.marketing.pk])
    prefix = f"position-{org.marketing.pk}"
    response = client.post(
        url,
        {f"{prefix}-statement": "优先开发A", f"{prefix}-evidence": "用户需求占比60%"},
        **AUTOSAVE,
    )
    assert response.status_code == 204
    assert list(
        AgendaTopic.objects.get(pk=topic.pk).positions.values_list("statement", "evidence")
    ) == [("优先开发A", "用户需求占比60%")]


@pytest.mark.django_db
def test_a_message_waiting_from_before_still_shows(client, org: Org, ended_meeting):
    """Only the autosaved view's own "saved" message is dropped."""
    client.force_login(org.zhao)
    client.post(summary_url(ended_meeting), {"summary": "初稿"})  # the Save button
    client.post(summary_url(ended_meeting), {"summary": "会议确定了分工。"}, **AUTOSAVE)
    page = client.get(reverse("minutes:detail", args=[ended_meeting.pk])).content.decode()
    assert page.count("Summary saved.") == 1
