"""The built-in evaluation framework: person-contacts and hours of support.

Seed 000 ("Evaluation"): "if the simple measure of client contact is chosen, then
organisations that run groups or day centres need to be sure that activity is measured
equitably with organisations that run clinics and in-patient units". So the simple
measure is counted per person: a group of eight for three hours is eight
person-contacts and 24 hours of support, as eight one-hour appointments are eight and
eight. It has no partnership: it counts for every partnership that records no
framework of its own (in the admin), which may weigh kinds of contact differently.
"""

import datetime as dt

from django.db import migrations

BUILT_IN = "Person-contacts and hours of support (built in)"


def create(apps, schema_editor):
    Framework = apps.get_model("activity", "EvaluationFramework")
    Unit = apps.get_model("activity", "UnitDefinition")
    if Framework.objects.filter(partnership__isnull=True, name=BUILT_IN).exists():
        return
    framework = Framework.objects.create(
        name=BUILT_IN,
        description=(
            "Every attended contact counts once for each person who attended, and for "
            "as many hours as it lasted: a day centre's group work and a clinic's "
            "appointments on the same scale."
        ),
        in_force_from=dt.date(2000, 1, 1),
    )
    Unit.objects.create(
        framework=framework,
        code="person_contacts",
        label="Person-contacts",
        measure="contacts",
        statuses=["attended"],
        kinds=[],
        order=1,
    )
    Unit.objects.create(
        framework=framework,
        code="support_hours",
        label="Hours of support",
        measure="hours",
        statuses=["attended"],
        kinds=[],
        order=2,
    )


def remove(apps, schema_editor):
    apps.get_model("activity", "EvaluationFramework").objects.filter(
        partnership__isnull=True, name=BUILT_IN
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("activity", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
