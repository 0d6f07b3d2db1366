"""How long each figure of the analytics page takes on a large organisation, and whether its
query reads the action items through an index.

The script works on the database ``ACCORD_DATABASE_URL`` names (migrate it first), fills it
with ``accord seed-scale`` unless ``--no-seed`` (seed-scale refuses a database that already
holds more than the demo), and times every figure the page shows (the calls
``analytics_figures`` makes) in three scopes: PMO over the page's default period (the last
quarter), PMO over the last 12 months, and a department head over the last quarter. Each
time is the median of 3 rounds after one warm-up. On PostgreSQL it also runs
``EXPLAIN (ANALYZE, BUFFERS)`` on each figure's query and flags a sequential scan of the
action items (or, for the meeting figures, of the meetings). It prints a Markdown table.

Run it from the repository root (``make install`` first)::

    createdb -h 127.0.0.1 -U postgres accord_bench
    export ACCORD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord_bench
    .venv/bin/accord migrate
    .venv/bin/python benchmarks/analytics.py            # seeds 1,000,000 items, then measures
    .venv/bin/python benchmarks/analytics.py --no-seed  # measures a database seeded before

Options: ``--scale F`` for the seed (1); ``--seed N`` (1); ``--rounds N`` (3);
``--plans`` prints every plan in full (otherwise only its scans and the time PostgreSQL
reports); ``--budget MS`` the time a figure should stay under (300).

Measured on this 2-core machine (PostgreSQL 1,000,000 items, 100,000 meetings) — see the
report of the task that added it for the table.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accord.analytics.completion import (  # noqa: E402
    completion_by_department,
    completion_by_person,
    trend_by_month,
    trend_by_week,
)
from accord.analytics.cross_department import Matrix, cross_department_matrix  # noqa: E402
from accord.analytics.meeting_discipline import meeting_discipline  # noqa: E402
from accord.analytics.minutes_sign_off import minutes_timeliness, sign_off_latency  # noqa: E402
from accord.analytics.overdue import overdue_age, overdue_reasons  # noqa: E402
from accord.analytics.period import Period, last_quarter  # noqa: E402
from accord.core import clock  # noqa: E402
from accord.org.models import Department, Person  # noqa: E402

# The figures of the page, as ``analytics_figures`` calls them, by name.
FIGURES = {
    figure.__name__: figure
    for figure in (
        completion_by_department,
        completion_by_person,
        trend_by_week,
        trend_by_month,
        overdue_age,
        overdue_reasons,
        minutes_timeliness,
        sign_off_latency,
        meeting_discipline,
        cross_department_matrix,
    )
}
MEETING_FIGURES = {"minutes_timeliness", "meeting_discipline"}


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-seed", action="store_true", help="measure the database as it is")
    parser.add_argument("--scale", default="1", help="seed-scale's --scale (1)")
    parser.add_argument("--seed", default="1", help="seed-scale's --seed (1)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--plans", action="store_true", help="print every plan in full")
    parser.add_argument("--budget", type=float, default=300.0, help="milliseconds (300)")
    return parser.parse_args()


def size(result) -> int:
    if isinstance(result, list):
        return len(result)
    if isinstance(result, Matrix):
        return len(result.cells)
    return 1


def scopes() -> list[tuple[str, str, Person, Period]]:
    today = clock.today()
    pmo = Person.objects.filter(is_pmo=True, is_active=True).order_by("pk").first()
    head = (
        Department.objects.filter(head__isnull=False, head__is_pmo=False)
        .select_related("head")
        .order_by("pk")
        .first()
        .head
    )
    quarter = last_quarter(today)
    year = Period(today.replace(year=today.year - 1) + dt.timedelta(days=1), today)
    return [
        ("PMO, quarter", f"PMO, last quarter ({quarter.start}..{quarter.end})", pmo, quarter),
        ("PMO, 12 months", f"PMO, 12 months ({year.start}..{year.end})", pmo, year),
        (
            "head, quarter",
            f"head of {head.department.name} ({head.username}), last quarter",
            head,
            quarter,
        ),
    ]


def timed(name: str, person: Person, period: Period, rounds: int) -> tuple[float, int, list]:
    """Median milliseconds of ``rounds`` calls after a warm-up, the rows, the SQL run."""
    figure = FIGURES[name]
    with CaptureQueriesContext(connection) as captured:
        result = figure(person=person, period=period)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        figure(person=person, period=period)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), size(result), [q["sql"] for q in captured.captured_queries]


def explain(name: str, queries: list[str], full: bool) -> tuple[bool, list[str]]:
    """Whether the plan reads the large table through an index, and the sequential scans."""
    table = "meetings_meeting" if name in MEETING_FIGURES else "actions_actionitem"
    seq_scans: list[str] = []
    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [line for (line,) in cursor.fetchall()]
            if full:
                print("\n".join(f"    {line}" for line in plan))
            else:
                for line in plan:
                    if "Scan" in line or "Execution Time" in line:
                        print(f"    {line.strip()[:150]}")
            seq_scans += [
                line.split("Seq Scan on ")[1].split()[0] for line in plan if "Seq Scan on" in line
            ]
    return table not in seq_scans, seq_scans


def main() -> None:
    args = arguments()
    postgres = connection.vendor == "postgresql"
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if not args.no_seed:
        call_command("seed_scale", "--scale", args.scale, "--seed", args.seed)
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    rows = []
    for label, title, person, period in scopes():
        print(f"\n## {title}")
        for name in FIGURES:
            ms, n, queries = timed(name, person, period, args.rounds)
            index, scans = explain(name, queries, args.plans) if postgres else (None, [])
            print(f"  {name}: {ms:,.0f} ms, {n:,} rows, {len(queries)} queries")
            rows.append((label, name, ms, n, index, scans))
    print("\n| scope | figure | ms (median of 3) | rows | index used | seq scans |")
    print("|---|---|---:|---:|---|---|")
    for label, name, ms, n, index, scans in rows:
        used = "–" if index is None else ("yes" if index else "**no**")
        slow = " **over budget**" if ms > args.budget else ""
        print(
            f"| {label} | {name} | "
            f"{ms:,.0f}{slow} | {n:,} | {used} | {', '.join(sorted(set(scans))) or '–'} |"
        )
    slow = [f"{label}: {name}" for label, name, ms, *_ in rows if ms > args.budget]
    print(
        f"\n{len(slow)} figures over {args.budget:.0f} ms"
        + (": " if slow else "")
        + "; ".join(slow)
    )


if __name__ == "__main__":
    main()
