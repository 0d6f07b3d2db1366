"""Action-plan exports, small and large.

An export of up to ``ACCORD_EXPORT_INLINE_ROWS`` rows is rendered in the request. A larger
one would hold a web worker for seconds, so the request only records an ``Export`` job
(who asked, which list with which filters, in which language) and answers at once. The
notification worker renders pending jobs (``exports_run``), claiming each with a
conditional update so that two workers never render the same job, stores the file under
``VAR_DIR/exports/`` with a random name and tells the person in the app. Only that person
can download it; the rows were chosen through the visibility selectors as that person when
the job ran. The worker deletes exports after ``ACCORD_EXPORT_KEEP_DAYS`` days.
"""

import datetime as dt
import logging
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import translation

from accord.actions import selectors
from accord.actions.events import ExportFinished
from accord.actions.models import ActionItem, Export
from accord.core import clock
from accord.core.events import emit
from accord.exports.xlsx import actions_xlsx
from accord.org.models import Department, Person

log = logging.getLogger("accord.exports")
Status = Export.Status


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _meeting_items(person: Person, params: dict) -> QuerySet[ActionItem]:
    return (
        selectors.actions_visible_to(person)
        .filter(meeting_id=params["meeting"])
        .order_by("due_date", "id")
    )


def _department_items(person: Person, params: dict) -> QuerySet[ActionItem]:
    owner = params.get("owner")
    return selectors.department_board(
        person=person,
        department=Department.objects.get(pk=params["department"]),
        owner=Person.objects.get(pk=owner) if owner else None,
        due_after=_date(params.get("due_after")),
        due_before=_date(params.get("due_before")),
    )


def _overdue_items(person: Person, params: dict) -> QuerySet[ActionItem]:
    return selectors.overdue_board(person=person, oldest_first=params.get("oldest_first", True))


def _filtered_items(person: Person, params: dict) -> QuerySet[ActionItem]:
    values = dict(params)
    for name in ("due_after", "due_before"):
        values[name] = _date(values.get(name))
    return selectors.actions_filtered(person=person, **values)


# kind -> the rows of that list, through the visibility selectors, as ``person`` sees them
KINDS: dict[str, Callable[[Person, dict], QuerySet[ActionItem]]] = {
    "meeting": _meeting_items,
    "department": _department_items,
    "overdue": _overdue_items,
    "filtered": _filtered_items,
}


def jsonable(params: dict[str, Any]) -> dict[str, Any]:
    """Filter values as JSON: dates as ISO strings, people and departments by id."""
    out: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif hasattr(value, "pk"):
            value = value.pk
        out[name] = value
    return out


def export_items(*, person: Person, kind: str, params: dict) -> QuerySet[ActionItem]:
    return KINDS[kind](person, params)


def action_plan_export(
    *, person: Person, kind: str, params: dict, filename: str, language: str
) -> bytes | Export:
    """The workbook's bytes when the list is small; else a pending ``Export`` job."""
    params = jsonable(params)
    items = export_items(person=person, kind=kind, params=params)
    count = items.count()
    if count <= settings.ACCORD_EXPORT_INLINE_ROWS:
        return actions_xlsx(selectors.action_export_rows(items=items), language=language)
    return Export.objects.create(
        person=person,
        kind=kind,
        params=params,
        language=language,
        filename=filename,
        rows=count,
    )


# -- the worker's part ---------------------------------------------------------------------


def export_dir() -> Path:
    return Path(settings.VAR_DIR) / "exports"


def export_path(export: Export) -> Path | None:
    """Where a finished export's file is, if it is still there."""
    if export.status != Status.DONE or not export.stored_name:
        return None
    path = export_dir() / export.stored_name
    return path if path.is_file() else None


def exports_claim(*, token: str, now: dt.datetime, lease: dt.timedelta, batch: int) -> list:
    """Pending jobs (and running ones whose worker's lease ran out), taken for ``token``: the
    update only takes rows still in that state, so each job goes to one worker."""
    due = Q(status=Status.PENDING) | Q(status=Status.RUNNING, claimed_until__lt=now)
    with transaction.atomic():
        chosen = list(
            Export.objects.filter(due)
            .order_by("created_at", "id")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[:batch]
        )
        if not chosen:
            return []
        Export.objects.filter(due, pk__in=chosen).update(
            status=Status.RUNNING, claimed_by=token, claimed_until=now + lease
        )
    return list(
        Export.objects.filter(pk__in=chosen, claimed_by=token, status=Status.RUNNING)
        .select_related("person")
        .order_by("created_at", "id")
    )


def export_render(export: Export) -> bytes:
    """The job's workbook, rendered now in the language it was asked in."""
    with translation.override(export.language):
        items = export_items(person=export.person, kind=export.kind, params=export.params)
        rows = selectors.action_export_rows(items=items)
        export.rows = len(rows)
        return actions_xlsx(rows, language=export.language)


def _store(content: bytes) -> str:
    folder = export_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_urlsafe(24)}.xlsx"
    partial = folder / f".{name}.part"
    partial.write_bytes(content)
    os.replace(partial, folder / name)
    return name


def export_run_one(export: Export, *, token: str) -> str:
    """Render, store and announce one claimed job; "done" or "failed". A failure is
    recorded on the job with its error; it never escapes."""
    stored = ""
    try:
        content = export_render(export)
        stored = _store(content)
        with transaction.atomic():
            taken = Export.objects.filter(pk=export.pk, claimed_by=token).update(
                status=Status.DONE,
                stored_name=stored,
                rows=export.rows,
                finished_at=clock.now(),
                error="",
                claimed_by="",
                claimed_until=None,
            )
            if taken:
                export.status, export.stored_name = Status.DONE, stored
                emit(ExportFinished(export))
        if not taken:  # our lease ran out and another worker has it: its file stands
            (export_dir() / stored).unlink(missing_ok=True)
            return "skipped"
        return "done"
    except Exception as exc:  # a bad job must not stop the worker
        log.exception("rendering export %s", export.pk)
        if stored:
            (export_dir() / stored).unlink(missing_ok=True)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if Export.objects.filter(pk=export.pk, claimed_by=token).update(
            status=Status.FAILED,
            error=error,
            finished_at=clock.now(),
            claimed_by="",
            claimed_until=None,
        ):
            export.status, export.error = Status.FAILED, error
            emit(ExportFinished(export))
        return "failed"


def exports_run(*, token: str, now: dt.datetime, lease: dt.timedelta, batch: int) -> dict:
    counts = {"exported": 0, "export_failed": 0, "export_skipped": 0}
    for export in exports_claim(token=token, now=now, lease=lease, batch=batch):
        outcome = export_run_one(export, token=token)
        counts[{"done": "exported", "failed": "export_failed"}.get(outcome, "export_skipped")] += 1
    return counts


def exports_purge(now: dt.datetime) -> int:
    """Delete the exports (files and rows) older than ``ACCORD_EXPORT_KEEP_DAYS``."""
    old = Export.objects.filter(
        created_at__lt=now - dt.timedelta(days=settings.ACCORD_EXPORT_KEEP_DAYS)
    )
    count = 0
    for export in old.only("pk", "stored_name"):
        if export.stored_name:
            (export_dir() / export.stored_name).unlink(missing_ok=True)
        Export.objects.filter(pk=export.pk).delete()
        count += 1
    return count


def export_get_for(*, person: Person, pk: int) -> Export:
    """The export if ``person`` asked for it; ``Export.DoesNotExist`` for anyone else."""
    return Export.objects.get(pk=pk, person=person)
