"""Domain events (``core.events``): every event the services emit has a reaction, an event
nobody reacts to is refused, and a reaction is written in the transaction of the change — so
it exists exactly once when the change does, even if the process dies right after the
commit, and not at all when the change fails."""

import dataclasses
import importlib
import inspect
import os
import subprocess
from pathlib import Path

import pytest

from accord.core import clock, events
from accord.meetings import services as meetings
from accord.meetings.events import MeetingScheduled
from accord.meetings.models import Meeting
from accord.notify import planner
from accord.notify.models import Channel, Notification
from tests.notify.test_worker_processes import ACCORD, LiveDatabase

APPS = ("meetings", "actions", "minutes", "series")


def event_classes() -> list[type]:
    found = []
    for app in APPS:
        module = importlib.import_module(f"accord.{app}.events")
        found += [
            value
            for value in vars(module).values()
            if inspect.isclass(value)
            and dataclasses.is_dataclass(value)
            and value.__module__ == module.__name__
        ]
    return found


def test_every_event_has_exactly_the_reactions_registered_once():
    classes = event_classes()
    assert len(classes) == 21
    assert {cls.__name__: len(events.reactions(cls)) for cls in classes} == {
        cls.__name__: 1 for cls in classes
    }


def test_an_event_nobody_reacts_to_is_refused():
    @dataclasses.dataclass(frozen=True)
    class NothingFollows:
        pass

    with pytest.raises(events.UnheardEvent, match="nothing reacts to NothingFollows"):
        events.emit(NothingFollows())


def test_a_reaction_that_fails_undoes_the_change(org, draft_meeting):
    # given a second reaction to scheduling that fails
    def refuse(meeting):
        raise RuntimeError("the calendar server is gone")

    events.reacts_to(MeetingScheduled)(refuse)
    try:
        # when
        with clock.frozen(clock.now()), pytest.raises(RuntimeError, match="calendar server"):
            meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
    finally:
        events._reactions[MeetingScheduled][1].remove(refuse)

    # then neither the change nor the first reaction's invitations were kept
    assert Meeting.objects.get(pk=draft_meeting.pk).status == Meeting.Status.DRAFT
    assert Notification.objects.filter(meeting=draft_meeting).count() == 0
    assert events.reactions(MeetingScheduled) == (
        importlib.import_module("accord.notify.invitations").meeting_invited,
    )


SCHEDULE_AND_DIE = """
import datetime as dt, os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "accord.settings"
django.setup()
from accord.core import clock
from accord.meetings import services
from accord.meetings.models import Meeting
from accord.org.models import Person
meeting = Meeting.objects.get(pk={meeting})
with clock.frozen(dt.datetime.fromisoformat("{now}")):
    services.meeting_schedule(actor=Person.objects.get(pk={actor}), meeting=meeting)
os._exit(0)  # the process dies the moment the transaction has committed
"""


@pytest.mark.django_db(transaction=True)
def test_a_reaction_is_kept_exactly_once_when_the_process_dies_right_after_the_commit(
    org, draft_meeting, tmp_path
):
    # given the draft meeting in a database another process reaches
    live = LiveDatabase(tmp_path)
    invited = sorted(
        {p.person_id for p in draft_meeting.participants.all()}
        | {draft_meeting.host_id, draft_meeting.recorder_id}
    )
    live.push()

    # when another process schedules it and dies at once
    script = SCHEDULE_AND_DIE.format(
        meeting=draft_meeting.pk, actor=org.sun.pk, now=clock.now().isoformat()
    )
    done = subprocess.run(
        [str(Path(ACCORD).with_name("python")), "-c", script],
        env={**os.environ, "ACCORD_DATABASE_URL": live.url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, "")
    live.pull()

    # then the meeting is scheduled and each person has exactly one in-app invitation
    assert Meeting.objects.get(pk=draft_meeting.pk).status == Meeting.Status.SCHEDULED
    rows = Notification.objects.filter(meeting=draft_meeting, via=Channel.Kind.IN_APP)
    assert sorted(rows.values_list("recipient_id", flat=True)) == invited
    assert set(rows.values_list("kind", flat=True)) == {"meeting.invitation"}

    # and a worker pass after it plans no second invitation
    planner.plan()
    again = Notification.objects.filter(
        meeting=draft_meeting, kind="meeting.invitation", via=Channel.Kind.IN_APP
    )
    assert sorted(again.values_list("recipient_id", flat=True)) == invited
