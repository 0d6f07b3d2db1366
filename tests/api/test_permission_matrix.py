"""The permission matrix, generated from the API's own operations: every operation × every
role × an object the role may not see answers 403 or 404 and leaks none of the object's
fields; the allowed read cells answer 200. A new operation without a rule in ``RULES``
fails ``test_every_operation_has_a_rule`` with its name."""

import contextlib
import io
import json
from dataclasses import dataclass

import docx
import openpyxl
import pytest
from api.conftest import ROLES, SECRET, World

from accord.api.main import api

PREFIX = "accord_api_routers_"


@dataclass(frozen=True)
class Rule:
    """``on``: what the path names — "meeting" (the meeting_id, and its topic, participant,
    copy or objection), "action" (the action_id), or "org" (nothing meeting-bound: the
    caller's own things or the organisation's). ``reads``: on the normal meeting, every role
    that may see it gets 200."""

    on: str
    reads: bool = False


M, A, ORG = "meeting", "action", "org"
RULES: dict[str, Rule] = {
    "meetings_meeting_list": Rule(ORG),
    "meetings_meeting_create": Rule(ORG),
    "meetings_meeting_read": Rule(M, reads=True),
    "meetings_meeting_update": Rule(M),
    "meetings_meeting_schedule": Rule(M),
    "meetings_meeting_start": Rule(M),
    "meetings_meeting_end": Rule(M),
    "meetings_meeting_close": Rule(M),
    "meetings_meeting_cancel": Rule(M),
    "meetings_participant_invite": Rule(M),
    "meetings_participants_invite_department": Rule(M),
    "meetings_participant_attendance": Rule(M),
    "meetings_participant_remove": Rule(M),
    "meetings_department_copy": Rule(M),
    "meetings_department_uncopy": Rule(M),
    "meetings_topic_add": Rule(M),
    "meetings_topic_update": Rule(M),
    "meetings_topic_remove": Rule(M),
    "meetings_topics_reorder": Rule(M),
    "meetings_question_add": Rule(M),
    "meetings_answers_read": Rule(M),
    "meetings_answer_save": Rule(M),
    "meetings_answers_submit": Rule(M),
    "meetings_material_list": Rule(M, reads=True),
    "meetings_material_add": Rule(M),
    "meetings_materials_send_at": Rule(M),
    "meetings_position_record": Rule(M),
    "meetings_outcome_record": Rule(M),
    "meetings_objection_raise": Rule(M),
    "meetings_objection_resolve": Rule(M),
    "meetings_topic_time": Rule(M),
    "meetings_topic_notes": Rule(M),
    "webhooks_webhook_list": Rule(ORG),
    "webhooks_webhook_create": Rule(ORG),
    "webhooks_webhook_update": Rule(ORG),
    "webhooks_webhook_delete": Rule(ORG),
    "actions_action_list": Rule(ORG),
    "actions_action_list_xlsx": Rule(ORG),
    "actions_export_download": Rule(ORG),
    "actions_action_read": Rule(A, reads=True),
    "actions_action_update": Rule(A),
    "actions_action_delete": Rule(A),
    "actions_action_create": Rule(M),
    "actions_action_set_status": Rule(A),
    "actions_action_progress": Rule(A),
    "actions_action_overdue_reason": Rule(A),
    "actions_action_replan": Rule(A),
    "actions_action_escalate": Rule(A),
    "actions_action_sign": Rule(A),
    "actions_due_proposal_create": Rule(A),
    "actions_due_proposal_accept": Rule(A),
    "actions_due_proposal_decline": Rule(A),
    "actions_due_proposal_withdraw": Rule(A),
    "actions_due_proposals_waiting": Rule(ORG),
    "org_department_list": Rule(ORG),
    "org_department_create": Rule(ORG),
    "org_department_read": Rule(ORG),
    "org_department_update": Rule(ORG),
    "org_person_list": Rule(ORG),
    "org_person_create": Rule(ORG),
    "org_person_read": Rule(ORG),
    "org_person_update": Rule(ORG),
    "org_me": Rule(ORG),
    "notifications_notification_list": Rule(ORG),
    "notifications_notification_unread_count": Rule(ORG),
    "notifications_notification_read_all": Rule(ORG),
    "notifications_notification_read": Rule(ORG),
    "minutes_minutes_read": Rule(M, reads=True),
    "minutes_minutes_update": Rule(M),
    "minutes_minutes_versions": Rule(M, reads=True),
    "minutes_minutes_version": Rule(M),
    "minutes_minutes_pdf_download": Rule(M, reads=True),
    "minutes_minutes_docx_download": Rule(M, reads=True),
    "minutes_minutes_markdown_download": Rule(M, reads=True),
    "minutes_minutes_submit": Rule(M),
    "minutes_minutes_return": Rule(M),
    "minutes_minutes_approve": Rule(M),
    "minutes_minutes_distribute": Rule(M),
    "minutes_minutes_revise": Rule(M),
    "series_series_list": Rule(ORG),
    "series_series_create": Rule(ORG),
    "series_series_read": Rule(ORG),
    "series_series_update": Rule(ORG),
    "series_series_member_add": Rule(ORG),
    "series_series_member_remove": Rule(ORG),
    "series_series_plan_next": Rule(ORG),
    "series_meeting_follow": Rule(M),
    "series_meeting_review": Rule(M, reads=True),
}

# Who may see the normal meeting (and so its action item and minutes).
SEES_NORMAL = {"admin", "organiser", "host", "recorder", "participant", "reader"}
NORMAL = {
    "title": "Q3产品上线跨部门协作启动会",
    "task": "完成产品需求文档",
    "summary": "三个议题均达成共识",
    "goal": "确定Q3产品上线分工",
}


@dataclass(frozen=True)
class Operation:
    key: str
    method: str
    path: str
    spec: dict


def operations() -> list[Operation]:
    schema = api.get_openapi_schema()
    return [
        Operation(spec["operationId"].removeprefix(PREFIX), method.upper(), path, spec)
        for path, methods in schema["paths"].items()
        for method, spec in methods.items()
    ]


def test_every_operation_has_a_rule():
    keys = {operation.key for operation in operations()}
    assert not sorted(keys - set(RULES)), f"operations without a rule: {sorted(keys - set(RULES))}"
    assert not sorted(set(RULES) - keys), f"rules without an operation: {sorted(set(RULES) - keys)}"


def _example(schema: dict, components: dict):
    """A valid value for ``schema``: its example, else the simplest value of its type."""
    if schema.get("examples"):
        return schema["examples"][0]
    if "$ref" in schema:
        return _example(components[schema["$ref"].rsplit("/", 1)[1]], components)
    if "example" in schema:
        return schema["example"]
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return _example(options[0], components)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        required = schema.get("required", [])
        return {
            name: _example(sub, components)
            for name, sub in schema.get("properties", {}).items()
            if name in required
        }
    fmt = schema.get("format")
    return {
        "string": {"date-time": "2026-09-20T10:00:00+08:00", "date": "2026-09-20"}.get(fmt, "x"),
        "integer": 1,
        "number": 1,
        "boolean": False,
        "array": [],
    }.get(kind, "x")


def body_for(operation: Operation) -> dict | None:
    content = operation.spec.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    components = api.get_openapi_schema()["components"]["schemas"]
    return _example(content["application/json"]["schema"], components)


def path_for(operation: Operation, world: World, role: str, *, hidden) -> str:
    """The operation's URL naming ``hidden`` (a meeting or an action item) or, for the
    organisation's operations, the caller's own things."""
    meeting = hidden if operation.path and RULES[operation.key].on == M else None
    if RULES[operation.key].on == A:
        meeting = hidden.meeting
    meeting = meeting or world.meeting
    values = {
        "meeting_id": meeting.pk,
        "action_id": hidden.pk if RULES[operation.key].on == A else world.action.pk,
        "topic_id": meeting.topics.first().pk,
        "participant_id": meeting.participants.first().pk,
        "department_id": world.service.pk,
        "objection_id": 999_999,
        "proposal_id": 999_999,
        "number": 1,
        "person_id": world.person(role).pk,
        "webhook_id": 999_999,
        "notification_id": 999_999,
        "series_id": 999_999,
        "export_id": 999_999,
    }
    path = operation.path
    for name, value in values.items():
        path = path.replace("{" + name + "}", str(value))
    assert "{" not in path, f"{operation.key}: no value for a parameter of {operation.path}"
    return path


def call(client, operation: Operation, path: str):
    body = body_for(operation)
    kwargs = {"content_type": "application/json", "HTTP_IF_MATCH": "*"}
    data = json.dumps(body) if body is not None else None
    return (
        getattr(client, operation.method.lower())(path, data=data, **kwargs)
        if data
        else (getattr(client, operation.method.lower())(path, HTTP_IF_MATCH="*"))
    )


def _text(response) -> str:
    """The answer's text; for a spreadsheet, every cell's value; for a PDF or a Word
    document, its text (paragraphs and table cells)."""
    if response.get("Content-Type", "").startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    ):
        sheets = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets
        return "\n".join(
            str(value)
            for sheet in sheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if response.get("Content-Type", "").startswith("application/pdf"):
        from exports.pdf_reader import pdf_text

        return pdf_text(response.content)
    if response.get("Content-Type", "").startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    ):
        document = docx.Document(io.BytesIO(response.content))
        return "\n".join(
            [paragraph.text for paragraph in document.paragraphs]
            + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        )
    return response.content.decode()


def leaked(response, secrets: dict) -> list[str]:
    text = _text(response)
    with contextlib.suppress(ValueError):
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return [value for value in secrets.values() if value in text]


def hidden_objects(world: World, role: str, on: str) -> list[tuple[object, dict]]:
    """The objects of kind ``on`` that ``role`` may not see, with their field values."""
    meetings = [] if role == "admin" else [(world.secret, SECRET)]
    if role not in SEES_NORMAL:
        meetings.append((world.meeting, NORMAL))
    if on == A:
        by_meeting = {world.secret.pk: world.secret_action, world.meeting.pk: world.action}
        return [(by_meeting[meeting.pk], values) for meeting, values in meetings]
    return meetings


@pytest.mark.parametrize("role", ROLES)
def test_no_operation_shows_or_changes_what_the_role_may_not_see(world, api_clients, role):
    client = api_clients[role]
    wrong: list[str] = []
    for operation in operations():
        rule = RULES[operation.key]
        if rule.on == ORG:
            response = call(client, operation, path_for(operation, world, role, hidden=None))
            secrets = {} if role == "admin" else dict(SECRET)
            if role not in SEES_NORMAL and operation.method == "GET":
                # (a write may echo its own example input, e.g. the launch meeting's title)
                secrets |= NORMAL
            if response.status_code >= 500 or leaked(response, secrets):
                wrong.append(f"{operation.key}: {response.status_code} {leaked(response, secrets)}")
            continue
        for obj, values in hidden_objects(world, role, rule.on):
            response = call(client, operation, path_for(operation, world, role, hidden=obj))
            if response.status_code not in (403, 404) or leaked(response, values):
                wrong.append(
                    f"{operation.key} on {obj}: {response.status_code} "
                    f"leaks {leaked(response, values)} {response.content[:200]!r}"
                )
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", sorted(SEES_NORMAL))
def test_the_allowed_reads_succeed(world, api_clients, role):
    client = api_clients[role]
    answers = {}
    for operation in operations():
        if RULES[operation.key].reads:
            hidden = world.action if RULES[operation.key].on == A else world.meeting
            response = client.get(path_for(operation, world, role, hidden=hidden))
            answers[operation.key] = response.status_code
    assert answers == {key: 200 for key in answers}
    assert len(answers) == sum(rule.reads for rule in RULES.values())


def test_the_confidential_meeting_is_seen_by_its_participants_and_admins_only(world, api_clients):
    seen = {
        role: client.get(f"/api/v1/meetings/{world.secret.pk}").status_code
        for role, client in api_clients.items()
    }
    assert seen == {role: 200 if role == "admin" else 404 for role in ROLES}
