"""A small world for the self-referral tests: Sam refers themselves to the day centre's
befriending service (which takes self-referrals), with nobody logged in.

Plain functions, so the service, page, API and browser tests share them without
importing fixtures across modules.
"""

from datetime import date

from django.core.cache import cache

from joinedup.access.roles import Role
from joinedup.referrals import ratelimit, services
from tests import factories as f

REASON = "I have been feeling low and alone since I lost my job"
DATE_OF_BIRTH = date(1990, 5, 17)
NHS_NUMBER = "9434765919"  # a valid check digit
BAD_NHS_NUMBER = "9434765918"  # the same, with the wrong check digit


def details(**extra) -> dict:
    """What a person gives: their details and their referral, as the service takes them."""
    return {
        "given_name": "Sam",
        "family_name": "Okafor",
        "date_of_birth": DATE_OF_BIRTH,
        "preferred_channel": "phone",
        "phone": "07400 123456",
        "postcode": "LS1 4AP",
        "reason": REASON,
        "what_matters": "Meeting people again",
        "urgency": "routine",
        "consent_to_share": True,
        **extra,
    }


def self_refer(service, *, key: str = "", **extra) -> services.SelfReferralReceipt:
    return services.self_referral_create(
        service=service, data=details(**extra), idempotency_key=key
    )


def receiver(day_centre):
    """A practitioner of the team the befriending service belongs to."""
    return f.member(day_centre, Role.PRACTITIONER)


def form_data(**extra) -> dict:
    """The public form as a browser posts it."""
    data = {
        "given_name": "Sam",
        "family_name": "Okafor",
        "date_of_birth_0": str(DATE_OF_BIRTH.day),
        "date_of_birth_1": str(DATE_OF_BIRTH.month),
        "date_of_birth_2": str(DATE_OF_BIRTH.year),
        "preferred_channel": "phone",
        "phone": "07400 123456",
        "postcode": "LS1 4AP",
        "reason": REASON,
        "what_matters": "Meeting people again",
        "urgency": "routine",
        "consent_to_share": "on",
        "idempotency_key": "form-token-1",
        "website": "",
        **extra,
    }
    return {k: v for k, v in data.items() if v is not None}


def api_body(to, **extra) -> dict:
    body = {
        **details(),
        "date_of_birth": DATE_OF_BIRTH.isoformat(),
        "service": str(to.public_id),
        **extra,
    }
    return {k: v for k, v in body.items() if v is not None}


def limits(settings, **scopes) -> None:
    """Set the rate limits for a test: scope name -> (tries, seconds)."""
    settings.JOINEDUP_SELF_REFERRAL_LIMITS = {**ratelimit.DEFAULT_LIMITS, **scopes}


def clear_limits() -> None:
    cache.clear()
