"""Outgoing event webhooks for integrators (administrators only).

A webhook subscribes to API events — ``action.created``, ``action.due_soon``,
``action.overdue``, ``action.completed``, ``minutes.approved``, ``meeting.scheduled`` — and
receives each as a signed ``POST`` through the same outbox as the notifications (retries,
backoff, the delivery log). The body and the signature are those of the signed webhook
channel (README "Signed webhook"); ``event`` names the API event and ``data`` carries the
object. A URL into a private or local network is refused (422, ``address_not_allowed``),
and so is, at delivery, a name that resolves there (``accord.core.outgoing``)."""

import datetime as dt
from typing import Literal

from ninja import Field, Router, Schema, Status

from accord.api.common import errors
from accord.api.schemas import Text
from accord.core.errors import AppError, PermissionDenied
from accord.notify import services
from accord.notify.models import Channel

router = Router(tags=["webhooks"])

EventName = Literal[
    "action.created",
    "action.due_soon",
    "action.overdue",
    "action.completed",
    "minutes.approved",
    "meeting.scheduled",
]


class WebhookOut(Schema):
    id: int
    name: str
    url: Text = Field(..., alias="target")
    events: list[str]
    enabled: bool
    disabled_reason: str
    created_at: dt.datetime


class WebhookIn(Schema):
    name: Text = Field(..., max_length=100, examples=["OA 待办同步"])
    url: Text = Field(..., max_length=500, examples=["https://oa.example.com/accord/events"])
    secret: Text = Field(..., min_length=1, max_length=200, examples=["a-long-random-secret"])
    events: list[EventName] = Field(..., min_length=1, examples=[["action.created"]])


class WebhookPatch(Schema):
    """What is sent changes; what is left out stays. ``secret`` replaces the stored secret
    (which is never shown); an integration's webhook is always signed, so ``"secret":
    null`` is refused (422 on ``secret``)."""

    events: list[EventName] | None = Field(None, min_length=1, examples=[["action.overdue"]])
    secret: Text | None = Field(
        None, min_length=1, max_length=200, examples=["a-new-long-random-secret"]
    )


def _admin(request) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied(_only_admins())


def _only_admins() -> str:
    from django.utils.translation import gettext as _

    return _("Only administrators connect integrations.")


def _hooks():
    return Channel.objects.filter(kind=Channel.Kind.WEBHOOK).exclude(events=[])


@router.get(
    "/webhooks",
    response={200: list[WebhookOut], **errors(401, 403)},
    summary="List the integrations' event webhooks",
)
def webhook_list(request):
    _admin(request)
    return list(_hooks().order_by("id"))


@router.post(
    "/webhooks",
    response={201: WebhookOut, **errors(401, 403, 422)},
    summary="Subscribe a signed webhook to API events",
)
def webhook_create(request, payload: WebhookIn):
    try:
        channel = services.integration_create(
            actor=request.user,
            name=payload.name,
            target=payload.url,
            secret=payload.secret,
            events=list(payload.events),
        )
    except AppError as exc:
        if exc.field == "target":  # the service's name for what the API calls url
            exc.field = "url"
        raise
    return Status(201, channel)


@router.patch(
    "/webhooks/{webhook_id}",
    response={200: WebhookOut, **errors(401, 403, 404, 422)},
    summary="Change the events a webhook receives, or its secret",
    description="Only the fields sent change; a body identical to what is stored changes "
    "nothing and is not recorded.",
)
def webhook_update(request, webhook_id: int, payload: WebhookPatch):
    _admin(request)
    channel = _hooks().get(pk=webhook_id)
    sent = payload.dict(exclude_unset=True)
    changes = {}
    if "events" in sent:
        changes["events"] = list(sent["events"] or ())
    if "secret" in sent:
        changes["secret"] = sent["secret"]
    return services.integration_update(actor=request.user, channel=channel, **changes)


@router.delete(
    "/webhooks/{webhook_id}",
    response={204: None, **errors(401, 403, 404)},
    summary="Remove a webhook; what it received stays in the delivery log",
)
def webhook_delete(request, webhook_id: int):
    _admin(request)
    services.channel_delete(actor=request.user, channel=_hooks().get(pk=webhook_id))
    return Status(204, None)
