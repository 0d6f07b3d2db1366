"""Channels the delivery tests set up through the service, as people would."""

from accord.notify import services as notify
from accord.notify.models import Channel


def group_bot(org, kind: str, url: str, secret: str = "") -> Channel:
    """R&D's group bot, set up by the PMO."""
    return notify.channel_create(
        actor=org.sun,
        kind=kind,
        name=f"研发群 {kind}",
        target=url,
        secret=secret,
        department=org.rnd,
    )


def own_channel(person, kind: str, url: str, secret: str = "") -> Channel:
    """A channel of the person's own."""
    return notify.channel_create(
        actor=person, kind=kind, name=f"{person.username} {kind}", target=url, secret=secret
    )
