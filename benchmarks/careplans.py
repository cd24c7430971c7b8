"""The demo partnership's care plans (issue 5): the trust's North community mental
health team writes plans with people on its caseload, co-produced with Riverside Mind.

- Alex Carter's plan: what matters and the goals in Alex's words, offers from the North
  team, Riverside Mind's day centre and its befriending; clinician.north-cmht the care
  coordinator, practitioner.riverside-mind in the care team as the single point of
  contact; changed once after a review of the offers (so there is a difference to
  see); signed by Alex in their own account (`person.alex-carter`), with a comment.
- Yusuf Rahman's plan: due for review within the next week in the North locality (so
  the North joint referral meeting's next agenda has it), agreed verbally.
- One more person of the North team's caseload: a plan changed since they agreed it,
  waiting for their agreement again.

Written through `joinedup.careplans.services`, as the demo accounts, so every plan is
one the product could have made, with its versions, care relationships and audit
events: right for the demo and the small size. Review dates are relative to the day
the demo is built (a plan's review date is refused in the past). The larger sizes write
none here: a benchmark of the care plan page makes its own.
"""

from datetime import timedelta

from django.utils import timezone

from benchmarks.generator import Loaded, Partnership, acting_user, stream
from joinedup.careplans import selectors, services
from joinedup.directory.models import Locality, Service
from joinedup.people import selectors as people_selectors

SIZES = ("demo", "small")
CLINICIAN = "clinician.north-cmht"
CARE_COORDINATOR = "care_coordinator.north-cmht"
DAY_CENTRE_WORKER = "practitioner.riverside-mind"
TRUST = "city-nhs-trust"
DAY_CENTRE = "riverside-mind"
CRISIS_PLANS = (
    "Early signs: not sleeping, not answering the phone. Then: call the single point of "
    "contact in the day; out of hours, the crisis line. What helps: a walk, my sister, "
    "quiet. If the day centre is closed, the Lighthouse crisis café is open till late.",
    "If I feel I cannot keep myself safe I will ring the crisis line or go to A&E. My "
    "care coordinator will see me within a day of a crisis. My brother has the numbers.",
)


def _service(organisation: str, name: str):
    return (
        Service.objects.filter(organisation__slug=organisation, name=name)
        .order_by("pk")
        .values_list("public_id", flat=True)
        .first()
    )


def _person(clinician, name: str):
    found = list(people_selectors.person_list(user=clinician, search=name)[:1])
    return found[0] if found else None


def _coordinator(user) -> dict:
    return {
        "username": user.username,
        "organisation": user.acting_membership.organisation.public_id,
    }


def _offer(service, worker=None, frequency: str = "") -> dict | None:
    if service is None:
        return None
    return {"service": service, "worker": worker.username if worker else "", "frequency": frequency}


def _content(plan) -> dict:
    """The plan as it stands, as `care_plan_update` takes it (to change one thing)."""
    return {
        "what_matters": plan.what_matters,
        "goals": plan.goals,
        "strengths": plan.strengths,
        "crisis_plan": plan.crisis_plan,
        "review_date": plan.review_date,
        "locality": plan.locality.public_id if plan.locality_id else None,
    }


def write(partnership: Partnership, loaded: Loaded, progress: bool) -> None:
    if partnership.size.name not in SIZES:
        return
    clinician, coordinator, worker = (
        acting_user(CLINICIAN),
        acting_user(CARE_COORDINATOR),
        acting_user(DAY_CENTRE_WORKER),
    )
    north = Locality.objects.filter(slug="north").first()
    if not (clinician and coordinator and worker and north):
        return
    rng = stream(partnership.seed, "careplans")
    today = timezone.localdate()
    cmht = _service(TRUST, "North Community Mental Health Team")
    day_centre = _service(DAY_CENTRE, "Riverside Mind Day Centre")
    befriending = _service(DAY_CENTRE, "Befriending")
    _alex(clinician, worker, north, today, rng, cmht, day_centre, befriending)
    _yusuf(clinician, coordinator, north, today, rng, cmht, day_centre)
    _waiting_again(clinician, coordinator, north, today, rng, cmht, befriending)


def _alex(clinician, worker, north, today, rng, cmht, day_centre, befriending) -> None:
    person = _person(clinician, "Alex Carter")
    if person is None:
        return
    offers = [
        _offer(cmht, clinician, "Every other Monday at the team base, or at home"),
        _offer(day_centre, worker, "Tuesdays and Thursdays, 10 till 3"),
        _offer(befriending, None, "A weekly visit at home, on Wednesdays"),
    ]
    plan = services.care_plan_create(
        actor=clinician,
        person=person,
        data={
            "what_matters": "“Getting back to the allotment.” “Seeing my sister Jo more, "
            "and not having to tell my story again every time I see someone new.”",
            "goals": "“To be at the allotment group twice a week by the spring.” “To sleep "
            "through most nights.” “To try the day centre's cooking group.”",
            "strengths": "Knows a lot about growing vegetables; a sister who visits every "
            "week; keeps going even on bad days.",
            "crisis_plan": CRISIS_PLANS[0],
            "review_date": today + timedelta(days=84),
            "locality": north.public_id,
            "offers": [o for o in offers if o],
            "care_coordinator": _coordinator(clinician),
        },
    )
    services.care_team_add(
        actor=clinician,
        plan=plan,
        organisation=worker.acting_membership.organisation,
        username=worker.username,
        role="Support worker at the day centre",
        single_point_of_contact=True,
    )
    plan.refresh_from_db()
    # Reviewed with Alex a fortnight on: the cooking group on Fridays, not the befriending.
    services.care_plan_update(
        actor=clinician,
        plan=plan,
        expected_version=plan.version,
        data={
            **_content(plan),
            "goals": "“To be at the allotment group twice a week by the spring.” “To sleep "
            "through most nights.” “To cook lunch at the day centre on Fridays.”",
            "offers": [o for o in offers[:2] if o]
            + [o for o in [_offer(day_centre, worker, "Fridays, the cooking group")] if o],
            "care_coordinator": _coordinator(clinician),
        },
    )
    alex = person.portal_user
    if alex is None:
        return
    own = selectors.portal_care_plan_get(user=alex, public_id=plan.public_id)
    services.agreement_sign(actor=alex, plan=own, version=own.version)
    services.comment_add(
        actor=alex,
        plan=own,
        text=rng.choice(
            (
                "Thank you. Could Jo come to the next review?",
                "I'm happy with this. Fridays are better for me than Wednesdays.",
            )
        ),
    )


def _yusuf(clinician, coordinator, north, today, rng, cmht, day_centre) -> None:
    person = _person(clinician, "Yusuf Rahman")
    if person is None:
        return
    plan = services.care_plan_create(
        actor=clinician,
        person=person,
        data={
            "what_matters": "“Looking after my wife without falling apart myself.” "
            "“Keeping up with the mosque.”",
            "goals": "“To have one afternoon a week that is mine.” “To get my "
            "medication sorted so I am not so tired.”",
            "strengths": "A close family; a long friendship with the imam.",
            "crisis_plan": CRISIS_PLANS[1],
            # Due within the next week: on the North joint referral meeting's agenda.
            "review_date": today + timedelta(days=rng.randint(2, 6)),
            "locality": north.public_id,
            "offers": [
                o
                for o in (
                    _offer(cmht, coordinator, "Monthly review with the care coordinator"),
                    _offer(day_centre, None, "Thursday afternoons, while a sitter is in"),
                )
                if o
            ],
            "care_coordinator": _coordinator(coordinator),
        },
    )
    services.agreement_record(
        actor=coordinator,
        plan=plan,
        version=plan.version,
        note="Read through together at his home, with his son translating; he agreed.",
    )


def _waiting_again(clinician, coordinator, north, today, rng, cmht, befriending) -> None:
    # Someone registered with a North GP practice, who is not one of the cast above.
    north_practices = set(
        Service.objects.filter(organisation__kind="gp_practice", localities=north).values_list(
            "organisation_id", flat=True
        )
    )
    caseload = [
        p
        for p in people_selectors.person_list(user=clinician)[:300]
        if p.gp_practice_id in north_practices
        and p.family_name not in {"Carter", "Rahman"}
        and p.portal_user_id is None
        and selectors.own_plan_id(user=clinician, person=p) is None
        and services.writing_refusal(actor=clinician, person=p) is None
    ]
    if not caseload:
        return
    person = caseload[rng.randrange(len(caseload))]
    plan = services.care_plan_create(
        actor=clinician,
        person=person,
        data={
            "what_matters": "“Getting out of the flat most days.” “Being listened to.”",
            "goals": "“To walk to the shops and back on my own.”",
            "strengths": "",
            "crisis_plan": CRISIS_PLANS[rng.randrange(len(CRISIS_PLANS))],
            "review_date": today + timedelta(days=60),
            "locality": north.public_id,
            "offers": [o for o in (_offer(cmht, None, "Fortnightly"),) if o],
            "care_coordinator": _coordinator(coordinator),
        },
    )
    services.agreement_record(
        actor=coordinator, plan=plan, version=plan.version, note="Agreed at the clinic"
    )
    plan.refresh_from_db()
    services.care_plan_update(
        actor=clinician,
        plan=plan,
        expected_version=plan.version,
        data={
            **_content(plan),
            "offers": [
                o
                for o in (
                    _offer(cmht, None, "Fortnightly"),
                    _offer(befriending, None, "Weekly walks with a befriender"),
                )
                if o
            ],
            "care_coordinator": _coordinator(coordinator),
        },
    )
