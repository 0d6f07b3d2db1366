"""Strict parsing of Accord's environment variables.

Every value is read once, at start-up. A value that cannot be parsed stops start-up with
an ``ImproperlyConfigured`` that names the variable and says what it accepts; a silently
ignored typo in production is worse than a refusal to start.
"""

import ipaddress
import os
import zoneinfo

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use true or false.")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if number < minimum or (maximum is not None and number > maximum):
        bounds = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
        raise ImproperlyConfigured(f"{name}={number} is out of range: it must be {bounds}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(
            f"{name}={value!r} has an empty item: separate values by commas."
        )
    return items


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {', '.join(choices)}.")
    return value


def env_time_zone(name: str, default: str) -> str:
    value = env_str(name, default)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name}={value!r} is not an IANA time zone such as Asia/Shanghai."
        ) from None
    return value


def env_database(name: str, default: str) -> dict:
    import dj_database_url

    value = env_str(name, default)
    try:
        config = dj_database_url.parse(value, conn_max_age=600, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several unrelated types
        raise ImproperlyConfigured(f"{name}={value!r} is not a database URL: {exc}") from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"{name}={value!r} is not a database URL.")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = False
        # WAL lets readers and the worker go on while one writer commits.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        if env_bool("ACCORD_DATABASE_PREPARED", True):
            # Parameters bound by the server, so that psycopg prepares a statement once a
            # connection has run it twice: PostgreSQL then parses and plans it once, not on
            # every request (planning the joins of a page costs more than running them).
            # Off behind a pooler in transaction mode, which keeps no prepared statements
            # and no session settings.
            options = config.setdefault("OPTIONS", {})
            options.setdefault("server_side_binding", True)
            options.setdefault("prepare_threshold", 2)
    else:
        raise ImproperlyConfigured(f"{name}: Accord runs on SQLite or PostgreSQL only.")
    return config


def env_networks(
    name: str, default: tuple[str, ...] = ()
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Comma-separated networks in CIDR notation (``10.20.0.0/16, fd00:1::/64``); a single
    address stands for itself. A network written with host bits set (``10.20.1.5/16``) is
    refused rather than widened: it is more likely a typo than a wish."""
    networks = []
    for item in env_list(name, list(default)):
        try:
            networks.append(ipaddress.ip_network(item, strict=True))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not a network such as 10.20.0.0/16 ({exc})."
            ) from None
    return tuple(networks)
