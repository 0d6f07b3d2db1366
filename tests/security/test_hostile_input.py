"""The hostile-input walk (issue #16): every web form and every API operation, posted with
oversized texts, control characters, text-direction overrides and dates at and past the
edges of the accepted range. No answer is a server error, and an answer that refuses (4xx)
leaves every table of Accord exactly as it was: nothing half-saved.

Values come from hypothesis; each route is tried with several draws, as the demo
organisation's administrator (who may reach every form)."""

import html
import io
import json
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web.test_no_server_errors import concrete_paths, routes

from accord.api.services import token_create
from accord.core import limits
from accord.org.models import Person

EDGE_DATES = [
    "1999-12-31",
    "2000-01-01",
    "2099-12-31",
    "2100-01-01",
    "9999-12-31",
    "0001-01-01",
]
EDGE_DATETIMES = [f"{day}T23:59" for day in EDGE_DATES] + ["9999-12-31T23:59:59+08:00"]
HOSTILE_TEXTS = [
    "x" * (limits.SHORT_TEXT + 1),
    "界" * (limits.SUMMARY_TEXT + 1),
    "138\r\nBcc: evil@example.com",
    "会议\u202etxt.exe",
    "tab\there",
    "nul\x00byte",
    "\x1b[31mred",
    "<at id=all></at> [登录](http://127.0.0.1/)",
    "",
]

hostile_text = st.sampled_from(HOSTILE_TEXTS) | st.text(
    alphabet=st.sampled_from(["a", "界", "\n", "\r", "\u202e", "\x07", " "]), max_size=300
)
hostile_value = hostile_text | st.sampled_from(EDGE_DATES + EDGE_DATETIMES)

_FIELD_NAME = re.compile(r'<(?:input|textarea|select)[^>]*\sname="([^"]+)"')


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model.__module__.startswith("accord.")
        and model._meta.label not in {"core.AuditEvent", "api.ApiToken"}
    }


# The walk reaches the demo's objects at ids 1, 2 and 3: on PostgreSQL, sequences go on
# counting across the tests before, unless they are reset.
pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)


@pytest.fixture
def demo():
    call_command("demo", stdout=io.StringIO())
    return Person.objects.get(username="admin")


def _benign_form_value(name: str) -> str:
    """A value the form would take, so that the one hostile value reaches the service."""
    if "date" in name or name.endswith("_on") or name in ("due", "week"):
        return "2026-09-20"
    if name.endswith(("_at", "_from", "_to")):
        return "2026-09-20T10:00"
    if "minutes" in name or name in ("progress", "order"):
        return "30"
    if name in ("owner", "department", "host", "recorder", "topic", "person", "decision_maker"):
        return "1"
    if "link" in name or "url" in name:
        return "https://example.com/q3"
    return "正常的文字"


def _benign_api_value(name: str, spec: dict):
    options = [spec, *spec.get("anyOf", [])]
    kinds = [option.get("type") for option in options if option.get("type") not in (None, "null")]
    formats = {option.get("format") for option in options}
    enum = next((option["enum"] for option in options if "enum" in option), None)
    kind = kinds[0] if kinds else "string"
    if enum:
        return enum[0]
    if kind == "string":
        if "date-time" in formats:
            return "2026-09-20T10:00:00+08:00"
        if "date" in formats:
            return "2026-09-20"
        if "link" in name or "url" in name or name == "target":
            return "https://example.com/q3"
        return "正常的文字"
    if kind == "integer":
        return 1 if name.endswith("_id") else 30
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    return None


API_EDGE_DATETIMES = [
    "9999-12-31T23:59:59+08:00",
    "2100-01-01T00:00:00+08:00",
    "2099-12-31T23:59:00+08:00",
    "1999-12-31T23:59:00+08:00",
    "0001-01-01T00:00:00+00:00",
]


def _hostile_api_value(spec: dict):
    """What breaks a field of this kind: edge instants for a time, edge days for a date,
    hostile texts (and edge days, for due phrases) for any other string."""
    formats = {option.get("format") for option in [spec, *spec.get("anyOf", [])]}
    if "date-time" in formats:
        return st.sampled_from(API_EDGE_DATETIMES)
    if "date" in formats:
        return st.sampled_from(EDGE_DATES)
    return hostile_value


def _pages_failing(client) -> list[tuple[str, int]]:
    """Every page of the site read again, after what the walk managed to store."""
    failing = []
    for route, converters in routes():
        for path in concrete_paths(route, converters, [1, 2]):
            status = client.get(path).status_code
            if status >= 500:
                failing.append((path, status))
    return failing


_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
_ACTION = re.compile(r'action="([^"]*)"')
_METHOD_POST = re.compile(r'method="post"', re.I)


def _web_forms(client) -> dict[str, list[str]]:
    """Every form that posts, as its pages show it with the demo's ids: target → fields."""
    forms: dict[str, set[str]] = {}
    for route, converters in routes():
        if route.startswith(("api/", "logout", "login", "i18n")):
            continue
        for path in concrete_paths(route, converters, [1, 2, 3]):
            page = client.get(path)
            if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
                continue
            for attributes, body in _FORM.findall(page.content.decode()):
                if not _METHOD_POST.search(attributes):
                    continue
                action = _ACTION.search(attributes)
                target = html.unescape(action.group(1)) if action and action.group(1) else path
                if target.startswith("/"):
                    names = set(_FIELD_NAME.findall(body)) - {"csrfmiddlewaretoken"}
                    forms.setdefault(target.split("#")[0], set()).update(names)
    return {target: sorted(names) for target, names in forms.items() if names}


def _post_checked(client, path: str, data: dict, failures: list) -> None:
    before = _row_counts()
    response = client.post(path, data)
    if response.status_code >= 500:
        failures.append(("POST", path, response.status_code, data))
    elif 400 <= response.status_code < 500 and _row_counts() != before:
        failures.append(("half-saved", path, response.status_code, data))


# One value of each kind of trouble, tried on every field of every form.
SWEEP = [
    "x" * (limits.SUMMARY_TEXT + 1),
    "138\r\nBcc: evil@example.com",
    "会议\u202etxt.exe",
    "9999-12-31",
    "9999-12-31T23:59",
    "2100-01-01",
]


def test_every_web_form_refuses_hostile_input_without_error_or_half_save(client, demo):
    client.force_login(demo)
    client.raise_request_exception = False
    forms = _web_forms(client)
    assert len(forms) > 40
    assert any("goal" in names for names in forms.values())
    failures: list[tuple] = []
    for target, names in forms.items():
        benign = {name: _benign_form_value(name) for name in names}
        for name in names:
            for value in SWEEP:
                _post_checked(client, target, benign | {name: value}, failures)
    targets = sorted(forms)

    @settings(
        max_examples=len(targets) * 2,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def walk(data):
        target = data.draw(st.sampled_from(targets))
        names = forms[target]
        hostile = data.draw(
            st.dictionaries(st.sampled_from(names), hostile_value, min_size=1, max_size=3)
        )
        benign = {name: _benign_form_value(name) for name in names}
        _post_checked(client, target, benign | hostile, failures)

    walk()
    assert [failure[:3] for failure in failures] == []
    client.force_login(demo)
    assert _pages_failing(client) == []


def _api_operations(schema: dict) -> list[tuple[str, str, dict]]:
    """(method, path, the request body's properties) of every operation that takes JSON."""
    components = schema["components"]["schemas"]
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            content = operation.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            if not body:
                continue
            if "$ref" in body:
                body = components[body["$ref"].rsplit("/", 1)[1]]
            operations.append((method, path, body.get("properties", {})))
    return operations


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_api_operation_refuses_hostile_input_without_error_or_half_save(client, demo):
    token = token_create(actor=demo, name="walker")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    client.raise_request_exception = False
    schema = client.get("/api/v1/openapi.json").json()
    operations = _api_operations(schema)
    assert len(operations) > 30
    failures: list[tuple] = []

    def body_for(properties: dict):
        benign = {name: _benign_api_value(name, spec) for name, spec in properties.items()}
        if not properties:
            return st.just(benign)
        names = st.lists(st.sampled_from(sorted(properties)), min_size=1, max_size=2, unique=True)
        return names.flatmap(
            lambda chosen: st.fixed_dictionaries(
                {name: _hostile_api_value(properties[name]) for name in chosen}
            )
        ).map(lambda hostile: benign | hostile)

    def send(method: str, path: str, body: dict) -> None:
        target = _concrete(path)
        extra = dict(headers)
        if method == "patch":  # the current ETag, so that the body reaches the service
            extra["HTTP_IF_MATCH"] = client.get(target, **headers).get("ETag", "")
        before = _row_counts()
        response = getattr(client, method)(
            target, json.dumps(body), content_type="application/json", **extra
        )
        if response.status_code >= 500:
            failures.append((method, path, response.status_code, body))
        elif 400 <= response.status_code < 500 and _row_counts() != before:
            failures.append(("half-saved", method, path, response.status_code, body))

    @settings(
        max_examples=len(operations) * 2,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def walk(data):
        method, path, properties = data.draw(st.sampled_from(operations))
        send(method, path, data.draw(body_for(properties)))

    for method, path, properties in operations:
        benign = {name: _benign_api_value(name, spec) for name, spec in properties.items()}
        for name, spec in properties.items():
            formats = {option.get("format") for option in [spec, *spec.get("anyOf", [])]}
            values = API_EDGE_DATETIMES if "date-time" in formats else SWEEP
            for value in values:
                send(method, path, benign | {name: value})
    walk()
    assert [failure[:4] for failure in failures] == []
    client.force_login(demo)
    assert _pages_failing(client) == []
