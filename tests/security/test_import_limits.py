"""Issue #16, item 2: a small spreadsheet must not hold a web worker.

Every hostile workbook is built here with the standard library's zipfile, part by part, and
posted to the real import page as the meeting's recorder. Each answer comes back within a
second or two with a clear refusal or the row-by-row report, and no action item is saved."""

import io
import re
import struct
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accord.actions.imports import MAX_UNPACKED_BYTES, RowError, actions_import
from accord.actions.models import ActionItem
from accord.notify.models import Notification

pytestmark = pytest.mark.django_db

# The issue asks for an answer within a second; the margin is for a shared test machine.
WITHIN = 2.0

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    f'<Relationship Id="rId3" Type="{DOC_RELS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
NO_STRINGS = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="0"/>'
HEADER = ["任务", "负责人", "部门", "完成时间", "所需资源"]
VALID = ["输出技术方案", "li", "研发部", "2026-09-15", "2名后端工程师"]


def workbook_xml(sheets: int = 1) -> str:
    listed = "".join(
        f'<sheet name="Sheet{n}" sheetId="{n}" r:id="rId1"/>' for n in range(1, sheets + 1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
        f'xmlns:r="{DOC_RELS}"><sheets>{listed}</sheets></workbook>'
    )


def row(number: int, values: list[str]) -> str:
    cells = "".join(
        f'<c r="{"ABCDE"[i]}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        for i, value in enumerate(values)
        if value
    )
    return f'<row r="{number}">{cells}</row>'


def sheet_xml(rows: str, dimension: str | None = None) -> str:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        f"{declared}<sheetData>{rows}</sheetData></worksheet>"
    )


def package(
    sheet: str,
    *,
    strings: str = NO_STRINGS,
    workbook: str | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
    drop: tuple[str, ...] = (),
) -> bytes:
    """A minimal .xlsx as Excel lays it out, with the parts given."""
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": PACKAGE_RELS,
        "xl/workbook.xml": workbook or workbook_xml(),
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/styles.xml": STYLES,
        "xl/sharedStrings.xml": strings,
        "xl/worksheets/sheet1.xml": sheet,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            if name not in drop:
                archive.writestr(name, text, compress_type=compression)
    return out.getvalue()


def upload(data: bytes, name: str = "plan.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture
def recorder_page(client, org, running_meeting):
    """Post a file to the import page as the recorder: (response, seconds taken)."""
    client.force_login(org.zhao)
    url = reverse("actions:import", args=[running_meeting.pk])

    def post(data: bytes, *, accept_valid: bool = False, name: str = "plan.xlsx"):
        form = {"file": upload(data, name)}
        if accept_valid:
            form["accept_valid"] = "True"
        started = time.perf_counter()
        response = client.post(url, form)
        return response, time.perf_counter() - started

    return post


def error_rows(page: str) -> list[tuple[str, str, str]]:
    """The report's refusals as the page shows them: (row, column, problem)."""
    body = page.split('id="import-errors"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", body)


PAST_LIMIT = (
    "Only rows 2 to 501 are read: an import takes at most 500 action items. Delete this row "
    "and every row below it, blank ones included, or import them from another file; nothing "
    "was imported."
)
TOO_LARGE = (
    "The workbook is too large to import: it unpacks to more than 2 MB, and an action plan of "
    "500 rows needs far less. Keep only the action plan&#x27;s sheet in the file."
)
NOT_A_WORKBOOK = "This is not an Excel workbook (.xlsx)."


def assert_refused(response, seconds: float, message: str) -> None:
    """Refused on the file field, at once, without a report."""
    assert response.status_code == 422
    assert seconds < WITHIN
    page = response.content.decode()
    assert f'<ul class="errorlist" id="id_file_error" role="alert"><li>{message}</li></ul>' in page
    assert 'id="import-report"' not in page


# --- the declared dimension and the row limit --------------------------------------------


def test_a_row_twenty_million_rows_down_is_reported_at_once(recorder_page, org):
    # given: the issue's file: a 20,000,000-row dimension and one row at 20,000,000
    hostile = package(sheet_xml(row(1, HEADER) + row(20_000_000, VALID), dimension="A1:E20000000"))
    assert len(hostile) < 5 * 1024
    notifications = Notification.objects.count()

    # when
    response, seconds = recorder_page(hostile)
    accepted, accepted_seconds = recorder_page(hostile, accept_valid=True)

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert seconds < WITHIN
    assert 'data-accepted="0" data-rejected="1"' in page
    assert error_rows(page) == [("502", "", PAST_LIMIT)]
    assert 'name="accept_valid"' not in page
    assert accepted.status_code == 200
    assert accepted_seconds < WITHIN
    assert error_rows(accepted.content.decode()) == [("502", "", PAST_LIMIT)]
    assert ActionItem.objects.count() == 0
    assert Notification.objects.count() == notifications


def test_the_first_row_past_five_hundred_stops_the_reading(
    recorder_page, org, running_meeting, django_assert_max_num_queries
):
    # given: 501 valid rows, rows 2 to 502
    rows = row(1, HEADER) + "".join(row(n, VALID) for n in range(2, 503))
    hostile = package(sheet_xml(rows, dimension="A1:E502"))

    # when: 500 rows checked with the queries of one (session, person, meeting, role,
    # owners, departments)
    with django_assert_max_num_queries(6):
        response, seconds = recorder_page(hostile, accept_valid=True)
    report = actions_import(
        actor=org.zhao, meeting=running_meeting, file=upload(hostile), accept_valid=True
    )

    # then: the 500 rows read are checked, the 501st is refused, nothing is imported
    page = response.content.decode()
    assert response.status_code == 200
    assert seconds < WITHIN
    assert 'data-accepted="500" data-rejected="1"' in page
    assert error_rows(page) == [("502", "", PAST_LIMIT)]
    assert 'name="accept_valid"' not in page
    assert report.errors == [RowError(502, "", "", PAST_LIMIT)]
    assert [r.row for r in report.accepted] == list(range(2, 502))
    assert (report.past_limit, report.read_whole, report.created) == (502, False, [])
    assert ActionItem.objects.count() == 0


def test_blank_rows_count_towards_the_limit(org, running_meeting):
    # given: a valid row, then blank rows down to 600, then another valid row
    rows = row(1, HEADER) + row(2, VALID) + row(600, VALID)
    report = actions_import(
        actor=org.zhao,
        meeting=running_meeting,
        file=upload(package(sheet_xml(rows))),
        accept_valid=True,
    )

    assert [r.row for r in report.accepted] == [2]
    assert report.errors == [RowError(502, "", "", PAST_LIMIT)]
    assert ActionItem.objects.count() == 0


def test_five_hundred_rows_are_still_imported(org, running_meeting):
    rows = row(1, HEADER) + "".join(row(n, VALID) for n in range(2, 502))

    report = actions_import(
        actor=org.zhao, meeting=running_meeting, file=upload(package(sheet_xml(rows)))
    )

    assert (report.errors, report.read_whole, len(report.created)) == ([], True, 500)
    assert ActionItem.objects.filter(meeting=running_meeting).count() == 500


def test_a_wide_declared_dimension_reads_only_the_plans_columns(org, running_meeting):
    rows = row(1, HEADER) + row(2, VALID)

    report = actions_import(
        actor=org.zhao,
        meeting=running_meeting,
        file=upload(package(sheet_xml(rows, dimension="A1:XFD2"))),
    )

    assert [(a.task, a.resources) for a in report.created] == [("输出技术方案", "2名后端工程师")]


# --- the archive -------------------------------------------------------------------------


def test_a_huge_shared_strings_table_is_refused_before_it_is_read(recorder_page):
    strings = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'
        + "<si><t>a</t></si>" * (40 * 1024 * 1024 // 17)
        + "</sst>"
    )
    hostile = package(sheet_xml(row(1, HEADER) + row(2, VALID)), strings=strings)
    assert len(hostile) < 300 * 1024

    response, seconds = recorder_page(hostile)

    assert_refused(response, seconds, TOO_LARGE)
    assert ActionItem.objects.count() == 0


def test_a_sheet_that_inflates_past_the_bound_is_refused(recorder_page):
    # given: a zip bomb: the sheet's part declares 64 MB of rows
    padding = '<row r="3"/>' * (64 * 1024 * 1024 // 12)
    hostile = package(sheet_xml(row(1, HEADER) + row(2, VALID) + padding))

    response, seconds = recorder_page(hostile)

    assert_refused(response, seconds, TOO_LARGE)
    assert ActionItem.objects.count() == 0


def lie_about_size(data: bytes, name: str, size: int) -> bytes:
    """``data`` with ``name``'s uncompressed size set to ``size`` in its local header and in
    the central directory, as a forger would write it."""
    encoded = name.encode()
    patched = bytearray(data)
    local = patched.find(b"PK\x03\x04")
    while local != -1:
        name_length = struct.unpack_from("<H", patched, local + 26)[0]
        if bytes(patched[local + 30 : local + 30 + name_length]) == encoded:
            struct.pack_into("<I", patched, local + 22, size)
        local = patched.find(b"PK\x03\x04", local + 4)
    central = patched.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", patched, central + 28)[0]
        if bytes(patched[central + 46 : central + 46 + name_length]) == encoded:
            struct.pack_into("<I", patched, central + 24, size)
        central = patched.find(b"PK\x01\x02", central + 4)
    return bytes(patched)


def test_a_part_that_lies_about_its_size_is_not_inflated_past_it(recorder_page):
    # given: the 64 MB sheet, declared as 4 KB
    padding = '<row r="3"/>' * (64 * 1024 * 1024 // 12)
    bomb = package(sheet_xml(row(1, HEADER) + row(2, VALID) + padding))
    hostile = lie_about_size(bomb, "xl/worksheets/sheet1.xml", 4096)
    declared = zipfile.ZipFile(io.BytesIO(hostile)).getinfo("xl/worksheets/sheet1.xml")
    assert declared.file_size == 4096

    response, seconds = recorder_page(hostile)

    assert_refused(response, seconds, NOT_A_WORKBOOK)
    assert ActionItem.objects.count() == 0


def test_a_compression_excel_never_writes_is_refused(recorder_page):
    # bzip2 inflates a whole block at once, whatever size the part declares
    hostile = package(sheet_xml(row(1, HEADER) + row(2, VALID)), compression=zipfile.ZIP_BZIP2)

    response, seconds = recorder_page(hostile)

    assert_refused(response, seconds, NOT_A_WORKBOOK)
    assert ActionItem.objects.count() == 0


def test_an_entity_that_expands_is_refused(recorder_page):
    # given: 1.2 MB of references to a 250-byte entity, within the unpacked bound and under
    # expat's own amplification limit: a 100 MB task in a row that is otherwise valid
    entity = "a" * 250
    strings = (
        f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "{entity}">]>'
        f'<sst xmlns="{MAIN}"><si><t>' + "&a;" * 400_000 + "</t></si></sst>"
    )
    valid_rest = row(2, ["", *VALID[1:]]).removeprefix('<row r="2">')
    sheet = sheet_xml(row(1, HEADER) + '<row r="2"><c r="A2" t="s"><v>0</v></c>' + valid_rest)
    hostile = package(sheet, strings=strings)
    assert sum(p.file_size for p in zipfile.ZipFile(io.BytesIO(hostile)).infolist()) < (
        MAX_UNPACKED_BYTES
    )

    response, seconds = recorder_page(hostile, accept_valid=True)

    assert_refused(response, seconds, NOT_A_WORKBOOK)
    assert ActionItem.objects.count() == 0


def test_one_sheet_listed_thousands_of_times_is_refused(recorder_page):
    # given: 3,000 sheets that all point at one part of 20,000 rows without a dimension
    rows = row(1, HEADER) + "".join(f'<row r="{n}"/>' for n in range(2, 20_000))
    hostile = package(sheet_xml(rows), workbook=workbook_xml(sheets=3000))

    response, seconds = recorder_page(hostile)

    assert_refused(response, seconds, NOT_A_WORKBOOK)
    assert ActionItem.objects.count() == 0


# --- cells -------------------------------------------------------------------------------


def test_a_megabyte_in_a_cell_is_refused_on_its_row_without_echo(recorder_page):
    megabyte = "界" * (1024 * 1024 // 3)  # 1 MB in the sheet's UTF-8
    resources = "资" * 100_000
    rows = (
        row(1, HEADER)
        + row(2, [megabyte, "li", "研发部", "2026-09-15", ""])
        + row(3, ["输出技术方案", "x" * 1000, "研发部", "2026-09-15", ""])
        + row(4, ["输出技术方案", "li", "研发部", "2026-09-15", resources])
    )

    response, seconds = recorder_page(package(sheet_xml(rows)), accept_valid=True)

    page = response.content.decode()
    assert response.status_code == 200
    assert seconds < WITHIN
    assert error_rows(page) == [
        ("2", "Task", f"Keep it to 2000 characters (this has {len(megabyte)})."),
        ("3", "Owner", "Keep it to 150 characters (this has 1000)."),
        ("4", "Required resources", "Keep it to 2000 characters (this has 100000)."),
    ]
    assert "界界" not in page
    assert "资资" not in page
    assert "xxx" not in page
    assert len(response.content) < 64 * 1024
    assert ActionItem.objects.count() == 0


# --- not a workbook ----------------------------------------------------------------------


def zip_of(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("任务,负责人\n输出技术方案,li\n".encode(), id="text-named-xlsx"),
        pytest.param(zip_of({"readme.txt": "hello"}), id="zip-without-workbook"),
        pytest.param(
            package(sheet_xml(row(1, HEADER)), drop=("xl/workbook.xml",)),
            id="package-without-workbook-part",
        ),
        pytest.param(
            package(sheet_xml(row(1, HEADER) + row(2, VALID))[:-40]), id="truncated-sheet"
        ),
        pytest.param(b"PK\x05\x06" + b"\0" * 18, id="empty-zip"),
    ],
)
def test_what_is_no_workbook_gets_a_field_error(recorder_page, data):
    response, seconds = recorder_page(data)

    assert_refused(response, seconds, NOT_A_WORKBOOK)
    assert ActionItem.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_over_http_the_issues_file_is_answered_at_once(org, running_meeting, browser_as):
    """The issue's 5 KB file posted to the live server's import page: the report comes back
    within the limit, naming row 502, and nothing is imported."""
    hostile = package(sheet_xml(row(1, HEADER) + row(20_000_000, VALID), dimension="A1:E20000000"))
    browser = browser_as(org.zhao)
    url = reverse("actions:import", args=[running_meeting.pk])
    assert browser.get(url).status_code == 200
    started = time.perf_counter()
    response = browser.post(url, {}, files={"file": ("plan.xlsx", hostile)})
    elapsed = time.perf_counter() - started

    assert response.status_code == 200
    assert elapsed < WITHIN
    assert error_rows(response.text) == [("502", "", PAST_LIMIT)]
    assert ActionItem.objects.count() == 0
