"""Shared fixtures: a small organisation built through the real services, and a meeting at
each stage of the loop. Tests get these and go on with the services themselves."""

import datetime as dt
import ipaddress
from dataclasses import dataclass

import pytest
from django.utils import timezone, translation

from accord.core import clock
from accord.live import services as live
from accord.meetings import services as meetings
from accord.meetings.models import Meeting, Participant, TopicOutcome
from accord.org import services as org_services
from accord.org.models import Department, Person

# A fixed "now" for every test: Monday 2026-09-07 09:00 in Shanghai.
NOW = timezone.make_aware(dt.datetime(2026, 9, 7, 9, 0))


@pytest.fixture(autouse=True)
def fixed_clock():
    with clock.frozen(NOW):
        yield NOW


@pytest.fixture(autouse=True)
def no_weekly_digest(settings):
    """NOW is a Monday 09:00, when the weekly digest goes out; tests of other notices would
    count it. tests/analytics/test_digest.py switches it on."""
    settings.ACCORD_DIGEST_ENABLED = False


# The receivers of the delivery tests listen on loopback, where Accord refuses to send
# unless told otherwise (accord.core.outgoing); tests/security/test_ssrf.py tells it not to.
LOOPBACK_NETWORKS = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


@pytest.fixture(autouse=True)
def loopback_receivers(settings):
    settings.ACCORD_OUTGOING_ALLOWED_NETWORKS = LOOPBACK_NETWORKS


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache (a template's remembered failure, for one)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English; the zh-hans catalog is tested on its own."""
    with translation.override("en"):
        yield


@dataclass
class Org:
    admin: Person
    marketing: Department
    rnd: Department
    design: Department
    sales: Department
    office: Department
    wang: Person  # marketing head, host
    zhang: Person  # marketing specialist
    li: Person  # R&D lead
    zhou: Person  # R&D engineer
    chen: Person  # design lead
    liu: Person  # sales representative
    sun: Person  # admin office head, PMO, organiser
    zhao: Person  # admin office specialist, recorder
    outsider: Person  # finance, takes no part


def build_org(*, password: str | None = None) -> Org:
    """The source's organisation, built through the services; with a password every person
    can sign in (the browser journeys need that)."""
    admin = org_services.person_create(
        actor=None, username="admin", name="管理员", is_superuser=True, password=password
    )
    depts = {
        key: org_services.department_create(actor=admin, name=name)
        for key, name in [
            ("marketing", "市场部"),
            ("rnd", "研发部"),
            ("design", "设计部"),
            ("sales", "销售部"),
            ("office", "行政部"),
            ("finance", "财务部"),
        ]
    }

    def person(username, name, dept, title, **extra):
        return org_services.person_create(
            actor=admin,
            username=username,
            name=name,
            department=depts[dept],
            title=title,
            password=password,
            **extra,
        )

    o = Org(
        admin=admin,
        marketing=depts["marketing"],
        rnd=depts["rnd"],
        design=depts["design"],
        sales=depts["sales"],
        office=depts["office"],
        wang=person("wang", "王经理", "marketing", "经理"),
        zhang=person("zhang", "张专员", "marketing", "专员"),
        li=person("li", "李主管", "rnd", "主管"),
        zhou=person("zhou", "周工程师", "rnd", "工程师"),
        chen=person("chen", "陈主管", "design", "主管"),
        liu=person("liu", "刘代表", "sales", "代表"),
        sun=person("sun", "孙主任", "office", "主任", is_pmo=True),
        zhao=person("zhao", "赵专员", "office", "专员"),
        outsider=person("qian", "钱会计", "finance", "会计"),
    )
    for dept, head in [
        (o.marketing, o.wang),
        (o.rnd, o.li),
        (o.design, o.chen),
        (o.sales, o.liu),
        (o.office, o.sun),
    ]:
        org_services.department_set_head(actor=admin, department=dept, head=head)
    return o


@pytest.fixture
def org(db) -> Org:
    return build_org()


STARTS = timezone.make_aware(dt.datetime(2026, 9, 9, 14, 0))  # Wednesday, two days after NOW


@pytest.fixture
def draft_meeting(org: Org) -> Meeting:
    """A draft of the source's launch meeting: 3 topics, 80 of 90 minutes planned."""
    o = org
    meeting = meetings.meeting_create(
        actor=o.sun,
        title="Q3产品上线跨部门协作启动会",
        goal="确定Q3产品上线分工",
        starts_at=STARTS,
        duration_minutes=90,
        location="3号会议室",
        online_meeting_number="618-2023-815",
        host=o.wang,
        recorder=o.zhao,
    )
    meetings.topic_add(
        actor=o.sun,
        meeting=meeting,
        title="产品需求优先级确认",
        planned_minutes=30,
        lead_department=o.marketing,
    )
    meetings.topic_add(actor=o.sun, meeting=meeting, title="责任部门划分", planned_minutes=30)
    meetings.topic_add(actor=o.sun, meeting=meeting, title="时间节点确认", planned_minutes=20)
    meetings.participants_invite_department(
        actor=o.sun,
        meeting=meeting,
        department=o.marketing,
        decision_maker=o.wang,
        executors=[o.zhang],
    )
    meetings.participants_invite_department(
        actor=o.sun, meeting=meeting, department=o.rnd, decision_maker=o.li, executors=[o.zhou]
    )
    meetings.participants_invite_department(
        actor=o.sun, meeting=meeting, department=o.design, decision_maker=o.chen
    )
    meetings.participants_invite_department(
        actor=o.sun, meeting=meeting, department=o.sales, decision_maker=o.liu
    )
    meetings.participant_invite(
        actor=o.sun, meeting=meeting, person=o.zhao, role=Participant.Role.EXECUTOR
    )
    return meeting


@pytest.fixture
def scheduled_meeting(org: Org, draft_meeting: Meeting) -> Meeting:
    return meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)


@pytest.fixture
def running_meeting(org: Org, scheduled_meeting: Meeting) -> Meeting:
    with clock.frozen(STARTS):
        return live.meeting_start(actor=org.wang, meeting=scheduled_meeting)


def close_topics(org: Org, meeting: Meeting) -> None:
    """Give every topic a consensus, as the recorder would."""
    for topic in meeting.topics.filter(outcome__isnull=True, is_review=False):
        live.outcome_record(
            actor=org.zhao,
            topic=topic,
            kind=TopicOutcome.Kind.CONSENSUS,
            text=f"共识：{topic.title}",
        )


@pytest.fixture
def ended_meeting(org: Org, running_meeting: Meeting) -> Meeting:
    """Ended at 15:25 on the meeting day; minutes due 24 h later."""
    with clock.frozen(STARTS + dt.timedelta(minutes=85)):
        close_topics(org, running_meeting)
        return live.meeting_end(actor=org.wang, meeting=running_meeting)


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Pages render without `collectstatic` (the manifest is built by `accord serve`)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def client(client):
    """Pages are asserted in English, as the browser of an English speaker asks for them."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
