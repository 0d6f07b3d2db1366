"""The feed behind a secret, and what it holds: the person's meetings and their open action
items' due dates, both through the visibility selectors."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accord.actions.models import ActionItem
from accord.actions.selectors import actions_visible_to
from accord.calendars.models import CalendarFeed
from accord.core import clock
from accord.core.tokens import token_hash
from accord.exports.ics import FeedDue, FeedMeeting
from accord.meetings.models import Meeting, Participant
from accord.meetings.selectors import meetings_visible_to
from accord.org.models import Person

PAST_DAYS = 90  # meetings further back are left out of the feed


def calendar_feed_person(*, token: str) -> Person | None:
    """The active person whose feed ``token`` opens, or None (unknown, revoked, inactive)."""
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("person")
        .filter(token_hash=token_hash(token), person__is_active=True)
        .first()
    )
    return feed.person if feed is not None else None


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


def calendar_feed_items(
    *, person: Person, base_url: str, now: dt.datetime | None = None
) -> tuple[list[FeedMeeting], list[FeedDue]]:
    """Meetings the person takes part in (organiser, host, recorder, participant), from
    ``PAST_DAYS`` ago on, drafts left out; and their own open action items."""
    now = now or clock.now()
    takes_part = (
        Q(organiser=person)
        | Q(host=person)
        | Q(recorder=person)
        | Exists(Participant.objects.filter(meeting=OuterRef("pk"), person=person))
    )
    meetings = (
        meetings_visible_to(person)
        .filter(takes_part, starts_at__gte=now - dt.timedelta(days=PAST_DAYS))
        .exclude(status=Meeting.Status.DRAFT)
        .order_by("starts_at", "id")
    )
    feed_meetings = [
        FeedMeeting(
            meeting_id=meeting.pk,
            sequence=meeting.calendar_sequence,
            summary=meeting.title,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            cancelled=meeting.status == Meeting.Status.CANCELLED,
            location=meeting.location,
            description="\n".join(
                part
                for part in (
                    meeting.goal,
                    _("Online meeting number: %(number)s")
                    % {"number": meeting.online_meeting_number}
                    if meeting.online_meeting_number
                    else "",
                )
                if part
            ),
            url=_absolute(base_url, reverse("meetings:detail", args=[meeting.pk])),
        )
        for meeting in meetings
    ]
    items = (
        actions_visible_to(person)
        .filter(owner=person, status__in=ActionItem.OPEN_STATUSES)
        .select_related("meeting")
        .order_by("due_date", "id")
    )
    dues = [
        FeedDue(
            action_id=item.pk,
            summary=_("Due: %(task)s") % {"task": item.task},
            due_date=item.due_date,
            description=item.meeting.title,
            url=_absolute(base_url, reverse("actions:detail", args=[item.pk])),
        )
        for item in items
    ]
    return feed_meetings, dues
