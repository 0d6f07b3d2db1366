"""A topic sent to the next meeting says when it is discussed again (S-MEET-3; issue #17): the
date is required, a real date in the accepted range and not in the past; the run page asks for
it (proposing the day of the series' next meeting) and keeps what was typed on a refusal.

"Now" is Monday 2026-09-07 09:00; the launch meeting runs on 2026-09-09."""

import datetime as dt

import pytest
from django.utils import timezone

from accord.core import clock
from accord.core.errors import AppError
from accord.live import services as live
from accord.meetings import services as meetings
from accord.meetings.models import Meeting, TopicOutcome
from accord.series import services as series_services
from tests.api.test_meetings import api, url
from tests.conftest import Org
from tests.live.test_views import run_url, text, topics

NEXT = TopicOutcome.Kind.NEXT_MEETING


def refuse(**kwargs) -> AppError:
    with pytest.raises(AppError) as refused:
        live.outcome_record(**kwargs)
    return refused.value


@pytest.mark.parametrize(
    ("day", "code", "message"),
    [
        (None, "required", "Give the date on which it will be discussed again."),
        ("", "required", "Give the date on which it will be discussed again."),
        ("9月16日", "invalid", "Give the date as YYYY-MM-DD."),
        (dt.date(2026, 9, 6), "past", "2026-09-06 has passed: give a day from today on."),
        (
            dt.date(2100, 1, 1),
            "out_of_range",
            "Choose a date between 2000-01-01 and 2099-12-31.",
        ),
    ],
)
def test_the_next_meeting_needs_a_real_date_from_today_on(
    org: Org, running_meeting: Meeting, day, code, message
):
    topic = topics(running_meeting)[2]

    error = refuse(actor=org.zhao, topic=topic, kind=NEXT, text="再议", next_meeting_on=day)

    assert (error.field, error.code, str(error.message)) == ("next_meeting_on", code, message)
    assert not TopicOutcome.objects.exists()


def test_the_date_is_stored_and_only_for_the_next_meeting(org: Org, running_meeting: Meeting):
    first, _second, third = topics(running_meeting)

    live.outcome_record(
        actor=org.zhao, topic=third, kind=NEXT, text="再议", next_meeting_on="2026-09-16"
    )
    live.outcome_record(
        actor=org.zhao,
        topic=first,
        kind=TopicOutcome.Kind.CONSENSUS,
        text="同意",
        next_meeting_on=dt.date(2026, 9, 16),
    )

    assert list(
        TopicOutcome.objects.order_by("topic__order").values_list("kind", "next_meeting_on")
    ) == [("consensus", None), ("next_meeting", dt.date(2026, 9, 16))]


def test_a_correction_may_keep_a_date_that_has_passed_since(org: Org, running_meeting: Meeting):
    """Set on 09-07 for 09-10; corrected on 09-12, the conclusion may change while the day
    stays, but no other passed day is taken."""
    topic = topics(running_meeting)[2]
    live.outcome_record(
        actor=org.zhao, topic=topic, kind=NEXT, text="再议", next_meeting_on="2026-09-10"
    )

    with clock.frozen(timezone.make_aware(dt.datetime(2026, 9, 12, 9))):
        live.outcome_record(
            actor=org.zhao, topic=topic, kind=NEXT, text="待评估", next_meeting_on="2026-09-10"
        )
        error = refuse(
            actor=org.zhao, topic=topic, kind=NEXT, text="待评估", next_meeting_on="2026-09-11"
        )

    assert (error.field, error.code) == ("next_meeting_on", "past")
    outcome = TopicOutcome.objects.get()
    assert (outcome.text, outcome.next_meeting_on) == ("待评估", dt.date(2026, 9, 10))


# -- the run page ----------------------------------------------------------------------------------


def test_the_run_page_asks_for_the_date_and_keeps_what_was_typed(
    client, org: Org, running_meeting: Meeting
):
    third = topics(running_meeting)[2]
    client.force_login(org.zhao)
    close = run_url(running_meeting, "run_outcome", third.pk)
    typed = {"outcome-kind": "next_meeting", "outcome-text": "待研发评估工期后再定"}

    missing = client.post(close, typed)
    garbled = client.post(close, {**typed, "outcome-next_meeting_on": "下周三"})
    done = client.post(close, {**typed, "outcome-next_meeting_on": "2026-09-16"})

    assert missing.status_code == 422
    assert (
        "If it is discussed again at the next meeting Discussed again on "
        "The day of the meeting that takes it up again. "
        "Give the date on which it will be discussed again."
    ) in text(missing)
    assert ">\n待研发评估工期后再定</textarea>" in missing.content.decode()
    assert 'value="next_meeting" id="id_outcome-kind_1" required checked' in (
        missing.content.decode()
    )
    assert garbled.status_code == 422
    assert "Enter a valid date." in text(garbled)
    assert 'name="outcome-next_meeting_on" value="下周三"' in garbled.content.decode()
    assert done.status_code == 302
    outcome = TopicOutcome.objects.get()
    assert (outcome.kind, outcome.text, outcome.next_meeting_on) == (
        "next_meeting",
        "待研发评估工期后再定",
        dt.date(2026, 9, 16),
    )


WEEKLY = "FREQ=WEEKLY;BYDAY=MO"


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


@pytest.fixture
def check_in(org: Org) -> Meeting:
    """The first weekly check-in of a series (Mondays), 2026-09-14 09:30, scheduled."""
    series = series_services.series_create(
        actor=org.sun,
        title="Q3产品上线周会",
        recurrence=WEEKLY,
        duration_minutes=30,
        standing_topics=[{"title": "本周进展", "minutes": 15}],
    )
    first = series_services.series_plan_next(
        actor=org.sun, series=series, first_start=at(9, 14, 9, 30)
    )
    meetings.meeting_update(actor=org.sun, meeting=first, host=org.wang, recorder=org.zhao)
    meetings.participants_invite_department(
        actor=org.sun, meeting=first, department=org.rnd, decision_maker=org.li
    )
    return meetings.meeting_schedule(actor=org.sun, meeting=first)


def proposed(client, org: Org, meeting: Meeting) -> str:
    client.force_login(org.zhao)
    with clock.frozen(at(9, 14, 9, 40)):
        page = client.get(run_url(meeting)).content.decode()
    start = page.index('name="outcome-next_meeting_on"')
    return page[start : page.index(">", start)]


def test_the_run_page_proposes_the_day_of_the_series_next_meeting(
    client, org: Org, check_in: Meeting
):
    """Nothing planned after it yet: the series rule's next Monday."""
    with clock.frozen(at(9, 14, 9, 30)):
        live.meeting_start(actor=org.wang, meeting=check_in)

    assert 'value="2026-09-21"' in proposed(client, org, check_in)


def test_the_run_page_proposes_the_day_the_next_meeting_is_planned_for(
    client, org: Org, check_in: Meeting
):
    """The next check-in is planned for Tuesday 2026-09-22 instead: that day is proposed."""
    following = series_services.series_plan_next(actor=org.sun, series=check_in.series)
    meetings.meeting_update(actor=org.sun, meeting=following, starts_at=at(9, 22, 10))
    with clock.frozen(at(9, 14, 9, 30)):
        live.meeting_start(actor=org.wang, meeting=check_in)

    assert 'value="2026-09-22"' in proposed(client, org, check_in)


def test_a_series_meeting_held_early_keeps_its_place_in_the_series(org: Org, check_in: Meeting):
    """The check-in of Monday 09-14, held on Thursday 09-10, still stands for 09-14: the next
    one planned is Monday 09-21, not a second 09-14."""
    with clock.frozen(at(9, 10, 15)):
        live.meeting_start(actor=org.wang, meeting=check_in, confirm_time=True)
        for topic in check_in.topics.all():
            live.outcome_record(
                actor=org.zhao, topic=topic, kind=TopicOutcome.Kind.CONSENSUS, text="同意"
            )
        live.meeting_end(actor=org.wang, meeting=check_in)

    following = series_services.series_plan_next(actor=org.sun, series=check_in.series)

    assert timezone.localtime(following.starts_at) == at(9, 21, 9, 30)


def test_the_api_proposes_the_series_day_when_the_date_is_left_out(org: Org, check_in: Meeting):
    """A client written before the date existed still records "next meeting": the day of the
    series' next meeting, as the run page proposes; the date it already had stays."""
    with clock.frozen(at(9, 14, 9, 30)):
        live.meeting_start(actor=org.wang, meeting=check_in)
    topic = check_in.topics.get()
    client = api(org.zhao)
    with clock.frozen(at(9, 14, 9, 40)):
        response = client.post(
            url(check_in, f"/topics/{topic.pk}/outcome"),
            {"kind": "next_meeting", "text": "下周再议"},
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    assert response.json()["next_meeting_on"] == "2026-09-21"
    TopicOutcome.objects.filter(topic=topic).update(next_meeting_on=dt.date(2026, 9, 24))
    with clock.frozen(at(9, 14, 9, 45)):
        again = client.post(
            url(check_in, f"/topics/{topic.pk}/outcome"),
            {"kind": "next_meeting", "text": "下周四再议"},
            content_type="application/json",
        )
    assert again.json()["next_meeting_on"] == "2026-09-24"


def test_the_api_needs_the_date_outside_a_series(org: Org, running_meeting: Meeting):
    topic = running_meeting.topics.get(order=1)
    response = api(org.zhao).post(
        url(running_meeting, f"/topics/{topic.pk}/outcome"),
        {"kind": "next_meeting"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["field"] == "next_meeting_on"
    assert response.json()["message"] == "Give the date on which it will be discussed again."
    assert not TopicOutcome.objects.filter(topic=topic).exists()
