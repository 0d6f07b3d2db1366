# Signatures move to the actions app: only Django's record of the models changes; the
# table (minutes_signature) and its rows stay as they are.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("minutes", "0005_text_rules"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Signature")],
            database_operations=[],
        ),
    ]
