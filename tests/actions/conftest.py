"""Fixtures of the action item tests."""

import datetime as dt

import pytest

from accord.actions import services as actions
from accord.actions.models import ActionItem
from accord.core import clock
from accord.live import services as live
from accord.meetings.models import Meeting
from tests.conftest import STARTS, Org, close_topics


@pytest.fixture
def item(org: Org, running_meeting: Meeting) -> ActionItem:
    """zhou's item, due 15 September, of a meeting that ended on the 9th (S-MEET-4)."""
    with clock.frozen(STARTS + dt.timedelta(minutes=30)):
        item = actions.action_create(
            actor=org.zhao,
            meeting=running_meeting,
            task="搭建测试环境",
            owner=org.zhou,
            due="9月15日前",
        )
    with clock.frozen(STARTS + dt.timedelta(minutes=85)):
        close_topics(org, running_meeting)
        live.meeting_end(actor=org.wang, meeting=running_meeting)
    return item
