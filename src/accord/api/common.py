"""What every router shares: references by id, pagination, the ``If-Match`` guard, and the
renderer of every answer."""

from typing import Any

from django.db import models
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from ninja.renderers import JSONRenderer

from accord.api.errors import Error, PreconditionFailed, PreconditionRequired
from accord.core.errors import AppError

# The API renders every answer with this (``accord.api.main``); a router that shapes an answer
# itself renders it the same way with ``render``.
RENDERER = JSONRenderer()


def render(request, data: Any, *, status: int) -> HttpResponse:
    """``data`` as the API renders any answer (``NinjaAPI.create_response``), without
    validating it against a schema again: for an answer already shaped to its schema."""
    content = RENDERER.render(request, data, response_status=status)
    content_type = f"{RENDERER.media_type}; charset={RENDERER.charset}"
    return HttpResponse(content, status=status, content_type=content_type)


def ref(model: type[models.Model], pk: int | None, *, field: str, queryset=None):
    """The object an input names by id, or a 422 naming the field."""
    if pk is None:
        return None
    rows = queryset if queryset is not None else model.objects.all()
    try:
        return rows.get(pk=pk)
    except model.DoesNotExist:
        raise AppError(
            _("No %(thing)s with id %(id)s.") % {"thing": model._meta.verbose_name, "id": pk},
            field=field,
            code="not_found",
        ) from None


class Page(PageNumberPagination):
    """``?page=1&page_size=30`` (at most 100): ``{"items": [...], "count": N}``."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int = Field(30, ge=1, le=100)

    def paginate_queryset(self, queryset, pagination: Input, **params) -> Any:
        offset = (pagination.page - 1) * pagination.page_size
        return {
            "items": queryset[offset : offset + pagination.page_size],
            "count": self._items_count(queryset),
        }


def etag(obj: models.Model) -> str:
    """A version of ``obj`` for ``If-Match``: changes whenever the object is saved."""
    stamp = obj.updated_at.timestamp() if getattr(obj, "updated_at", None) else 0
    return f'"{obj.pk}-{int(stamp * 1_000_000)}"'


def set_etag(response: HttpResponse, obj: models.Model) -> None:
    response["ETag"] = etag(obj)


def require_if_match(request, obj: models.Model) -> None:
    """An update must name the version it changes, so a stale write never silently wins."""
    sent = request.headers.get("If-Match")
    if not sent:
        raise PreconditionRequired(
            _("Send If-Match with the ETag you read, so that no one else's change is lost."),
            field="If-Match",
            code="if_match_required",
        )
    if sent.strip() != "*" and etag(obj) not in [tag.strip() for tag in sent.split(",")]:
        raise PreconditionFailed(
            _("Someone changed this since you read it; read it again and retry."),
            field="If-Match",
            code="stale",
        )


# Responses every operation may give, for the OpenAPI description. One that needs a caller
# (401) may also refuse a token from an address paused for failed sign-ins (429).
def errors(*codes: int) -> dict[int, Any]:
    if 401 in codes:
        codes = (*codes, 429)
    return {code: Error for code in codes}
