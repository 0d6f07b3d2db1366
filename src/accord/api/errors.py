"""One error shape for every 4xx: ``{"message": …, "field": …, "code": …}``, with the same
translated messages the web forms show."""

from django.core.exceptions import ObjectDoesNotExist
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from accord.api.auth import TokenThrottled
from accord.core.errors import AppError, PermissionDenied

# Refusals about the object's state (409) rather than about the input (422).
CONFLICTS = {
    "illegal_state",
    "duplicate",
    "unchanged",
    "already_submitted",
    "already_signed",
    "minutes_frozen",
    "finished",
    "off_schedule",
    "incomplete",
    "stale",
}


class Error(Schema):
    message: str
    field: str | None = None
    code: str


class PreconditionFailed(AppError):
    """The object changed since the caller read it (``If-Match`` did not match)."""


class PreconditionRequired(AppError):
    """An update without ``If-Match``: it could overwrite someone else's change."""


def error(api: NinjaAPI, request, status: int, message: str, field: str | None, code: str):
    return api.create_response(
        request, {"message": str(message), "field": field, "code": code}, status=status
    )


def _field(loc: list) -> str | None:
    """The input a validation error is about: ``["body", "payload", "due"]`` → ``due``."""
    parts = [str(part) for part in loc if part not in ("body", "query", "path", "header")]
    if parts and parts[0] in ("payload", "data", "filters"):
        parts = parts[1:]
    return ".".join(parts) or None


def problem(detail: dict) -> str:
    """A validation error of the request's shape, said as the web forms say it, in the
    caller's language."""
    kind = detail.get("type", "")
    ctx = detail.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in ("string_too_long", "too_long"):
        return _("Keep it to %(max)s characters.") % {"max": ctx.get("max_length", "")}
    if kind in ("too_short", "string_too_short"):
        return _("Give at least %(min)s.") % {"min": ctx.get("min_length", 1)}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("Enter a number of at least %(limit)s.") % {
            "limit": ctx.get("ge", ctx.get("gt", ""))
        }
    if kind in ("less_than_equal", "less_than"):
        return _("Enter a number of at most %(limit)s.") % {
            "limit": ctx.get("le", ctx.get("lt", ""))
        }
    if kind.startswith("datetime"):
        return _("Give a date and time with its offset, e.g. 2026-09-09T14:00:00+08:00.")
    if kind.startswith("date"):
        return _("Give a date, e.g. 2026-09-15.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Enter true or false.")
    if kind in ("enum", "literal_error"):
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind == "json_invalid":
        return _("The body is not valid JSON.")
    return _("This value is not valid.")


def install(api: NinjaAPI) -> None:
    @api.exception_handler(PreconditionFailed)
    def precondition_failed(request, exc: AppError):
        return error(api, request, 412, exc.message, exc.field, exc.code)

    @api.exception_handler(PreconditionRequired)
    def precondition_required(request, exc: AppError):
        return error(api, request, 428, exc.message, exc.field, exc.code)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc: AppError):
        return error(api, request, 403, exc.message, exc.field, exc.code)

    @api.exception_handler(AppError)
    def refused(request, exc: AppError):
        status = 409 if exc.code in CONFLICTS else 422
        return error(api, request, status, exc.message, exc.field, exc.code)

    @api.exception_handler(ObjectDoesNotExist)
    def missing(request, exc):
        return error(api, request, 404, _("Not found, or not yours to see."), None, "not_found")

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return error(api, request, 404, _("Not found, or not yours to see."), None, "not_found")

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return error(
            api,
            request,
            401,
            _("Sign in, or send a personal API token as 'Authorization: Bearer <token>'."),
            None,
            "unauthenticated",
        )

    @api.exception_handler(ValidationError)
    def invalid(request, exc: ValidationError):
        first = exc.errors[0] if exc.errors else {}
        if tuple(first.get("loc", ()))[:1] == ("path",):
            # `/meetings/abc` names nothing that exists: the same 404 as a missing id.
            return not_found(request, None)
        field = _field(list(first.get("loc", ())))
        code = "required" if first.get("type") == "missing" else "invalid"
        return error(api, request, 422, problem(first), field, code)

    @api.exception_handler(DataError)
    def out_of_range(request, exc):
        # A value the database cannot hold (PostgreSQL: a UTC offset beyond ±15:59, an
        # integer out of range): invalid input, never a 500.
        return error(
            api, request, 422, _("A value in the request is out of range."), None, "invalid"
        )

    @api.exception_handler(OverflowError)
    def too_large(request, exc):
        # An id or filter beyond the database's integers (SQLite raises; PostgreSQL matches
        # nothing): invalid input, never a 500.
        return error(api, request, 422, _("A number in the request is too large."), None, "invalid")

    @api.exception_handler(TokenThrottled)
    def throttled(request, exc: TokenThrottled):
        response = error(api, request, 429, exc.pause.api_message(), None, "throttled")
        response["Retry-After"] = str(exc.wait)
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if exc.status_code == 400:
            # A body that is not JSON ("Cannot parse request body") is invalid input, like
            # any other: 422, as every operation documents.
            return error(
                api, request, 422, _("The request body is not valid JSON."), None, "invalid"
            )
        return error(api, request, exc.status_code, str(exc), None, f"http_{exc.status_code}")
