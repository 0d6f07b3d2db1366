"""Writing rows without a model instance per row: many at once with PostgreSQL's ``COPY``
(psycopg's ``cursor.copy``), and one at a time with an ``UPDATE`` whose SQL is made once
(``update_where``). Rows are dicts of attribute names (``owner_id``, not ``owner``); a
field a row leaves out takes its default."""

from functools import cache

from django.db import connection, models, transaction


@cache
def _layout(model: type[models.Model], with_pk: bool) -> tuple:
    fields = tuple(f for f in model._meta.concrete_fields if with_pk or not f.primary_key)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    return fields, columns


def copy_rows(
    model: type[models.Model], rows: list[dict], *, table: str = "", with_pk: bool = True
) -> None:
    """``COPY`` ``rows`` into ``table`` (the model's own unless named)."""
    from psycopg.types.json import Jsonb

    fields, columns = _layout(model, with_pk)
    names = [f.attname for f in fields]
    json = {f.attname for f in fields if isinstance(f, models.JSONField)}
    defaults = {  # once a call: a default may be the time (created_at)
        f.attname: Jsonb(f.get_default()) if f.attname in json else f.get_default() for f in fields
    }
    target = connection.ops.quote_name(table or model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {target} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(
                [
                    (Jsonb(row[n]) if n in json else row[n]) if n in row else defaults[n]
                    for n in names
                ]
            )


def insert_new(model: type[models.Model], rows: list[dict]) -> None:
    """Insert ``rows`` (new ids from the table's sequence), leaving out every row that
    collides with one already there on a unique column, as ``bulk_create(...,
    ignore_conflicts=True)`` does: ``COPY`` into a temporary table, then one ``INSERT …
    SELECT … ON CONFLICT DO NOTHING``."""
    columns = _layout(model, False)[1]
    table = connection.ops.quote_name(model._meta.db_table)
    incoming = f"{model._meta.db_table}_incoming"
    with transaction.atomic(), connection.cursor() as cursor:
        # Column types only: no constraint and no default (the ids come from the table's
        # own sequence when the rows move on). Kept for the session and emptied at each
        # commit; never dropped, since a DROP makes psycopg forget the connection's
        # prepared statements.
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {incoming} ON COMMIT DELETE ROWS AS "
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {incoming}")
        copy_rows(model, rows, table=incoming, with_pk=False)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {incoming} "
            "ON CONFLICT DO NOTHING"
        )


@cache
def _update_sql(model: type[models.Model], names: tuple[str, ...], keys: tuple[str, ...]):
    opts, quote = model._meta, connection.ops.quote_name
    fields = [opts.get_field(name) for name in names]
    matched = [opts.get_field(key) for key in keys]
    sql = (
        f"UPDATE {quote(opts.db_table)} SET "
        + ", ".join(f"{quote(f.column)} = %s" for f in fields)
        + " WHERE "
        + " AND ".join(f"{quote(f.column)} = %s" for f in matched)
    )
    return fields, matched, sql


def update_where(model: type[models.Model], values: dict, **where) -> int:
    """``model.objects.filter(**where).update(**values)`` for equality on columns and plain
    values (no expressions), with the statement built once for each set of names: the
    worker records every notice this way, where the ORM spent more time building the
    ``UPDATE`` than the database took to run it. Returns the number of rows changed."""
    pk = model._meta.pk.name
    where = {pk if key == "pk" else key: value for key, value in where.items()}
    fields, matched, sql = _update_sql(model, tuple(values), tuple(where))
    params = [
        f.get_db_prep_save(v, connection) for f, v in zip(fields, values.values(), strict=True)
    ]
    params += [
        f.get_db_prep_value(v, connection) for f, v in zip(matched, where.values(), strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
