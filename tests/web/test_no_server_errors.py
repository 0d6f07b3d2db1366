"""No input gives a server error: every route, for several roles, with real and missing
ids, garbage query strings and empty or garbage POST bodies, answers below 500."""

import io
import itertools

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from accord.api.services import token_create
from accord.notify import services as notify_services
from accord.notify.models import Channel, Notification
from accord.org.models import Department, Person
from accord.org.services import person_create

GARBAGE_QUERY = {
    "page": "abc",
    "week": "2026-13-45",
    "status": "nonsense",
    "kind": "<script>",
    "department": "x",
    "owner": "-1",
    "date_from": "99999-01-01",
    "date_to": "yesterday",
    "starts_from": "0000-00-00",
    "due_before": "soon",
    "due_after": "\x00",
    "q": "%" * 300,
    "topic": "abc",
    "sort": "drop table",
    "due_date": "尽快",
    "prefix": "../../etc",
    "via": "pigeon",
}
GARBAGE_POST = {key: value for key, value in GARBAGE_QUERY.items()} | {
    "task": "",
    "owner": "abc",
    "progress": "101",
    "reason": "",
    "language": "xx",
    "topic_ids": "1,1,abc",
    "starts_at": "2026-02-30T25:61",
    "duration_minutes": "-5",
    "planned_minutes": "1e9",
    "role": "king",
    "attendance": "maybe",
    "confirm": "yes",
    "on": "maybe",
    "name": "x" * 300,
    "target": "javascript:alert(1)",
    "secret": "\x00",
}


def routes(resolver=None, prefix: str = "", namespace: str = ""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue  # Django's own admin is tested by Django
            yield from routes(
                pattern, prefix + str(pattern.pattern), pattern.namespace or namespace
            )
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.pattern.converters


def concrete_paths(route: str, converters: dict, ids: list[int]) -> list[str]:
    names = list(converters)
    if not names:
        return ["/" + route]
    paths = []
    for values in itertools.product(ids, repeat=len(names)):
        path = route
        for name, value in zip(names, values, strict=True):
            path = path.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
        paths.append("/" + path)
    return paths


@pytest.mark.django_db
def test_every_route_answers_below_500_for_every_role(client):
    call_command("demo", stdout=io.StringIO())
    outsider = person_create(actor=None, username="outsider", name="外部人员")
    notify_ids = _notify_objects()
    token_ids = _token_objects()
    people = [
        Person.objects.get(username=name) for name in ("admin", "sun.zhuren", "zhao.zhuanyuan")
    ] + [outsider]
    client.raise_request_exception = False  # collect every failure, then report them all
    failures = []
    for person in people:
        client.force_login(person)
        for route, converters in routes():
            ids = [1, 999999] + (notify_ids if route.startswith("notifications/") else [])
            if route.startswith("api-tokens/"):
                ids += token_ids
            for path in concrete_paths(route, converters, ids):
                for method, data in (("get", GARBAGE_QUERY), ("post", {}), ("post", GARBAGE_POST)):
                    response = getattr(client, method)(path, data)
                    if response.status_code >= 500:
                        failures.append((person.username, method, path, response.status_code))
    assert failures == []


def _notify_objects() -> list[int]:
    """A department's bot, a person's own channel and a failed delivery, so that the
    notification routes are walked with ids that exist. The bots point at a closed port on
    127.0.0.1: "send a test message" fails fast, without leaving the machine."""
    admin = Person.objects.get(username="admin")
    department = Department.objects.order_by("pk").first()
    bot = notify_services.channel_create(
        actor=admin,
        kind=Channel.Kind.SLACK,
        name="部门群",
        target="http://127.0.0.1:9/hook",
        department=department,
    )
    own = notify_services.channel_create(
        actor=Person.objects.get(username="zhao.zhuanyuan"),
        kind=Channel.Kind.WEBHOOK,
        name="自己的",
        target="http://127.0.0.1:9/own",
        secret="s",
    )
    failed = Notification.objects.create(
        key="walker:failed",
        kind="no.such.kind",
        via=Channel.Kind.SLACK,
        channel=bot,
        department=department,
        payload={"mentions": [1, "x", None]},
        send_after=bot.created_at,
        status=Notification.Status.FAILED,
        last_error="HTTP 404",
    )
    return [bot.pk, own.pk, failed.pk]


def _token_objects() -> list[int]:
    """Personal API tokens of two people, so the Tokens page's routes are walked with one's
    own token and someone else's."""
    return [
        token_create(actor=Person.objects.get(username=username), name="walker")[0].pk
        for username in ("admin", "zhao.zhuanyuan")
    ]
