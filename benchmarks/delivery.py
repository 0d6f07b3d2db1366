"""Reminders from plan to inbox: one planner pass with 10,000 items due for their reminder,
then one worker delivering the e-mails to an SMTP server on 127.0.0.1.

The database is built as ``benchmarks/planner.py`` builds it (its own database, never the
one you work in; ``--items`` action items of which ``--due`` are due for their 3-day
reminder). E-mail is on and goes to an SMTP sink (aiosmtpd) started by this script, which
counts what it receives. The script times:

- **plan**: one ``planner.plan()`` pass, in one transaction as the worker runs it, writing
  an in-app notice and an e-mail row for each item due;
- **deliver**: one ``Worker`` (``ACCORD_WORKER_BATCH`` rows a batch, one SMTP connection a
  batch) from the first claim until no e-mail row is left to send, and checks that the sink
  got exactly one message per item due, each to its owner.

Run it from the repository root (``make install`` first)::

    ACCORD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord .venv/bin/python benchmarks/delivery.py
    .venv/bin/python benchmarks/delivery.py --items 20000   # SQLite
"""

import os
import socket
import sys
import time
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The sink's address must be in the settings before Django reads them (planner imports it).
SMTP_PORT = _free_port()
os.environ.update(
    ACCORD_EMAIL_HOST="127.0.0.1",
    ACCORD_EMAIL_PORT=str(SMTP_PORT),
    ACCORD_NOTIFY_EMAIL="true",
)
sys.path.insert(0, str(Path(__file__).resolve().parent))

import argparse  # noqa: E402
import logging  # noqa: E402
import multiprocessing  # noqa: E402
import random  # noqa: E402

import planner as base  # noqa: E402  (benchmarks/planner.py: the database and its filling)
from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accord.core import clock  # noqa: E402
from accord.notify import planner  # noqa: E402
from accord.notify.models import Notification  # noqa: E402
from accord.notify.worker import Worker  # noqa: E402


class Sink:
    """Counts the messages' recipients (in the sink's own process)."""

    def __init__(self, received) -> None:
        self.received = received

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        with self.received.get_lock():
            self.received.value += len(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def serve_sink(port: int, received, stop) -> None:
    """The SMTP server, in a process of its own so that it does not share the worker's
    interpreter (a real mail server would not)."""
    controller = Controller(Sink(received), hostname="127.0.0.1", port=port)
    controller.start()
    stop.wait()
    controller.stop()


def arguments() -> argparse.Namespace:
    postgres = connection.vendor == "postgresql"
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000 if postgres else 20_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if args.due > args.items:
        parser.error("--due must not exceed --items")
    return args


def email_rows():
    return Notification.objects.filter(via="email")


def main() -> None:
    args = arguments()
    # Neither the SMTP server's conversation nor the worker's batch log.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    logging.getLogger("accord").setLevel(logging.WARNING)
    original = connection.settings_dict["NAME"]
    base.create_database(keep=args.keep)
    received, stop = multiprocessing.Value("i", 0), multiprocessing.Event()
    sink = multiprocessing.Process(target=serve_sink, args=(SMTP_PORT, received, stop))
    sink.start()
    try:
        people = base.people_and_departments()
        started = time.perf_counter()
        base.fill(start=0, stop=args.items, due=args.due, people=people, rng=random.Random(4))
        base.analyze()
        print(f"  ({time.perf_counter() - started:.0f} s to fill and analyze)")
        with clock.frozen(base.NOW):
            started = time.perf_counter()
            with transaction.atomic():
                planned = planner.plan(base.NOW)
            plan_seconds = time.perf_counter() - started
            emails = email_rows().filter(status=Notification.Status.PENDING).count()
            print(f"plan: {plan_seconds * 1000:,.0f} ms, {sum(planned.values()):,} rows")
            worker = Worker()
            worker.last_plan = base.NOW  # the pass above was this tick's plan
            started = time.perf_counter()
            batches = 0
            while worker.tick()["claimed"]:
                batches += 1
            deliver_seconds = time.perf_counter() - started
        sent = email_rows().filter(status=Notification.Status.SENT).count()
        reminders = email_rows().filter(kind="action.reminder", status=Notification.Status.SENT)
        print(
            f"deliver: {deliver_seconds:,.1f} s for {sent:,} of {emails:,} e-mails "
            f"({sent / deliver_seconds:,.0f} a second, {batches} batches of "
            f"{settings.ACCORD_WORKER_BATCH}), {reminders.count():,} of them reminders; "
            f"the sink got {received.value:,}"
        )
        print(
            f"\n| items | due | plan pass | e-mails delivered | deliver (1 worker) | per e-mail |\n"
            f"|---:|---:|---:|---:|---:|---:|\n"
            f"| {args.items:,} | {args.due:,} | {plan_seconds * 1000:,.0f} ms | "
            f"{received.value:,} | {deliver_seconds:,.1f} s | "
            f"{deliver_seconds / max(sent, 1) * 1000:.2f} ms |"
        )
    finally:
        stop.set()
        sink.join()
        if not args.keep:
            base.drop_database(original)


if __name__ == "__main__":
    main()
