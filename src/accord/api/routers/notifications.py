"""My in-app inbox: the notices behind the bell, in my language, and marking them read.

Only the caller's own in-app notices that are due are ever listed or marked (the same
``accord.notify.selectors.inbox`` as the web page); anyone else's is a 404."""

import datetime as dt

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from accord.api.common import Page, errors
from accord.api.schemas import Text
from accord.notify import selectors, services
from accord.notify.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    subject: str
    text: str
    link: Text = Field(description="a path on this site")
    link_label: str
    meeting_id: int | None
    action_id: int | None
    at: dt.datetime = Field(description="when it was due to reach me")
    read_at: dt.datetime | None
    done_at: dt.datetime | None = Field(
        description="when what it asked for was done (the item signed, its status given, the "
        "minutes reviewed); such a notice is read and asks for nothing more"
    )


class UnreadOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int = Field(description="how many notices this call marked read")


def _out(n: Notification) -> dict:
    notice = selectors.notice(n)
    return {
        "id": n.pk,
        "kind": n.kind,
        "subject": notice.subject,
        "text": notice.text,
        "link": notice.link,
        "link_label": notice.label,
        "meeting_id": n.meeting_id,
        "action_id": n.action_id,
        "at": n.send_after,
        "read_at": n.read_at,
        "done_at": n.done_at,
    }


class NoticePage(Page):
    """``Page`` that renders each notice of the page (subject, text, link) in the caller's
    language."""

    def paginate_queryset(self, queryset, pagination, **params):
        page = super().paginate_queryset(queryset, pagination, **params)
        return {"items": [_out(n) for n in page["items"]], "count": page["count"]}


@router.get(
    "/notifications",
    response={200: list[NotificationOut], **errors(401, 422)},
    summary="My in-app notices, newest first, in my language",
)
@paginate(NoticePage)
def notification_list(request):
    return selectors.inbox(request.user)


@router.get(
    "/notifications/unread-count",
    response={200: UnreadOut, **errors(401)},
    summary="How many of my notices are unread (the number on the bell)",
)
def notification_unread_count(request):
    return {"unread": selectors.unread_count(request.user)}


@router.post(
    "/notifications/read-all",
    response={200: MarkedOut, **errors(401, 403)},
    summary="Mark all my notices read",
)
def notification_read_all(request):
    return {"marked": services.notifications_mark_read(actor=request.user)}


@router.post(
    "/notifications/{notification_id}/read",
    response={200: MarkedOut, **errors(401, 403, 404)},
    summary="Mark one of my notices read (0 if it already was)",
)
def notification_read(request, notification_id: int):
    if not selectors.inbox(request.user).filter(pk=notification_id).exists():
        raise Notification.DoesNotExist
    return {"marked": services.notifications_mark_read(actor=request.user, pk=notification_id)}
