from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery


def fill(apps, schema_editor):
    """The committed due date is the first re-plan's old date, or the due date."""
    ActionItem = apps.get_model("actions", "ActionItem")
    ActionUpdate = apps.get_model("actions", "ActionUpdate")
    replans = ActionUpdate.objects.filter(action=OuterRef("pk"), kind="replan")
    ActionItem.objects.update(committed_due_date=F("due_date"))
    ActionItem.objects.filter(pk__in=replans.values("action")).update(
        committed_due_date=Subquery(
            replans.order_by("created_at", "id").values("old_due_date")[:1]
        ),
        replan_count=Subquery(
            replans.order_by().values("action").annotate(n=models.Count("pk")).values("n")[:1]
        ),
    )


class Migration(migrations.Migration):
    dependencies = [("actions", "0003_export")]

    operations = [
        migrations.AddField(
            model_name="actionitem",
            name="committed_due_date",
            field=models.DateField(null=True, editable=False, verbose_name="committed due date"),
        ),
        migrations.AddField(
            model_name="actionitem",
            name="replan_count",
            field=models.PositiveSmallIntegerField(
                default=0, editable=False, verbose_name="re-plans"
            ),
        ),
        migrations.AddField(
            model_name="actionitem",
            name="escalated_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="escalated at"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="actionitem",
            name="committed_due_date",
            field=models.DateField(editable=False, verbose_name="committed due date"),
        ),
        migrations.AlterField(
            model_name="actionupdate",
            name="kind",
            field=models.CharField(
                choices=[
                    ("progress", "Progress"),
                    ("status", "Status change"),
                    ("replan", "Re-plan"),
                    ("overdue_reason", "Overdue reason"),
                    ("escalation", "Escalation"),
                ],
                max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.AddIndex(
            model_name="actionitem",
            index=models.Index(
                fields=["committed_due_date", "department"], name="actions_act_committ_507b46_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="actionitem",
            index=models.Index(
                fields=["owner", "committed_due_date"], name="actions_act_owner_i_c608c5_idx"
            ),
        ),
    ]
