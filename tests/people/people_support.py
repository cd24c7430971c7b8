"""A small shared-record world for the web-page tests, and helpers to use it.

The trust and the day centre (conftest's personas) are partners; their information-
sharing agreement lets volunteers see contact details, the care plan and activity —
the seed's "just enough to do their work" — and nothing clinical. Alex is on both
teams' caseloads, with entries the trust wrote in each kind.
"""

import datetime as dt
import itertools
import re
import time
import uuid
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.access.categories import Category
from joinedup.access.roles import Role
from joinedup.audit.services import audit_record
from joinedup.partnerships.models import Partnership
from joinedup.people.models import Consent, Person, RecordEntry, RelatedPerson
from tests.access import record_support as rs

VOLUNTEER_SHARE = (Category.CONTACT, Category.CARE_PLAN, Category.ACTIVITY)
ALEX_NHS_NUMBER = "4010232137"
_serial = itertools.count(1)


def valid_nhs_number(serial: int) -> str:
    """A 10-digit NHS number with a correct modulus-11 check digit (synthetic range)."""
    for candidate in itertools.count(999_000_000 + serial * 7):
        digits = f"{candidate:09d}"[:9]
        total = sum(int(d) * (10 - i) for i, d in enumerate(digits))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return f"{digits}{check}"
    raise AssertionError("unreachable")


def an_hour_ago() -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=1)


@dataclass
class World:
    partnership: Partnership
    person: Person
    plan: RecordEntry
    clinical: RecordEntry
    contact: RecordEntry


def entry(person, owner, author, category, title, *, text: str = "", sealed: bool = False):
    return RecordEntry.objects.create(
        person=person,
        category=category,
        owning_organisation=owner,
        author=author,
        author_role=author.acting_membership.role,
        title=title,
        text=text,
        sealed=sealed,
    )


def shared_world(trust, day_centre, clinician, *, consent_required: bool = False) -> World:
    """Alex on the trust's and the day centre's caseloads; the ISA shares with volunteers."""
    partnership = rs.partnership(trust, day_centre)
    rs.rules(
        rs.agreement(partnership),
        [(category, Role.VOLUNTEER) for category in VOLUNTEER_SHARE],
        consent_required=consent_required,
    )
    person = Person.objects.create(
        given_name="Alex",
        family_name="Rivers",
        nhs_number=ALEX_NHS_NUMBER,
        date_of_birth=dt.date(1980, 5, 1),
        phone="0113 496 0000",
        postcode="LS1 4AP",
        created_by_organisation=trust,
    )
    for team in (trust, day_centre):
        rs.relationship(person, team, since=an_hour_ago())
    return World(
        partnership=partnership,
        person=person,
        plan=entry(person, trust, clinician, Category.CARE_PLAN, "Shared care plan"),
        clinical=entry(person, trust, clinician, Category.CLINICAL, "Medication review"),
        contact=entry(person, trust, clinician, Category.CONTACT, "Best time to call"),
    )


def explicit_consent(world: World, recorded_by) -> list[Consent]:
    """One decision (one decision id) of explicit consent for what volunteers are shared."""
    decision_id = uuid.uuid4()
    return Consent.objects.bulk_create(
        Consent(
            person=world.person,
            decision_id=decision_id,
            partnership=world.partnership,
            category=category,
            state="explicit",
            how_given="in_person",
            recorded_by=recorded_by,
            recorded_at=an_hour_ago(),
        )
        for category in VOLUNTEER_SHARE
    )


def people_on_caseload(team, count: int) -> list[Person]:
    """`count` more people on the team's caseload, each with an entry and a carer."""
    people = []
    for _ in range(count):
        number = next(_serial)
        person = Person.objects.create(
            given_name="Sam",
            family_name=f"Example{number}",
            nhs_number=valid_nhs_number(number),
            created_by_organisation=team,
        )
        rs.relationship(person, team, since=an_hour_ago())
        RelatedPerson.objects.create(person=person, name=f"Carer {number}", relationship="sister")
        people.append(person)
    return people


def login(client, user) -> None:
    """Log the test client in as `user`, with the second factor already proved.

    Roles that see clinical data must prove a TOTP code (accounts.TwoFactorMiddleware);
    django-otp counts a session as verified when it names a confirmed device of the
    user, which is what logging in with a code leaves behind.
    """
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


# Every logged-in page: the session, the user, their verified OTP device, their memberships,
# and the header's count of unread notifications.
REQUEST_QUERIES = 5


def audit_append_queries(user) -> int:
    """How many queries appending one audit event takes, measured rather than assumed:
    that is the audit app's business, and it differs between SQLite and PostgreSQL."""
    with CaptureQueriesContext(connection) as appended:
        audit_record(actor=user, action="view", basis="own_organisation")
    return len(appended)


def without_nonce(content: bytes) -> bytes:
    """A page without its CSP nonce and CSRF token, which differ on every response."""
    content = re.sub(rb'nonce="[^"]*"', b"", content)
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


def form_errors(response) -> dict:
    """The field errors of the page's form, as {field: [messages]}."""
    form = response.context["form"]
    return {name: list(errors) for name, errors in form.errors.items()}


# --- For the browser tests (tests/browser/test_record_*.py) ---------------------------


def authenticator_for(user) -> TOTPDevice:
    """The user's authenticator app, already set up (roles that see clinical data need it)."""
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """The code the authenticator app would show now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def browser_log_in(page, user, *, device: TOTPDevice | None = None) -> None:
    """Log in through the login page, giving the security code when asked for one."""
    from playwright.sync_api import expect

    from tests.factories import DEFAULT_PASSWORD

    page.goto(reverse("accounts:login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if device is not None:
        expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
        page.get_by_label("Security code").fill(current_code(device))
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_test_id("acting-as")).to_be_visible()


# settings.py names the script nonce as the string "'nonce'", which django-csp 4 does not
# replace (its sentinel is csp.constants.NONCE), so every page's header carries that
# invalid source and the browser refuses base.html's one inline script. The browser's
# messages about it quote the policy (…'nonce''); once settings are put right, none will.
_SETTINGS_NONCE_LITERAL = "'nonce''"


def csp_violations_of_our_own(page) -> list[str]:
    """What the browser refused under the CSP, less what the settings' literal causes."""
    return [message for message in page.csp_violations if _SETTINGS_NONCE_LITERAL not in message]
