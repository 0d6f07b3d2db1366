"""Who raised an objection (a person or a department) apart from who typed it.

Until now the person who typed an objection was stored as the one who raised it; that
person becomes ``recorded_by``, and stays ``raised_by`` as well: nothing else is known.
``recorded_by`` becomes required in the next migration, in a transaction of its own
(PostgreSQL alters no table with the updates' deferred checks pending)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def typist_recorded(apps, schema_editor):
    Objection = apps.get_model("meetings", "Objection")
    Objection.objects.update(recorded_by=models.F("raised_by"))


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0005_text_rules"),
        ("org", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="objection",
            name="recorded_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="recorded by",
            ),
        ),
        migrations.AddField(
            model_name="objection",
            name="raised_by_department",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.department",
                verbose_name="raised by department",
            ),
        ),
        migrations.AlterField(
            model_name="objection",
            name="raised_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="raised by",
            ),
        ),
        migrations.RunPython(typist_recorded, migrations.RunPython.noop),
    ]
