from django.db import migrations

from joinedup.directory import search


class Migration(migrations.Migration):
    """Full-text search for the database in use: FTS5 on SQLite, tsvector + GIN on PostgreSQL."""

    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(search.install, search.uninstall)]
