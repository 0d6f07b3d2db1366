"""The worker as it runs in production: real ``accord worker`` processes against the test
database, delivering to an HTTP receiver on 127.0.0.1 that counts the
``X-Accord-Delivery`` keys it gets.

- SIGKILL in the middle of a batch loses nothing: after a restart every notification
  arrives; a key arrives twice only if its send was in flight at the kill, and the repeat
  carries the same key (so the receiver can drop it).
- Two workers at once share 1,000 notifications, each delivered exactly once.
- SIGTERM lets the batch finish; the worker exits 0.

The subprocesses read the real clock (the test's frozen clock is only in this process), so
rows are created with ``send_after`` in the real past. On PostgreSQL the workers use the
test database itself (the test commits, ``transaction=True``); on SQLite, whose test
database lives in this process's memory, it is copied to a file for them and copied back
to be checked (``LiveDatabase``)."""

import collections
import datetime as dt
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from notify.receivers import Answer, HttpReceiver

from accord.core import clock
from accord.notify import services as notify_services
from accord.notify.models import Channel, Notification
from accord.notify.outbox import Event, publish
from accord.notify.worker import Worker
from tests.conftest import Org

pytestmark = pytest.mark.django_db(transaction=True)

ACCORD = str(Path(sys.executable).with_name("accord"))
Status = Notification.Status


class LiveDatabase:
    """The test database as other processes reach it: its URL, and on SQLite ``push`` (this
    process's in-memory database to the file the workers use) and ``pull`` (back)."""

    def __init__(self, directory: Path) -> None:
        self.sqlite = connection.vendor == "sqlite"
        self.directory = directory
        if self.sqlite:
            self.path = directory / "accord.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            s = connection.settings_dict
            self.url = (
                f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or 'localhost'}:"
                f"{s['PORT'] or 5432}/{s['NAME']}"
            )

    def push(self) -> None:
        if self.sqlite:
            connection.ensure_connection()
            target = sqlite3.connect(self.path)
            connection.connection.backup(target)
            target.close()

    def pull(self) -> None:
        if self.sqlite:
            connection.ensure_connection()
            source = sqlite3.connect(self.path)
            source.backup(connection.connection)
            source.close()


@pytest.fixture
def live(tmp_path) -> LiveDatabase:
    return LiveDatabase(tmp_path)


class WorkerProcess:
    """``accord worker`` in its own process, its output kept in files."""

    def __init__(self, live: LiveDatabase, name: str, *args: str, lease: int = 2) -> None:
        directory = live.directory
        self.out = (directory / f"{name}.out").open("w+")
        env = {
            **os.environ,
            "ACCORD_DATABASE_URL": live.url,
            "ACCORD_VAR_DIR": str(directory),
            "ACCORD_SECRET_KEY": "worker-process-tests",
            "ACCORD_WORKER_LEASE_SECONDS": str(lease),
            "ACCORD_WORKER_INTERVAL": "1",
            "ACCORD_NOTIFY_EMAIL": "false",
            "ACCORD_OUTGOING_ALLOWED_NETWORKS": "127.0.0.0/8",  # the receiver's
            "ACCORD_LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
        self.process = subprocess.Popen(
            [ACCORD, "worker", *args], env=env, stdout=self.out, stderr=subprocess.STDOUT
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        self.out.seek(0)
        return self.out.read()

    def wait(self, timeout: float = 60) -> int:
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"worker did not stop:\n{self.output()}") from None

    def totals(self) -> dict[str, int]:
        """The counts of the worker's last line, ``Accord worker stopped: failed 0, …``."""
        line = self.output().rsplit("Accord worker stopped: ", 1)[1].splitlines()[0]
        return {name: int(count) for name, count in (part.split() for part in line.split(", "))}


def wait_until(condition, *, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)


def delivery_id(key: str) -> str:
    """What the webhook sends as ``X-Accord-Delivery`` for a row's key."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def arrived(receiver: HttpReceiver) -> list[str]:
    with receiver.lock:
        return [request.headers["x-accord-delivery"] for request in receiver.requests]


def queue(org: Org, receiver: HttpReceiver, count: int) -> list[str]:
    """``count`` due notifications to zhou's own signed webhook; returns the rows' keys."""
    channel = notify_services.channel_create(
        actor=org.zhou,
        kind=Channel.Kind.WEBHOOK,
        name="周的接收器",
        target=receiver.url + "/hook",
        secret="s3cret",
    )
    due = timezone.now() - dt.timedelta(minutes=5)  # the real clock: the workers read it
    publish(
        Event(
            key=f"load:{n}",
            kind="channel.test",
            people=[org.zhou],
            payload={"channel_name": channel.name, "by": "孙主任"},
            send_after=due,
        )
        for n in range(count)
    )
    keys = list(Notification.objects.filter(channel=channel).values_list("key", flat=True))
    assert len(keys) == count
    return keys


def by_status(channel_kind: str = Channel.Kind.WEBHOOK) -> dict[str, int]:
    rows = Notification.objects.filter(via=channel_kind).values_list("status", flat=True)
    return dict(collections.Counter(rows))


def test_sigkill_mid_batch_loses_nothing_and_repeats_only_the_send_in_flight(
    org: Org, live: LiveDatabase
):
    """200 notifications, a receiver answering in 20 ms, a 2-second lease. The first worker
    is killed (SIGKILL) after about 50 deliveries; a second one, started after it, delivers
    the rest, taking the dead worker's claims once their lease runs out."""
    with HttpReceiver(lambda request: Answer(200, b"ok", delay=0.02)) as receiver:
        keys = queue(org, receiver, 200)
        expected = {delivery_id(key): key for key in keys}
        live.push()

        first = WorkerProcess(live, "first")
        wait_until(lambda: len(arrived(receiver)) >= 50, what="50 deliveries")
        os.kill(first.pid, signal.SIGKILL)
        assert first.wait() == -signal.SIGKILL
        before_restart = collections.Counter(arrived(receiver))

        live.pull()
        in_flight = set(
            Notification.objects.filter(
                via=Channel.Kind.WEBHOOK, status=Status.SENDING, tried_at__isnull=False
            ).values_list("key", flat=True)
        )
        stranded = Notification.objects.filter(via=Channel.Kind.WEBHOOK, status=Status.SENDING)
        assert len(in_flight) <= 1  # one send at a time: at most one was in flight
        assert stranded.count() > len(in_flight)  # the rest of the killed batch waits
        assert 50 <= len(before_restart) < 200

        second = WorkerProcess(live, "second")
        wait_until(lambda: len(set(arrived(receiver))) == 200, what="all 200 keys")
        second.process.send_signal(signal.SIGTERM)
        assert second.wait() == 0, second.output()
        live.pull()
        final = collections.Counter(arrived(receiver))

    assert set(final) == set(expected)  # every one of the 200 arrived
    repeated = {key for key, times in final.items() if times > 1}
    assert {expected[key] for key in repeated} <= in_flight
    assert all(final[key] == 2 for key in repeated)
    assert all(before_restart[key] == 1 for key in repeated)  # the repeat came after restart
    assert sum(final.values()) == 200 + len(repeated)
    assert by_status() == {Status.SENT: 200}
    assert not Notification.objects.filter(via=Channel.Kind.WEBHOOK, claimed_by__gt="").exists()
    for key in in_flight:  # the one in flight was tried twice, once by each worker
        assert Notification.objects.get(key=key).attempts == 2


def test_two_workers_deliver_1000_notifications_exactly_once(org: Org, live: LiveDatabase):
    """Two ``accord worker --once`` processes at once over 1,000 due notifications: each is
    delivered exactly once, and both workers took part. On PostgreSQL (the scaled mode) the
    claims skip each other's locked rows (``FOR UPDATE SKIP LOCKED``); on SQLite a claim
    holds the write lock, so the same holds there."""
    with HttpReceiver(lambda request: Answer(200, b"ok", delay=0.005)) as receiver:
        keys = queue(org, receiver, 1000)
        live.push()

        workers = [
            WorkerProcess(live, name, "--once", "--batch", "50", lease=120) for name in ("a", "b")
        ]
        for worker in workers:
            assert worker.wait(timeout=120) == 0, worker.output()
        received = arrived(receiver)

    assert len(received) == 1000
    assert set(received) == {delivery_id(key) for key in keys}
    live.pull()
    assert by_status() == {Status.SENT: 1000}
    assert set(
        Notification.objects.filter(via=Channel.Kind.WEBHOOK).values_list("attempts", flat=True)
    ) == {1}
    sent = [worker.totals()["sent"] for worker in workers]
    assert sum(sent) == 1000
    assert min(sent) > 0, sent  # both took part


def test_sigterm_finishes_the_batch_and_exits_0(org: Org, live: LiveDatabase):
    """60 notifications in batches of 20, each answered in 50 ms: SIGTERM during a batch
    lets that batch finish (every row of it is recorded ``sent``), claims nothing more, and
    the process exits with status 0."""
    with HttpReceiver(lambda request: Answer(200, b"ok", delay=0.05)) as receiver:
        queue(org, receiver, 60)
        live.push()

        worker = WorkerProcess(live, "term", "--batch", "20")
        wait_until(lambda: len(arrived(receiver)) >= 5, what="the first deliveries")
        at_signal = len(arrived(receiver))
        worker.process.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0, worker.output()
        received = len(arrived(receiver))

    live.pull()
    statuses = by_status()
    assert statuses.get(Status.SENDING, 0) == 0  # nothing left half done
    assert statuses[Status.SENT] == received
    assert received % 20 == 0 and at_signal <= received <= at_signal + 20 and received < 60
    assert statuses[Status.PENDING] == 60 - received
    untouched = Notification.objects.filter(via=Channel.Kind.WEBHOOK, status=Status.PENDING)
    assert set(untouched.values_list("attempts", "claimed_by")) == {(0, "")}
    assert worker.totals()["sent"] == received
    assert "stopping after this batch" in worker.output()


def test_a_worker_whose_lease_ran_out_does_not_send_what_another_worker_took(org: Org):
    """Worker A claims 3 rows with a 2-second lease and stalls; 3 seconds later worker B
    takes them (the lease ran out) and delivers them. When A resumes its batch it sends
    none of them: each arrives once."""
    with HttpReceiver() as receiver:
        keys = queue(org, receiver, 3)
        start = timezone.now()
        a, b = Worker(lease=2), Worker(lease=2)
        with clock.frozen(start):
            stale = a.claim()
        with clock.frozen(start + dt.timedelta(seconds=3)):
            taken = b.claim()
            assert b.deliver(taken)["sent"] == 3
            counts = a.deliver(stale)
        received = arrived(receiver)

    assert sorted(received) == sorted(delivery_id(key) for key in keys)
    assert (counts["sent"], counts["skipped"]) == (0, 3)
    rows = Notification.objects.filter(via=Channel.Kind.WEBHOOK)
    assert set(rows.values_list("status", "attempts", "claimed_by")) == {(Status.SENT, 2, "")}
