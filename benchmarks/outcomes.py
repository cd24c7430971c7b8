"""Outcome measures for the demo partnership (issue 5): the North community mental
health team measures PHQ-9 and GAD-7 with a few people on the trust's caseload — a
baseline about twelve weeks ago and two reviews — and Riverside Mind measures ONS4
wellbeing and DIALOG with the people it supports; Alex Carter fills in their last
PHQ-9 review in their own portal. Scores mostly improve, as they would in a service
that helps, with the odd setback; one baseline answers PHQ-9 question 9 above 0, so the
risk prompt shows.

Written through `joinedup.outcomes.services`, as the demo accounts, so every record is
scored, audited and policed as the product would do it: for the demo and small sizes
only (a few dozen records). Every size gets the shipped measures back if the demo
emptied the tables before loading.
"""

import random
from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from benchmarks.generator import Loaded, Partnership, acting_user, stream
from joinedup.accounts.models import User
from joinedup.outcomes import measures_data, selectors, services
from joinedup.people import selectors as people_selectors

SIZES = ("demo", "small")
CLINICIAN = "clinician.north-cmht"
PRACTITIONER = "practitioner.riverside-mind"
PORTAL_ACCOUNT = "person.alex-carter"
# North's own first: the cast members the demo's walkthrough uses.
FIRST = (("Alex", "Carter"), ("Yusuf", "Rahman"))
PEOPLE_PER_TEAM = 3
# Days before today of the baseline and the reviews.
NHS_DAYS = (84, 42, 7)
VCSE_DAYS = (70, 14)


def _chosen(user) -> list:
    people = list(people_selectors.person_list(user=user)[:200])
    first = [p for name in FIRST for p in people if (p.given_name, p.family_name) == name]
    rest = [p for p in people if p not in first]
    return (first + rest)[:PEOPLE_PER_TEAM]


def _spread(rng: random.Random, total: int, items: int, top: int, *, last: int = 0) -> list[int]:
    """Answers of `items` questions (0 to `top`) adding up to `total`, the last one fixed."""
    values = [0] * (items - 1)
    total -= last
    while total > 0:
        i = rng.randrange(items - 1)
        if values[i] < top:
            values[i] += 1
            total -= 1
    return [*values, last]


def _trajectory(rng: random.Random, start: int, floor: int) -> list[int]:
    """Totals at baseline and two reviews: mostly falling, now and then a setback."""
    first = max(floor, start - rng.randint(-1, 5))
    second = max(floor, first - rng.randint(2, 7))
    return [start, first, second]


def _keyed(code: str, values: list) -> dict:
    spec = next(s for s in measures_data.definitions() if s["code"] == code)
    return {item["key"]: value for item, value in zip(spec["items"], values, strict=True)}


def _record(actor, person, code: str, values: list, days: int, occasion: str):
    services.outcome_record_create(
        actor=actor,
        person=person,
        measure=selectors.measure_get(code=code),
        occasion=occasion,
        answers=_keyed(code, values),
        completed_at=timezone.now() - timedelta(days=days, hours=2),
    )


def _nhs(rng: random.Random, clinician, people: list, portal_user) -> None:
    for n, person in enumerate(people):
        phq9 = _trajectory(rng, rng.randint(14, 21), 3)
        gad7 = _trajectory(rng, rng.randint(10, 17), 2)
        for step, days in enumerate(NHS_DAYS):
            occasion = "baseline" if step == 0 else "review"
            self_harm = 1 if (n == 1 and step == 0) else 0  # one risk prompt to see
            answers = _spread(rng, phq9[step], 9, 3, last=self_harm)
            by_person = portal_user is not None and person.portal_user_id == portal_user.pk
            if by_person and step == len(NHS_DAYS) - 1:
                services.outcome_record_create_by_person(
                    actor=portal_user,
                    person=person,
                    measure=selectors.measure_get(code="phq9"),
                    answers=_keyed("phq9", answers),
                )
            else:
                _record(clinician, person, "phq9", answers, days, occasion)
            _record(
                clinician,
                person,
                "gad7",
                _spread(rng, gad7[step], 7, 3, last=rng.randint(0, 2)),
                days,
                occasion,
            )


def _vcse(rng: random.Random, practitioner, people: list) -> None:
    for person in people:
        wellbeing = [rng.randint(2, 5), rng.randint(2, 5), rng.randint(2, 5), rng.randint(5, 8)]
        domains = [rng.randint(2, 4) for _ in range(8)]
        for step, days in enumerate(VCSE_DAYS):
            occasion = "baseline" if step == 0 else "review"
            lift = step * rng.randint(1, 3)
            ons4 = [min(10, v + lift) for v in wellbeing[:3]] + [max(0, wellbeing[3] - lift)]
            _record(practitioner, person, "ons4", ons4, days, occasion)
            life = [min(7, v + step * rng.randint(0, 2)) for v in domains]
            treatment = [
                None if rng.random() < 0.4 else rng.randint(4, 6),
                rng.randint(4, 7),
                rng.randint(4, 7),
            ]
            _record(practitioner, person, "dialog", life + treatment, days, occasion)


def write(partnership: Partnership, loaded: Loaded, progress: bool) -> None:
    measures_data.ensure_loaded(apps)
    if partnership.size.name not in SIZES:
        return
    clinician, practitioner = acting_user(CLINICIAN), acting_user(PRACTITIONER)
    if clinician is None or practitioner is None:
        return
    portal_user = User.objects.filter(username=PORTAL_ACCOUNT, is_person_account=True).first()
    rng = stream(partnership.seed, "outcomes")
    _nhs(rng, clinician, _chosen(clinician), portal_user)
    _vcse(rng, practitioner, _chosen(practitioner))
