"""A small world for care plan tests: the trust's North team looks after Alex; the
trust and Riverside Mind (a VCSE day centre) are partners whose agreement shares the
care plan with every role that sees one (volunteers included, as seed 000's "just
enough to do their work"). The day centre has no care relationship with Alex until its
staff join the care team."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from joinedup.access.categories import Category
from joinedup.access.roles import Role
from joinedup.careplans import services
from joinedup.partnerships.models import Partnership
from joinedup.people.models import Person
from tests import factories as f
from tests.access import record_support as rs

WHAT_MATTERS = "Getting back to the allotment, and seeing my sister more"
GOALS = "Go to the allotment group twice a week by the spring"
CRISIS = "If I stop sleeping, call Sam at the CMHT; out of hours, the crisis line"


@dataclass
class World:
    partnership: Partnership
    person: Person
    north: object  # locality
    cmht: object  # the trust's North community mental health team (a service)
    day_centre_service: object  # Riverside Mind's day centre (a service)
    worker: object  # a practitioner at the day centre


def world(trust, day_centre, *, share_with=tuple(Role)) -> World:
    north = f.LocalityFactory(name="North", slug="north")
    partnership = rs.partnership(trust, day_centre)
    rs.rules(rs.agreement(partnership), [(Category.CARE_PLAN, role) for role in share_with])
    person = Person.objects.create(
        given_name="Alex",
        family_name="Carter",
        nhs_number="4010232137",
        created_by_organisation=trust,
    )
    rs.relationship(person, trust, since=timezone.now() - dt.timedelta(days=30))
    cmht = f.ServiceFactory(
        organisation=trust, name="North Community Mental Health Team", localities=[north]
    )
    day_centre_service = f.ServiceFactory(
        organisation=day_centre, name="Riverside Day Centre", localities=[north]
    )
    return World(
        partnership=partnership,
        person=person,
        north=north,
        cmht=cmht,
        day_centre_service=day_centre_service,
        worker=f.member(day_centre, Role.PRACTITIONER, username="jo.riverside"),
    )


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def data(w: World, **extra) -> dict:
    """What a plan says, as the services take it."""
    return {
        "what_matters": WHAT_MATTERS,
        "goals": GOALS,
        "strengths": "Green fingers; a sister who visits",
        "crisis_plan": CRISIS,
        "review_date": in_days(90),
        "offers": [
            {"service": w.day_centre_service.public_id, "frequency": "Tuesdays and Thursdays"}
        ],
        **extra,
    }


def make_plan(w: World, actor, **extra):
    return services.care_plan_create(actor=actor, person=w.person, data=data(w, **extra))


def change(plan, actor, **extra):
    """A new version of the plan, changing what `extra` says."""
    plan.refresh_from_db()
    current = {
        "what_matters": plan.what_matters,
        "goals": plan.goals,
        "strengths": plan.strengths,
        "crisis_plan": plan.crisis_plan,
        "review_date": plan.review_date,
        "locality": plan.locality.public_id if plan.locality_id else None,
        "offers": [
            {
                "service": o.service.public_id,
                "worker": o.worker.username if o.worker else "",
                "frequency": o.frequency,
            }
            for o in plan.offers.select_related("service", "worker")
        ],
        "care_coordinator": _coordinator(plan),
    }
    return services.care_plan_update(
        actor=actor, plan=plan, expected_version=plan.version, data={**current, **extra}
    )


def _coordinator(plan):
    member = plan.care_team.filter(is_care_coordinator=True).select_related("user").first()
    if member is None:
        return None
    return {"username": member.user.username, "organisation": member.organisation.public_id}


def coordinator(user) -> dict:
    return {
        "username": user.username,
        "organisation": user.acting_membership.organisation.public_id,
    }


def join_care_team(plan, actor, worker, **extra):
    plan.refresh_from_db()
    return services.care_team_add(
        actor=actor,
        plan=plan,
        organisation=worker.acting_membership.organisation,
        username=worker.username,
        role=extra.pop("role", "Support worker"),
        **extra,
    )
