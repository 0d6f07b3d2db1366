"""Import of action items from an Excel sheet in the action plan's columns (S-MEET-4).

The sheet is the one ``accord.exports.xlsx`` writes: a header row, then task, owner,
department, due date, required resources (further columns are ignored). Every row is checked
as ``action_create`` checks it — the owner an active person (by name or user name), the
department by name (the owner's when left empty), the due date through the due-date rule read
from the meeting's date — and the report lists each refusal with its row and column. A file
with refusals imports nothing unless the caller accepts the valid part; the valid rows then go
through ``action_create`` one by one (audit, notifications), all or none."""

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from accord.actions import services
from accord.actions.deadlines import parse_due_date, require_not_before
from accord.actions.models import ActionItem
from accord.core.errors import AppError
from accord.exports.xlsx import column_titles
from accord.meetings.models import Meeting
from accord.org.models import Department, Person

COLUMNS = ("task", "owner", "department", "due_date", "resources")
DUE_TEXT_MAX = 100  # ActionItem.due_text keeps the phrase as said
MAX_ROWS = 500


@dataclass(frozen=True)
class RowError:
    """One refusal: the sheet's row number (the header is row 1), the column (``COLUMNS``)
    and its title, and why."""

    row: int
    column: str
    label: str
    message: str


@dataclass(frozen=True)
class ImportRow:
    row: int
    task: str
    owner: Person
    department: Department
    due: str | dt.date  # as written: a phrase or a date, as action_create takes it
    due_date: dt.date
    resources: str


@dataclass
class ImportReport:
    accepted: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: list[ActionItem] = field(default_factory=list)

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({error.row for error in self.errors})

    @property
    def imported(self) -> bool:
        return bool(self.created)


def _file_error(message: str, code: str = "invalid_file") -> AppError:
    return AppError(message, field="file", code=code)


def _header_names() -> list[set[str]]:
    """Each import column's accepted titles, in every language the UI speaks."""
    names: list[set[str]] = [set() for _ in COLUMNS]
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for i, title in enumerate(column_titles()[: len(COLUMNS)]):
                names[i].add(title.strip().casefold())
    return names


def _read_rows(file: IO[bytes]) -> list[tuple[int, tuple[Any, ...]]]:
    """The data rows (row number, first five cells) of the first sheet; ``AppError`` on
    ``file`` if it is no workbook, has the wrong header, is too large or is empty."""
    limit = settings.ACCORD_MAX_UPLOAD_MB * 1024 * 1024
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise _file_error(
            _("The file is larger than %(size)d MB.") % {"size": settings.ACCORD_MAX_UPLOAD_MB},
            code="too_large",
        )
    data = file.read(limit + 1)
    if len(data) > limit:
        raise _file_error(
            _("The file is larger than %(size)d MB.") % {"size": settings.ACCORD_MAX_UPLOAD_MB},
            code="too_large",
        )
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a zip that is no workbook raises any of a dozen types
        raise _file_error(_("This is not an Excel workbook (.xlsx).")) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise _file_error(_("This is not an Excel workbook (.xlsx)."))
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None) or ()
        header = tuple(header[: len(COLUMNS)]) + (None,) * (len(COLUMNS) - len(header))
        expected = _header_names()
        if any(
            str(cell or "").strip().casefold() not in names
            for cell, names in zip(header, expected, strict=True)
        ):
            raise _file_error(
                _("The first row must be the action plan's header: %(columns)s.")
                % {"columns": ", ".join(column_titles()[: len(COLUMNS)])},
                code="wrong_header",
            )
        found: list[tuple[int, tuple[Any, ...]]] = []
        for number, values in enumerate(rows, start=2):
            cells = tuple(values[: len(COLUMNS)]) + (None,) * (len(COLUMNS) - len(values))
            if all(cell is None or str(cell).strip() == "" for cell in cells):
                continue
            if len(found) == MAX_ROWS:
                raise _file_error(
                    _("At most %(count)d action items can be imported at once.")
                    % {"count": MAX_ROWS},
                    code="too_many_rows",
                )
            found.append((number, cells))
    except AppError:
        raise
    except Exception:  # read-only mode parses the sheet only now: a damaged one fails here
        raise _file_error(_("This is not an Excel workbook (.xlsx).")) from None
    finally:
        book.close()
    if not found:
        raise _file_error(_("The sheet holds no action items."), code="empty")
    return found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _people(names: set[str]) -> tuple[dict[str, Person], dict[str, list[Person]]]:
    """Active people by user name, and by name (a name may be shared)."""
    people = Person.objects.filter(is_active=True).filter(Q(username__in=names) | Q(name__in=names))
    by_username: dict[str, Person] = {}
    by_name: dict[str, list[Person]] = {}
    for person in people.select_related("department"):
        by_username[person.username] = person
        by_name.setdefault(person.name, []).append(person)
    return by_username, by_name


def actions_import(
    *, actor: Person, meeting: Meeting, file: IO[bytes], accept_valid: bool = False
) -> ImportReport:
    """Check every row of ``file`` and import them when all are valid, or, with
    ``accept_valid``, the valid ones. ``AppError`` on ``file`` for a file that cannot be read
    (nothing imported); the refusals of ``action_create``'s rules for the actor or the
    meeting's stage."""
    services._require_recording(actor, meeting)  # before reading anything
    rows = _read_rows(file)
    labels = dict(zip(COLUMNS, column_titles()[: len(COLUMNS)], strict=True))
    owners = {_text(cells[1]) for _n, cells in rows} - {""}
    by_username, by_name = _people(owners)
    departments = {
        d.name: d
        for d in Department.objects.filter(name__in={_text(cells[2]) for _n, cells in rows})
    }
    day = services.meeting_date(meeting)
    report = ImportReport()
    for number, (task_cell, owner_cell, dept_cell, due_cell, res_cell) in rows:
        errors: list[RowError] = []

        def refuse(column: str, message: str, number: int = number, errors=errors) -> None:
            errors.append(RowError(number, column, labels[column], str(message)))

        task = _text(task_cell)
        if not task:
            refuse("task", _("Say what is to be done."))
        owner_name = _text(owner_cell)
        owner = by_username.get(owner_name)
        if owner is None and owner_name:
            named = by_name.get(owner_name, [])
            if len(named) == 1:
                owner = named[0]
            elif len(named) > 1:
                refuse(
                    "owner",
                    _("Several people are called %(name)s: write the user name instead.")
                    % {"name": owner_name},
                )
            else:
                refuse("owner", _("No active person is called %(name)s.") % {"name": owner_name})
        elif not owner_name:
            refuse("owner", _("Every action item needs an owner."))
        department_name = _text(dept_cell)
        department = departments.get(department_name)
        if department_name and department is None:
            refuse(
                "department",
                _("There is no department called %(name)s.") % {"name": department_name},
            )
        elif not department_name and owner is not None:
            department = owner.department
            if department is None:
                refuse("department", _("Name the department responsible."))
        due: str | dt.date = ""
        due_date = None
        try:
            if isinstance(due_cell, dt.datetime | dt.date):
                due = due_cell.date() if isinstance(due_cell, dt.datetime) else due_cell
                require_not_before(due, not_before=day)
                due_date = due
            elif due_cell is None or isinstance(due_cell, str):
                due = _text(due_cell)
                if len(due) > DUE_TEXT_MAX:
                    raise AppError(
                        _("Keep the due date to %(max)s characters.") % {"max": DUE_TEXT_MAX}
                    )
                due_date = parse_due_date(due, reference=day, not_before=day)
            else:
                refuse(
                    "due_date",
                    _("Write the due date as a date or as a phrase such as 9月15日前."),
                )
        except AppError as error:
            refuse("due_date", error.message)
        if errors:
            report.errors.extend(errors)
            continue
        report.accepted.append(
            ImportRow(
                row=number,
                task=task,
                owner=owner,
                department=department,
                due=due,
                due_date=due_date,
                resources=_text(res_cell),
            )
        )
    if report.errors and not accept_valid:
        return report
    with transaction.atomic():
        for row in report.accepted:
            report.created.append(
                services.action_create(
                    actor=actor,
                    meeting=meeting,
                    task=row.task,
                    owner=row.owner,
                    department=row.department,
                    due=row.due,
                    resources=row.resources,
                )
            )
    return report
