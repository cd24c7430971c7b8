from django.db import migrations

from joinedup.directory import taxonomy_data


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_search_index")]

    operations = [migrations.RunPython(taxonomy_data.load, migrations.RunPython.noop)]
