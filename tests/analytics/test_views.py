"""The analytics page through the web client: the figures of ``conftest.History`` as the
PMO, a department head and an outsider see them; the charts; the CSV of every table; bad
filters answered on the form; and a pinned number of queries."""

import csv
import html
import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from tests.analytics.conftest import History

URL = reverse("analytics:dashboard")
Q3 = {"start": "2026-07-01", "end": "2026-09-30"}
TABLES = [
    "departments",
    "people",
    "age",
    "reasons",
    "minutes",
    "signoff",
    "discipline",
    "matrix",
    "weeks",
    "months",
]


def page(response) -> str:
    return response.content.decode()


def text_of(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def table(response, key: str) -> list[list[str]]:
    """The rows of a table on the page, header first, as the text of each cell."""
    section = re.search(rf'<section[^>]*data-table="{key}">(.*?)</section>', page(response), re.S)
    assert section, f"no table {key}"
    rows = re.findall(r"<tr>(.*?)</tr>", section.group(1), re.S)
    return [[text_of(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)] for r in rows]


def figures_part(response) -> str:
    """The page below the filters (whose department list names every department)."""
    return page(response).split("<details", 1)[1]


def svgs(response) -> list[ET.Element]:
    return [
        ET.fromstring(m)
        for m in re.findall(r"<svg xmlns[^>]*class=\"chart\".*?</svg>", page(response), re.S)
    ]


def errors(response) -> dict[str, list[str]]:
    found = {}
    for field, items in re.findall(
        r'<ul class="errorlist" id="id_(\w+)_error"[^>]*>(.*?)</ul>', page(response), re.S
    ):
        found[field] = [text_of(i) for i in re.findall(r"<li>(.*?)</li>", items, re.S)]
    return found


def download(client, key: str, **params) -> list[list[str]]:
    response = client.get(URL, {**Q3, **params, "format": "csv", "table": key})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_signing_in_is_required(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_pmo_sees_every_figure(client, history: History):
    # given
    client.force_login(history.org.sun)
    # when
    response = client.get(URL, Q3)
    # then
    assert response.status_code == 200
    assert 'aria-current="page">Analytics</a>' in page(response)
    assert table(response, "departments") == [
        [
            "Department",
            "Due",
            "Done on time",
            "Done late",
            "Open, late",
            "Late",
            "Overdue now",
            "Re-planned",
            "On-time rate (%)",
        ],
        ["市场部", "2", "0", "1", "1", "2", "1", "0", "0.0"],
        ["研发部", "5", "2", "1", "2", "3", "2", "1", "40.0"],
        ["设计部", "2", "0", "0", "1", "1", "1", "0", "0.0"],
        ["Total", "9", "2", "2", "4", "6", "4", "1", "25.0"],
    ]
    assert table(response, "age")[1:] == [["2", "1", "1", "4", "2"]]
    assert table(response, "reasons")[1:] == [
        ["Not enough resources", "1"],
        ["Process blocked", "1"],
        ["Waiting on a dependency", "1"],
        ["Priorities changed", "0"],
        ["Other", "0"],
    ]
    assert table(response, "minutes")[1:] == [
        ["市场部", "1", "0", "1", "0", "0.0"],
        ["行政部", "3", "1", "1", "1", "50.0"],
    ]
    assert table(response, "signoff")[1:] == [
        ["市场部", "1", "0", "48.0"],
        ["研发部", "2", "3", "8.8"],
        ["设计部", "1", "1", "2.0"],
    ]
    assert table(response, "discipline")[1:] == [
        ["市场部", "1", "3.0", "25.0", "13.7", "0"],
        ["行政部", "3", "1.3", "25.0", "31.2", "2"],
        ["Total", "4", "1.8", "25.0", "23.7", "2"],
    ]
    assert table(response, "matrix")[1:] == [
        ["市场部", "研发部", "2", "1"],
        ["市场部", "设计部", "2", "1"],
        ["行政部", "市场部", "2", "2"],
        ["行政部", "研发部", "3", "2"],
    ]
    assert [row[:2] + row[5:6] for row in table(response, "months")[1:]] == [
        ["2026-07", "4", "3"],
        ["2026-08", "2", "1"],
        ["2026-09", "3", "2"],
    ]
    assert [row[0] for row in table(response, "weeks")[1:]] == [
        "2026-07-06",
        "2026-07-13",
        "2026-07-20",
        "2026-07-27",
        "2026-08-10",
        "2026-08-31",
        "2026-09-28",
    ]


def test_the_charts_are_accessible_svg(client, history: History):
    client.force_login(history.org.sun)
    charts = svgs(client.get(URL, Q3))
    svg = "{http://www.w3.org/2000/svg}"
    assert [c.find(f"{svg}title").text for c in charts] == [
        "On-time rate by department (%)",
        "Overdue reasons (items)",
        "Items by week of their due date",
        "Work given across departments (items)",
    ]
    assert all(c.get("role") == "img" and c.get("aria-label") for c in charts)
    cells = [t.text for t in charts[3].iter(f"{svg}title")][1:]
    assert cells == [
        "市场部 → 市场部: 0 (0 late)",
        "市场部 → 研发部: 2 (1 late)",
        "市场部 → 设计部: 2 (1 late)",
        "行政部 → 市场部: 2 (2 late)",
        "行政部 → 研发部: 3 (2 late)",
        "行政部 → 设计部: 0 (0 late)",
    ]


def test_a_department_head_sees_what_they_may_see(client, history: History):
    client.force_login(history.org.chen)
    response = client.get(URL, Q3)
    assert response.status_code == 200
    assert table(response, "departments")[1:] == [
        ["研发部", "2", "1", "0", "1", "1", "1", "0", "50.0"],
        ["设计部", "2", "0", "0", "1", "1", "1", "0", "0.0"],
        ["Total", "4", "1", "0", "2", "2", "2", "0", "33.3"],
    ]
    assert [row[0] for row in table(response, "people")[1:]] == ["周工程师", "李主管", "陈主管"]
    # meetings A, C and D of the admin office are not his to see
    assert "行政部" not in figures_part(response)


def test_an_outsider_sees_nothing_counted(client, history: History):
    client.force_login(history.org.outsider)
    response = client.get(URL, Q3)
    assert response.status_code == 200
    for key in ["departments", "people", "minutes", "signoff", "discipline", "matrix"]:
        assert table(response, key) == []
    assert table(response, "age")[1:] == [["0", "0", "0", "0", "0"]]
    body = figures_part(response)
    for name in ["研发部", "市场部", "设计部", "周工程师"]:
        assert name not in body
    assert "Nothing in this period." in body


def test_the_department_filter(client, history: History):
    client.force_login(history.org.sun)
    response = client.get(URL, {**Q3, "department": history.org.rnd.pk})
    assert response.status_code == 200
    assert table(response, "departments")[1:] == [
        ["研发部", "5", "2", "1", "2", "3", "2", "1", "40.0"],
        ["Total", "5", "2", "1", "2", "3", "2", "1", "40.0"],
    ]
    assert table(response, "minutes") == []


def test_the_default_period_is_the_last_quarter(client, history: History):
    client.force_login(history.org.sun)
    response = client.get(URL)
    assert response.status_code == 200
    assert "from 2026-04-01 to 2026-06-30" in text_of(page(response))
    assert table(response, "departments") == []  # the history is all in Q3


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"start": "2026-09-30", "end": "2026-07-01"}, "end", "The period ends before it starts."),
        (
            {"start": "2020-01-01", "end": "2026-07-01"},
            "end",
            "Choose a period of at most three years.",
        ),
        ({"start": "yesterday"}, "start", "Enter a valid date."),
        ({"end": "2026-02-30"}, "end", "Enter a valid date."),
        (
            {"department": "abc"},
            "department",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        (
            {"department": "99999"},
            "department",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
    ],
)
def test_bad_filters_are_answered_on_the_form(client, history: History, params, field, message):
    client.force_login(history.org.sun)
    response = client.get(URL, params)
    assert response.status_code == 422
    assert errors(response) == {field: [message]}
    # the page still shows the default period's figures
    assert "from 2026-04-01 to 2026-06-30" in text_of(page(response))


def test_every_table_downloads_as_csv(client, history: History):
    client.force_login(history.org.sun)
    response = client.get(URL, Q3)
    for key in TABLES:
        assert download(client, key) == table(response, key) or (
            table(response, key) == [] and len(download(client, key)) == 1
        )
    assert download(client, "signoff") == [
        ["Department", "Signed", "Not signed", "Average hours to sign"],
        ["市场部", "1", "0", "48.0"],
        ["研发部", "2", "3", "8.8"],
        ["设计部", "1", "1", "2.0"],
    ]
    reply = client.get(URL, {**Q3, "format": "csv", "table": "departments"})
    assert reply["Content-Disposition"] == (
        'attachment; filename="accord-departments-2026-07-01-2026-09-30.csv"'
    )


def test_csv_follows_the_filters_and_the_persons_scope(client, history: History):
    client.force_login(history.org.chen)
    assert download(client, "matrix") == [
        ["Meeting organised by", "Work given to", "Items", "Late"],
        ["市场部", "研发部", "2", "1"],
        ["市场部", "设计部", "2", "1"],
    ]
    client.force_login(history.org.outsider)
    assert download(client, "matrix") == [
        ["Meeting organised by", "Work given to", "Items", "Late"]
    ]


def test_csv_refuses_an_unknown_table_and_bad_filters(client, history: History):
    client.force_login(history.org.sun)
    assert client.get(URL, {"format": "csv", "table": "nope"}).status_code == 404
    response = client.get(URL, {"format": "csv", "table": "departments", "start": "x"})
    assert response.status_code == 422
    assert response.content.decode() == "The filters are not valid."


def test_the_page_takes_a_fixed_number_of_queries(
    client, history: History, django_assert_num_queries
):
    client.force_login(history.org.sun)
    # session, person, the bell, the department choices, and the ten figures
    with django_assert_num_queries(14):
        assert client.get(URL, Q3).status_code == 200
    # the chosen department is looked up once more
    with django_assert_num_queries(15):
        assert client.get(URL, {**Q3, "department": history.org.rnd.pk}).status_code == 200
    client.force_login(history.org.outsider)
    with django_assert_num_queries(14):
        assert client.get(URL, Q3).status_code == 200
