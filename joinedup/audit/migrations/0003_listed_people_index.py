from django.db import migrations

from joinedup.audit import database


class Migration(migrations.Migration):
    """On PostgreSQL, a GIN index to find a person among the people a list event names."""

    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.RunPython(database.install_people_index, database.uninstall_people_index)
    ]
