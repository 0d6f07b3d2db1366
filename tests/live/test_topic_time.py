"""The time each topic took (S-PREP-5: the host keeps time; issue #17): closing a topic during
the meeting records the minutes since its clock started — when the topic before it closed, or
when the meeting started — unless someone typed them; they stay editable by hand.

The launch meeting starts at 2026-09-09 14:00; its topics are planned for 30, 30 and 20
minutes."""

import datetime as dt

from django.utils import timezone

from accord.core import clock
from accord.core.models import AuditEvent
from accord.live import services as live
from accord.meetings.models import Meeting, TopicOutcome
from tests.conftest import STARTS, Org
from tests.live.test_views import consensus, run_url, text, topics


def during(minutes: int, seconds: int = 0) -> dt.datetime:
    return STARTS + dt.timedelta(minutes=minutes, seconds=seconds)


def agree(org: Org, topic, moment: dt.datetime, conclusion: str = "同意") -> None:
    with clock.frozen(moment):
        live.outcome_record(
            actor=org.zhao, topic=topic, kind=TopicOutcome.Kind.CONSENSUS, text=conclusion
        )


def actual(meeting: Meeting) -> list[int | None]:
    return list(meeting.topics.order_by("order").values_list("actual_minutes", flat=True))


def test_closing_a_topic_records_the_minutes_it_took(org: Org, running_meeting: Meeting):
    """The first topic closes at 14:32:40 (33 minutes, rounded), the second at 15:00 (27
    minutes after the first closed); the third is still open."""
    first, second, _third = topics(running_meeting)

    agree(org, first, during(32, 40))
    agree(org, second, during(60))

    assert actual(running_meeting) == [33, 27, None]
    timed = AuditEvent.objects.filter(verb="topic.timed").order_by("id")
    assert [(e.subject_id, e.actor, e.data) for e in timed] == [
        (first.pk, org.zhao, {"planned": 30, "actual": 33, "measured": True}),
        (second.pk, org.zhao, {"planned": 30, "actual": 27, "measured": True}),
    ]


def test_minutes_typed_before_closing_are_kept(org: Org, running_meeting: Meeting):
    first, *_rest = topics(running_meeting)
    with clock.frozen(during(20)):
        live.topic_record_time(actor=org.zhao, topic=first, actual_minutes=35)

    agree(org, first, during(32, 40))

    assert actual(running_meeting) == [35, None, None]
    assert AuditEvent.objects.filter(verb="topic.timed").count() == 1  # the typed one


def test_measured_minutes_stay_editable_and_a_corrected_outcome_keeps_the_clock(
    org: Org, running_meeting: Meeting
):
    """Closed at 14:32:40 (33), corrected by hand to 40; the outcome's conclusion corrected at
    14:50 changes neither the minutes nor when the topic closed, so the second topic, closed
    at 15:00, took 27 minutes (from 14:32:40), not 10."""
    first, second, _third = topics(running_meeting)
    agree(org, first, during(32, 40))
    with clock.frozen(during(40)):
        live.topic_record_time(actor=org.zhao, topic=first, actual_minutes=40)

    agree(org, first, during(50), conclusion="先开发A，D列入二期")
    agree(org, second, during(60))

    assert actual(running_meeting) == [40, 27, None]
    assert first.outcome.text == "先开发A，D列入二期"
    assert TopicOutcome.objects.get(topic=first).created_at == during(32, 40)


def test_the_run_page_records_the_time_when_the_topic_is_closed(
    client, org: Org, running_meeting: Meeting
):
    """S-MEET-3: “Close the topic” at 14:32:40; the topic's time then reads planned against
    actual, and the recorder can still correct it."""
    first, *_rest = topics(running_meeting)
    client.force_login(org.zhao)

    with clock.frozen(during(32, 40)):
        closed = client.post(
            run_url(running_meeting, "run_outcome", first.pk), consensus("先开发A")
        )
        page = client.get(run_url(running_meeting) + f"?topic={first.pk}")

    assert closed.status_code == 302
    assert "Planned: 30 minutes · actual: 33 minutes Correct the time Actual minutes" in text(page)
    assert 'name="time-actual_minutes" value="33"' in page.content.decode()


def test_the_timer_runs_from_when_the_topic_before_closed(
    client, org: Org, running_meeting: Meeting
):
    """The timer the page shows and the minutes recorded on closing start at the same
    moment."""
    first, *_rest = topics(running_meeting)
    agree(org, first, during(32, 40))
    client.force_login(org.wang)

    with clock.frozen(during(40)):
        page = client.get(run_url(running_meeting)).content.decode()

    start = timezone.localtime(during(32, 40)).isoformat()
    assert f'data-timer-start="{start}"' in page
