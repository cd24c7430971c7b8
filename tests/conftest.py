"""Personas shared by every test, in the manner of healthchecks' hc/test.py.

The day centre (a VCSE) and the NHS trust are partners; the outsider belongs to an
organisation that edits nothing of theirs. Each persona is a user acting as one
membership, so the access policy sees them exactly as a request would.
"""

import pytest

from joinedup.access.roles import Role
from tests import factories as f


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness protects real accounts; in tests it only costs time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def day_centre(db):
    return f.OrganisationFactory(
        name="Riverside Mind", slug="riverside-mind", charity_number="1123456"
    )


@pytest.fixture
def trust(db):
    return f.NhsTrustFactory(name="City NHS Trust", slug="city-nhs-trust", ods_code="RX4")


@pytest.fixture
def day_centre_worker(day_centre):
    return f.member(day_centre, Role.PRACTITIONER)


@pytest.fixture
def volunteer(day_centre):
    return f.member(day_centre, Role.VOLUNTEER)


@pytest.fixture
def clinician(trust):
    return f.member(trust, Role.CLINICIAN)


@pytest.fixture
def partnership_lead(trust):
    return f.member(trust, Role.PARTNERSHIP_LEAD)


@pytest.fixture
def commissioner(db):
    icb = f.OrganisationFactory(
        name="West Yorkshire ICB", slug="wy-icb", kind="nhs_trust", ods_code="QWO"
    )
    return f.member(icb, Role.COMMISSIONER)


@pytest.fixture
def outsider(db):
    elsewhere = f.OrganisationFactory(name="Elsewhere Trust", slug="elsewhere")
    return f.member(elsewhere, Role.PRACTITIONER)


@pytest.fixture
def befriending(day_centre):
    needs = f.TaxonomyTermFactory(name="Loneliness and isolation", code="loneliness")
    north = f.LocalityFactory(name="North", slug="north")
    return f.ServiceFactory(
        organisation=day_centre,
        name="Befriending",
        description="A volunteer befriender visits weekly to reduce loneliness.",
        accepts_self_referrals=True,
        taxonomy_terms=[needs],
        localities=[north],
    )


@pytest.fixture(scope="module")
def api_schema():
    """The API's own OpenAPI document, its operations called in-process: what every
    app's `test_api_fuzz.py` fuzzes (tests/api_fuzz_support.py)."""
    import schemathesis
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from joinedup.wsgi import application

    # Django's WSGI handler closes "old" database connections around each request;
    # inside a test's transaction that would end it, so do as Django's test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
