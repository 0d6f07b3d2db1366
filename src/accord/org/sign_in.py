"""Password guessing: failed sign-ins are counted per user name and per client address, and
past a limit sign-in is paused for a while.

django-axes does the counting, in its own tables, so that every web process and every
machine sees the same counts (a per-process cache would give each gunicorn worker its own
allowance). It counts the sign-in form, the Django admin's and bad API tokens alike.

What Accord decides on top of it (``SignInThrottle``):

- **Two limits.** A user name may fail ``ACCORD_LOGIN_FAILURE_LIMIT`` times (5) in the
  cool-off, whoever tries it; a client address ``ACCORD_LOGIN_ADDRESS_FAILURE_LIMIT`` times
  (20), whatever names it tries, because a whole office often shares one address. Either
  limit pauses sign-in.
- **The right password is refused too while paused**, or the pause would only slow down a
  guesser who is told when they are right. Anyone can therefore pause an account by failing
  on purpose; the pause ends by itself, and an administrator can lift it at once
  (``accord axes_reset_username NAME``, ``accord axes_reset_ip ADDRESS``, or the access
  attempts in the admin).
- **The pause runs from the last counted failure**: attempts refused while paused are not
  counted and do not extend it, so the time the page announces holds.
- **A success does not wipe the counts**: axes would clear every count of the address as
  well, and one's own account would then reset the count on a victim's.
- **Each pause is one row of Accord's audit trail** (verb ``sign_in.paused``), not each
  failed attempt: axes keeps those (one row per name, address and browser, in the admin),
  and a row per failure would let anyone flood the trail.
"""

import datetime as dt
import enum
import ipaddress
import math
from dataclasses import dataclass

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import (
    get_client_username,
    get_cool_off,
    get_credentials,
    get_failure_limit,
)
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import ngettext

from accord.org.services import sign_in_paused


class Limit(enum.StrEnum):
    """Which limit paused sign-in."""

    ACCOUNT = "account"
    ADDRESS = "address"


@dataclass(frozen=True)
class Pause:
    """Sign-in refused because of ``limit`` until ``until``."""

    limit: Limit
    failures: int
    until: dt.datetime
    now: dt.datetime

    @property
    def minutes(self) -> int:
        """Whole minutes left, rounded up: the page and Retry-After never promise too soon."""
        return max(1, math.ceil((self.until - self.now).total_seconds() / 60))

    def message(self) -> str:
        """What the sign-in page says, in the person's language."""
        if self.limit == Limit.ACCOUNT:
            return ngettext(
                "Too many failed sign-ins to this account. Sign-in to it is paused for "
                "%(minutes)s minute; until then even the right password is refused. "
                "An administrator can lift the pause sooner.",
                "Too many failed sign-ins to this account. Sign-in to it is paused for "
                "%(minutes)s minutes; until then even the right password is refused. "
                "An administrator can lift the pause sooner.",
                self.minutes,
            ) % {"minutes": self.minutes}
        return ngettext(
            "Too many failed sign-ins from your network address. Sign-in from it is paused for "
            "%(minutes)s minute; until then even the right password is refused. "
            "An administrator can lift the pause sooner.",
            "Too many failed sign-ins from your network address. Sign-in from it is paused for "
            "%(minutes)s minutes; until then even the right password is refused. "
            "An administrator can lift the pause sooner.",
            self.minutes,
        ) % {"minutes": self.minutes}

    def api_message(self) -> str:
        """What the API says; only an address pauses tokens (a token names no account)."""
        return ngettext(
            "Too many failed sign-ins from your network address: a wrong token from it is "
            "refused for %(minutes)s minute.",
            "Too many failed sign-ins from your network address: a wrong token from it is "
            "refused for %(minutes)s minutes.",
            self.minutes,
        ) % {"minutes": self.minutes}


@dataclass(frozen=True)
class _Tally:
    limit: Limit
    allowed: int
    failures: int
    until: dt.datetime | None  # set when failures reach allowed


class SignInThrottle(AxesDatabaseHandler):
    """django-axes' database handler with a limit for each of its lockout parameters.

    Axes counts the failures of the user name and of the address, but compares the larger
    count with one limit. Here each is held to its own: ``get_failures`` reports the
    address's failures in units of the account's limit (``failures × account limit ÷
    address limit``, rounded down), which reaches the account's limit exactly when the
    address reaches its own. Both counts come from one query.
    """

    def tallies(self, request: HttpRequest, credentials: dict | None = None) -> list[_Tally]:
        username = get_client_username(request, credentials)
        address = request.axes_ip_address
        match = Q()
        if username is not None:
            match |= Q(username=username)
        if address is not None:
            match |= Q(ip_address=address)
        if not match:
            return []
        rows = list(
            AccessAttempt.objects.filter(
                match, attempt_time__gte=get_cool_off_threshold(request)
            ).values_list("username", "ip_address", "attempt_time", "failures_since_start")
        )
        cool_off = get_cool_off(request)
        tallies = []
        for limit, allowed, column, value in (
            (Limit.ACCOUNT, get_failure_limit(request, credentials), 0, username),
            (Limit.ADDRESS, settings.ACCORD_LOGIN_ADDRESS_FAILURE_LIMIT, 1, address),
        ):
            if value is None:
                continue
            counted = sorted((row for row in rows if row[column] == value), key=lambda r: r[2])
            failures = sum(row[3] for row in counted)
            tallies.append(
                _Tally(limit, allowed, failures, _paused_until(counted, allowed, cool_off))
            )
        return tallies

    def get_failures(self, request, credentials: dict | None = None) -> int:
        unit = get_failure_limit(request, credentials)
        return max(
            (t.failures * unit // t.allowed for t in self.tallies(request, credentials)),
            default=0,
        )

    def pause(self, request: HttpRequest, credentials: dict | None = None) -> Pause | None:
        """The pause in force for this request, or None; of two, the one that lasts longer."""
        paused = [t for t in self.tallies(request, credentials) if t.until is not None]
        if not paused:
            return None
        tally = max(paused, key=lambda t: t.until)
        return Pause(tally.limit, tally.failures, tally.until, request.axes_attempt_time)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        """Count the failure as axes does; if it is the one that pauses sign-in, record it
        in the audit trail. (Axes marks a request it refused while already paused before
        this runs.)"""
        already_paused = request is not None and getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or already_paused or not request.axes_locked_out:
            return
        pause = self.pause(request, credentials)
        if pause is None:
            return
        username = get_client_username(request, credentials)
        sign_in_paused(
            username=username,
            ip_address=request.axes_ip_address,
            limit=pause.limit,
            failures=pause.failures,
            until=pause.until,
            path=request.path,
            attempt=AccessAttempt.objects.filter(
                username=username,
                ip_address=request.axes_ip_address,
                user_agent=request.axes_user_agent,
            ).first(),
        )


def _paused_until(counted: list[tuple], allowed: int, cool_off: dt.timedelta) -> dt.datetime | None:
    """When the count drops below ``allowed`` again, given rows oldest first: attempts age
    out oldest first, so the pause lasts until the oldest of the newest rows that still make
    up the limit is older than the cool-off."""
    total = 0
    for _username, _address, attempted_at, failures in reversed(counted):
        total += failures
        if total >= allowed:
            return attempted_at + cool_off
    return None


def _token_credentials() -> dict:
    """A bad API token counts against its client address only: it names no account."""
    return get_credentials(username=None)


def token_pause(request: HttpRequest) -> Pause | None:
    """The pause of this request's address for API tokens, or None; asked for a wrong
    token only (a valid one is never slowed)."""
    if not settings.AXES_ENABLED:
        return None
    AxesProxyHandler.update_request(request)
    handler = AxesProxyHandler.get_implementation()
    if not isinstance(handler, SignInThrottle) or request.axes_ip_address is None:
        return None
    return handler.pause(request, _token_credentials())


def token_failed(request: HttpRequest) -> Pause | None:
    """Count a bad token against its address; the pause it starts, if it starts one. The
    API answers that pause itself (429 and JSON): axes' middleware, which would put the
    sign-in page in its place, is told to leave the answer alone."""
    AxesProxyHandler.user_login_failed(
        sender=token_failed, credentials=_token_credentials(), request=request
    )
    if not getattr(request, "axes_locked_out", False):
        return None
    request.axes_locked_out = False
    return token_pause(request)


def client_address(request: HttpRequest) -> str | None:
    """The client as the limits count it (``AXES_CLIENT_IP_CALLABLE``): the address ipware
    finds as axes would, with an IPv6 address taken as its /64. One host or home line gets
    a whole /64 from its provider, so counting each address apart would give it 2⁶⁴
    allowances of ``ACCORD_LOGIN_ADDRESS_FAILURE_LIMIT``."""
    from ipware import ip as ipware

    address, _routable = ipware.get_client_ip(
        request,
        proxy_order=settings.AXES_IPWARE_PROXY_ORDER,
        proxy_count=settings.AXES_IPWARE_PROXY_COUNT,
        proxy_trusted_ips=settings.AXES_IPWARE_PROXY_TRUSTED_IPS,
        request_header_order=settings.AXES_IPWARE_META_PRECEDENCE_ORDER,
    )
    if not address:
        return None
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
