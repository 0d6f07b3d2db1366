"""Deliveries recorded before the outgoing-request policy kept up to 500 characters of
whatever answered, which may be the page of a service inside the network. Forget them: a
row keeps what channels answer now, its status and the platform's own code."""

from django.db import migrations


def forget(apps, schema_editor):
    Notification = apps.get_model("notify", "Notification")
    Notification.objects.exclude(response="").exclude(response__startswith="HTTP ").update(
        response=""
    )


class Migration(migrations.Migration):
    dependencies = [("notify", "0007_text_rules")]

    operations = [migrations.RunPython(forget, migrations.RunPython.noop, elidable=True)]
