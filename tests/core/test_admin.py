"""The Django admin covers every model and shows the demo meeting whole."""

import io

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from accord.meetings.models import Meeting
from accord.ops.demo import MEETING_TITLE
from accord.org.models import Person

pytestmark = pytest.mark.django_db

ACCORD_APPS = [
    "core",
    "org",
    "meetings",
    "actions",
    "minutes",
    "series",
    "notify",
    "api",
    "calendars",
]


def accord_models():
    return [model for label in ACCORD_APPS for model in apps.get_app_config(label).get_models()]


def test_every_model_has_an_admin():
    missing = [model.__name__ for model in accord_models() if not admin.site.is_registered(model)]
    assert missing == []


@pytest.fixture
def demo_admin_client(client):
    call_command("demo", stdout=io.StringIO())
    client.force_login(Person.objects.get(username="admin"))
    return client


def test_every_changelist_and_first_change_page_opens(demo_admin_client):
    for model in accord_models():
        opts = model._meta
        changelist = demo_admin_client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        )
        assert changelist.status_code == 200, opts.label
        first = model.objects.order_by("pk").first()
        if first is not None:
            change = demo_admin_client.get(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            )
            assert change.status_code == 200, opts.label


def test_the_demo_meeting_page_shows_topics_actions_and_signatures(demo_admin_client):
    meeting = Meeting.objects.get(title=MEETING_TITLE)
    page = demo_admin_client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    for text in [
        "产品需求优先级确认",
        "责任部门划分",
        "时间节点确认",
        "完成需求A的技术方案初稿",
        "制定Q3上线推广计划",
    ]:
        assert text in html
    topic = meeting.topics.get(order=1)
    topic_page = demo_admin_client.get(
        reverse("admin:meetings_agendatopic_change", args=[topic.pk])
    )
    assert "用户需求占比60%" in topic_page.content.decode()
