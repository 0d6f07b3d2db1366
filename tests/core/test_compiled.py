"""``core.compiled.Compiled``: a query's SQL written once per shape, run with each call's
values."""

import datetime as dt

import pytest
from django.db import connection, connections
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from accord.actions.models import ActionItem
from accord.core.compiled import Compiled
from accord.org.models import Person


def _people(shape, **values):
    people = Person.objects.all()
    if "department" in values:
        people = people.filter(department_id=values["department"])
    if "joined_after" in values:
        people = people.filter(date_joined__date__gt=values["joined_after"])
    if "name" in values:
        people = people.filter(username=values["name"])
    return people.order_by("username").values("username", "date_joined")[: shape or None]


def test_each_call_binds_its_own_values_to_the_shape_written_once(org):
    people = Compiled(_people)
    marketing = people.rows(None, department=org.marketing.pk)
    with CaptureQueriesContext(connection) as queries:
        rnd = people.rows(None, department=org.rnd.pk)
        one = people.rows(1, department=org.marketing.pk)

    assert [row["username"] for row in marketing] == ["wang", "zhang"]
    assert [row["username"] for row in rnd] == ["li", "zhou"]
    assert [row["username"] for row in one] == ["wang"]
    assert len(queries) == 2
    assert queries[0]["sql"].count("LIMIT") == 0 and "LIMIT 1" in queries[1]["sql"]
    assert len(people.shapes(connections["default"])) == 2  # the shapes None and 1


def test_dates_and_strings_are_bound_on_both_databases(org):
    """A date reaches SQLite as text and PostgreSQL as a date; a datetime read back is the
    aware datetime the model holds (the database's converters applied)."""
    Person.objects.filter(pk=org.li.pk).update(date_joined=dt.datetime(2026, 9, 1, tzinfo=dt.UTC))
    people = Compiled(_people)

    joined = people.rows(None, joined_after=dt.date(2026, 8, 31), name="li")
    none = people.rows(None, joined_after=dt.date(2026, 9, 1), name="li")

    assert joined == [{"username": "li", "date_joined": dt.datetime(2026, 9, 1, tzinfo=dt.UTC)}]
    assert none == []


def _wrapped(shape, *, text):
    return ActionItem.objects.filter(task__icontains=text).values("pk")


def test_a_value_the_lookup_changes_is_refused_when_the_shape_is_built(org):
    with pytest.raises(ValueError, match="text: not in the SQL as given"):
        Compiled(_wrapped).rows(None, text="方案")


@pytest.mark.parametrize("value", [True, 1.5, None])
def test_values_are_ints_strings_or_dates(org, value):
    with pytest.raises(TypeError, match="int, str or date"):
        Compiled(_people).rows(None, department=value)


def test_a_connection_keeps_the_shapes_used_last(org):
    """The shape may come from the caller's input (a page number): what is kept is bounded."""
    people = Compiled(_people, max_shapes=2)
    for size in (1, 2, 1, 3):  # 1 was used again before 3 came: 2 goes
        people.rows(size, department=org.marketing.pk)

    assert [shape for shape, _names in people.shapes(connections["default"])] == [1, 3]
    assert [row["username"] for row in people.rows(2, department=org.marketing.pk)] == [
        "wang",
        "zhang",
    ]


def _named(shape, *, department):
    return (
        Person.objects.filter(department_id=department)
        .annotate(first=F("username"))
        .values("first", "id")
        .order_by("username")
    )


def test_columns_are_named_as_values_names_them(org):
    """An annotation asked before a field comes first, as ``values()`` gives it."""
    rows = Compiled(_named).rows(None, department=org.rnd.pk)
    assert rows == [{"first": "li", "id": org.li.pk}, {"first": "zhou", "id": org.zhou.pk}]
    assert rows == list(_named(None, department=org.rnd.pk))
