"""``core.bulk.update_where``: the worker's one-row UPDATE, built once per set of columns."""

import datetime as dt

from conftest import NOW

from accord.core.bulk import update_where
from accord.notify.models import Notification


def row(key: str, **fields) -> Notification:
    return Notification.objects.create(key=key, kind="action.reminder", send_after=NOW, **fields)


def test_update_where_changes_the_matching_row_only(org):
    mine = row("a>app:1", recipient=org.li, claimed_by="w1")
    other = row("b>app:1", recipient=org.li, claimed_by="w2")
    later = NOW + dt.timedelta(minutes=5)

    changed = update_where(
        Notification,
        {"status": "sent", "recipient_id": org.zhou.pk, "sent_at": later},
        pk=mine.pk,
        claimed_by="w1",
    )
    missed = update_where(Notification, {"status": "failed"}, pk=other.pk, claimed_by="w1")

    assert (changed, missed) == (1, 0)
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.status, mine.recipient_id, mine.sent_at) == ("sent", org.zhou.pk, later)
    assert (other.status, other.recipient_id, other.sent_at) == ("pending", org.li.pk, None)
