"""The OpenAPI description and its interactive documentation, served offline."""

import re

from django.contrib.staticfiles import finders
from django.test import Client


def test_the_docs_page_uses_accords_own_static_files(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert f"/static/{asset}" in page
        assert finders.find(asset) is not None
    # Every script and style comes from this site (a random CSRF token may spell "cdn").
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith("/") for source in sources), sources
    assert "<script>" not in page  # no inline script: the Content Security Policy holds


def test_every_operation_has_a_summary_errors_and_an_example_input(db):
    """Every operation documents itself: a summary, its error answers, an example input."""
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    components = schema["components"]["schemas"]
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            label = f"{method.upper()} {path}"
            if not operation.get("summary"):
                missing.append(f"{label}: summary")
            if not any(code.startswith("4") for code in operation["responses"]):
                missing.append(f"{label}: errors")
            body = operation.get("requestBody")
            if body:
                shape = body["content"]["application/json"]["schema"]
                shape = components.get(shape.get("$ref", "").rsplit("/", 1)[-1], shape)
                fields = shape.get("properties", {}).values()
                if not any("examples" in field or "example" in field for field in fields):
                    missing.append(f"{label}: example")
    assert missing == []
