"""Import of action items from an Excel sheet in the action plan's columns (S-MEET-4).

The sheet is the one ``accord.exports.xlsx`` writes: a header row, then task, owner,
department, due date, required resources (further columns are ignored). Every row is checked
as ``action_create`` checks it — the owner an active person (by name or user name), the
department by name (the owner's when left empty), the due date through the due-date rule read
from the meeting's date — and the report lists each refusal with its row and column. A file
with refusals imports nothing unless the caller accepts the valid part; the valid rows then go
through ``action_create`` one by one (audit, notifications), all or none.

The file comes from anyone who may record, so reading it is bounded before and during the
parse, and a hostile file is answered at once:

- The archive is checked from its central directory before any part is inflated: at most
  ``MAX_PARTS`` parts, only the two compressions Excel writes (stored and deflate; bzip2 and
  LZMA inflate a whole block at once, whatever the declared size), and at most
  ``MAX_UNPACKED_BYTES`` once unpacked. ``zipfile`` never inflates a part past its declared
  size, so the declared sizes are a real bound. A full plan of ``MAX_ROWS`` rows unpacks to
  about 0.4 MB; the bound leaves five times that, and keeps openpyxl's parse of the slowest
  shape that fits (2 MB of tiny style or shared-string entries) within one or two seconds.
- XML entity declarations are refused (defusedxml, which openpyxl uses once installed): an
  entity that expands within the size bound can still make hundreds of megabytes.
- Each worksheet of the workbook must be its own part: openpyxl reads every sheet's size on
  opening, and one part listed as thousands of sheets would be read thousands of times.
  Chart sheets are not read at all.
- The sheet's declared dimension is ignored and every row read counts, blank ones included,
  so what is read stops at row ``MAX_ROWS + 1`` of the sheet whatever lies between; a sheet
  that goes on past it is reported at its first row past the limit and imports nothing, even
  when the valid part is accepted: the rows below were never read.
- A cell is refused on its row when it breaks its field's rule (``accord.core.limits``: the
  length and characters of the task, the resources, a name), and a refused name or text is
  never echoed back in the message; names past their field's length are not looked up."""

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.reader.excel import ExcelReader

from accord.actions import services
from accord.actions.deadlines import parse_due_date, require_not_before
from accord.actions.models import ActionItem
from accord.actions.sheet import column_titles
from accord.core import limits
from accord.core.errors import AppError
from accord.meetings.models import Meeting
from accord.org.models import Department, Person

COLUMNS = ("task", "owner", "department", "due_date", "resources")
DUE_TEXT_MAX = ActionItem._meta.get_field("due_text").max_length  # the phrase as said
MAX_ROWS = 500
MAX_UNPACKED_BYTES = 2 * 1024 * 1024
MAX_PARTS = 1000
# Headers and names of MAX_PARTS parts; a larger file cannot unpack within the bound.
MAX_FILE_BYTES = MAX_UNPACKED_BYTES + 512 * 1024


@dataclass(frozen=True)
class RowError:
    """One refusal: the sheet's row number (the header is row 1), the column (``COLUMNS``)
    and its title, and why; column and title are empty when the refusal is about the row
    itself (the first row past ``MAX_ROWS``)."""

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
    # The first row past MAX_ROWS when the sheet goes on below it: nothing is imported then.
    past_limit: int | None = None

    @property
    def read_whole(self) -> bool:
        return self.past_limit is None

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


class _WorkbookReader(ExcelReader):
    """openpyxl's reader, refusing a part listed as several sheets and skipping chart sheets
    (see the module's docstring); ``load_workbook`` is this reader's ``read()``."""

    def read_chartsheet(self, sheet, rel) -> None:
        return None

    def read_worksheets(self) -> None:
        parts = [rel.target for _sheet, rel in self.parser.find_sheets()]
        if len(set(parts)) != len(parts):
            raise _file_error(_("This is not an Excel workbook (.xlsx)."))
        super().read_worksheets()


def _too_large() -> AppError:
    return _file_error(
        _(
            "The workbook is too large to import: it unpacks to more than %(size)d MB, and an "
            "action plan of %(rows)d rows needs far less. Keep only the action plan's sheet "
            "in the file."
        )
        % {"size": MAX_UNPACKED_BYTES // (1024 * 1024), "rows": MAX_ROWS},
        code="too_large",
    )


def _check_archive(data: bytes) -> None:
    """Refuse, from the central directory alone, a file that is no zip or would unpack past
    the bounds of the module's docstring."""
    if len(data) > MAX_FILE_BYTES:
        raise _too_large()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        raise _file_error(_("This is not an Excel workbook (.xlsx).")) from None
    if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise _too_large()
    if any(
        part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
        or part.flag_bits & 0x1  # encrypted
        for part in parts
    ):
        raise _file_error(_("This is not an Excel workbook (.xlsx)."))


def _read_rows(file: IO[bytes]) -> tuple[list[tuple[int, tuple[Any, ...]]], int | None]:
    """The data rows (row number, first five cells) of the first sheet, and the first row
    past ``MAX_ROWS`` if the sheet goes on below it; ``AppError`` on ``file`` if it is no
    workbook, has the wrong header, is too large or is empty."""
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
    _check_archive(data)
    reader = _WorkbookReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    try:
        reader.read()
    except AppError:
        raise
    except Exception:  # a zip that is no workbook raises any of a dozen types
        raise _file_error(_("This is not an Excel workbook (.xlsx).")) from None
    book = reader.wb
    found: list[tuple[int, tuple[Any, ...]]] = []
    past_limit = None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise _file_error(_("This is not an Excel workbook (.xlsx)."))
        sheet.reset_dimensions()  # a declared A1:E20000000 would be read row by empty row
        rows = sheet.iter_rows(min_row=1, min_col=1, max_col=len(COLUMNS), values_only=True)
        header = next(rows, None) or (None,) * len(COLUMNS)
        expected = _header_names()
        if any(
            str(cell or "").strip().casefold() not in names
            for cell, names in zip(header, expected, strict=True)
        ):
            raise _file_error(
                _("The first row must be the action plan's header: %(columns)s.")
                % {
                    "columns": pgettext("list separator", ", ").join(
                        column_titles()[: len(COLUMNS)]
                    )
                },
                code="wrong_header",
            )
        # iter_rows yields every row from the first, a gap as blank rows: the count is the
        # sheet's row number, and the loop ends at the first row past the limit.
        for number, cells in enumerate(rows, start=2):
            if number > MAX_ROWS + 1:
                past_limit = number
                break
            if all(cell is None or str(cell).strip() == "" for cell in cells):
                continue
            found.append((number, cells))
    except AppError:
        raise
    except Exception:  # read-only mode parses the sheet only now: a damaged one fails here
        raise _file_error(_("This is not an Excel workbook (.xlsx).")) from None
    finally:
        book.close()
    if not found and past_limit is None:
        raise _file_error(_("The sheet holds no action items."), code="empty")
    return found, past_limit


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
    meeting's stage. A sheet that goes on past ``MAX_ROWS`` rows is reported, its first row
    past the limit refused, and imports nothing."""
    services._require_recording(actor, meeting)  # before reading anything
    rows, past_limit = _read_rows(file)
    labels = dict(zip(COLUMNS, column_titles()[: len(COLUMNS)], strict=True))
    owners = {_text(cells[1]) for _n, cells in rows} - {""}
    owner_max = max(limits.limit(Person, "name"), limits.limit(Person, "username"))
    department_max = limits.limit(Department, "name")
    task_max = limits.limit(ActionItem, "task")
    resources_max = limits.limit(ActionItem, "resources")
    by_username, by_name = _people({name for name in owners if len(name) <= owner_max})
    department_names = {_text(cells[2]) for _n, cells in rows}
    departments = {
        d.name: d
        for d in Department.objects.filter(
            name__in={name for name in department_names if len(name) <= department_max}
        )
    }
    day = services.meeting_date(meeting)
    report = ImportReport(past_limit=past_limit)
    for number, (task_cell, owner_cell, dept_cell, due_cell, res_cell) in rows:
        errors: list[RowError] = []

        def refuse(column: str, message: str, number: int = number, errors=errors) -> None:
            errors.append(RowError(number, column, labels[column], str(message)))

        task = _text(task_cell)
        if not task:
            refuse("task", _("Say what is to be done."))
        else:
            try:
                task = limits.require_text(task, field="task", max_length=task_max)
            except AppError as error:
                refuse("task", error.message)
        owner_name = _text(owner_cell)
        owner = by_username.get(owner_name)
        if len(owner_name) > owner_max:
            refuse("owner", limits.too_long_message(owner_max, len(owner_name)))
        elif owner is None and owner_name:
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
        if len(department_name) > department_max:
            refuse("department", limits.too_long_message(department_max, len(department_name)))
        elif department_name and department is None:
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
                due = limits.require_line(due, field="due_date", max_length=DUE_TEXT_MAX)
                due_date = parse_due_date(due, reference=day, not_before=day)
            else:
                refuse(
                    "due_date",
                    _("Write the due date as a date or as a phrase such as “by Sept 15”."),
                )
        except AppError as error:
            refuse("due_date", error.message)
        resources = _text(res_cell)
        try:
            resources = limits.require_text(resources, field="resources", max_length=resources_max)
        except AppError as error:
            refuse("resources", error.message)
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
                resources=resources,
            )
        )
    if past_limit is not None:
        report.errors.append(
            RowError(
                past_limit,
                "",
                "",
                _(
                    "Only rows 2 to %(last)d are read: an import takes at most %(count)d "
                    "action items. Delete this row and every row below it, blank ones "
                    "included, or import them from another file; nothing was imported."
                )
                % {"last": MAX_ROWS + 1, "count": MAX_ROWS},
            )
        )
    if (report.errors and not accept_valid) or not report.read_whole:
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
