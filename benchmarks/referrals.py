"""Referrals for the demo partnership: the trust's North team refers people on its
caseload to voluntary and council services, and the receiving teams take them along the
lifecycle (DESIGN.md §6), so the worklists, the journeys, limbo and bouncing, the inbox
and the person's portal all have something to show.

Written through `joinedup.referrals.services` — the state machine itself, as the demo
accounts — so every referral is one the product could have made: its transitions, care
relationships, audit events and queued notifications are real. That is right for the
demo and the small size (a few dozen referrals); the larger sizes' million referrals
(DESIGN §9) need bulk inserts and come with `joinedup bench referrals`, so they write
none here.
"""

from datetime import timedelta

from django.utils import timezone

from benchmarks.generator import Loaded, Partnership, acting_user, stream
from joinedup.directory.models import Service
from joinedup.people import selectors as people_selectors
from joinedup.referrals import services
from joinedup.referrals.models import Referral

SIZES = ("demo", "small")
REFERRER = "clinician.north-cmht"
# Receiving services (organisation slug, service name fragment), and who acts for them.
RECEIVERS = (
    ("riverside-mind", "practitioner.riverside-mind"),
    ("city-council", "practitioner.city-council"),
    ("oakwood-counselling", "practitioner.oakwood-counselling"),
)
REASONS = (
    "Lonely since a long admission; would like company and something to go to in the week.",
    "Finding the days long since stopping work; wants to get back into a routine.",
    "Struggling to manage the flat and bills since discharge; needs practical support.",
    "Low mood and anxiety; would value talking to someone outside the team.",
)
MATTERS = (
    "Getting out of the flat, and seeing my grandchildren again",
    "Being listened to, and not having to tell my story again",
    "Keeping my tenancy",
    "Going back to the allotment",
)
# What happens to each referral after it is sent, in order, by the receiving team.
PATHS = (
    (),
    ("acknowledge",),
    ("acknowledge", "accept"),
    ("acknowledge", "accept", "waitlist"),
    ("acknowledge", "accept", "first_contact", "start"),
    ("acknowledge", "accept", "first_contact", "start", "complete"),
    ("acknowledge", "decline"),
    ("acknowledge", "redirect"),
    ("acknowledge", "refer_to_meeting"),
    (),  # left in limbo: past its acknowledge-by date
)


def _services(slug: str) -> list[Service]:
    return list(
        Service.objects.filter(
            organisation__slug=slug,
            accepting_referrals=True,
            accepts_professional_referrals=True,
            status="active",
        ).order_by("name")
    )


def write_referrals(partnership: Partnership, loaded: Loaded, progress: bool) -> None:
    if partnership.size.name not in SIZES:
        return
    referrer = acting_user(REFERRER)
    if referrer is None:
        return
    receivers = [(_services(slug), acting_user(username)) for slug, username in RECEIVERS]
    receivers = [(s, actor) for s, actor in receivers if s and actor]
    people = list(people_selectors.person_list(user=referrer)[:12])
    if not receivers or not people:
        return
    rng = stream(partnership.seed, "referrals")
    for index, path in enumerate(PATHS):
        person = people[index % len(people)]
        offered, receiver = receivers[index % len(receivers)]
        service = offered[rng.randrange(len(offered))]
        referral = services.referral_create(
            actor=referrer,
            person=person,
            service=service,
            data={
                "reason": rng.choice(REASONS),
                "what_matters": rng.choice(MATTERS),
                "urgency": rng.choice(["routine", "routine", "soon", "urgent"]),
                "consent_to_share": True,
            },
            needs=list(service.taxonomy_terms.all()[:1]),
        ).referral
        for action in path:
            referral.refresh_from_db()
            extra = {"reason": ""}
            if action in {"decline", "redirect", "refer_to_meeting", "complete"}:
                extra["reason"] = {
                    "decline": "We have no places in this area until the spring",
                    "redirect": "A better fit for what matters to them",
                    "refer_to_meeting": "Needs more than one partner: a joint offer?",
                    "complete": "Attended weekly for three months; feels more connected",
                }[action]
            if action == "decline":
                extra["signposting"] = "The Lighthouse crisis café, and the food bank"
            if action == "redirect":
                others = [s for s in offered if s.pk != service.pk] or [
                    s for group, _ in receivers for s in group if s.pk != service.pk
                ]
                extra["services"] = [others[0]]
            services.transition(
                actor=receiver,
                referral=referral,
                action=action,
                expected_version=referral.version,
                **extra,
            )
        if index == len(PATHS) - 1:
            # Sent a fortnight ago and never acknowledged: in limbo.
            past = timezone.now() - timedelta(days=14)
            Referral.objects.filter(pk=referral.pk).update(
                submitted_at=past,
                acknowledge_by=timezone.localdate(past) + timedelta(days=2),
                first_contact_by=timezone.localdate(past) + timedelta(days=14),
            )
    services.limbo_check()
