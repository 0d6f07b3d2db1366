"""Reads of the notify app for its pages: the bell, the inbox, the channels a person looks
after and the delivery log, each in a fixed number of queries however many rows there are."""

import dataclasses
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import pgettext

from accord.core import clock
from accord.notify import messages, reasons
from accord.notify.models import Channel, Notification
from accord.notify.rules import can_manage_channel, can_resend
from accord.org.models import Department, Person

Kind = Channel.Kind
Status = Notification.Status

# What ``messages.texts`` reads of a row: the meeting, the item, its meeting and owner.
TEXT_RELATIONS = ("meeting", "action__meeting", "action__owner__department")


# -- the bell and the inbox ------------------------------------------------------------------


def _inbox_rows(person: Person) -> QuerySet[Notification]:
    """The person's in-app notices that are due, but not an invitation withdrawn before it
    reached them (``invitations.participant_removed``: cancelled, kept in the delivery log)."""
    return Notification.objects.filter(
        recipient=person, via=Kind.IN_APP, send_after__lte=clock.now()
    ).exclude(status=Status.CANCELLED)


def unread_count(person: Person) -> int:
    """The number on the bell: the person's in-app notices that are due and unread (one
    indexed query)."""
    return _inbox_rows(person).filter(read_at__isnull=True).count()


def inbox(person: Person) -> QuerySet[Notification]:
    """The person's in-app notices that are due, newest first, with what their texts read."""
    return _inbox_rows(person).select_related(*TEXT_RELATIONS).order_by("-send_after", "-id")


@dataclasses.dataclass(frozen=True)
class Notice:
    """A notice as a page shows it: subject, text, and a link into Accord. A notice whose
    ask was done (``done``: signed, status given, minutes reviewed) links on with a plain
    label instead of the ask ("Sign")."""

    notification: Notification
    subject: str
    text: str
    link: str
    label: str
    done: bool = False


def local_link(link: str) -> str:
    """A link of a message (absolute, for e-mail and chats) as a path on this site, so the
    page works under whatever host it was opened with."""
    if link.startswith(settings.BASE_URL + "/"):
        return link[len(settings.BASE_URL) :]
    return link


def notice(n: Notification) -> Notice:
    """``n`` in the active language. A row whose kind this version does not know (left by
    an older or newer release) shows its kind rather than breaking the page."""
    try:
        subject, text, link, label = messages.texts(n)
    except (KeyError, AttributeError, ValueError, TypeError):
        return Notice(n, n.kind, "", "", "", done=n.done_at is not None)
    if n.done_at is not None:
        label = pgettext("link of a notice whose ask was done", "Open")
        return Notice(n, subject, text, local_link(link), label, done=True)
    return Notice(n, subject, text, local_link(link), label)


# -- channels --------------------------------------------------------------------------------


def manages_all_departments(person: Person) -> bool:
    return person.is_superuser or person.is_pmo


def departments_to_manage(person: Person) -> QuerySet[Department]:
    """The departments whose channels the person may set up: all for the PMO and admins,
    the ones they head otherwise."""
    departments = Department.objects.order_by("name")
    if manages_all_departments(person):
        return departments
    return departments.filter(head=person)


def _manageable(person: Person) -> Q:
    """The channels ``rules.can_manage_channel`` lets the person change."""
    if person.is_superuser:
        return Q()
    if person.is_pmo:
        return Q(person=person) | Q(department__isnull=False)
    return Q(person=person) | Q(department__head=person)


def channel_get_manageable(*, person: Person, pk: int) -> Channel:
    """A channel the person may change; ``Channel.DoesNotExist`` otherwise (the same as a
    missing one)."""
    return Channel.objects.select_related("department").filter(_manageable(person)).get(pk=pk)


def channel_get_mutable(*, person: Person, pk: int) -> Channel:
    """A channel of the person's own department that carries members' notices (or that they
    muted before it stopped doing so); ``Channel.DoesNotExist`` otherwise."""
    if person.department_id is None:
        raise Channel.DoesNotExist
    muted = Channel.muted_by.through.objects.filter(channel_id=OuterRef("pk"), person=person)
    return Channel.objects.get(
        Q(members_too=True) | Q(Exists(muted)), pk=pk, department_id=person.department_id
    )


@dataclasses.dataclass
class ChannelPage:
    own: list[Channel]
    departments: list[Channel]  # channels of departments the person looks after
    members: list[Channel]  # their department's group bots they only receive through


def channels_for(person: Person) -> ChannelPage:
    """What the channels page lists, in one query: the person's own channels, the channels
    of the departments they look after, and their own department's group bots that carry
    members' notices (each with ``muted``, whether the person turned it off for themselves,
    and ``can_mute``)."""
    muted = Channel.muted_by.through.objects.filter(channel_id=OuterRef("pk"), person=person)
    wanted = Q(person=person)
    if manages_all_departments(person):
        wanted |= Q(department__isnull=False)
    else:
        wanted |= Q(department__head=person)
    if person.department_id:
        wanted |= Q(department_id=person.department_id) & (Q(members_too=True) | Q(Exists(muted)))
    channels = (
        Channel.objects.filter(wanted)
        .select_related("department")
        .annotate(muted=Exists(muted))
        .order_by("department__name", "kind", "name", "id")
    )
    page = ChannelPage([], [], [])
    for channel in channels:
        channel.can_mute = bool(
            channel.department_id
            and channel.department_id == person.department_id
            and (channel.members_too or channel.muted)
        )
        channel.shown_target = target_shown(channel)
        if channel.person_id == person.pk:
            page.own.append(channel)
        elif channel.department_id and can_manage_channel(person, channel):
            page.departments.append(channel)
        else:
            page.members.append(channel)
    return page


def target_shown(channel: Channel) -> str:
    """Where a channel sends, without the credential a webhook URL carries in its path or
    query (a WeCom key, a bot token): the scheme and host only."""
    if channel.kind == Kind.EMAIL:
        return channel.target
    parts = urlsplit(channel.target)
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # a port out of range, stored before the checks were stricter
        port = ""
    if not parts.hostname:
        return ""
    # The host alone: not a user name and password some put before it either.
    return f"{parts.scheme}://{parts.hostname}{port}/…"


# -- the delivery log ------------------------------------------------------------------------


def deliveries_visible_to(person: Person) -> QuerySet[Notification]:
    """The rows of the delivery log a person may see: every row for admins; for the PMO
    every row but those about confidential meetings addressed to others, and those that
    tell of one without being about it (a weekly digest counting a confidential meeting's
    items for a reader who takes part: ``"confidential"`` in its payload); otherwise the
    rows addressed to them and the rows of the channels they look after (their own; the
    group bots of the departments they head, kept after a bot is deleted)."""
    rows = Notification.objects.all()
    if person.is_superuser:
        return rows
    if manages_all_departments(person):
        # (has_key first: a payload without the key then reads false, not NULL)
        told = Q(payload__has_key="confidential") & Q(payload__confidential=True)
        secret = Q(meeting__confidential=True) | told
        return rows.exclude(secret & ~Q(recipient=person))
    return rows.filter(Q(recipient=person) | Q(channel__person=person) | Q(department__head=person))


def delivery_log(
    *,
    person: Person,
    status: str = "",
    via: str = "",
    kind: str = "",
    query: str = "",
) -> QuerySet[Notification]:
    """The visible rows, newest first, filtered by status, channel kind, kind of notice and
    a text in the event key; with who and what they were about."""
    rows = deliveries_visible_to(person)
    if status:
        rows = rows.filter(status=status)
    if via:
        rows = rows.filter(via=via)
    if kind:
        rows = rows.filter(kind=kind)
    query = (query or "").strip()
    if query:
        rows = rows.filter(event__icontains=query)
    return rows.select_related(
        "recipient", "department", "channel__department", *TEXT_RELATIONS
    ).order_by("-created_at", "-id")


def delivery_get_visible(*, person: Person, pk: int) -> Notification:
    """A row of the log the person may see; ``Notification.DoesNotExist`` otherwise."""
    return (
        deliveries_visible_to(person).select_related("channel__department", "recipient").get(pk=pk)
    )


@dataclasses.dataclass(frozen=True)
class Delivery:
    """A row of the delivery log as the page shows it; ``error`` is why it failed or was
    cancelled, in the reader's language (``accord.notify.reasons``)."""

    notification: Notification
    notice: Notice
    mentioned: list[Person]
    can_resend: bool
    error: str = ""


def deliveries(rows: list[Notification], *, person: Person) -> list[Delivery]:
    """The rows of one page with their texts and the people a group post mentioned (one
    query for all the mentioned people of the page, none when nobody was mentioned)."""
    mentioned_ids = {
        pk for n in rows for pk in n.payload.get("mentions", ()) if isinstance(pk, int)
    }
    people = (
        Person.objects.only("pk", "name", "username").in_bulk(mentioned_ids)
        if mentioned_ids
        else {}
    )
    resendable = (Status.FAILED, Status.CANCELLED)
    return [
        Delivery(
            notification=n,
            notice=notice(n),
            mentioned=[people[pk] for pk in n.payload.get("mentions", ()) if pk in people],
            can_resend=n.status in resendable and n.via != Kind.IN_APP and can_resend(person, n),
            error=delivery_error(n),
        )
        for n in rows
    ]


def delivery_error(n: Notification) -> str:
    """Why ``n`` failed or was cancelled, in the active language."""
    return reasons.describe(n.last_error_code, n.last_error_params, n.last_error)


def channel_stop_reason(channel: Channel) -> str:
    """Why Accord switched ``channel`` off, in the active language."""
    return reasons.describe(channel.disabled_code, channel.disabled_params, channel.disabled_reason)
