from django.db import migrations, models

from joinedup.directory import search


class Migration(migrations.Migration):
    """Search at scale (DESIGN.md §9): an index for listings without search text, and the
    directory's version stamp that keys the search cache, kept by triggers."""

    dependencies = [("directory", "0003_taxonomy_data")]

    operations = [
        migrations.CreateModel(
            name="DirectoryChange",
            fields=[
                ("txid", models.BigIntegerField(primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=36)),
            ],
            options={"db_table": "directory_change"},
        ),
        migrations.AddIndex(
            model_name="service",
            index=models.Index(
                condition=models.Q(("status", "active")),
                fields=["name", "id"],
                name="service_active_name",
            ),
        ),
        migrations.RunPython(search.install_stamp, search.uninstall_stamp),
    ]
