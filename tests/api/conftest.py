"""Shared fixtures of the API tests: a world with a normal and a confidential meeting (each
ended, with an action item and minutes), a person in a copied department, and a personal
token per role. Add to this file; do not change what is here (other API tests use it)."""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from conftest import STARTS, Org, close_topics
from django.test import Client

from accord.actions import services as actions
from accord.actions.models import ActionItem
from accord.api.services import token_create
from accord.core import clock
from accord.live import services as live
from accord.meetings import services as meetings
from accord.meetings.models import Meeting, Participant
from accord.minutes import services as minutes_services
from accord.org import services as org_services
from accord.org.models import Department, Person

ROLES = ("admin", "organiser", "host", "recorder", "participant", "reader", "outsider")

# What the confidential meeting holds: none of it may appear in an answer to someone who
# may not see the meeting.
SECRET = {
    "title": "机密：收购评估会",
    "goal": "评估收购目标公司",
    "topic": "估值模型审议",
    "task": "准备尽调清单",
    "resources": "外部律所预算",
    "summary": "收购价格区间已初步确定",
    "location": "董事会议室",
}


@dataclass
class World:
    org: Org
    service: Department  # copied on the normal meeting
    reader: Person  # in the copied department
    meeting: Meeting  # normal, ended, organised by sun
    action: ActionItem
    secret: Meeting  # confidential, ended, organised by li; only li and chen take part
    secret_action: ActionItem
    people: dict[str, Person] = field(default_factory=dict)

    def person(self, role: str) -> Person:
        return self.people[role]


def build_secret_meeting(o: Org) -> tuple[Meeting, ActionItem]:
    """A confidential meeting of R&D and design only, ended, with an action item and
    minutes being written."""
    starts = STARTS + dt.timedelta(days=1)
    secret = meetings.meeting_create(
        actor=o.li,
        title=SECRET["title"],
        goal=SECRET["goal"],
        starts_at=starts,
        duration_minutes=60,
        location=SECRET["location"],
        host=o.li,
        recorder=o.chen,
        confidential=True,
    )
    meetings.topic_add(actor=o.li, meeting=secret, title=SECRET["topic"], planned_minutes=30)
    meetings.participant_invite(
        actor=o.li, meeting=secret, person=o.li, role=Participant.Role.DECISION_MAKER
    )
    meetings.participant_invite(
        actor=o.li, meeting=secret, person=o.chen, role=Participant.Role.EXECUTOR
    )
    meetings.meeting_schedule(actor=o.li, meeting=secret)
    with clock.frozen(starts):
        live.meeting_start(actor=o.li, meeting=secret)
        action = actions.action_create(
            actor=o.chen,
            meeting=secret,
            task=SECRET["task"],
            owner=o.chen,
            due="9月30日前",
            resources=SECRET["resources"],
        )
    with clock.frozen(starts + dt.timedelta(minutes=50)):
        close_topics_by(o.chen, secret)
        live.meeting_end(actor=o.li, meeting=secret)
        minutes_services.minutes_update_summary(
            actor=o.chen, meeting=secret, summary=SECRET["summary"]
        )
    secret.refresh_from_db()
    return secret, action


def close_topics_by(recorder: Person, meeting: Meeting) -> None:
    from accord.meetings.models import TopicOutcome

    for topic in meeting.topics.filter(outcome__isnull=True, is_review=False):
        live.outcome_record(
            actor=recorder, topic=topic, kind=TopicOutcome.Kind.CONSENSUS, text="共识"
        )


@pytest.fixture
def world(org: Org, draft_meeting: Meeting) -> World:
    """The source's launch meeting (organiser sun, host wang, recorder zhao, participant
    zhou), copied to a customer-service department, ended with one action item and minutes
    being written; and a confidential meeting none of those people may see."""
    o = org
    service = org_services.department_create(actor=o.admin, name="客服部")
    reader = org_services.person_create(
        actor=o.admin, username="wu", name="吴客服", department=service, title="专员"
    )
    meeting = draft_meeting
    meetings.department_copy(actor=o.sun, meeting=meeting, department=service)
    meetings.meeting_schedule(actor=o.sun, meeting=meeting)
    with clock.frozen(STARTS):
        live.meeting_start(actor=o.wang, meeting=meeting)
        action = actions.action_create(
            actor=o.zhao,
            meeting=meeting,
            task="完成产品需求文档",
            owner=o.zhou,
            due="9月15日前",
            department=o.rnd,
        )
    with clock.frozen(STARTS + dt.timedelta(minutes=85)):
        close_topics(o, meeting)
        live.meeting_end(actor=o.wang, meeting=meeting)
        minutes_services.minutes_update_summary(
            actor=o.zhao, meeting=meeting, summary="三个议题均达成共识"
        )
    meeting.refresh_from_db()
    secret, secret_action = build_secret_meeting(o)
    people = {
        "admin": o.admin,
        "organiser": o.sun,
        "host": o.wang,
        "recorder": o.zhao,
        "participant": o.zhou,
        "reader": reader,
        "outsider": o.outsider,
    }
    return World(
        org=o,
        service=service,
        reader=reader,
        meeting=meeting,
        action=action,
        secret=secret,
        secret_action=secret_action,
        people=people,
    )


@pytest.fixture
def tokens(world: World) -> dict[str, str]:
    """A personal token's text for each role of ``ROLES``."""
    return {role: token_create(actor=world.person(role), name=f"tests-{role}")[1] for role in ROLES}


def bearer(text: str) -> Client:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {text}", HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture
def api_clients(tokens: dict[str, str]) -> dict[str, Client]:
    """A test client per role, authenticated with that role's token."""
    return {role: bearer(text) for role, text in tokens.items()}
