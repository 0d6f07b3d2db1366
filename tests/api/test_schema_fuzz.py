"""schemathesis against the live OpenAPI schema, in-process: every operation, generated
requests (valid and invalid), authenticated as the organiser. No answer is a 5xx and every
answer conforms to the schema (documented status code, content type, body)."""

import logging
import math
import time

import pytest
import schemathesis
from django.apps import apps
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accord.wsgi import application

TOTAL = 1_000  # generated requests across all operations, at least


@pytest.fixture
def in_process(settings):
    """The WSGI app answers inside the test's transaction: Django would close the
    connection at the end of each request (and with it the test's transaction)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost", "testserver"]
    logging.getLogger("django.request").setLevel(logging.ERROR)
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def existing_ids() -> list[int]:
    """Every primary key in Accord's tables, so that path parameters often name something
    that exists (and sometimes something the caller may not see)."""
    ids: set[int] = set()
    for model in apps.get_models():
        if model.__module__.startswith("accord."):
            ids.update(
                pk for pk in model.objects.values_list("pk", flat=True) if isinstance(pk, int)
            )
    return sorted(ids)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_every_operation_answers_within_its_schema(world, tokens, in_process):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", in_process)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    ids = existing_ids()
    per_operation = math.ceil(TOTAL * 1.1 / len(operations))
    headers = {"Authorization": f"Bearer {tokens['organiser']}"}
    sent = {"requests": 0, "by_status": {}}

    def exercise(operation, mode: GenerationMode, examples: int) -> None:
        strategy = operation.as_strategy(generation_mode=mode)
        names = [p.name for p in operation.path_parameters]

        @settings(
            max_examples=examples,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        )
        @given(case=strategy, data=st.data())
        def run(case, data):
            for name in names:
                if isinstance(case.path_parameters.get(name), int) and data.draw(st.booleans()):
                    case.path_parameters[name] = data.draw(st.sampled_from(ids))
            response = case.call(headers=headers)
            sent["requests"] += 1
            sent["by_status"][response.status_code] = (
                sent["by_status"].get(response.status_code, 0) + 1
            )
            case.validate_response(response, checks=CHECKS, headers=headers)

        run()

    started = time.monotonic()
    failures: dict[str, str] = {}
    for operation in operations:
        for mode, examples in (
            (GenerationMode.POSITIVE, per_operation),
            (GenerationMode.NEGATIVE, max(5, per_operation // 4)),
        ):
            try:
                exercise(operation, mode, examples)
            except (
                Exception,
                BaseExceptionGroup,
            ) as exc:  # every operation is exercised; failures are listed
                failures.setdefault(operation.label, str(exc)[:1500])
    elapsed = time.monotonic() - started

    print(
        f"schemathesis: {sent['requests']} requests, {len(operations)} operations, "
        f"{elapsed:.1f} s, statuses {dict(sorted(sent['by_status'].items()))}"
    )
    assert sent["requests"] >= TOTAL
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
