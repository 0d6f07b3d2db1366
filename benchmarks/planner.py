"""How long one planner pass takes, and that its cost follows what is due, not what is stored.

The script builds its own database (never the one you work in), fills it with action items
through ``bulk_create`` — 10,000 of them due for their 3-day reminder, the rest done,
cancelled, due later or long overdue; the outbox holds an old reminder for about a third of
them — and times one ``planner.plan()`` pass (all eight rules, in one transaction, as the
worker runs it): the median of 3, each starting from that outbox (the rows a pass writes
are removed before the next).
It measures at 100,000 items and at the full size, then at the full size with 1,000 due,
and prints a Markdown table. "repeat pass" is a pass once everything due is planned (what
the worker's pass every ``ACCORD_WORKER_PLAN_SECONDS`` costs for the rest of the day).
On a 2-core machine shared with other work, PostgreSQL 1,000,000 items, e-mail off::

    | items     | outbox rows | due    | pass (median of 3) | per due item | queries | repeat |
    | 100,000   | 29,036      | 10,000 | 483 ms             | 48 µs        | 28      | 27 ms  |
    | 1,000,000 | 355,427     | 10,000 | 818 ms             | 82 µs        | 32      | 49 ms  |
    | 1,000,000 | 355,427     | 1,000  | 343 ms             | 343 µs       | 32      | 29 ms  |

Run it from the repository root (``make install`` first)::

    # PostgreSQL, 1,000,000 items (the default size there); a few minutes to fill
    ACCORD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord .venv/bin/python benchmarks/planner.py

    # smaller
    ACCORD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord \\
        .venv/bin/python benchmarks/planner.py --items 100000

    # SQLite (no ACCORD_DATABASE_URL): 100,000 items by default
    .venv/bin/python benchmarks/planner.py

Options: ``--items N`` the full size (a multiple of 1,000); ``--due N`` how many are due
(10,000); ``--keep`` keeps the database, and ``--reuse`` starts from a kept one, filling
only what is missing; ``--explain``
prints PostgreSQL's plan of every query of a pass and flags a sequential scan of a large
table (on by default on PostgreSQL).

Where the data goes: on PostgreSQL a new database ``<name>_bench_planner`` on the server
of ``ACCORD_DATABASE_URL`` (the user needs CREATEDB); on SQLite the file
``var/bench_planner.sqlite3``. Both are dropped at the end unless ``--keep``.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accord.actions.models import ActionItem  # noqa: E402
from accord.core import clock  # noqa: E402
from accord.meetings.models import Meeting  # noqa: E402
from accord.minutes.models import Minutes  # noqa: E402
from accord.notify import planner  # noqa: E402
from accord.notify.models import Notification  # noqa: E402
from accord.ops import seed  # noqa: E402
from accord.org.models import Person  # noqa: E402

TZ = ZoneInfo(settings.TIME_ZONE)
NOW = dt.datetime(2026, 9, 7, 9, 0, tzinfo=TZ)  # a Monday, at the notify hour
TODAY = NOW.date()
ITEMS_PER_MEETING = 100
PEOPLE = 2000
DEPARTMENTS = 40
CHUNK = 20_000
BIG_TABLES = ("actions_actionitem", "meetings_meeting", "minutes_minutes", "notify_notification")


def arguments() -> argparse.Namespace:
    postgres = connection.vendor == "postgresql"
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000 if postgres else 100_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use a kept database as it is")
    parser.add_argument(
        "--explain",
        action=argparse.BooleanOptionalAction,
        default=postgres,
        help="print the query plans (PostgreSQL)",
    )
    args = parser.parse_args()
    if args.items % 1000:
        parser.error("--items must be a multiple of 1,000")
    if args.due > min(sizes(args.items)):
        parser.error("--due must not exceed the smallest size measured")
    return args


def sizes(items: int) -> list[int]:
    """The totals measured: 100,000 and the full size (a tenth of it when that is smaller)."""
    small = 100_000 if items > 100_000 else items // 10
    return sorted({small, items})


# -- the database ---------------------------------------------------------------------------


def create_database(*, keep: bool) -> None:
    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test["NAME"] = str(settings.VAR_DIR / "bench_planner.sqlite3")
    else:
        test["NAME"] = f"{connection.settings_dict['NAME']}_bench_planner"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=keep)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")


def drop_database(original: str) -> None:
    connection.creation.destroy_test_db(original, verbosity=0)


def analyze() -> None:
    """Statistics and, on PostgreSQL, the visibility map, as autovacuum leaves a live
    database: a table just filled has none, and its index-only scans would visit the heap."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# -- filling --------------------------------------------------------------------------------


def people_and_departments() -> list[Person]:
    """``DEPARTMENTS`` departments and ``PEOPLE`` people, as ``accord seed-scale`` makes them."""
    return seed.organisation(departments=DEPARTMENTS, people=PEOPLE, seed=4, now=NOW)


def quiet_item(rng: random.Random) -> tuple[str, dt.date]:
    """An item no rule selects today: done or cancelled (any date), open and due later than
    the reminder window, or open and overdue for longer than the catch-up days."""
    roll = rng.random()
    if roll < 0.65:
        return ActionItem.Status.DONE, TODAY + dt.timedelta(days=rng.randint(-1000, 200))
    if roll < 0.75:
        return ActionItem.Status.CANCELLED, TODAY + dt.timedelta(days=rng.randint(-1000, 200))
    status = rng.choice(ActionItem.OPEN_STATUSES)
    if roll < 0.90:
        return status, TODAY + dt.timedelta(days=rng.randint(4, 365))
    return status, TODAY - dt.timedelta(days=rng.randint(11, 1000))


def fill(*, start: int, stop: int, due: int, people: list[Person], rng: random.Random) -> None:
    """Items ``start``..``stop`` (the first ``due`` of all are due for their reminder), with
    one distributed meeting and its minutes per 100 items."""
    for chunk in range(start, stop, CHUNK):
        end = min(chunk + CHUNK, stop)
        meetings = []
        for n in range(chunk // ITEMS_PER_MEETING, end // ITEMS_PER_MEETING):
            starts = NOW - dt.timedelta(days=rng.randint(10, 1000), hours=rng.randint(0, 8))
            meetings.append(
                Meeting(
                    title=f"例会{n}",
                    status=Meeting.Status.DISTRIBUTED,
                    starts_at=starts,
                    started_at=starts,
                    ended_at=starts + dt.timedelta(minutes=90),
                    organiser=rng.choice(people),
                    host=rng.choice(people),
                    recorder=rng.choice(people),
                )
            )
        Meeting.objects.bulk_create(meetings, batch_size=5000)  # sets their ids
        Minutes.objects.bulk_create(
            [
                Minutes(
                    meeting=m,
                    due_at=m.ended_at + dt.timedelta(hours=24),
                    first_distributed_at=m.ended_at + dt.timedelta(hours=20),
                )
                for m in meetings
            ],
            batch_size=5000,
        )
        items = []
        for n in range(chunk, end):
            if n < due:
                status, due_date = ActionItem.Status.OPEN, TODAY + dt.timedelta(days=3)
            else:
                status, due_date = quiet_item(rng)
            owner = rng.choice(people)
            items.append(
                ActionItem(
                    meeting_id=meetings[(n - chunk) // ITEMS_PER_MEETING].pk,
                    task=f"任务{n}",
                    owner=owner,
                    department_id=owner.department_id,
                    due_date=due_date,
                    committed_due_date=due_date,
                    status=status,
                    progress=100 if status == ActionItem.Status.DONE else 0,
                )
            )
        ActionItem.objects.bulk_create(items, batch_size=5000)  # sets their ids
        Notification.objects.bulk_create(
            [history(item) for item in items[: len(items) // 2] if item.due_date < TODAY],
            batch_size=5000,
        )
    print(f"  filled {stop:,} items")


def history(item: ActionItem) -> Notification:
    """The reminder an item due in the past got: the outbox is also the delivery log, and it
    grows with the items (about a third of them here)."""
    sent = dt.datetime.combine(item.due_date - dt.timedelta(days=3), dt.time(9), tzinfo=TZ)
    event = f"remind:action:{item.pk}:due:{item.due_date.isoformat()}"
    return Notification(
        key=f"{event}>app:{item.owner_id}",
        event=event,
        kind="action.reminder",
        via="in_app",
        recipient_id=item.owner_id,
        meeting_id=item.meeting_id,
        action_id=item.pk,
        payload={"due": item.due_date.isoformat()},
        created_at=sent,
        send_after=sent,
        status=Notification.Status.SENT,
        sent_at=sent,
    )


def move_due(ids: list[int] | None, count: int = 0) -> list[int]:
    """Move ``count`` of the due items a year later (for the "fewer due" row); with ``ids``,
    move those back. Returns the ids moved."""
    window = TODAY + dt.timedelta(days=3)
    if ids is None:
        ids = list(
            ActionItem.objects.filter(due_date=window, status=ActionItem.Status.OPEN)
            .order_by("id")
            .values_list("id", flat=True)[:count]
        )
        ActionItem.objects.filter(pk__in=ids).update(due_date=TODAY + dt.timedelta(days=365))
    else:
        ActionItem.objects.filter(pk__in=ids).update(due_date=window)
    return ids


# -- measuring ------------------------------------------------------------------------------


def history_end() -> int:
    return Notification.objects.aggregate(last=Max("id"))["last"] or 0


def forget(after: int) -> None:
    """Remove what passes wrote (rows after ``after``), keeping the history."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM notify_notification WHERE id > %s", [after])


def timed_pass() -> tuple[float, int, dict[str, float]]:
    """Seconds and queries of one pass, in one transaction as the worker runs it, and the
    seconds of each rule."""
    queries = []
    rules = {}

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count), clock.frozen(NOW):
        started = time.perf_counter()
        with transaction.atomic():
            planner.plan(NOW, seconds=rules)
        elapsed = time.perf_counter() - started
    return elapsed, len(queries), rules


def one_pass() -> tuple[float, int, int, dict[str, float]]:
    """Seconds, queries and rows written by one pass on an outbox holding only history, and
    the seconds of each rule."""
    after = history_end()
    forget(after)
    elapsed, queries, rules = timed_pass()
    written = Notification.objects.filter(id__gt=after).count()
    forget(after)
    return elapsed, queries, written, rules


def repeat_passes() -> float:
    """The median of 3 passes once everything due is planned: what the worker's pass every
    ``ACCORD_WORKER_PLAN_SECONDS`` costs for the rest of the day."""
    after = history_end()
    timed_pass()
    seconds = statistics.median(timed_pass()[0] for _ in range(3))
    forget(after)
    return seconds


def measure(items: int, due: int) -> dict:
    outbox = Notification.objects.count()
    runs = sorted((one_pass() for _ in range(3)), key=lambda run: run[0])
    rules = runs[1][3]  # the median run's
    row = {
        "items": items,
        "outbox": outbox,
        "due": due,
        "seconds": statistics.median(run[0] for run in runs),
        "queries": runs[0][1],
        "rows": runs[0][2],
        "repeat": repeat_passes(),
        "digest": rules["weekly_digest"],
    }
    print(
        f"  {items:>10,} items, {due:>7,} due: {row['seconds']:.3f} s "
        f"({', '.join(f'{run[0]:.3f}' for run in runs)}), {row['queries']} queries, "
        f"{row['rows']:,} rows; a repeat pass {row['repeat']:.3f} s\n    by rule (ms): "
        + ", ".join(f"{name} {seconds * 1000:,.0f}" for name, seconds in rules.items())
    )
    return row


def explain() -> None:
    """PostgreSQL's plan of each query of one pass; a sequential scan of a large table is
    what would make a pass cost what is stored."""
    after = history_end()
    with CaptureQueriesContext(connection) as captured, clock.frozen(NOW), transaction.atomic():
        planner.plan(NOW)
    forget(after)
    analyze()
    print("\nquery plans of one pass:")
    flagged = 0
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN " + sql)
            plan = [line for (line,) in cursor.fetchall()]
            scans = [line.strip(" ->") for line in plan if "Scan" in line or "Join" in line]
            print(f"- {sql[:110]}…")
            for line in scans:
                big = "Seq Scan" in line and any(f" on {table} " in line for table in BIG_TABLES)
                flagged += big
                print(f"    {line[:120]}" + ("   <- a large table, read whole" if big else ""))
    print(f"{flagged} sequential scans of large tables")


def table(rows: list[dict]) -> None:
    print(
        "\n| items | outbox rows | due | pass (median of 3) | per due item | queries "
        "| rows written | repeat pass | of it the weekly digest |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['items']:,} | {row['outbox']:,} | {row['due']:,} | "
            f"{row['seconds'] * 1000:,.0f} ms | {row['seconds'] / row['due'] * 1e6:.0f} µs | "
            f"{row['queries']} | {row['rows']:,} | {row['repeat'] * 1000:,.0f} ms "
            f"| {row['digest'] * 1000:,.0f} ms |"
        )


def main() -> None:
    args = arguments()
    original = connection.settings_dict["NAME"]
    create_database(keep=args.keep or args.reuse)
    print(
        f"e-mail notices: {'on' if settings.ACCORD_NOTIFY_EMAIL else 'off'}; "
        f"reminder {settings.ACCORD_REMINDER_DAYS_BEFORE} days before; now {NOW.isoformat()}"
    )
    rng = random.Random(4)
    rows = []
    try:
        filled = ActionItem.objects.count() if args.reuse else 0
        people = list(Person.objects.all()) if filled else people_and_departments()
        for total in sizes(args.items):
            if filled < total:
                started = time.perf_counter()
                fill(start=filled, stop=total, due=args.due, people=people, rng=rng)
                analyze()
                print(f"  ({time.perf_counter() - started:.0f} s to fill and analyze)")
                filled = total
            rows.append(measure(total, args.due))
        if args.explain and connection.vendor == "postgresql":
            explain()
        fewer = args.due // 10
        moved = move_due(None, args.due - fewer)
        analyze()
        rows.append(measure(filled, fewer))
        move_due(moved)
    finally:
        if not (args.keep or args.reuse):
            drop_database(original)
    table(rows)


if __name__ == "__main__":
    main()
