"""Accord under a steady mixed load for a while: ``accord serve`` (2 gunicorn workers, without
the embedded worker) and a separate ``accord worker`` on PostgreSQL, driven by client threads
on 127.0.0.1 through the real HTTP API and pages, while the worker delivers the notices the
load causes to an SMTP server and an HTTP receiver that this script runs on 127.0.0.1.

The load: ``--clients`` threads, each sending one request after another (no pause) until the
time is up, each request drawn at random by weight from (the person it runs as in brackets):

- reads: ``my_items`` (``GET /api/v1/actions?owner=<me>&status=open``) [me, by API token],
  ``meeting_page``, ``minutes_page`` (a distributed meeting with 5 topics and 50 items)
  [its organiser], ``department_board`` [a department head], ``overdue_board`` [the PMO],
  ``home`` [me];
- writes: ``create_item`` (``POST /api/v1/meetings/<running>/actions``, due in 1 to 3 days,
  so that the next planner pass plans its reminder) [me, the recorder], ``sign_item``
  (``POST /api/v1/actions/<id>/sign``, a different unsigned item each time) [me, the owner],
  ``replan`` (``POST /api/v1/actions/<id>/replan`` on the 50-item meeting's open items: the
  owner, the department head and the organiser are told) [the organiser];
- exports: the minutes as ``minutes.md``, ``minutes.docx`` and ``minutes.pdf``, the
  meeting's ``actions.xlsx`` [the organiser], and ``GET /api/v1/actions.xlsx`` of my open
  items [me, by API token].

The notices: e-mail is on and goes to the SMTP server; every department has a signed-webhook
channel (carrying its members' notices) and one integration webhook receives every API event
(``action.created``, ``action.due_soon`` …), all pointing at the HTTP receiver
(``ACCORD_OUTGOING_ALLOWED_NETWORKS=127.0.0.0/8`` lets them reach loopback). The worker polls
every second and plans every 5 s (``ACCORD_WORKER_INTERVAL``, ``ACCORD_WORKER_PLAN_SECONDS``).

Run it from the repository root (the database is created with ``createdb`` when missing and
seeded with ``accord seed-scale --scale <scale>`` the first time; a seeded one is reused)::

    ACCORD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord_soak \\
        .venv/bin/python benchmarks/soak.py [--minutes 10] [--scale 0.01] [--clients 8] [--out FILE]

    ... benchmarks/soak.py --minutes 1 --clients 4        # a short check of the script itself

It prints a line a minute, then a Markdown report (also written to ``--out``); the logs of the
server and the worker and the receipts are kept in ``var/soak/<time>/``. The numbers:

- **requests**: per operation, how many, how many were errors (a 5xx, or no answer at all:
  refused, reset, timed out), how many were refused otherwise (another 4xx, listed by
  status), and the latency p50 and p99 as the client saw it (the whole answer read);
- **memory**: each process's resident set (RSS) and, where readable, its unique set (USS:
  the pages no other process shares, what stopping it would free), in MB, at the start and
  every minute: the gunicorn master, each gunicorn worker, the ``accord worker`` (with
  psutil when it is installed, otherwise from ``/proc/<pid>/status`` and ``smaps_rollup``).
  Growth is given from the end of the first minute (the warm-up: first PDF, caches) to the
  last, and over the second half, where "flat" means every resident set grew by at most
  5 MB or 2 %. Read the master by its RSS: its USS rises as its workers' copy-on-write pages
  diverge from its own, without it allocating anything;
- **notices**: the outbox rows the run created that leave Accord (e-mail, webhooks; in-app
  notices are counted apart), what the database says became of them, what the receivers got,
  **lost** (recorded as sent but never received, or still pending, sending or failed once
  the worker has drained the queue, at most ``--drain`` seconds) and **duplicates** (a
  delivery key received more than once: ``X-Accord-Delivery`` for webhooks, ``Message-ID``
  for e-mail).

The goal (reported, not asserted): 0 errors, 0 lost, 0 duplicates, and memory that stops
growing after the warm-up. The exit code is 0 whatever the figures are, 2 on bad arguments.
Give it a database of its own: it adds webhook channels named "soak …", API tokens, sessions,
action items and signatures, as ``benchmarks/run.py`` does to its own.
"""

import argparse
import ast
import collections
import contextlib
import datetime as dt
import hashlib
import hmac
import importlib
import itertools
import logging
import math
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024
RECEIPTS = "receipts.tsv"
CHANNEL_PREFIX = "soak "


def arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=int, default=10, help="how long the load runs (10)")
    parser.add_argument(
        "--scale", type=float, default=0.01, help="seed-scale's --scale on first use (0.01)"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed-scale's --seed (1)")
    parser.add_argument("--clients", type=int, default=8, help="client threads (8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--port", type=int, default=0, help="the server's port (a free one)")
    parser.add_argument(
        "--drain", type=float, default=120.0, help="at most this many seconds to drain (120)"
    )
    parser.add_argument("--out", type=Path, help="also write the Markdown report here")
    args = parser.parse_args(argv)
    if not 1 <= args.minutes <= 24 * 60:
        parser.error("--minutes must be a whole number from 1 to 1440")
    if not 0 < args.scale <= 100:
        parser.error("--scale must be greater than 0 and at most 100")
    if not 1 <= args.clients <= 64:
        parser.error("--clients must be from 1 to 64")
    if not 1 <= args.workers <= 16:
        parser.error("--workers must be from 1 to 16")
    if not 0 <= args.port < 65536:
        parser.error("--port must be from 1 to 65535 (or 0 for a free one)")
    if args.drain <= 0:
        parser.error("--drain must be positive")
    if args.out is not None and not args.out.parent.is_dir():
        parser.error(f"--out: no folder {args.out.parent}")
    url = os.environ.get("ACCORD_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error(
            "the soak runs on PostgreSQL: set ACCORD_DATABASE_URL, e.g. "
            "postgres://postgres@127.0.0.1:5432/accord_soak"
        )
    return args


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def delivery_id(key: str) -> str:
    """What the transports send for a row's key (``Message.delivery_id``)."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def percentile(ordered: list[float], q: float) -> float:
    if not ordered:
        return float("nan")
    # the nearest rank: the smallest value with at least q of the values at or below it
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


# -- the receivers, in a process of their own -----------------------------------------------


def receive(path: Path, secret: str, smtp_port: int, http_port, counts, ready, stop) -> None:
    """The SMTP server and the HTTP receiver: each receipt is one line of ``path`` (written
    before the answer goes back, so whatever the worker records as sent is already there)."""
    from email.parser import BytesHeaderParser

    from aiosmtpd.controller import Controller

    from tests.notify.receivers import Answer, HttpReceiver

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    lock = threading.Lock()
    out = path.open("a", buffering=1, encoding="utf-8")

    def note(kind: str, *fields: str) -> None:
        with lock:
            out.write("\t".join((kind, *fields)) + "\n")
        with counts[kind].get_lock():
            counts[kind].value += 1

    class Mailbox:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            headers = BytesHeaderParser().parsebytes(envelope.original_content)
            message_id = str(headers.get("Message-ID", "")).strip()
            note("email", message_id, ",".join(envelope.rcpt_tos))
            return "250 Message accepted for delivery"

    http: HttpReceiver

    def answer(request) -> Answer:
        stamp = request.headers.get("x-accord-timestamp", "")
        mac = hmac.new(secret.encode(), f"{stamp}.".encode() + request.body, hashlib.sha256)
        signed = hmac.compare_digest(
            request.headers.get("x-accord-signature", ""), "sha256=" + mac.hexdigest()
        )
        note(
            "webhook",
            request.headers.get("x-accord-delivery", ""),
            request.path,
            "signed" if signed else "bad-signature",
        )
        with http.lock:  # every receipt is in the file: the receiver need not keep it
            http.requests.clear()
        return Answer(200, b"ok")

    http = HttpReceiver(answer)
    smtp = Controller(Mailbox(), hostname="127.0.0.1", port=smtp_port)
    with http:
        smtp.start()
        http_port.value = http.server.server_address[1]
        ready.set()
        stop.wait()
        smtp.stop()
    out.close()


class Receivers:
    """``receive`` in a process of its own, forked from this one, so that it does not share
    an interpreter with the client threads (a real mail server would not either)."""

    def __init__(self, folder: Path, smtp_port: int) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.path = folder / RECEIPTS
        self.secret = secrets.token_urlsafe(24)
        self.counts = {"email": context.Value("q", 0), "webhook": context.Value("q", 0)}
        self.http_port = context.Value("i", 0)
        self.ready, self.stop_event = context.Event(), context.Event()
        self.process = context.Process(
            target=receive,
            args=(
                self.path,
                self.secret,
                smtp_port,
                self.http_port,
                self.counts,
                self.ready,
                self.stop_event,
            ),
            daemon=True,
        )
        self.process.start()
        if not self.ready.wait(30):
            self.stop()
            sys.exit("the SMTP server and HTTP receiver did not start")
        self.url = f"http://127.0.0.1:{self.http_port.value}"

    def received(self) -> tuple[int, int]:
        return self.counts["email"].value, self.counts["webhook"].value

    def stop(self) -> None:
        self.stop_event.set()
        self.process.join(30)
        if self.process.is_alive():
            self.process.kill()

    def receipts(self) -> list[list[str]]:
        if not self.path.exists():
            return []
        return [line.split("\t") for line in self.path.read_text(encoding="utf-8").splitlines()]


# -- the database -----------------------------------------------------------------------------


def ensure_database() -> None:
    """Create the database when it does not exist yet (``createdb``, as ``make bench``)."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    where = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": str(db.get("PORT") or 5432),
        "user": db.get("USER") or "postgres",
    }
    password = db.get("PASSWORD") or ""
    try:
        with psycopg.connect(dbname="postgres", password=password or None, **where) as conn:
            found = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]
            ).fetchone()
    except psycopg.OperationalError as exc:
        sys.exit(f"PostgreSQL at {where['host']}:{where['port']} does not answer: {exc}")
    if found:
        return
    print(f"creating the database {db['NAME']}", file=sys.stderr)
    createdb = shutil.which("createdb")
    if createdb:
        env = {**os.environ, **({"PGPASSWORD": password} if password else {})}
        subprocess.run(
            [createdb, "-h", where["host"], "-p", where["port"], "-U", where["user"], db["NAME"]],
            check=True,
            env=env,
        )
        return
    from psycopg import sql

    with psycopg.connect(
        dbname="postgres", password=password or None, autocommit=True, **where
    ) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))


def soak_channels(url: str, secret: str) -> int:
    """A signed-webhook channel for every department (its members' notices too) and one
    integration webhook for every API event, all to the HTTP receiver; made once, pointed at
    this run's receiver each time."""
    from accord.notify.models import Channel
    from accord.notify.outbox import HOOK_EVENTS
    from accord.org.models import Department

    departments = list(Department.objects.order_by("pk"))
    common = {"secret": secret, "enabled": True, "disabled_reason": ""}
    for department in departments:
        Channel.objects.update_or_create(
            kind=Channel.Kind.WEBHOOK,
            name=f"{CHANNEL_PREFIX}{department.pk}",
            department=department,
            defaults={
                **common,
                "target": f"{url}/department/{department.pk}",
                "members_too": True,
                "events": [],
            },
        )
    Channel.objects.update_or_create(
        kind=Channel.Kind.WEBHOOK,
        name=f"{CHANNEL_PREFIX}integration",
        department=departments[0],
        defaults={
            **common,
            "target": f"{url}/integration",
            "members_too": False,
            "events": list(HOOK_EVENTS),
        },
    )
    return len(departments) + 1


# -- the processes under test ------------------------------------------------------------------


def child_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1", **extra}


class Processes:
    """``accord serve --no-worker`` and ``accord worker``, each logging to a file."""

    def __init__(self, args, folder: Path) -> None:
        self.base = f"http://127.0.0.1:{args.port}"
        self.logs = {"server": folder / "server.log", "worker": folder / "worker.log"}
        self.files = [self.logs["server"].open("w"), self.logs["worker"].open("w")]
        self.server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "accord",
                "serve",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.workers),
                "--no-worker",
            ],
            env=child_env(ACCORD_SERVE_ACCESS_LOG="false", ACCORD_EMBEDDED_WORKER="false"),
            stdout=self.files[0],
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "accord", "worker"],
            env=child_env(),
            stdout=self.files[1],
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        self.web_pids_seen: set[int] = set()

    def wait_ready(self, timeout: float = 90) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in (("accord serve", self.server), ("accord worker", self.worker)):
                if process.poll() is not None:
                    self.stop()
                    log = self.logs["server" if process is self.server else "worker"]
                    sys.exit(f"{name} stopped at start:\n{log.read_text()[-3000:]}")
            try:
                answer = httpx.get(self.base + "/login/", timeout=2)
                if answer.status_code == 200 and self.web_workers():
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        self.stop()
        sys.exit(f"accord serve did not answer within {timeout:.0f} s")

    def web_workers(self) -> list[int]:
        pids = sorted(children(self.server.pid))
        self.web_pids_seen.update(pids)
        return pids

    def stop(self) -> None:
        for process in (self.worker, self.server):
            if process.poll() is None:
                process.terminate()
        for process in (self.worker, self.server):
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for file in self.files:
            file.close()


# -- memory -------------------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    try:
        import psutil
    except ImportError:
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # the command name (in parentheses) may hold spaces: the fields follow the last ")"
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
        return found
    try:
        return [child.pid for child in psutil.Process(pid).children()]
    except psutil.Error:
        return []


def memory(pid: int) -> tuple[float, float | None] | None:
    """(RSS, USS) in MB; USS is None when it cannot be read; None for a process gone."""
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        try:
            info = psutil.Process(pid).memory_full_info()
            return info.rss / MB, info.uss / MB
        except psutil.AccessDenied:
            return psutil.Process(pid).memory_info().rss / MB, None
        except psutil.Error:
            return None
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    rss = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    if rss is None:
        return None
    uss = None
    with contextlib.suppress(OSError):
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        private = re.findall(r"^Private_(?:Clean|Dirty|Hugetlb):\s+(\d+) kB", rollup, re.M)
        if private:
            uss = sum(int(kb) for kb in private) / 1024
    return int(rss.group(1)) / 1024, uss


def sample(processes: Processes) -> dict[str, tuple[float, float | None] | None]:
    row = {"master": memory(processes.server.pid)}
    for n, pid in enumerate(processes.web_workers(), 1):
        row[f"web {n}"] = memory(pid)
    row["worker"] = memory(processes.worker.pid)
    return row


def mb(value: tuple[float, float | None] | None) -> str:
    """``RSS / USS`` in whole MB, the RSS alone when the USS could not be read."""
    if value is None:
        return "–"
    rss, unique = value
    if unique is None:
        return f"{rss:.0f}"
    return f"{rss:.0f} / {unique:.0f}"


# -- the load -----------------------------------------------------------------------------------


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = collections.defaultdict(list)
        self.statuses: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.errors: list[str] = []  # the first few, with their URL
        self.refused: list[str] = []  # the first few other 4xx

    def record(self, op: str, method: str, url: str, status: int | None, ms: float, what=""):
        with self.lock:
            self.latencies[op].append(ms)
            self.statuses[op]["no answer" if status is None else status] += 1
            if status is None or status >= 500:
                if len(self.errors) < 10:
                    stamp = dt.datetime.now().strftime("%H:%M:%S")
                    said = f"HTTP {status}" if status else what
                    self.errors.append(f"{stamp} {op}: {method} {url} → {said}")
            elif status >= 400 and len(self.refused) < 10:
                self.refused.append(f"{op}: {method} {url} → HTTP {status} {what}")

    def totals(self) -> tuple[int, int]:
        """Requests and errors of the load (not the warm-up)."""
        with self.lock:
            counted = [c for op, c in self.statuses.items() if not op.startswith("(")]
            requests = sum(sum(c.values()) for c in counted)
            errors = sum(
                n
                for c in counted
                for status, n in c.items()
                if status == "no answer" or status >= 500
            )
        return requests, errors


def refusal(response) -> str:
    """A 4xx answer in short: the API's code and message, or the start of the body."""
    try:
        said = response.json()
        return f"{said['code']}: {said['message']}"[:160]
    except (ValueError, TypeError, KeyError):
        return response.text[:160].replace("\n", " ")


class Load:
    """What each operation sends, and the client threads."""

    def __init__(self, world, *, base: str, pmo_token: str, me_session: str) -> None:
        from django.conf import settings

        from accord.actions.models import ActionItem
        from accord.core import clock
        from accord.org.models import Person

        self.base = base
        self.stats = Stats()
        self.today = clock.today()
        me_api = {"Authorization": f"Bearer {world.token}"}
        pmo_api = {"Authorization": f"Bearer {pmo_token}"}
        cookie_name = settings.SESSION_COOKIE_NAME

        def cookie(key: str) -> dict:
            return {"Cookie": f"{cookie_name}={key}"}

        organiser = cookie(world.sessions[world.organiser.pk])
        m = world.meeting.pk
        self.owners = list(
            Person.objects.filter(is_active=True, department__isnull=False)
            .exclude(pk__in=[world.me.pk, world.pmo.pk])
            .order_by("pk")
            .values_list("pk", flat=True)[:10]
        )
        # the open items of the distributed meeting, each with its due date as days from today
        self.replan_due = {
            pk: (due - self.today).days
            for pk, due in ActionItem.objects.filter(
                meeting=world.meeting, status__in=ActionItem.OPEN_STATUSES
            )
            .order_by("pk")
            .values_list("pk", "due_date")
        }
        self.replan_ids = list(self.replan_due)
        self.replan_lock = threading.Lock()
        self.sign_ids = list(world.sign_ids)
        self.sign_cursor = itertools.count()
        self.create_counter = itertools.count()
        self.replan_counter = itertools.count()
        self.running = world.running.pk
        self.me_api, self.pmo_api = me_api, pmo_api
        # name: (weight, method, path, headers); a path of None is made per request
        self.operations = {
            "my_items": (4, "GET", f"/api/v1/actions?owner={world.me.pk}&status=open", me_api),
            "meeting_page": (2, "GET", f"/meetings/{m}/", organiser),
            "minutes_page": (2, "GET", f"/minutes/{m}/", organiser),
            "department_board": (
                1,
                "GET",
                f"/actions/boards/department/{world.department.pk}/",
                cookie(world.sessions[world.head.pk]),
            ),
            "overdue_board": (
                1,
                "GET",
                "/actions/boards/overdue/",
                cookie(world.sessions[world.pmo.pk]),
            ),
            "home": (2, "GET", "/", cookie(me_session)),
            "create_item": (2, "POST", None, me_api),
            "sign_item": (2, "POST", None, me_api),
            "replan": (1 if self.replan_ids else 0, "POST", None, pmo_api),
            "minutes_md": (1, "GET", f"/minutes/{m}/minutes.md", organiser),
            "minutes_docx": (1, "GET", f"/minutes/{m}/minutes.docx", organiser),
            "minutes_pdf": (1, "GET", f"/minutes/{m}/minutes.pdf", organiser),
            "meeting_xlsx": (1, "GET", f"/minutes/{m}/actions.xlsx", organiser),
            "my_items_xlsx": (
                1,
                "GET",
                f"/api/v1/actions.xlsx?owner={world.me.pk}&status=open",
                me_api,
            ),
        }
        self.names = [name for name, spec in self.operations.items() if spec[0]]
        self.weights = [self.operations[name][0] for name in self.names]

    def due(self, days: int) -> str:
        return (self.today + dt.timedelta(days=days)).isoformat()

    def request_for(self, name: str) -> tuple[str, str, dict, dict | None] | None:
        _weight, method, path, headers = self.operations[name]
        if path is not None:
            return method, path, headers, None
        if name == "create_item":
            n = next(self.create_counter)
            body = {
                "task": f"浸泡测试：行动项{n + 1}",
                "owner_id": self.owners[n % len(self.owners)],
                "due": self.due(1 + n % 3),
            }
            return method, f"/api/v1/meetings/{self.running}/actions", headers, body
        if name == "sign_item":
            n = next(self.sign_cursor)
            if n >= len(self.sign_ids):
                return None  # every prepared item is signed: another operation instead
            return method, f"/api/v1/actions/{self.sign_ids[n]}/sign", headers, None
        # replan: each item in turn, to the day after its due date (1 to 30 days from today),
        # never to the date it has (which would be refused as unchanged)
        n = next(self.replan_counter)
        item = self.replan_ids[n % len(self.replan_ids)]
        with self.replan_lock:
            days = self.replan_due[item] = self.replan_due[item] % 30 + 1
        body = {"due": self.due(days), "reason": "浸泡测试：调整计划"}
        return method, f"/api/v1/actions/{item}/replan", headers, body

    def send(self, client, name: str, request) -> None:
        import httpx

        method, path, headers, body = request
        started = time.perf_counter()
        status, what = None, ""
        try:
            response = client.request(method, path, headers=headers, json=body)
            status = response.status_code
            if 400 <= status < 500:
                what = refusal(response)
        except httpx.TransportError as exc:
            what = f"{type(exc).__name__}: {exc}"
        ms = (time.perf_counter() - started) * 1000
        self.stats.record(name, method, path, status, ms, what)

    def warm_up(self) -> None:
        """One request of each read and export before the clock starts (a process's first
        PDF loads its fonts, and so on); counted on a row of its own."""
        import httpx

        with httpx.Client(base_url=self.base, timeout=httpx.Timeout(120, connect=10)) as client:
            for name in self.names:
                _weight, method, path, headers = self.operations[name]
                if method == "GET":
                    self.send(client, "(warm-up)", (method, path, headers, None))

    def client(self, number: int, deadline: float) -> None:
        import httpx

        rng = random.Random(number)
        with httpx.Client(base_url=self.base, timeout=httpx.Timeout(120, connect=10)) as client:
            while time.monotonic() < deadline:
                name = rng.choices(self.names, self.weights)[0]
                request = self.request_for(name)
                if request is None:
                    name = "my_items"
                    request = self.request_for(name)
                self.send(client, name, request)

    def run(self, clients: int, deadline: float) -> list[threading.Thread]:
        threads = [
            threading.Thread(
                target=self.client, args=(n, deadline), name=f"client-{n}", daemon=True
            )
            for n in range(clients)
        ]
        for thread in threads:
            thread.start()
        return threads


# -- the notices --------------------------------------------------------------------------------


def outbound(start_id: int):
    from accord.notify.models import Channel, Notification

    return Notification.objects.filter(pk__gt=start_id).exclude(via=Channel.Kind.IN_APP)


def outstanding(start_id: int) -> int:
    """Rows of the run the worker still has to deal with: due and pending, or being sent."""
    from django.db.models import Q

    from accord.core import clock
    from accord.notify.models import Notification

    Status = Notification.Status
    return (
        outbound(start_id)
        .filter(Q(status=Status.PENDING, send_after__lte=clock.now()) | Q(status=Status.SENDING))
        .count()
    )


def drain(start_id: int, limit: float) -> tuple[float, int]:
    """Wait until the worker has planned what the load left due and sent everything due: at
    least one planner interval, then until nothing is outstanding twice in a row."""
    from django.conf import settings

    started = time.monotonic()
    time.sleep(min(limit, settings.ACCORD_WORKER_PLAN_SECONDS + 2))
    quiet, left = 0, outstanding(start_id)
    while time.monotonic() - started < limit:
        left = outstanding(start_id)
        quiet = quiet + 1 if left == 0 else 0
        if quiet >= 2:
            break
        time.sleep(1)
    return time.monotonic() - started, left


def tally(start_id: int, receipts: list[list[str]]) -> dict:
    """What became of the run's outbound rows, against what the receivers got."""
    from django.utils import timezone

    from accord.core import clock
    from accord.notify.models import Channel, Notification

    Status = Notification.Status
    received = {"email": collections.Counter(), "webhook": collections.Counter()}
    bad_signatures = 0
    for fields in receipts:
        if fields[0] == "email":
            # <delivery id@sender's domain>
            key = fields[1].strip("<>").partition("@")[0]
            received["email"][key] += 1
        elif fields[0] == "webhook":
            received["webhook"][fields[1]] += 1
            bad_signatures += len(fields) > 3 and fields[3] == "bad-signature"
    now = clock.now()
    result = {way: collections.Counter() for way in ("email", "webhook")}
    lost_examples: list[str] = []
    failures: collections.Counter = collections.Counter()
    ours: dict[str, set[str]] = {"email": set(), "webhook": set()}
    rows = outbound(start_id).values_list(
        "pk", "key", "via", "kind", "status", "send_after", "last_error"
    )
    for pk, key, via, kind, status, send_after, last_error in rows.iterator(chunk_size=2000):
        way = "email" if via == Channel.Kind.EMAIL else "webhook"
        counts = result[way]
        did = delivery_id(key)
        ours[way].add(did)
        counts["planned"] += 1
        counts[status] += 1
        got = received[way][did]
        if status == Status.SENT:
            if got:
                counts["sent and received"] += 1
            else:
                counts["lost"] += 1
                counts["sent, never received"] += 1
                lost_examples.append(f"row {pk} {kind} via {via}: sent, never received")
        elif status == Status.PENDING and send_after > now:
            counts["pending, not due yet"] += 1
        elif status in (Status.PENDING, Status.SENDING, Status.FAILED):
            counts["lost"] += 1
            counts[f"{status} at the end"] += 1
            if got:
                counts["received, not recorded as sent"] += 1
            if status == Status.FAILED:
                failures[last_error[:120]] += 1
            lost_examples.append(
                f"row {pk} {kind} via {via}: {status}"
                + (f" ({last_error[:120]})" if last_error else "")
                + f", due {timezone.localtime(send_after):%H:%M:%S}"
            )
        elif status == Status.CANCELLED and got:
            counts["received, not recorded as sent"] += 1
    for way in ("email", "webhook"):
        counts = result[way]
        counts["received"] = sum(received[way].values())
        duplicated = {did: n for did, n in received[way].items() if n > 1}
        counts["duplicates"] = sum(n - 1 for n in duplicated.values())
        counts["keys received twice or more"] = len(duplicated)
        counts["received from earlier rows"] = sum(
            n for did, n in received[way].items() if did not in ours[way]
        )
    in_app = Notification.objects.filter(pk__gt=start_id, via=Channel.Kind.IN_APP).count()
    return {
        "ways": result,
        "in_app": in_app,
        "bad_signatures": bad_signatures,
        "lost_examples": lost_examples,
        "failures": failures,
    }


# -- the logs -----------------------------------------------------------------------------------

PROBLEM = re.compile(r"Traceback|\[ERROR\]|\[CRITICAL\]|WORKER TIMEOUT|Error|error|exception")


def read_logs(logs: dict[str, Path]) -> dict:
    """Problems the server and the worker logged, and the worker's batch counts summed."""
    problems: list[str] = []
    count = 0
    batches: collections.Counter = collections.Counter()
    for name, path in logs.items():
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("batch: {"):
                with contextlib.suppress(ValueError, SyntaxError):
                    batches.update(ast.literal_eval(line.removeprefix("batch: ")))
                continue
            if PROBLEM.search(line):
                count += 1
                if len(problems) < 8:
                    problems.append(f"{name}: {line.strip()[:200]}")
    return {"count": count, "problems": problems, "batches": batches}


# -- the report ---------------------------------------------------------------------------------


def report(
    args, *, info: str, stats: Stats, samples, notices: dict, logs: dict, drained, folder: Path
) -> str:
    lines = [f"## Accord soak: {args.minutes} min, {args.clients} clients", "", info, ""]

    # requests
    lines += [
        "### Requests",
        "",
        "| operation | requests | errors | other non-2xx | p50 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    all_latencies: list[float] = []
    total = errors = refused = 0
    names = sorted(stats.statuses, key=lambda name: (name.startswith("("), name))
    for name in names:
        statuses = stats.statuses[name]
        ordered = sorted(stats.latencies[name])
        n = sum(statuses.values())
        bad = sum(c for s, c in statuses.items() if s == "no answer" or s >= 500)
        other = {s: c for s, c in statuses.items() if s != "no answer" and 300 <= s < 500}
        lines.append(
            f"| {name} | {n:,} | {bad:,} | "
            + (", ".join(f"{c:,} × {s}" for s, c in sorted(other.items())) or "0")
            + f" | {percentile(ordered, 0.5):,.0f} | {percentile(ordered, 0.99):,.0f} |"
        )
        if not name.startswith("("):
            all_latencies += ordered
            total, errors = total + n, errors + bad
            refused += sum(other.values())
    all_latencies.sort()
    lines.append(
        f"| **all** | **{total:,}** | **{errors:,}** | **{refused:,}** | "
        f"{percentile(all_latencies, 0.5):,.0f} | {percentile(all_latencies, 0.99):,.0f} |"
    )
    seconds = args.minutes * 60
    lines += ["", f"{total / seconds:,.1f} requests/s over the {args.minutes} min."]
    if stats.errors:
        lines += ["", "First errors:", ""] + [f"- {e}" for e in stats.errors]
    if stats.refused:
        lines += ["", "First other non-2xx answers:", ""] + [f"- {e}" for e in stats.refused]

    # memory
    columns = []
    for _label, row in samples:
        for name in row:
            if name not in columns:
                columns.append(name)
    lines += [
        "",
        "### Memory (MB, RSS / USS)",
        "",
        "| minute | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for label, row in samples:
        lines.append(f"| {label} | " + " | ".join(mb(row.get(c)) for c in columns) + " |")
    growth, flat = memory_growth(samples, columns)
    lines += ["", *growth]

    # notices
    ways = notices["ways"]
    rows = [
        ("planned (rows the run created)", "planned"),
        ("sent, per the database", "sent"),
        ("cancelled (no longer due)", "cancelled"),
        ("pending, not due yet", "pending, not due yet"),
        ("received", "received"),
        ("received from rows before the run", "received from earlier rows"),
        ("**lost**", "lost"),
        ("– sent, never received", "sent, never received"),
        ("– pending at the end", "pending at the end"),
        ("– sending at the end", "sending at the end"),
        ("– failed", "failed at the end"),
        ("received, not recorded as sent", "received, not recorded as sent"),
        ("**duplicates** (receipts past the first)", "duplicates"),
        ("keys received twice or more", "keys received twice or more"),
    ]
    lines += [
        "",
        "### Notices",
        "",
        "| | e-mail | webhook | all |",
        "|---|---:|---:|---:|",
    ]
    for label, key in rows:
        e, w = ways["email"][key], ways["webhook"][key]
        lines.append(f"| {label} | {e:,} | {w:,} | {e + w:,} |")
    drain_seconds, left = drained
    lines += [
        "",
        f"In-app notices written: {notices['in_app']:,}. Webhook receipts with a bad signature: "
        f"{notices['bad_signatures']:,}. Drained in {drain_seconds:.0f} s"
        + (f", {left:,} rows still outstanding at the limit" if left else "")
        + ".",
    ]
    batches = logs["batches"]
    if batches:
        lines += [
            "",
            "The worker's batches summed: "
            + ", ".join(f"{k} {v:,}" for k, v in sorted(batches.items()) if v)
            + ".",
        ]
    if notices["failures"]:
        lines += ["", "Why rows failed:", ""] + [
            f"- {n:,} × {why or '(no error recorded)'}"
            for why, n in notices["failures"].most_common(5)
        ]
    if notices["lost_examples"]:
        lines += ["", "First lost rows:", ""] + [f"- {e}" for e in notices["lost_examples"][:8]]

    # logs
    lines += ["", "### Logs", ""]
    lines.append(
        f"{logs['count']:,} lines of the server's and the worker's logs name an error "
        f"(logs and receipts in {folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder})"
        + (":" if logs["problems"] else ".")
    )
    if logs["problems"]:
        lines += [""] + [f"    {p}" for p in logs["problems"]]

    # goals
    lost = ways["email"]["lost"] + ways["webhook"]["lost"]
    duplicates = ways["email"]["duplicates"] + ways["webhook"]["duplicates"]
    lines += [
        "",
        "### Goals",
        "",
        f"- 0 errors: {'met' if errors == 0 else f'not met ({errors:,})'}",
        f"- 0 lost: {'met' if lost == 0 else f'not met ({lost:,})'}",
        f"- 0 duplicates: {'met' if duplicates == 0 else f'not met ({duplicates:,})'}",
        f"- memory flat after warm-up: {flat}",
    ]
    return "\n".join(lines)


def memory_growth(samples, columns) -> tuple[list[str], str]:
    """How much each process grew after the warm-up (the first minute) and over the second
    half of the run, and whether that looks flat: the resident set of every process grew
    by at most 5 MB or 2 % over the second half (the USS of the master rises as its workers'
    copy-on-write pages diverge from it, so it is not judged)."""
    timed = {label: row for label, row in samples if isinstance(label, int)}
    last = max(timed)
    if last < 1:
        return [], "not measured"

    def grew(a: int, b: int) -> dict[str, tuple[float, float | None] | None]:
        out = {}
        for c in columns:
            x, y = timed[a].get(c), timed[b].get(c)
            if x is None or y is None:
                out[c] = None
            else:
                unique = y[1] - x[1] if x[1] is not None and y[1] is not None else None
                out[c] = (y[0] - x[0], unique)
        return out

    def line(a: int, b: int) -> str:
        parts = []
        for c, d in grew(a, b).items():
            if d is None:
                parts.append(f"{c} –")
            else:
                parts.append(
                    f"{c} RSS {d[0]:+.1f}" + (f", USS {d[1]:+.1f}" if d[1] is not None else "")
                )
        return f"Growth from minute {a} to minute {b} (MB): " + "; ".join(parts) + "."

    lines = [line(1 if last > 1 else 0, last)]
    if last < 4:
        return lines, f"too short to tell ({last} min; the first minute is the warm-up)"
    half = last // 2
    lines.append(line(half, last))
    growing = [
        f"{c} {d[0]:+.1f} MB"
        for c, d in grew(half, last).items()
        if d is not None and d[0] > max(5.0, 0.02 * timed[half][c][0])
    ]
    if growing:
        return lines, f"not met: still growing over minutes {half}–{last} ({', '.join(growing)})"
    return lines, f"met (resident sets within 5 MB or 2 % over minutes {half}–{last})"


# -- the run ------------------------------------------------------------------------------------


def main(argv=None) -> int:
    args = arguments(argv)
    smtp_port = free_port()
    args.port = args.port or free_port()
    # The same settings for this process (which prepares the data) and the two under test.
    os.environ.update(
        ACCORD_EMAIL_HOST="127.0.0.1",
        ACCORD_EMAIL_PORT=str(smtp_port),
        ACCORD_NOTIFY_EMAIL="true",
        ACCORD_OUTGOING_ALLOWED_NETWORKS="127.0.0.0/8",
        ACCORD_WORKER_INTERVAL="1",
        ACCORD_WORKER_PLAN_SECONDS="5",
    )
    sys.path.insert(0, str(ROOT))
    bench = importlib.import_module("benchmarks.run")  # django.setup(), these settings
    for name in ("httpx", "httpcore"):  # not a line a request of the load
        logging.getLogger(name).setLevel(logging.WARNING)
    from django.db import connection
    from django.db.models import Max

    from accord.actions.models import ActionItem
    from accord.api.services import token_create
    from accord.core import clock
    from accord.meetings.models import Meeting
    from accord.notify.models import Notification

    folder = ROOT / "var" / "soak" / dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=True)
    # forked before any thread or database connection of this process exists
    receivers = Receivers(folder, smtp_port)
    processes = None
    try:
        ensure_database()
        with contextlib.redirect_stdout(sys.stderr):  # stdout is for the report
            bench.seeded(args.scale, args.seed)
        channels = soak_channels(receivers.url, receivers.secret)
        start_id = Notification.objects.aggregate(top=Max("pk"))["top"] or 0
        sign_items = max(2_000, args.minutes * 60 * args.clients)
        world = bench.World(sign_items=sign_items)
        _, pmo_token = token_create(actor=world.pmo, name=f"soak {clock.now():%Y-%m-%d %H:%M:%S}")
        me_session = bench.session_for(world.me)
        info = (
            f"{ActionItem.objects.count():,} action items, {Meeting.objects.count():,} meetings "
            f"on PostgreSQL ({connection.settings_dict['NAME']}); `accord serve --workers "
            f"{args.workers} --no-worker` and one `accord worker` (interval 1 s, plan every 5 s); "
            f"{args.clients} client threads on 127.0.0.1 without pause; e-mail to an SMTP server "
            f"and {channels} signed webhooks to an HTTP receiver, both on 127.0.0.1."
        )
        load = Load(
            world, base=f"http://127.0.0.1:{args.port}", pmo_token=pmo_token, me_session=me_session
        )
        connection.close()

        print(f"starting accord serve on :{args.port} and accord worker", file=sys.stderr)
        processes = Processes(args, folder)
        processes.wait_ready()
        load.warm_up()
        samples: list[tuple[object, dict]] = [(0, sample(processes))]
        load_average = os.getloadavg()[0]
        print(f"minute 0: {memory_line(samples[-1][1])}", file=sys.stderr)
        started = time.monotonic()
        deadline = started + args.minutes * 60
        threads = load.run(args.clients, deadline)
        for minute in range(1, args.minutes + 1):
            time.sleep(max(0.0, started + minute * 60 - time.monotonic()))
            row = sample(processes)
            samples.append((minute, row))
            requests, errors = load.stats.totals()
            planned = outbound(start_id).count()
            sent = outbound(start_id).filter(status=Notification.Status.SENT).count()
            email, webhook = receivers.received()
            print(
                f"minute {minute}: {requests:,} requests, {errors:,} errors; notices "
                f"{planned:,} planned, {sent:,} sent, received {email:,} e-mails and "
                f"{webhook:,} webhooks; {memory_line(row)}",
                file=sys.stderr,
            )
        for thread in threads:
            thread.join()
        info += (
            f" The machine's load average (1 min) was {load_average:.1f} at the start and "
            f"{os.getloadavg()[0]:.1f} at the end, on {os.cpu_count()} cores."
        )
        print(f"load stopped; draining (at most {args.drain:.0f} s)", file=sys.stderr)
        drained = drain(start_id, args.drain)
        samples.append(("drained", sample(processes)))
        processes.stop()
        receivers.stop()
        notices = tally(start_id, receivers.receipts())
        logs = read_logs(processes.logs)
        if len(processes.web_pids_seen) > args.workers:
            info += (
                f" **gunicorn started {len(processes.web_pids_seen) - args.workers} "
                "replacement worker(s) during the run.**"
            )
        text = report(
            args,
            info=info,
            stats=load.stats,
            samples=samples,
            notices=notices,
            logs=logs,
            drained=drained,
            folder=folder,
        )
    finally:
        if processes is not None:
            processes.stop()
        receivers.stop()
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0


def memory_line(row: dict) -> str:
    return "RSS/USS MB " + ", ".join(f"{name} {mb(value)}" for name, value in row.items())


if __name__ == "__main__":
    sys.exit(main())
