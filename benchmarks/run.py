"""Accord under load, against the stack's own ceiling: one command seeds a large organisation,
starts ``accord serve`` with a fixed number of workers, drives each operation from a separate
process on 127.0.0.1 with ``wrk``, and prints requests/s, p50 and p99 per operation at each
connection count, with the ratio to a "hello" JSON view served by the same server, settings
and middleware in the same run (``/bench/hello/``, on only with ``ACCORD_BENCH_HELLO``).

Operations (the person each one runs as in brackets):

- ``hello`` — the ceiling: Django and gunicorn, no database;
- ``my_items`` — ``GET /api/v1/actions?owner=<me>&status=open``, the first page of 30 [me,
  by API token];
- ``department_board``, ``overdue_board`` — the boards [a department head, the PMO];
- ``meeting_page``, ``minutes_page`` — a distributed meeting with 5 topics and 50 items
  [its organiser];
- ``analytics`` — the analytics page, every chart, the last quarter [the PMO];
- ``create_item`` — ``POST /api/v1/meetings/<running>/actions``, with its audit event and
  planned notices [me, the recorder];
- ``sign_item`` — ``POST /api/v1/actions/<id>/sign``, a different unsigned item each time
  [me, the owner];
- ``docx``, ``pdf`` — the minutes of the 50-item meeting;
- ``planner`` — one pass of every planner rule, in this process (not over HTTP).

Each cell is the median of ``--rounds`` runs of ``--duration`` seconds. Run it from the
repository root (``make bench`` installs wrk and runs it on PostgreSQL)::

    createdb -h 127.0.0.1 -U postgres accord_bench
    ACCORD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord_bench \\
        .venv/bin/python benchmarks/run.py            # seeds 1,000,000 items the first time

    .venv/bin/python benchmarks/run.py --scale 0.001 --duration 1 --rounds 1   # a smoke run

Without ``ACCORD_DATABASE_URL`` it uses SQLite in ``var/bench.sqlite3``. A database that
already holds a seeded organisation is reused (``seed-scale`` refuses to seed it twice).
Options: ``--workers`` / ``--threads`` for ``accord serve`` (2 / 4), ``--connections``
(2,32), ``--ops`` to choose operations, ``--out FILE`` to write the Markdown table too.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
if not os.environ.get("ACCORD_DATABASE_URL"):
    os.environ["ACCORD_DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from accord.actions import services as actions  # noqa: E402
from accord.actions.models import ActionItem  # noqa: E402
from accord.api.services import token_create  # noqa: E402
from accord.core import clock  # noqa: E402
from accord.live import services as live  # noqa: E402
from accord.meetings import services as meetings  # noqa: E402
from accord.meetings.models import Meeting, Participant, TopicOutcome  # noqa: E402
from accord.minutes import services as minutes  # noqa: E402
from accord.notify import planner  # noqa: E402
from accord.org.models import Department, Person  # noqa: E402
from benchmarks.wrk import LUA_POST, LUA_SIGN, run_wrk, wrk_path  # noqa: E402

OPERATIONS = [
    "hello",
    "my_items",
    "department_board",
    "overdue_board",
    "meeting_page",
    "minutes_page",
    "analytics",
    "create_item",
    "sign_item",
    "docx",
    "pdf",
    "planner",
]
BENCH_TITLE = "基准会议：五个议题五十项行动"
SIGN_TITLE = "基准会议：签字"
RUNNING_TITLE = "基准会议：进行中"


def arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="seed-scale's --scale (1)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=settings.ACCORD_SERVE_THREADS)
    parser.add_argument("--connections", default="2,32", help="comma-separated (2,32)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds a run (5)")
    parser.add_argument("--rounds", type=int, default=3, help="runs a cell; the median (3)")
    parser.add_argument("--port", type=int, default=8951)
    parser.add_argument("--ops", default=",".join(OPERATIONS), help="comma-separated")
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    args = parser.parse_args(argv)
    try:
        args.connections = [int(c) for c in args.connections.split(",")]
    except ValueError:
        parser.error("--connections: whole numbers, e.g. 2,32")
    args.ops = [op.strip() for op in args.ops.split(",") if op.strip()]
    unknown = sorted(set(args.ops) - set(OPERATIONS))
    if unknown:
        parser.error(f"--ops: unknown {', '.join(unknown)}; choose from {', '.join(OPERATIONS)}")
    if args.scale <= 0 or args.duration <= 0 or args.rounds < 1 or min(args.connections) < 1:
        parser.error("--scale, --duration, --rounds and --connections must be positive")
    return args


# -- the data -----------------------------------------------------------------------------------


def seeded(scale: float, seed: int) -> None:
    call_command("migrate", verbosity=0)
    if ActionItem.objects.exists():
        print(f"reusing the {ActionItem.objects.count():,} items already in the database")
        return
    call_command("seed_scale", scale=str(scale), seed=str(seed))


def session_for(person: Person) -> str:
    """A signed-in session for ``person`` (as the login view would make), its cookie value."""
    store = SessionStore()
    store[SESSION_KEY] = str(person.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = person.get_session_auth_hash()
    store.create()
    return store.session_key


def held_meeting(organiser, host, me, owners, *, title: str, start: dt.datetime, items: int):
    """A meeting with 5 topics and ``items`` action items, held and its minutes distributed,
    through the services as people would."""
    with clock.frozen(start - dt.timedelta(days=2)):
        meeting = meetings.meeting_create(
            actor=organiser,
            title=title,
            starts_at=start,
            duration_minutes=90,
            host=host,
            recorder=me,
        )
        for n in range(1, 6):
            meetings.topic_add(
                actor=organiser, meeting=meeting, title=f"议题{n}", planned_minutes=15
            )
        for person in {*owners, me}:
            meetings.participant_invite(
                actor=organiser, meeting=meeting, person=person, role=Participant.Role.EXECUTOR
            )
        meetings.meeting_schedule(actor=organiser, meeting=meeting)
    with clock.frozen(start):
        live.meeting_start(actor=host, meeting=meeting)
        topics = list(meeting.topics.order_by("order"))
        for n in range(items):
            actions.action_create(
                actor=me,
                meeting=meeting,
                task=f"行动项{n + 1}：完成第{n + 1}项交付",
                owner=owners[n % len(owners)],
                due=start.date() + dt.timedelta(days=7 + n % 20),
                topic=topics[n % 5],
            )
        for topic in topics:
            live.outcome_record(
                actor=me, topic=topic, kind=TopicOutcome.Kind.CONSENSUS, text="达成共识"
            )
    with clock.frozen(start + dt.timedelta(minutes=90)):
        live.meeting_end(actor=host, meeting=meeting)
        minutes.minutes_submit(actor=me, meeting=meeting)
        minutes.minutes_approve(actor=host, meeting=meeting)
        minutes.minutes_distribute(actor=host, meeting=meeting)
    return meeting


class World:
    """Who and what each operation uses; made once, found again on the next run."""

    def __init__(self, *, sign_items: int) -> None:
        pmo = Person.objects.filter(is_pmo=True, is_active=True).order_by("pk").first()
        # me: the person with the most open items in the seeded meetings, as the heaviest
        # "my items" list (not counting the items the runner itself creates, so that it is
        # the same person in every run)
        self.me = Person.objects.get(
            pk=ActionItem.objects.filter(status=ActionItem.Status.OPEN)
            .exclude(meeting__title__in=(BENCH_TITLE, SIGN_TITLE, RUNNING_TITLE))
            .values("owner")
            .annotate(n=Count("pk"))
            .order_by("-n", "owner")
            .values_list("owner", flat=True)[0]
        )
        department = Department.objects.filter(head__isnull=False).exclude(head=pmo).first()
        self.head, self.department = department.head, department
        self.pmo = pmo
        others = list(
            Person.objects.filter(is_active=True, department__isnull=False)
            .exclude(pk__in=[self.me.pk, pmo.pk])
            .order_by("pk")[:10]
        )
        organiser, host, owners = pmo, others[0], others[1:]
        now = clock.now()
        day = timezone.localtime(now).replace(hour=10, minute=0, second=0, microsecond=0)
        self.meeting = Meeting.objects.filter(title=BENCH_TITLE).first() or held_meeting(
            organiser,
            host,
            self.me,
            owners,
            title=BENCH_TITLE,
            start=day - dt.timedelta(days=3),
            items=50,
        )
        sign = Meeting.objects.filter(title=SIGN_TITLE).first()
        if sign is None:
            sign = held_meeting(
                organiser,
                host,
                self.me,
                [self.me],
                title=SIGN_TITLE,
                start=day - dt.timedelta(days=2),
                items=1,
            )
        unsigned = ActionItem.objects.filter(meeting=sign, owner=self.me, signature__isnull=True)
        missing = sign_items - unsigned.count()
        if missing > 0:
            due = timezone.localdate(now) + dt.timedelta(days=30)
            ActionItem.objects.bulk_create(
                ActionItem(
                    meeting=sign,
                    task=f"签字项{n}",
                    owner=self.me,
                    department=self.me.department,
                    due_date=due,
                    committed_due_date=due,
                    # done, so that they do not swell "my open items"
                    status=ActionItem.Status.DONE,
                    progress=100,
                    completed_at=now,
                )
                for n in range(missing)
            )
        self.sign_ids = list(unsigned.order_by("pk").values_list("pk", flat=True)[:sign_items])
        self.running = Meeting.objects.filter(
            title=RUNNING_TITLE, status=Meeting.Status.IN_PROGRESS
        ).first()
        if self.running is None:
            with clock.frozen(now - dt.timedelta(days=1)):
                self.running = meetings.meeting_create(
                    actor=organiser,
                    title=RUNNING_TITLE,
                    starts_at=now + dt.timedelta(minutes=5),
                    host=host,
                    recorder=self.me,
                )
                meetings.topic_add(
                    actor=organiser, meeting=self.running, title="议题", planned_minutes=30
                )
                meetings.participant_invite(
                    actor=organiser,
                    meeting=self.running,
                    person=self.me,
                    role=Participant.Role.EXECUTOR,
                )
                meetings.meeting_schedule(actor=organiser, meeting=self.running)
            with clock.frozen(now + dt.timedelta(minutes=5)):
                live.meeting_start(actor=host, meeting=self.running)
        _, self.token = token_create(actor=self.me, name=f"bench {now:%Y-%m-%d %H:%M:%S}")
        self.sessions = {p.pk: session_for(p) for p in (self.head, self.pmo, organiser)}
        self.organiser = organiser
        self.host = host
        self.open_items = ActionItem.objects.filter(
            owner=self.me, status=ActionItem.Status.OPEN
        ).count()


# -- load -------------------------------------------------------------------------------------


class Server:
    def __init__(self, args) -> None:
        self.base = f"http://127.0.0.1:{args.port}"
        env = {
            **os.environ,
            "ACCORD_BENCH_HELLO": "true",
            "ACCORD_SERVE_ACCESS_LOG": "false",
            "ACCORD_EMBEDDED_WORKER": "false",
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "accord",
                "serve",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--no-worker",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/bench/hello/", timeout=1).read()
                return
            except OSError:
                if self.process.poll() is not None:
                    sys.exit("accord serve did not start:\n" + self.process.stderr.read())
                time.sleep(0.2)
        self.stop()
        sys.exit("accord serve did not answer within 60 s")

    def idle(self, timeout: float = 120) -> None:
        """Wait until the requests a run left queued are served (three quick hellos)."""
        deadline, quick = time.monotonic() + timeout, 0
        while quick < 3 and time.monotonic() < deadline:
            started = time.monotonic()
            try:
                urllib.request.urlopen(self.base + "/bench/hello/", timeout=timeout).read()
            except OSError:
                time.sleep(0.5)
                continue
            quick = quick + 1 if time.monotonic() - started < 0.05 else 0

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def targets(world: World) -> dict[str, tuple[str, dict, str]]:
    """Per operation: the path, the headers, the Lua script (for writes)."""
    api = {"Authorization": f"Bearer {world.token}"}

    def cookie(person):
        return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={world.sessions[person.pk]}"}

    body = json.dumps(
        {"task": "基准：新增行动项", "owner_id": world.host.pk, "due": "2099-12-31"},
        ensure_ascii=True,
    )
    m = world.meeting.pk
    return {
        "hello": ("/bench/hello/", {}, ""),
        "my_items": (f"/api/v1/actions?owner={world.me.pk}&status=open", api, ""),
        "department_board": (
            f"/actions/boards/department/{world.department.pk}/",
            cookie(world.head),
            "",
        ),
        "overdue_board": ("/actions/boards/overdue/", cookie(world.pmo), ""),
        "meeting_page": (f"/meetings/{m}/", cookie(world.organiser), ""),
        "minutes_page": (f"/minutes/{m}/", cookie(world.organiser), ""),
        "analytics": ("/analytics/", cookie(world.pmo), ""),
        "create_item": (f"/api/v1/meetings/{world.running.pk}/actions", api, LUA_POST % body),
        "sign_item": ("/", api, "sign"),
        "docx": (f"/minutes/{m}/minutes.docx", cookie(world.organiser), ""),
        "pdf": (f"/minutes/{m}/minutes.pdf", cookie(world.organiser), ""),
    }


def planner_pass(rounds: int) -> dict:
    times, planned = [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        planned = sum(planner.plan().values())
        times.append((time.perf_counter() - started) * 1000)
    return {"ms": statistics.median(times), "planned_first": planned}


def measure(args, world: World) -> list[dict]:
    rows = []
    server = Server(args)
    sign_cursor = 0
    try:
        paths = targets(world)
        for op in [op for op in args.ops if op != "planner"]:
            path, headers, lua = paths[op]
            if not lua:  # one request first: a process's first PDF loads fonts, and so on
                request = urllib.request.Request(server.base + path, headers=headers)
                urllib.request.urlopen(request, timeout=120).read()
            for connections in args.connections:
                runs = []
                for _ in range(args.rounds):
                    script = lua
                    if lua == "sign":
                        # a fresh slice of unsigned items for every run
                        ids = world.sign_ids[sign_cursor:]
                        script = LUA_SIGN % (",".join(map(str, ids)), min(2, connections))
                    result = run_wrk(
                        server.base + path,
                        connections=connections,
                        duration=args.duration,
                        headers=headers,
                        lua=script,
                    )
                    if lua == "sign":
                        # the threads need not have done equal shares: skip past the
                        # furthest any of them can have reached
                        sign_cursor += min(2, connections) * result["requests"] + 2 * connections
                    runs.append(result)
                    server.idle()
                rows.append(
                    {
                        "op": op,
                        "connections": connections,
                        "rps": statistics.median(r["rps"] for r in runs),
                        "p50": statistics.median(r["p50"] for r in runs),
                        "p99": statistics.median(r["p99"] for r in runs),
                        # a run with no answer at all counts as a failure
                        "bad": sum(
                            r["bad"] + r["socket_errors"] + (not r["requests"]) for r in runs
                        ),
                    }
                )
                print(f"  {op} × {connections}: {rows[-1]['rps']:,.0f} req/s", file=sys.stderr)
    finally:
        server.stop()
    if "planner" in args.ops:
        rows.append({"op": "planner", **planner_pass(args.rounds)})
    return rows


def table(args, rows: list[dict], world: World) -> str:
    hello = {r["connections"]: r["rps"] for r in rows if r["op"] == "hello"}
    lines = [
        f"{ActionItem.objects.count():,} action items, {Meeting.objects.count():,} meetings, "
        f"{connection.vendor}; `accord serve` {args.workers} workers × {args.threads} threads; "
        f"wrk on 127.0.0.1; median of {args.rounds} × {args.duration:g} s; "
        f"my open items: {world.open_items:,}.",
        "",
        "| operation | connections | requests/s | p50 ms | p99 ms | vs hello | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r["op"] == "planner":
            continue
        ratio = r["rps"] / hello[r["connections"]] if hello.get(r["connections"]) else None
        lines.append(
            f"| {r['op']} | {r['connections']} | {r['rps']:,.{0 if r['rps'] >= 10 else 1}f} | "
            f"{r['p50']:.1f} | "
            f"{r['p99']:.1f} | {'' if ratio is None else f'{ratio:.0%}'} | {r['bad']} |"
        )
    for r in rows:
        if r["op"] == "planner":
            lines.append("")
            lines.append(
                f"One planner pass (every rule, in process): {r['ms']:,.0f} ms "
                f"(median of {args.rounds}); the first planned {r['planned_first']:,} notices."
            )
    return "\n".join(lines)


def main(argv=None) -> int:
    args = arguments(argv)
    if any(op != "planner" for op in args.ops):
        wrk_path()
    seeded(args.scale, args.seed)
    rounds_needed = args.rounds * len(args.connections)
    signing = "sign_item" in args.ops
    world = World(
        sign_items=max(2_000, int(rounds_needed * args.duration * 2_000)) if signing else 0
    )
    connection.close()  # the server's processes open their own
    rows = measure(args, world)
    text = table(args, rows, world)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    bad = sum(r.get("bad", 0) for r in rows)
    if bad:
        print(f"{bad} requests failed (non-2xx or socket errors)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
