"""Make, reset and revoke a person's calendar feed."""

import secrets

from django.db import transaction

from accord.calendars.models import CalendarFeed
from accord.core.services import audit_record
from accord.core.tokens import token_hash
from accord.org.models import Person


@transaction.atomic
def calendar_feed_reset(*, actor: Person) -> str:
    """A new secret for the actor's feed (the old URL stops working); returns the secret,
    which is not stored and cannot be shown again."""
    token = secrets.token_urlsafe(32)
    feed, created = CalendarFeed.objects.update_or_create(
        person=actor, defaults={"token_hash": token_hash(token), "last_fetched_at": None}
    )
    audit_record(
        actor=actor,
        verb="calendar_feed.created" if created else "calendar_feed.reset",
        subject=feed,
    )
    return token


@transaction.atomic
def calendar_feed_revoke(*, actor: Person) -> bool:
    """Turn the feed off; False if there was none."""
    feed = CalendarFeed.objects.filter(person=actor).first()
    if feed is None:
        return False
    audit_record(actor=actor, verb="calendar_feed.revoked", subject=feed)
    feed.delete()
    return True
