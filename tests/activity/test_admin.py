"""The evaluation frameworks are kept in the admin: their units' statuses and kinds as
tick boxes, stored as the lists the unit computation reads."""

import pytest

from joinedup.activity.admin import UnitDefinitionForm
from joinedup.activity.models import EvaluationFramework
from tests import factories as f
from tests.people import people_support as ps

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = f.UserFactory(username="admin.joinedup", is_staff=True, is_superuser=True)
    ps.login(client, user)
    return client


def test_a_unit_is_recorded_with_ticked_statuses_and_kinds():
    framework = EvaluationFramework.objects.get(partnership__isnull=True)
    form = UnitDefinitionForm(
        {
            "framework": framework.pk,
            "code": "group_hours",
            "label": "Hours of group work",
            "measure": "hours",
            "statuses": ["attended"],
            "kinds": ["group", "day_centre"],
            "order": 3,
        }
    )
    assert form.is_valid(), form.errors
    unit = form.save()
    assert (unit.statuses, unit.kinds) == (["attended"], ["group", "day_centre"])


def test_a_unit_needs_a_status_that_counts():
    framework = EvaluationFramework.objects.get(partnership__isnull=True)
    form = UnitDefinitionForm(
        {"framework": framework.pk, "code": "x", "label": "X", "measure": "contacts", "order": 1}
    )
    assert not form.is_valid()
    assert "statuses" in form.errors


@pytest.mark.parametrize(
    "url",
    [
        "/admin/activity/evaluationframework/",
        "/admin/activity/evaluationframework/add/",
        "/admin/activity/unitdefinition/add/",
    ],
    ids=["frameworks", "add-framework", "add-unit"],
)
def test_the_admin_pages_open(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_the_built_in_frameworks_page_shows_its_units(admin_client):
    framework = EvaluationFramework.objects.get(partnership__isnull=True)
    page = admin_client.get(f"/admin/activity/evaluationframework/{framework.pk}/change/")
    assert "Hours of support" in page.text
