"""The analytics page: the period and department filters, the charts and the tables, and
each table as CSV (``?format=csv&table=<key>``) or Excel (``?format=xlsx&table=<key>``).
Every figure comes from ``accord.analytics.figures``; this module only lays them out."""

import csv
import dataclasses
import io
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accord.analytics import charts
from accord.analytics.completion import Completion
from accord.analytics.figures import Figures, analytics_figures
from accord.analytics.forms import AnalyticsFilterForm
from accord.analytics.period import Period, last_quarter
from accord.exports.xlsx import table_xlsx

DOWNLOADS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclasses.dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[object]]


def _shown(value: object) -> object:
    return "–" if value is None else value


def _completion_headers(first: str) -> list[str]:
    return [
        first,
        _("Due"),
        _("Done on time"),
        _("Done late"),
        _("Open, late"),
        _("Late"),
        _("Overdue now"),
        _("Re-planned"),
        _("On-time rate (%)"),
    ]


def _completion_row(label: object, row: Completion) -> list[object]:
    return [
        label,
        row.due,
        row.on_time,
        row.done_late,
        row.open_late,
        row.late,
        row.overdue,
        row.replanned,
        _shown(row.on_time_rate),
    ]


def _no_department(label: str) -> str:
    return label or _("No department")


def _tables(f: Figures) -> list[Table]:
    total = f.total
    discipline = f.discipline_overall
    return [
        Table(
            "departments",
            _("Completion by department"),
            _completion_headers(_("Department")),
            [_completion_row(r.label, r) for r in f.departments]
            + ([_completion_row(_("Total"), total)] if f.departments else []),
        ),
        Table(
            "people",
            _("Completion by person"),
            _completion_headers(_("Owner")),
            [_completion_row(r.label, r) for r in f.people],
        ),
        Table(
            "age",
            _("Age of open overdue items"),
            [_("1–7 days"), _("8–30 days"), _("Over 30 days"), _("Total"), _("No reason given")],
            [[f.age.days_1_7, f.age.days_8_30, f.age.over_30, f.age.total, f.age.without_reason]],
        ),
        Table(
            "reasons",
            _("Overdue reasons"),
            [_("Reason"), _("Items")],
            [[r.label, r.items] for r in f.reasons],
        ),
        Table(
            "minutes",
            _("Minutes on time (organising department)"),
            [
                _("Department"),
                _("Meetings"),
                _("On time"),
                _("Late"),
                _("Within time"),
                _("On-time rate (%)"),
            ],
            [
                [
                    _no_department(r.label),
                    r.meetings,
                    r.on_time,
                    r.late,
                    r.pending,
                    _shown(r.on_time_rate),
                ]
                for r in f.minutes
            ],
        ),
        Table(
            "signoff",
            _("Sign-off after distribution"),
            [_("Department"), _("Signed"), _("Not signed"), _("Average hours to sign")],
            [[r.label, r.signed, r.unsigned, _shown(r.average_hours)] for r in f.sign_off],
        ),
        Table(
            "discipline",
            _("Meeting discipline (organising department)"),
            [
                _("Department"),
                _("Meetings held"),
                _("Topics per meeting"),
                _("Planned minutes per topic"),
                _("Actual minutes per topic"),
                _("Over 90 minutes"),
            ],
            [
                [
                    label,
                    r.meetings,
                    _shown(r.topics_per_meeting),
                    _shown(r.planned_per_topic),
                    _shown(r.actual_per_topic),
                    r.over_90,
                ]
                for label, r in [
                    *((_no_department(r.label), r) for r in f.discipline),
                    *([(_("Total"), discipline)] if f.discipline else []),
                ]
            ],
        ),
        Table(
            "matrix",
            _("Work given across departments"),
            [_("Meeting organised by"), _("Work given to"), _("Items"), _("Late")],
            [[_no_department(c.giver), c.given, c.items, c.late] for c in f.matrix.cells],
        ),
        Table(
            "weeks",
            _("By week"),
            _completion_headers(_("Week of")),
            [_completion_row(r.key.isoformat(), r) for r in f.weeks],
        ),
        Table(
            "months",
            _("By month"),
            _completion_headers(_("Month")),
            [_completion_row(r.key.strftime("%Y-%m"), r) for r in f.months],
        ),
    ]


def _charts(f: Figures) -> dict[str, str]:
    empty = _("Nothing in this period.")
    matrix = f.matrix
    late = matrix.grid("late")
    drawn: dict[str, Callable[[], str]] = {
        "on_time": lambda: charts.bar_chart(
            title=_("On-time rate by department (%)"),
            labels=[r.label for r in f.departments],
            values=[r.on_time_rate for r in f.departments],
            unit="%",
            maximum=100,
            empty_text=empty,
        ),
        "reasons": lambda: charts.bar_chart(
            title=_("Overdue reasons (items)"),
            labels=[r.label for r in f.reasons],
            values=[r.items for r in f.reasons],
            empty_text=empty,
        ),
        "weeks": lambda: charts.line_chart(
            title=_("Items by week of their due date"),
            x_labels=[date_format(r.key, "m-d") for r in f.weeks],
            series=[
                (_("Due"), [r.due for r in f.weeks]),
                (_("Done on time"), [r.on_time for r in f.weeks]),
                (_("Late"), [r.late for r in f.weeks]),
            ],
            empty_text=empty,
        ),
        "matrix": lambda: charts.heat_map(
            title=_("Work given across departments (items)"),
            row_labels=[_no_department(g) for g in matrix.givers],
            column_labels=matrix.given,
            values=matrix.grid("items"),
            notes=[[_("%(count)s late") % {"count": n} for n in row] for row in late],
            empty_text=empty,
        ),
    }
    return {key: mark_safe(draw()) for key, draw in drawn.items()}  # noqa: S308 - escaped SVG


def _cell(value):
    """A name that starts like a formula is written as text, so no spreadsheet runs it."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _csv(table: Table, period: Period) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headers)
    writer.writerows([_cell(value) for value in row] for row in table.rows)
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"accord-{table.key}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _xlsx(table: Table, period: Period) -> HttpResponse:
    """The same rows as the CSV; numbers stay numbers."""
    content = table_xlsx(title=table.title, headers=table.headers, rows=table.rows)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    name = f"accord-{table.key}-{period.start.isoformat()}-{period.end.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Completion, overdue items, minutes, sign-off, meeting discipline, the cross-department
    matrix and the trends, for the chosen period (the last quarter unless chosen) and
    department, over what the person may see."""
    person = request.user
    default = last_quarter()
    form = AnalyticsFilterForm(
        request.GET or None, default_start=default.start, default_end=default.end
    )
    status, period, department = 200, default, None
    if form.is_bound:
        if form.is_valid():
            period = Period(form.cleaned_data["start"], form.cleaned_data["end"])
            department = form.cleaned_data["department"]
        else:
            status = 422
    wanted_format = request.GET.get("format")
    if status != 200 and wanted_format in DOWNLOADS:
        return HttpResponse(_("The filters are not valid."), status=422, content_type="text/plain")
    figures = analytics_figures(person=person, period=period, department=department)
    tables = _tables(figures)
    if wanted_format in DOWNLOADS:
        wanted = request.GET.get("table", "")
        for table in tables:
            if table.key == wanted:
                return _csv(table, period) if wanted_format == "csv" else _xlsx(table, period)
        return HttpResponse(_("There is no such table."), status=404, content_type="text/plain")
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("table", None)
    context = {
        "nav": "analytics",
        "form": form,
        "figures": figures,
        "period": period,
        "tables": tables,
        "charts": _charts(figures),
        "query": query.urlencode(),
    }
    return render(request, "analytics/dashboard.html", context, status=status)
