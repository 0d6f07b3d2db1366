"""Deliveries recorded before the outgoing-request policy kept up to 500 characters of
whatever answered, which may be the page of a service inside the network, and told a
refused connection from a timeout. Forget both: a row keeps what channels answer now, its
status and the platform's own code, and one wording for every failure to connect."""

from django.db import migrations
from django.db.models.functions import Substr

UNREACHABLE = "could not connect, or no answer in time"


def forget(apps, schema_editor):
    Notification = apps.get_model("notify", "Notification")
    Channel = apps.get_model("notify", "Channel")
    Notification.objects.exclude(response="").exclude(response__startswith="HTTP ").update(
        response=""
    )
    for model, field in ((Notification, "last_error"), (Channel, "disabled_reason")):
        rows = model.objects.all()
        rows.filter(**{f"{field}__regex": r"^HTTP [0-9]{3}: "}).update(
            **{field: Substr(field, 1, 8)}
        )
        for old in ("could not connect:", "timed out:"):
            rows.filter(**{f"{field}__startswith": old}).update(**{field: UNREACHABLE})


class Migration(migrations.Migration):
    dependencies = [("notify", "0007_text_rules")]

    operations = [migrations.RunPython(forget, migrations.RunPython.noop, elidable=True)]
