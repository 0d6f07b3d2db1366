"""The keys of an item's reminders, status requests and overdue notices name its commitment:
the due date and, once the item was re-planned, the re-plan's number
(``remind:action:42:due:2026-09-15:r2``; ``planner.commitment``). The rows already planned
for the current due date of a re-planned item move to that form, so that the rules do not
plan them again: one commitment is reminded once, across the upgrade too."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Replace

PREFIXES = ("remind", "status", "overdue")


def _rename(apps, *, forward: bool) -> None:
    ActionItem = apps.get_model("actions", "ActionItem")
    Notification = apps.get_model("notify", "Notification")
    items = ActionItem.objects.filter(replan_count__gt=0).values_list(
        "pk", "due_date", "replan_count"
    )
    for pk, due, count in items.iterator(chunk_size=1000):
        for prefix in PREFIXES:
            plain = f"{prefix}:action:{pk}:due:{due.isoformat()}"
            named = f"{plain}:r{count}"
            old, new = (plain, named) if forward else (named, plain)
            # ":d" or ">" after the date: not a key of another item's, or of this one's other form
            for end in (":d", ">"):
                Notification.objects.filter(action_id=pk, key__startswith=old + end).update(
                    key=Replace("key", Value(old + end), Value(new + end)),
                    event=Replace("event", Value(old), Value(new)),
                )


def name_commitments(apps, schema_editor):
    _rename(apps, forward=True)


def unname_commitments(apps, schema_editor):
    """Back to the keys the earlier planner makes, for the current due date of each item."""
    _rename(apps, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0004_committed_due_date"),
        ("notify", "0009_delivery_reasons_and_done"),
    ]

    operations = [migrations.RunPython(name_commitments, unname_commitments, elidable=True)]
