"""The action plan as an Excel workbook (《行动计划表》): any list of action items in, bytes out.

One sheet, one row per item: task, owner, department, due date, resources, status, meeting,
topic, overdue reason, and the day the meeting was held (once held at another time than
planned, that day: ``Meeting.starts_at``). The header row is frozen and carries an auto-filter over the table;
due dates are real Excel dates; the status cell is coloured (done green, overdue red, in
progress blue, cancelled grey). The plan is the items as they stand, statuses included, and
the sheet says as of when ("Statuses as of …", as the minutes documents do). The first five
columns are the ones ``accord.actions.imports``
reads back, so an exported plan can be imported into another meeting."""

import datetime as dt
import io
import unicodedata
from collections.abc import Iterable

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from accord.actions.models import ActionItem
from accord.actions.sheet import ActionRow, column_titles
from accord.core import clock
from accord.exports.minutes_text import as_of as as_of_text

DATE_FORMAT = "yyyy-mm-dd"
DECIMAL_FORMAT = "0.0#########"  # at least one decimal, more only when there are
MAX_WIDTH = 60  # in Excel's character units; longer text wraps

# Status colours: light fills, readable with black text, in print too.
FILLS = {
    "done": "C6EFCE",  # green
    "overdue": "FFC7CE",  # red
    "in_progress": "BDD7EE",  # blue
    "open": "FFEB9C",  # amber: open, not yet late
    "cancelled": "D9D9D9",  # grey
}
HEADER_FILL = "DDEBF7"
MEETING_DATE_COLUMN = 10


def _as_text(sheet) -> None:
    """Text that starts like a formula ("=…") stays text: what people typed into Accord must
    never run as a formula in the reader's spreadsheet."""
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"


def _status_label(row: ActionRow) -> str:
    if row.overdue:
        return _("Overdue")
    if row.status in ActionItem.Status.values:
        return str(ActionItem.Status(row.status).label)
    return row.status


def display_width(text: str) -> int:
    """Columns the text needs: CJK and other wide characters take two."""
    longest = max((line for line in str(text).splitlines()), key=len, default="")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def actions_xlsx(
    rows: Iterable[ActionRow], *, language: str, as_of: dt.datetime | None = None
) -> bytes:
    """The workbook for ``rows`` with its header and status labels in ``language``.

    The statuses are those of ``as_of`` (now, by default: the rows are read as the file is
    made), and the sheet says so as every minutes document does: "Statuses as of
    YYYY-MM-DD HH:MM" beside the header, one column right of the table (outside the columns
    the import reads and the auto-filter), and in the printed page's header."""
    rows = list(rows)
    with translation.override(language):
        titles = column_titles()
        statement = as_of_text(as_of or clock.now())
        book = Workbook()
        sheet = book.active
        sheet.title = _("Action plan")[:31]
        sheet.append(titles)
        for row in rows:
            sheet.append(
                [
                    row.task,
                    row.owner,
                    row.department,
                    row.due_date,
                    row.resources,
                    _status_label(row),
                    row.meeting,
                    row.topic,
                    row.overdue_reason,
                    row.meeting_date,
                ]
            )
    _as_text(sheet)
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center")
    wrap = Alignment(wrap_text=True, vertical="top")
    for index, row in enumerate(rows, start=2):
        for cell in sheet[index]:
            cell.alignment = wrap
        sheet.cell(index, 4).number_format = DATE_FORMAT
        sheet.cell(index, MEETING_DATE_COLUMN).number_format = DATE_FORMAT
        key = "overdue" if row.overdue else row.status
        if key in FILLS:
            sheet.cell(index, 6).fill = PatternFill("solid", fgColor=FILLS[key])
    for column, title in enumerate(titles, start=1):
        values = [title] + [sheet.cell(i, column).value for i in range(2, len(rows) + 2)]
        widest = max(
            10 if isinstance(value, dt.date) else display_width(value or "") for value in values
        )
        sheet.column_dimensions[get_column_letter(column)].width = min(MAX_WIDTH, widest + 2)
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(titles))
    sheet.auto_filter.ref = f"A1:{last}{max(1, len(rows) + 1)}"
    sheet.print_title_rows = "1:1"
    note = sheet.cell(1, len(titles) + 2, statement)
    note.font = Font(italic=True)
    sheet.column_dimensions[note.column_letter].width = display_width(statement) + 2
    sheet.oddHeader.right.text = statement.replace("&", "&&")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SHEET_TITLE_FORBIDDEN = str.maketrans({ch: " " for ch in "[]:*?/\\"})


def table_xlsx(*, title: str, headers: list[str], rows: list[list[object]]) -> bytes:
    """Any table (an analytics table …) as a one-sheet workbook: the header bold, filled and
    frozen, an auto-filter over the table, numbers as numbers (text such as "–" stays text)."""
    book = Workbook()
    sheet = book.active
    sheet.title = title.translate(SHEET_TITLE_FORBIDDEN).strip()[:31] or "Sheet"
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    _as_text(sheet)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, float):
                cell.number_format = DECIMAL_FORMAT  # 50.0 shows as 50.0, as in the CSV
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for column in range(1, len(headers) + 1):
        values = [sheet.cell(i, column).value for i in range(1, len(rows) + 2)]
        widest = max(display_width("" if value is None else str(value)) for value in values)
        sheet.column_dimensions[get_column_letter(column)].width = min(MAX_WIDTH, widest + 2)
    sheet.freeze_panes = "A2"
    last = get_column_letter(max(1, len(headers)))
    sheet.auto_filter.ref = f"A1:{last}{max(1, len(rows) + 1)}"
    sheet.print_title_rows = "1:1"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
