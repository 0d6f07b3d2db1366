"""Writing seed-scale's rows fast: in batches, with ``COPY`` on PostgreSQL (psycopg's
``cursor.copy``) and ``bulk_create`` elsewhere, keeping the rows and seconds per table; and the
progress bar shown while they are written."""

import time
from collections.abc import Iterable

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

from accord.core import bulk

BATCH = 10_000


class Progress:
    """A progress bar (tqdm when installed) or a plain line, on ``stream``; silent when
    ``stream`` is None."""

    def __init__(self, stream, label: str, total: int) -> None:
        self.stream, self.label, self.total, self.done = stream, label, total, 0
        self.bar = None
        if stream is None:
            return
        try:
            from tqdm import tqdm
        except ImportError:
            self._line()
        else:
            self.bar = tqdm(total=total, desc=label, unit=" rows", unit_scale=True, file=stream)

    def _line(self) -> None:
        share = 100 * self.done / self.total if self.total else 100
        self.stream.write(f"\r{self.label}: {self.done:,}/{self.total:,} ({share:.0f}%)")
        self.stream.flush()

    def update(self, n: int) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
        elif self.stream is not None:
            self._line()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.stream is not None:
            self.stream.write("\n")
            self.stream.flush()


class Writer:
    """Writes rows (dicts of attribute names, ids included) table by table and keeps, for
    each table, the rows written and the seconds spent writing them."""

    def __init__(self) -> None:
        self.copy = connection.vendor == "postgresql"
        self.rows: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def next_id(self, model: type[models.Model]) -> int:
        return (model.objects.aggregate(last=Max("pk"))["last"] or 0) + 1

    def write(self, model: type[models.Model], rows: list[dict]) -> None:
        if not rows:
            return
        table = model._meta.db_table
        started = time.perf_counter()
        if self.copy:
            bulk.copy_rows(model, rows)
        else:
            model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH)
        self.seconds[table] = self.seconds.get(table, 0.0) + time.perf_counter() - started
        self.rows[table] = self.rows.get(table, 0) + len(rows)

    def finish(self, written: Iterable[type[models.Model]]) -> None:
        """Move the id sequences past the ids handed out (PostgreSQL) and refresh the
        planner's statistics."""
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(written)):
                cursor.execute(sql)
            if self.copy:
                started = time.perf_counter()
                cursor.execute("ANALYZE")
                self.seconds["ANALYZE"] = time.perf_counter() - started
