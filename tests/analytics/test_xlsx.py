"""Every analytics table as Excel: the same rows as its CSV, read back with openpyxl, with
the header bold and frozen, an auto-filter over the table and numbers stored as numbers."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.analytics.conftest import History
from tests.analytics.test_views import TABLES

URL = reverse("analytics:dashboard")
Q3 = {"start": "2026-07-01", "end": "2026-09-30"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_rows(client, key: str, **params) -> list[list[str]]:
    response = client.get(URL, {**Q3, **params, "format": "csv", "table": key})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def workbook(client, key: str, **params):
    response = client.get(URL, {**Q3, **params, "format": "xlsx", "table": key})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        f'attachment; filename="accord-{key}-2026-07-01-2026-09-30.xlsx"'
    )
    return load_workbook(io.BytesIO(response.content)).active


def same(value: object, text: str) -> bool:
    """A cell read back equals the CSV's text: numbers by value (Excel keeps 0.0 as 0), text
    as it is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(text) == value
    return ("" if value is None else str(value)) == text


@pytest.mark.parametrize("key", TABLES)
def test_each_table_as_xlsx_equals_its_csv(client, history: History, key: str):
    client.force_login(history.org.sun)
    expected = csv_rows(client, key)
    sheet = workbook(client, key)
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert [len(row) for row in rows] == [len(row) for row in expected]
    assert len(expected) > 1, "every table has rows in this history"
    for row, text_row in zip(rows, expected, strict=True):
        assert all(same(v, t) for v, t in zip(row, text_row, strict=True)), (row, text_row)
    # the header: bold, frozen, filtered over the whole table
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    last = chr(ord("A") + len(expected[0]) - 1)
    assert sheet.auto_filter.ref == f"A1:{last}{len(expected)}"
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, float):
                assert cell.number_format == "0.0#########"
    # numbers are numbers, not text that looks like one
    for row in rows[1:]:
        for value, text in zip(row, expected[rows.index(row)], strict=True):
            try:
                float(text)
            except ValueError:
                assert isinstance(value, str)
            else:
                assert isinstance(value, int | float) and not isinstance(value, bool)


def test_completion_by_department_as_xlsx_exact_values(client, history: History):
    """The values of ``conftest.History`` for Q3 as the PMO sees them, typed."""
    client.force_login(history.org.sun)
    sheet = workbook(client, "departments")
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Department"
    assert rows[1:] == [
        ["市场部", 2, 0, 1, 1, 2, 1, 0, 0.0],
        ["研发部", 5, 2, 1, 2, 3, 2, 1, 40.0],
        ["设计部", 2, 0, 0, 1, 1, 1, 0, 0.0],
        ["Total", 9, 2, 2, 4, 6, 4, 1, 25.0],
    ]


def test_xlsx_follows_the_department_filter_and_refuses_bad_input(client, history: History):
    client.force_login(history.org.sun)
    rnd = history.org.rnd.pk
    sheet = workbook(client, "people", department=rnd)
    rows = list(sheet.iter_rows(values_only=True))
    expected = csv_rows(client, "people", department=rnd)
    assert len(rows) == len(expected) > 1
    for row, text_row in zip(rows, expected, strict=True):
        assert all(same(v, t) for v, t in zip(row, text_row, strict=True))
    assert client.get(URL, {**Q3, "format": "xlsx", "table": "nope"}).status_code == 404
    bad = client.get(URL, {"start": "2026-09-30", "end": "2026-07-01", "format": "xlsx"})
    assert bad.status_code == 422


def test_the_page_links_each_table_to_its_excel_file(client, history: History):
    client.force_login(history.org.sun)
    body = client.get(URL, Q3).content.decode()
    for key in TABLES:
        assert f"format=xlsx&amp;table={key}" in body
    assert body.count("Download Excel") == len(TABLES)
