"""``AnyOf``: ``pk__in`` for thousands of values.

Django writes ``pk__in=ids`` as ``IN (%s, %s, …)`` with one parameter a value: for the
planner's twenty thousand ids, psycopg spent longer splitting and binding the statement
than PostgreSQL took to run it. ``AnyOf`` gives PostgreSQL one array instead
(``= ANY(%s)``); other databases get Django's ``IN``. ``by_pk`` is ``in_bulk`` through
it."""

from collections.abc import Iterable

from django.core.exceptions import EmptyResultSet
from django.db.models import F, Model
from django.db.models.lookups import In


class AnyOf(In):
    """``filter(AnyOf(F("pk"), ids))``: the rows whose ``pk`` is one of ``ids``."""

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value():  # a subquery: Django's own IN (…)
            return super().as_sql(compiler, connection)
        values = [value for value in self.rhs if value is not None]
        if not values:  # as ``In``: nothing matches, and the query is not run
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, values)


def by_pk(model: type[Model], ids: Iterable) -> dict:
    """``model.objects.in_bulk(ids)``, asked with ``AnyOf``."""
    return {row.pk: row for row in model.objects.filter(AnyOf(F("pk"), list(ids)))}
