from django.db import migrations

from joinedup.audit import database


class Migration(migrations.Migration):
    """Triggers that refuse to change or remove audit rows, for the database in use."""

    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(database.install_triggers, database.uninstall_triggers)]
