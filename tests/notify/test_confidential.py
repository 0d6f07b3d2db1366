"""Notices about a confidential meeting reach only the people who may see it: never a
department head who does not take part, never a department's group bot."""

import datetime as dt

from conftest import STARTS
from django.utils import timezone

from accord.actions import services as actions
from accord.core import clock
from accord.live import services as live
from accord.meetings import services as meetings
from accord.meetings.models import Participant
from accord.notify import planner
from accord.notify.models import Channel, Notification


def test_an_overdue_item_of_a_confidential_meeting_stays_among_those_who_take_part(org):
    o = org
    bot = Channel.objects.create(
        kind="webhook",
        name="市场部群",
        department=o.marketing,
        target="https://x.example/h",
        secret="s",
    )
    secret = meetings.meeting_create(
        actor=o.li,
        title="机密评审",
        starts_at=STARTS,
        host=o.li,
        recorder=o.li,
        confidential=True,
    )
    meetings.topic_add(actor=o.li, meeting=secret, title="估值", planned_minutes=30)
    meetings.participant_invite(
        actor=o.li, meeting=secret, person=o.zhang, role=Participant.Role.EXECUTOR
    )
    meetings.meeting_schedule(actor=o.li, meeting=secret)
    with clock.frozen(STARTS):
        live.meeting_start(actor=o.li, meeting=secret)
        item = actions.action_create(
            actor=o.li, meeting=secret, task="准备尽调清单", owner=o.zhang, due="9月10日前"
        )
    # D+3 after the 10th: the overdue notice to owner, department head and organiser
    planner.plan(timezone.make_aware(dt.datetime(2026, 9, 13, 9, 0)))

    told = sorted(
        Notification.objects.filter(action=item, kind="action.overdue", via="in_app").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == ["li", "zhang"]  # not wang, marketing's head, who does not take part
    assert not Notification.objects.filter(channel=bot).exists()
