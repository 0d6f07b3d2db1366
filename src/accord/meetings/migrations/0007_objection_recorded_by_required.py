"""An objection's typist is required; it was raised by a person or a department, one of them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0006_objection_raised_by_department"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="objection",
            name="recorded_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="recorded by",
            ),
        ),
        migrations.AddConstraint(
            model_name="objection",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("raised_by__isnull", False), ("raised_by_department__isnull", True)),
                    models.Q(("raised_by__isnull", True), ("raised_by_department__isnull", False)),
                    _connector="OR",
                ),
                name="objection_raised_by_one",
            ),
        ),
    ]
