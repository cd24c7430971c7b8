"""`joinedup demo` holds care plans made through the services: Alex's, co-produced with
Riverside Mind and signed in the portal, and one due for review in the North locality
within the week (for the North joint referral meeting's agenda)."""

import datetime as dt
import io

from django.core.management import call_command
from django.utils import timezone

from joinedup.careplans import selectors
from joinedup.careplans.models import CarePlan, CarePlanAgreement
from joinedup.directory.models import Locality


def test_the_demo_has_care_plans_signed_and_due(db):
    call_command("demo", "--size", "small", "--password", "a-long-demo-passphrase-2024",
                 stdout=io.StringIO())  # fmt: skip
    alex = CarePlan.objects.get(person__given_name="Alex", person__family_name="Carter")
    team = {(m.user.username, m.is_care_coordinator, m.is_single_point_of_contact)
            for m in alex.care_team.select_related("user")}  # fmt: skip
    assert ("clinician.north-cmht", True, False) in team
    assert ("practitioner.riverside-mind", False, True) in team
    signed = CarePlanAgreement.objects.get(version__plan=alex, version__number=alex.version)
    assert signed.how == "portal"
    assert alex.versions.count() >= 2
    north = Locality.objects.get(slug="north")
    due = selectors.reviews_due(
        locality_id=north.pk, by=timezone.localdate() + dt.timedelta(days=7)
    )
    assert [p.person.family_name for p in due] == ["Rahman"]
