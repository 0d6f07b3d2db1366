"""Queries whose SQL the ORM writes once and the database runs many times.

Building a query costs Python time on every call: for the first page of one's open items
the ORM spent about 0.5 ms joining, naming and quoting, more than PostgreSQL took to run
the query. A ``Compiled`` query is a function from values to a ``values()`` queryset. It
is built once for each *shape* (whatever changes the SQL's text: which filters are set,
the page's offset and size), with a marker in place of each value; each parameter of the
SQL that is a marker becomes a slot, filled from the values of every later call.

What a builder must hold to: each value that varies between calls is one of its keyword
values, an ``int``, ``str`` or ``date`` that reaches the SQL as itself (``exact``, ``in``,
``gte`` …, not ``icontains``, which wraps it). Whatever else it reads is frozen into the
SQL the first time: the clock, settings, a person's attributes, the active time zone
(which a ``__date`` lookup writes into the SQL) and language. So it reads none of them.
A value that never reaches the SQL as itself is refused when the shape is built; one that
is also used otherwise (in Python, or a second time through a lookup that changes it) is
not noticed, and is the builder's to avoid.
"""

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet


def _marker(value, n: int):
    """A value of the same type as ``value`` that no real call holds (the ``n``-th of its
    shape: markers need only differ within one statement)."""
    if isinstance(value, bool):  # a bool is an int, and has no value to spare
        raise TypeError("a compiled query's values are int, str or date, not bool")
    if isinstance(value, int):
        return -(2**61) - n
    if isinstance(value, str):
        return f"\x00compiled-{n}\x00"
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.date(1, 1, 1) + dt.timedelta(days=n)
    raise TypeError(f"a compiled query's values are int, str or date, not {type(value)}")


class _Shape:
    """One shape's SQL, where each value goes, and how its rows are read back."""

    def __init__(self, queryset: QuerySet, markers: dict) -> None:
        query = queryset.query
        self.compiler = query.get_compiler(queryset.db)
        self.sql, params = self.compiler.as_sql()
        # the columns' names as ``values()`` gives them (``ValuesIterable``)
        self.names = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        fields = [column[0] for column in self.compiler.select[: self.compiler.col_count]]
        self.converters = self.compiler.get_converters(fields)
        # (name, as text) for each marker as it may reach the SQL: SQLite gets dates as text
        slot_of = {}
        for name, marker in markers.items():
            slot_of[marker] = (name, False)
            if isinstance(marker, dt.date):
                slot_of[str(marker)] = (name, True)
        # each parameter with its slot (None: a constant, sent as it is)
        self.parts = [
            (slot_of.get(param) if isinstance(param, Hashable) else None, param) for param in params
        ]
        missing = set(markers) - {slot[0] for slot, _param in self.parts if slot}
        if missing:
            raise ValueError(
                f"{', '.join(sorted(missing))}: not in the SQL as given (a lookup that "
                "changes its value cannot be compiled)"
            )

    def params(self, values: dict) -> list:
        return [
            param if slot is None else str(values[slot[0]]) if slot[1] else values[slot[0]]
            for slot, param in self.parts
        ]


class Compiled:
    """``build(shape, **values)`` → a ``values()`` queryset, run as ``rows(shape,
    **values)``: a list of dicts, as iterating the queryset would give.

    Each connection keeps the ``max_shapes`` shapes used last (on the connection itself, as
    a shape's compiler belongs to it): a shape is chosen by the caller's input (a page
    number, say), and the shapes kept must not grow with it."""

    def __init__(self, build: Callable[..., QuerySet], *, max_shapes: int = 64) -> None:
        self.build = build
        self.max_shapes = max_shapes

    def shapes(self, connection) -> OrderedDict:
        kept = connection.__dict__.setdefault("compiled_shapes", {})
        return kept.setdefault(self, OrderedDict())

    def rows(self, shape: Hashable, **values) -> list[dict]:
        connection = connections[DEFAULT_DB_ALIAS]
        shapes = self.shapes(connection)
        key = (shape, tuple(values))
        compiled = shapes.get(key)
        if compiled is None:
            markers = {name: _marker(value, n) for n, (name, value) in enumerate(values.items())}
            compiled = shapes[key] = _Shape(self.build(shape, **markers), markers)
            if len(shapes) > self.max_shapes:
                shapes.popitem(last=False)
        else:
            shapes.move_to_end(key)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, compiled.params(values))
            found = cursor.fetchall()
        if compiled.converters:
            found = compiled.compiler.apply_converters(found, compiled.converters)
        names = compiled.names
        return [dict(zip(names, row, strict=True)) for row in found]
