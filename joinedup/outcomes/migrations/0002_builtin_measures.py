"""The outcome measures joinedup ships: ONS4, PHQ-9, GAD-7 and DIALOG (data/measures.json)."""

from django.db import migrations

from joinedup.outcomes import measures_data


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(measures_data.load, migrations.RunPython.noop)]
