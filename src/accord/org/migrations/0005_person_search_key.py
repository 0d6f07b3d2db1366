"""The stored search key of every person (name, pinyin, initials, user name), filled for the
people already there; the org services keep it up to date from now on."""

from django.db import migrations, models


def fill_search_keys(apps, schema_editor):
    from accord.org.names import search_text_of

    Person = apps.get_model("org", "Person")
    batch = []
    for person in Person.objects.only("pk", "name", "username").iterator(chunk_size=2000):
        person.search_key = search_text_of(name=person.name, username=person.username)
        batch.append(person)
        if len(batch) == 2000:
            Person.objects.bulk_update(batch, ["search_key"])
            batch = []
    Person.objects.bulk_update(batch, ["search_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0004_text_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="search_key",
            field=models.CharField(
                blank=True,
                db_index=True,
                editable=False,
                max_length=1000,
                verbose_name="search key",
            ),
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
    ]
