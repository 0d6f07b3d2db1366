"""The worker: plan → claim → send → record, in a loop (``accord worker``) or once
(``accord worker --once``, for cron), and embedded in ``accord serve``.

- **Claim.** A batch of due rows is taken with ``SELECT … FOR UPDATE SKIP LOCKED`` on
  PostgreSQL (SQLite takes the write lock for the whole claim), then marked ``sending``
  with this worker's token and a lease. Any number of workers can run side by side: each
  row is claimed by one of them.
- **Lease.** A worker that dies mid-batch leaves rows ``sending`` with a lease that runs
  out; the next claim takes them again. Only a send in flight at the moment of the crash
  can be repeated, and it carries the same key (``X-Accord-Delivery``, ``Message-ID``).
- **Record.** Each row is recorded as soon as its send ends: what the channel answered,
  when, how many attempts. On PostgreSQL (a direct connection) a batch's bookkeeping
  commits without waiting for the disk (``synchronous_commit`` off for the batch): each row is two commits, and
  waiting for each flush cost a millisecond an e-mail. A crash of the database server can
  lose the outcomes of its last fraction of a second; those rows run out of their lease
  and are sent again with the same key, as after a crash of the worker itself.
- **Faults.** Transient errors (timeouts, refused connections, 5xx, 429, a bot's "too
  fast") are tried again with exponential backoff, or after ``Retry-After``; after
  ``ACCORD_NOTIFY_MAX_ATTEMPTS`` the row fails. Permanent errors fail the row at once, and
  when the channel itself is at fault (wrong secret, deleted group) the channel is
  switched off with the reason and its owner is told in the app. A pass that fails is
  logged and the loop goes on.
- **Rate limits.** A row whose channel has used its quota (e.g. DingTalk's 20 a minute)
  waits in the queue until a slot frees; it is not dropped and not counted as an attempt.
- **Stop.** SIGTERM or SIGINT lets the current batch finish, then the loop exits.
"""

import collections
import concurrent.futures
import contextlib
import datetime as dt
import functools
import logging
import signal
import threading
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import F, Min, Q

from accord.core import clock
from accord.core.bulk import update_where
from accord.exports import jobs as export_jobs
from accord.notify import messages, planner
from accord.notify.models import Channel, Notification
from accord.notify.outbox import Event, publish
from accord.notify.reasons import Reason, reason, stored
from accord.notify.transports import MODULES, PermanentError, Target, TransientError
from accord.notify.transports.base import Session, short
from accord.org.models import Person
from accord.series.services import series_plan_ahead

log = logging.getLogger("accord.worker")
Status = Notification.Status


def backoff(attempts: int) -> float:
    """Seconds before the next try after ``attempts`` failed ones: 30 s, 1, 2, 4 … min,
    at most an hour."""
    return min(settings.ACCORD_NOTIFY_RETRY_SECONDS * 2 ** max(attempts - 1, 0), 3600)


class Worker:
    def __init__(self, *, batch: int | None = None, lease: int | None = None) -> None:
        self.token = uuid.uuid4().hex
        self.batch = batch or settings.ACCORD_WORKER_BATCH
        self.lease = dt.timedelta(seconds=lease or settings.ACCORD_WORKER_LEASE_SECONDS)
        self.stopping = threading.Event()
        self.last_plan: dt.datetime | None = None

    # -- the loop ---------------------------------------------------------------------------

    def run(self, *, once: bool = False, interval: float | None = None) -> dict[str, int]:
        """Work until stopped; with ``once``, plan and deliver everything due, then return."""
        interval = settings.ACCORD_WORKER_INTERVAL if interval is None else interval
        totals = {"planned": 0, "sent": 0, "failed": 0, "retried": 0, "cancelled": 0}
        while not self.stopping.is_set():
            # a caller's transaction (a test's) keeps its connection
            if not transaction.get_connection().in_atomic_block:
                close_old_connections()
            try:
                counts = self.tick(force_plan=once and self.last_plan is None)
            except Exception:
                # A database hiccup or a bug in one rule must not end the loop: the next
                # pass tries again (rows stay claimed until their lease runs out).
                if once:
                    raise
                log.exception("worker pass failed; trying again in %s s", interval)
                self.stopping.wait(interval)
                continue
            for key, value in counts.items():
                totals[key] = totals.get(key, 0) + value
            if once and counts["claimed"] == 0:
                break
            if counts["claimed"] == 0:
                self.stopping.wait(interval)
        return totals

    def stop(self, *_args) -> None:
        log.info("stopping after this batch")
        self.stopping.set()

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)

    def tick(self, *, force_plan: bool = False) -> dict[str, int]:
        now = clock.now()
        planned = 0
        every = dt.timedelta(seconds=settings.ACCORD_WORKER_PLAN_SECONDS)
        purged = 0
        series_planned = 0
        if force_plan or self.last_plan is None or now - self.last_plan >= every:
            series_planned = self.plan_series(now)
            with transaction.atomic():
                planned = sum(planner.plan(now).values())
            purged = self.purge_exports(now)
            self.last_plan = now
        exports = self.render_exports(now)
        rows = self.claim(now)
        counts = self.deliver(rows)
        counts.update(exports)
        exported = sum(exports.values())
        counts.update(
            planned=planned,
            claimed=len(rows) + exported,
            exports_purged=purged,
            series_planned=series_planned,
        )
        if rows or planned or exported or purged or series_planned:
            log.info("batch: %s", counts)
        return counts

    # -- series -----------------------------------------------------------------------------

    def plan_series(self, now: dt.datetime) -> int:
        """Create the series' next meetings that fall due (``series_plan_ahead``)."""
        try:
            return len(series_plan_ahead(now))
        except Exception:  # one broken series must not stop the notices
            log.exception("planning series")
            return 0

    # -- large exports ----------------------------------------------------------------------

    def render_exports(self, now: dt.datetime) -> dict[str, int]:
        """Render the pending action-plan exports (each claimed by one worker) and tell each
        person theirs is ready; a failing one ends ``failed`` with its error."""
        try:
            return export_jobs.exports_run(
                token=self.token, now=now, lease=self.lease, batch=self.batch
            )
        except Exception:  # e.g. the database went away: the notices still go out
            log.exception("rendering exports")
            return {}

    def purge_exports(self, now: dt.datetime) -> int:
        try:
            return export_jobs.exports_purge(now)
        except Exception:
            log.exception("deleting old exports")
            return 0

    # -- claim ------------------------------------------------------------------------------

    def claim(self, now: dt.datetime | None = None, *, ids: Iterable[int] | None = None):
        now = now or clock.now()
        due = Q(status=Status.PENDING, send_after__lte=now) | Q(
            status=Status.SENDING, claimed_until__lt=now
        )
        with transaction.atomic():
            candidates = Notification.objects.filter(due).exclude(via=Channel.Kind.IN_APP)
            if ids is not None:
                candidates = candidates.filter(pk__in=list(ids))
            chosen = list(
                candidates.order_by("send_after", "id")
                .select_for_update(skip_locked=True)
                .values_list("id", flat=True)[: self.batch]
            )
            if not chosen:
                return []
            Notification.objects.filter(due, pk__in=chosen).update(
                status=Status.SENDING,
                claimed_by=self.token,
                claimed_until=now + self.lease,
                attempts=F("attempts") + 1,
            )
        return list(
            Notification.objects.filter(pk__in=chosen, claimed_by=self.token, status=Status.SENDING)
            .select_related(
                "recipient", "channel", "meeting__organiser", "action__owner__department"
            )
            .select_related("action__meeting")
            .order_by("send_after", "id")
        )

    # -- send and record --------------------------------------------------------------------

    def deliver(self, rows: list[Notification]) -> dict[str, int]:
        counts = {
            "sent": 0,
            "failed": 0,
            "retried": 0,
            "cancelled": 0,
            "deferred": 0,
            "skipped": 0,
        }
        if not rows:
            return counts
        mentioned_ids = {pk for n in rows for pk in n.payload.get("mentions", ())}
        people = Person.objects.in_bulk(mentioned_ids) if mentioned_ids else {}
        lanes = settings.ACCORD_WORKER_SMTP_CONNECTIONS
        smtp_lanes = (
            concurrent.futures.ThreadPoolExecutor(lanes, "accord-smtp") if lanes > 1 else None
        )
        with Session() as session, _commits_unflushed(), smtp_lanes or contextlib.nullcontext():
            # e-mails on their way, oldest first, each settled once its send has ended
            posted: collections.deque[tuple[Notification, concurrent.futures.Future]]
            posted = collections.deque()

            def settle_oldest() -> None:
                m, sending = posted.popleft()
                counts[self._guarded(m, self.settle, m, session, sending.result)] += 1

            try:
                for n in rows:
                    outcome = self._guarded(n, self.deliver_one, n, session, people, smtp_lanes)
                    if isinstance(outcome, concurrent.futures.Future):
                        posted.append((n, outcome))
                    else:
                        counts[outcome] += 1
                    while posted and (posted[0][1].done() or len(posted) > 2 * lanes):
                        settle_oldest()
                while posted:
                    settle_oldest()
            except BaseException:
                # The batch broke off (the database went away): e-mails not yet on their
                # way stay claimed and return when the lease runs out; only those in flight,
                # one a connection, can be repeated.
                for _m, sending in posted:
                    sending.cancel()
                raise
        return counts

    def _guarded(self, n: Notification, step, *args):
        """``step(*args)``; a bug must not stop the worker or lose the row: it fails."""
        try:
            return step(*args)
        except Exception as exc:
            log.exception("delivering %s", n.key)
            self.record(n, status=Status.FAILED, error=reason("internal_error", detail=repr(exc)))
            return "failed"

    def _target(self, n: Notification) -> Target | Reason:
        if n.via == Channel.Kind.EMAIL and n.channel_id is None:
            address = n.recipient.email if n.recipient else ""
            if not address:
                return reason("no_email")
            return Target(kind="email", address=address)
        channel = n.channel
        if channel is None:
            return reason("channel_deleted")
        if not channel.enabled:
            return switched_off(channel)
        return Target(kind=channel.kind, address=channel.target, secret=channel.secret)

    def _rate_limited(self, n: Notification, now: dt.datetime) -> dt.datetime | None:
        """When the row's channel may take it, if its quota is used up now."""
        if n.channel_id is None:
            return None
        latest = None
        for count, seconds in getattr(MODULES[n.via], "LIMITS", ()):
            since = now - dt.timedelta(seconds=seconds)
            recent = Notification.objects.filter(channel_id=n.channel_id, tried_at__gt=since)
            if recent.count() >= count:
                oldest = recent.aggregate(oldest=Min("tried_at"))["oldest"]
                free = oldest + dt.timedelta(seconds=seconds)
                latest = free if latest is None or free > latest else latest
        return latest

    def deliver_one(
        self,
        n: Notification,
        session: Session,
        people: dict,
        smtp_lanes: concurrent.futures.Executor | None = None,
    ) -> str | concurrent.futures.Future:
        """Send ``n`` and record the outcome. An e-mail is handed to one of the SMTP lanes
        (when there are more than one) and comes back as the send under way, for
        ``settle`` once it has ended; the next rows are prepared meanwhile."""
        moot = planner.still_due(n)
        if moot:
            self.record(n, status=Status.CANCELLED, error=moot)
            return "cancelled"
        if n.channel_id in session.broken_channels:
            # switched off earlier in this batch: the row's own copy does not know yet
            n.channel.enabled = False
            (
                n.channel.disabled_reason,
                n.channel.disabled_code,
                n.channel.disabled_params,
            ) = session.broken_channels[n.channel_id]
        target = self._target(n)
        if isinstance(target, Reason):
            self.record(n, status=Status.FAILED, error=target)
            return "failed"
        now = clock.now()
        free_at = self._rate_limited(n, now)
        if free_at is not None:
            self.record(
                n,
                status=Status.PENDING,
                error=last_error(n),
                response=n.response,
                send_after=free_at,
                attempts=n.attempts - 1,
            )
            return "deferred"
        if n.attempts > settings.ACCORD_NOTIFY_MAX_ATTEMPTS:
            self.record(n, status=Status.FAILED, error=last_error(n) or reason("too_many_attempts"))
            return "failed"
        mentioned = [people[pk] for pk in n.payload.get("mentions", ()) if pk in people]
        message = messages.render(n, mentioned=mentioned)
        # The send starts: hold the row for a whole lease from now. If it is no longer ours
        # (this batch outlived its lease and another worker took the row), leave it.
        held = {"tried_at": now, "claimed_until": now + self.lease}
        if not update_where(Notification, held, pk=n.pk, claimed_by=self.token):
            return "skipped"
        send = functools.partial(MODULES[target.kind].send, target, message, session)
        if smtp_lanes is not None and target.kind == Channel.Kind.EMAIL:
            return smtp_lanes.submit(send)
        return self.settle(n, session, send)

    def settle(self, n: Notification, session: Session, send) -> str:
        """Record what ``send()`` (the send, or the result of one under way) came to."""
        try:
            answer = send()
        except TransientError as exc:
            if exc.throttled:
                # The channel asked us to slow down: wait as long as it says (a minute if it
                # does not say; a second to an hour), and do not count the try towards giving up.
                wait = min(max(60 if exc.retry_after is None else exc.retry_after, 1), 3600)
                self.record(
                    n,
                    status=Status.PENDING,
                    error=exc.why,
                    response=exc.response,
                    send_after=clock.now() + dt.timedelta(seconds=wait),
                    attempts=n.attempts - 1,
                )
                return "deferred"
            if n.attempts >= settings.ACCORD_NOTIFY_MAX_ATTEMPTS:
                self.record(n, status=Status.FAILED, error=exc.why, response=exc.response)
                return "failed"
            wait = max(exc.retry_after or 0, backoff(n.attempts))
            self.record(
                n,
                status=Status.PENDING,
                error=exc.why,
                response=exc.response,
                send_after=clock.now() + dt.timedelta(seconds=wait),
            )
            return "retried"
        except PermanentError as exc:
            self.record(n, status=Status.FAILED, error=exc.why, response=exc.response)
            if exc.channel_broken and n.channel is not None:
                channel_broken(n.channel, exc.why)
                session.broken_channels[n.channel_id] = (
                    n.channel.disabled_reason,
                    n.channel.disabled_code,
                    n.channel.disabled_params,
                )
            return "failed"
        self.record(n, status=Status.SENT, response=answer, sent_at=clock.now())
        return "sent"

    def record(self, n: Notification, *, status: str, error: Reason | str = "", **fields) -> None:
        """Write the outcome, unless another worker has taken the row since (its lease ran
        out): then that worker's outcome stands. ``error`` is kept as its English text and,
        when it is a :class:`Reason`, as its code and facts for the delivery log."""
        fields.setdefault("response", "")
        fields["response"] = short(fields["response"], 2000)
        error = stored(error)
        values = {
            "status": status,
            "last_error": short(error["text"], 2000),
            "last_error_code": error["code"],
            "last_error_params": error["params"],
            "claimed_by": "",
            "claimed_until": None,
            **fields,
        }
        update_where(Notification, values, pk=n.pk, claimed_by=self.token)
        for name, value in values.items():
            setattr(n, name, value)


@contextlib.contextmanager
def _commits_unflushed():
    """The batch's commits do not wait for the disk (PostgreSQL; see Record above). Only on
    a direct connection (``ACCORD_DATABASE_PREPARED``): behind a pooler in transaction
    mode a session setting could reach another client's connection."""
    direct = connection.settings_dict["OPTIONS"].get("server_side_binding")
    if connection.vendor != "postgresql" or not direct:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO DEFAULT")


def switched_off(channel: Channel) -> Reason:
    """Why a row for a switched-off channel is not sent, with why the channel stopped."""
    if channel.disabled_code:
        why = {"code": channel.disabled_code, "params": channel.disabled_params or {}}
        return reason("channel_off_because", reason=why)
    if channel.disabled_reason:
        return reason("channel_off_because", reason=channel.disabled_reason)
    return reason("channel_off")


def last_error(n: Notification) -> Reason | str:
    """The row's last error as it was recorded, to record it again unchanged."""
    if n.last_error_code:
        return Reason(n.last_error_code, n.last_error_params or {})
    return n.last_error


def channel_broken(channel: Channel, why: Reason | str) -> None:
    """Switch the channel off and tell who looks after it (its owner; a department's head
    and the PMO, who oversee every department's channels; the administrators); rows
    waiting for it fail when their turn comes and can be sent again from the delivery log
    once it is fixed."""
    kept = stored(why)
    disabled = {
        "disabled_reason": short(kept["text"], 500),
        "disabled_code": kept["code"],
        "disabled_params": kept["params"],
    }
    updated = Channel.objects.filter(pk=channel.pk, enabled=True).update(enabled=False, **disabled)
    channel.enabled = False
    for name, value in disabled.items():
        setattr(channel, name, value)
    if not updated:
        return
    keepers = [channel.person] if channel.person_id else []
    if channel.department_id and channel.department.head_id:
        keepers.append(channel.department.head)
    pmo = Q(is_pmo=True) if channel.department_id else Q(pk__in=[])
    keepers += list(
        Person.objects.filter(Q(is_superuser=True) | pmo, is_active=True).order_by("pk")
    )
    payload = {"channel_name": channel.name, "reason": short(kept["text"], 300)}
    if kept["code"]:
        payload["why"] = {"code": kept["code"], "params": kept["params"] or {}}
    if channel.department_id:
        payload["department_name"] = channel.department.name
    publish(
        [
            Event(
                key=f"channel-broken:c{channel.pk}:{int(clock.now().timestamp())}",
                kind="channel.broken",
                people=keepers,
                to_group_bots=False,
                payload=payload,
            )
        ]
    )
