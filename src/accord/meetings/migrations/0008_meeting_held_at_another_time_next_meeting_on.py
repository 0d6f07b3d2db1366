"""A meeting held at another time keeps its plan; a topic sent to the next meeting says when."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0007_objection_recorded_by_required"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="planned_duration_minutes",
            field=models.PositiveSmallIntegerField(
                blank=True, editable=False, null=True, verbose_name="planned length (minutes)"
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="planned_starts_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When the meeting had been planned, if it was held at another time.",
                null=True,
                verbose_name="planned start",
            ),
        ),
        migrations.AddField(
            model_name="topicoutcome",
            name="next_meeting_on",
            field=models.DateField(blank=True, null=True, verbose_name="discussed again on"),
        ),
    ]
