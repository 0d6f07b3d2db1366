"""The layout: every import of ``src/accord`` follows the dependency order that
docs/architecture.md writes down, no module imports itself back through others, no module
outgrows one purpose, and the document names what the tree holds (``tests/architecture.py``
has the rules; run this file alone to see them hold: ``pytest tests/test_architecture.py``)."""

import re
import shutil
from pathlib import Path

import pytest

from tests.architecture import DOC, REPO, SOURCE, TOP_APPS, order_from, violations

MAX_LINES = 600


@pytest.fixture
def tree(tmp_path) -> Path:
    """A copy of ``src/accord`` to add a module to."""
    shutil.copytree(SOURCE / "accord", tmp_path / "accord", ignore=shutil.ignore_patterns("locale"))
    return tmp_path


def add_module(root: Path, name: str, text: str) -> None:
    (root / "accord" / name).write_text(text, encoding="utf-8")


def test_the_tree_follows_the_order_and_has_no_circle():
    assert violations() == []


def test_an_import_from_a_lower_app_up_is_refused(tree):
    # given a core module that reaches up into the notification planner
    add_module(tree, "core/reversed.py", "def plan():\n    from accord.notify import planner\n")

    # then
    assert violations(tree) == [
        "accord.core.reversed:2 imports accord.notify.planner: "
        "notify comes after core in the domain order"
    ]


def test_a_page_of_a_lower_app_may_not_import_a_page_of_a_higher_one(tree):
    add_module(tree, "org/reversed_views.py", "from accord.series import views\n")

    assert violations(tree) == [
        "accord.org.reversed_views:1 imports accord.series.views: "
        "series comes after org in the interface order"
    ]


def test_a_service_may_not_import_a_page(tree):
    add_module(tree, "actions/reversed.py", "from accord.actions.views import action_detail\n")

    assert violations(tree) == [
        "accord.actions.reversed:1 imports accord.actions.views: "
        "a domain module imports no interface module"
    ]


def test_rules_may_not_import_services(tree):
    add_module(tree, "org/rules.py", "from accord.org import services\n")

    assert violations(tree) == [
        "accord.org.rules:1 imports accord.org.services: rules import no selectors or services"
    ]


def test_a_circle_within_one_app_is_found(tree):
    # given two modules of one app that import each other (each import alone is allowed)
    add_module(tree, "meetings/circle_a.py", "from accord.meetings import circle_b\n")
    add_module(
        tree, "meetings/circle_b.py", "def later():\n    from accord.meetings import circle_a\n"
    )

    assert violations(tree) == [
        "circle: accord.meetings.circle_a → accord.meetings.circle_b → accord.meetings.circle_a"
    ]


def test_nothing_imports_the_top(tree):
    add_module(tree, "web/reversed.py", "from accord.ops import demo\n")

    found = violations(tree)

    assert found == [
        "accord.web.reversed:1 imports accord.ops.demo: nothing imports the top (accord/*.py, ops)"
    ]


def test_no_module_is_longer_than_600_lines():
    long = {
        str(path.relative_to(SOURCE)): lines
        for path in (SOURCE / "accord").rglob("*.py")
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_document_names_every_app_in_the_order_and_every_module_it_mentions_exists():
    order = order_from()
    apps = {path.parent.name for path in (SOURCE / "accord").glob("*/__init__.py")} - {"locale"}
    # every app of the tree is placed, and the order names no app the tree lacks
    assert apps - TOP_APPS == set(order.domain) | set(order.interface)
    text = DOC.read_text(encoding="utf-8")
    # the map: one table row per module, "| `app/module.py` | what it holds |"
    mapped = re.findall(r"^\| `([a-z_/]+\.py)` \| (.*) \|$", text, re.M)
    assert [path for path, holds in mapped if not holds.strip()] == []
    modules = {
        str(path.relative_to(SOURCE / "accord"))
        for path in (SOURCE / "accord").rglob("*.py")
        if "migrations" not in path.parts
        and "management" not in path.parts
        and path.name not in ("__init__.py", "apps.py")
    }
    assert sorted(modules - {path for path, _ in mapped}) == []  # in the tree, not the map
    assert sorted({path for path, _ in mapped} - modules) == []  # in the map, not the tree
    # and every module the prose names (`app/module.py`) exists
    named = set(re.findall(r"`((?:[a-z_]+/)+[a-z_]+\.py)`", text))
    places = (SOURCE / "accord", SOURCE, REPO)  # app/x.py, accord/x.py, tests/x.py
    assert sorted(p for p in named if not any((place / p).exists() for place in places)) == []
