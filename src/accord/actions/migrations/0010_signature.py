# Signatures move here from the minutes app: only Django's record of the models changes;
# the table (minutes_signature) and its rows stay as they are.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0009_due_date_proposal"),
        ("minutes", "0006_signature_to_actions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Signature",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "version",
                            models.PositiveSmallIntegerField(verbose_name="minutes version signed"),
                        ),
                        ("signed_at", models.DateTimeField(verbose_name="signed at")),
                        (
                            "action",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="signature",
                                to="actions.actionitem",
                                verbose_name="action item",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="signatures",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="signed by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "signature",
                        "verbose_name_plural": "signatures",
                        "db_table": "minutes_signature",
                        "indexes": [
                            models.Index(
                                fields=["person", "signed_at"],
                                name="minutes_sig_person__fe177c_idx",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
