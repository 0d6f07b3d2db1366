"""Every write of the notify app: channels, each person's choices, the inbox, the test
message and sending a failed notice again."""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from accord.core import clock, outgoing
from accord.core.errors import AppError, PermissionDenied
from accord.core.services import audit_record, model_update
from accord.notify.models import Channel, Notification
from accord.notify.rules import can_manage_channel, can_manage_department_channels, can_resend
from accord.org.models import Department, Person
from accord.org.services import UNCHANGED, Unchanged

Kind = Channel.Kind
Status = Notification.Status
HOOK_KINDS = (Kind.FEISHU, Kind.DINGTALK, Kind.WECOM, Kind.SLACK, Kind.TEAMS, Kind.WEBHOOK)
SIGNED_KINDS = (Kind.FEISHU, Kind.DINGTALK, Kind.WEBHOOK)


def _clean(
    kind: str, name: str, target: str, secret: str, *, stored_target: str | None = None
) -> tuple[str, str, str]:
    """The channel's fields, cleaned, or an error on the first wrong one.

    A webhook URL whose host is ``localhost`` or an address in a private or local network
    is refused here, so that whoever types it learns at once; a name that resolves there is
    refused when Accord connects (``accord.core.outgoing``). ``stored_target`` is the
    channel's address before an edit: a stored address left as it is (set in the admin
    site, or kept from an older version) does not stop a rename or switching the channel
    off; its deliveries are refused all the same."""
    if kind not in Kind.values or kind == Kind.IN_APP:
        raise AppError(_("Choose a kind of channel."), field="kind", code="required")
    name = (name or "").strip()
    if not name:
        raise AppError(_("Give the channel a name."), field="name", code="required")
    if len(name) > 100:
        raise AppError(_("Keep the name to 100 characters."), field="name")
    target = (target or "").strip()
    secret = (secret or "").strip()
    if kind == Kind.EMAIL:
        try:
            validate_email(target)
        except ValidationError:
            raise AppError(
                _("Enter an e-mail address, such as team@example.com."), field="target"
            ) from None
        return name, target, ""
    if len(target) > 500:
        raise AppError(_("The webhook URL is too long (500 characters at most)."), field="target")
    try:
        URLValidator(schemes=["http", "https"])(target)
    except ValidationError:
        raise AppError(
            _("Paste the bot's webhook URL; it starts with https://."), field="target"
        ) from None
    if target != stored_target and not outgoing.url_allowed(target):
        raise AppError(
            _(
                "Accord does not send to this address: it points into a private or local "
                "network. Paste the bot's public webhook URL."
            ),
            field="target",
            code="address_not_allowed",
        )
    if len(secret) > 200:
        raise AppError(_("The secret is too long (200 characters at most)."), field="secret")
    if kind == Kind.WEBHOOK and not secret:
        raise AppError(
            _("A signed webhook needs a secret: the receiver checks the signature with it."),
            field="secret",
            code="required",
        )
    if kind == Kind.DINGTALK and secret and not secret.startswith("SEC"):
        raise AppError(
            _("A DingTalk signing secret starts with SEC; copy it from the robot's settings."),
            field="secret",
        )
    if kind not in SIGNED_KINDS:
        secret = ""
    return name, target, secret


@transaction.atomic
def channel_create(
    *,
    actor: Person,
    kind: str,
    name: str,
    target: str,
    secret: str = "",
    department: Department | None = None,
    members_too: bool = True,
) -> Channel:
    """A channel of the actor's own, or, with ``department``, the department's group bot."""
    if department is not None and not can_manage_department_channels(actor, department):
        raise PermissionDenied(
            _("Only the department's head or the PMO sets up its channels."), field="department"
        )
    name, target, secret = _clean(kind, name, target, secret)
    channel = Channel.objects.create(
        kind=kind,
        name=name,
        target=target,
        secret=secret,
        department=department,
        person=None if department is not None else actor,
        members_too=members_too,
    )
    audit_record(actor=actor, verb="channel.created", subject=channel, data={"kind": kind})
    return channel


def _require_manager(actor: Person, channel: Channel) -> None:
    if not can_manage_channel(actor, channel):
        raise PermissionDenied(_("You may not change this channel."))


@transaction.atomic
def channel_update(
    *,
    actor: Person,
    channel: Channel,
    name: str,
    target: str,
    secret: str | None | Unchanged = UNCHANGED,
    members_too: bool | None = None,
    enabled: bool | None = None,
) -> Channel:
    """Change a channel. The stored secret is never shown, so it is kept unless ``secret``
    is given: a new one replaces it, ``None`` (or an empty text) removes it, and the bot
    then gets its messages unsigned; a signed webhook cannot lose its secret. Switching a
    channel on again clears why it stopped.

    Switching a department's channel off tells the PMO and the department's head, except
    whoever did it (``reactions.channel_switched_off``): their notices no longer reach that
    group. Nothing that is unchanged is saved, audited or told."""
    _require_manager(actor, channel)
    if isinstance(secret, Unchanged):
        secret = channel.secret
    name, target, secret = _clean(
        channel.kind, name, target, secret or "", stored_target=channel.target
    )
    data = {"name": name, "target": target, "secret": secret}
    if members_too is not None:
        data["members_too"] = members_too
    if enabled is not None:
        data["enabled"] = enabled
        if enabled:
            data.update(disabled_reason="", disabled_code="", disabled_params=None)
    changed = model_update(instance=channel, data=data)
    if not changed:
        return channel
    # Neither the secret nor the address (a webhook URL carries a key) goes into the audit
    # log: only that it changed.
    recorded = {key: value for key, value in changed.items() if key not in ("secret", "target")}
    if "target" in changed:
        recorded["target"] = "changed"
    if "secret" in changed:
        recorded["secret"] = "replaced" if secret else "removed"
    audit_record(actor=actor, verb="channel.updated", subject=channel, data=recorded)
    if changed.get("enabled") is False and channel.department_id is not None:
        from accord.notify.reactions import channel_switched_off

        channel_switched_off(channel, actor=actor)
    return channel


def _clean_events(events) -> list[str]:
    from accord.notify.outbox import HOOK_EVENTS

    chosen = list(dict.fromkeys(events or ()))
    unknown = [event for event in chosen if event not in HOOK_EVENTS]
    if unknown or not chosen:
        raise AppError(
            _("Choose events among: %(events)s.") % {"events": ", ".join(HOOK_EVENTS)},
            field="events",
            code="invalid" if unknown else "required",
        )
    return chosen


@transaction.atomic
def integration_create(
    *, actor: Person, name: str, target: str, secret: str, events: list[str]
) -> Channel:
    """A signed webhook for an integration (an OA system, a BI tool): it receives the API
    events it subscribes to, about every meeting, so only administrators set one up."""
    if not actor.is_superuser:
        raise PermissionDenied(_("Only administrators connect integrations."))
    name, target, secret = _clean(Kind.WEBHOOK, name, target, secret)
    channel = Channel.objects.create(
        kind=Kind.WEBHOOK,
        name=name,
        target=target,
        secret=secret,
        person=actor,
        members_too=False,
        events=_clean_events(events),
    )
    audit_record(
        actor=actor, verb="integration.created", subject=channel, data={"events": channel.events}
    )
    return channel


@transaction.atomic
def integration_update(
    *,
    actor: Person,
    channel: Channel,
    events: list[str] | Unchanged = UNCHANGED,
    secret: str | None | Unchanged = UNCHANGED,
) -> Channel:
    """Change the events an integration's webhook receives, or its secret (a new one; an
    integration's webhook is always signed, so ``None`` is refused)."""
    if not actor.is_superuser:
        raise PermissionDenied(_("Only administrators connect integrations."))
    data = {}
    if not isinstance(events, Unchanged):
        data["events"] = _clean_events(events)
    if not isinstance(secret, Unchanged):
        _name, _target, data["secret"] = _clean(
            Kind.WEBHOOK, channel.name, channel.target, secret or "", stored_target=channel.target
        )
    changed = model_update(instance=channel, data=data)
    if changed:
        audit_record(
            actor=actor,
            verb="integration.updated",
            subject=channel,
            data={"events": channel.events}
            | ({"secret": "replaced"} if "secret" in changed else {}),
        )
    return channel


@transaction.atomic
def channel_delete(*, actor: Person, channel: Channel) -> None:
    _require_manager(actor, channel)
    audit_record(actor=actor, verb="channel.deleted", subject=channel, data={"name": channel.name})
    channel.delete()


@transaction.atomic
def channel_set_muted(*, actor: Person, channel: Channel, muted: bool) -> None:
    """A member turns their own notices off (or on) for their department's group bot."""
    if channel.department_id is None or channel.department_id != actor.department_id:
        raise PermissionDenied(_("Only members of the department can mute its channel."))
    if muted:
        channel.muted_by.add(actor)
    else:
        channel.muted_by.remove(actor)


@transaction.atomic
def person_set_email_notifications(*, actor: Person, enabled: bool) -> Person:
    actor.email_notifications = enabled
    actor.save(update_fields=["email_notifications"])
    audit_record(
        actor=actor, verb="person.email_notifications", subject=actor, data={"on": enabled}
    )
    return actor


def notifications_mark_read(*, actor: Person, pk: int | None = None) -> int:
    """Mark one of the actor's notices read, or all of them."""
    rows = Notification.objects.filter(
        recipient=actor, via=Kind.IN_APP, read_at__isnull=True, send_after__lte=clock.now()
    )
    if pk is not None:
        rows = rows.filter(pk=pk)
    return rows.update(read_at=clock.now())


def channel_send_test(*, actor: Person, channel: Channel) -> Notification:
    """Send a test message through ``channel`` now and return the logged row, with what the
    channel answered."""
    from accord.notify.worker import Worker

    _require_manager(actor, channel)
    row = Notification.objects.create(
        key=f"test:c{channel.pk}:{uuid.uuid4().hex}",
        event=f"test:c{channel.pk}",
        kind="channel.test",
        via=channel.kind,
        recipient=actor,
        channel=channel,
        department=channel.department,
        payload={"channel_name": channel.name, "by": actor.display},
        send_after=clock.now(),
    )
    worker = Worker(batch=1)
    rows = worker.claim(ids=[row.pk])
    for claimed in rows:
        # A switched-off channel is tested too: that is how one checks a fix.
        claimed.channel.enabled = True
    worker.deliver(rows)
    row.refresh_from_db()
    return row


@transaction.atomic
def notification_resend(*, actor: Person, notification: Notification) -> Notification:
    """Queue a failed or cancelled notice again (after a channel was fixed)."""
    if not can_resend(actor, notification):
        raise PermissionDenied(_("You may not send this notice again."))
    if (
        notification.status not in (Status.FAILED, Status.CANCELLED)
        or notification.via == Kind.IN_APP
    ):
        raise AppError(_("Only a failed or cancelled notice can be sent again."), field="status")
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.PENDING,
        attempts=0,
        send_after=clock.now(),
        last_error="",
        last_error_code="",
        last_error_params=None,
        claimed_by="",
    )
    audit_record(actor=actor, verb="notification.resent", subject=notification)
    notification.refresh_from_db()
    return notification
