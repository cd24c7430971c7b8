"""The public self-referral API (issue 4; DESIGN §8 `self-referrals`): no token needed.

`POST /api/v1/self-referrals` makes a self-referral as the public form does, and
`GET /api/v1/self-referrals/{reference}?date_of_birth=YYYY-MM-DD` tells where it is —
the status, the next step in plain words and the service's contact, nothing clinical.
Errors are problem documents naming the field; too many tries from one address is a
429 with Retry-After. Thin: parse, ask the rate limits, call the service or selector.
"""

import uuid
from datetime import date
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from ninja import Field, Header, Path, Query, Router, Schema, Status
from pydantic import ConfigDict, StringConstraints

from joinedup.accounts.api import Problem, Text
from joinedup.core.exceptions import NotFound
from joinedup.directory import selectors as directory_selectors
from joinedup.referrals import ratelimit, selectors, services
from joinedup.referrals.models import Status as ReferralStatus
from joinedup.referrals.models import Urgency

router = Router(tags=["self-referrals"], auth=None)

MAX_TEXT = services.MAX_TEXT
AnswerKey = Annotated[str, StringConstraints(max_length=50)]
AnswerText = Annotated[str, StringConstraints(max_length=MAX_TEXT)]


class SelfReferralIn(Schema):
    model_config = ConfigDict(extra="forbid")

    service: uuid.UUID = Field(
        description="A service that takes self-referrals (GET /services?self_referral=true)"
    )
    given_name: Text = Field(max_length=100)
    family_name: Text = Field(max_length=100)
    preferred_name: Text = Field("", max_length=100)
    date_of_birth: date
    nhs_number: Text = Field("", max_length=20, description="Optional; its check digit is checked")
    preferred_channel: Literal["phone", "sms", "email", "letter"] = Field(
        description="How the person would like to be contacted: the details it needs are "
        "required (phone or sms: phone; email: email; letter: address_1 and postcode)"
    )
    phone: Text = Field("", max_length=30)
    email: Text = Field("", max_length=254)
    address_1: Text = Field("", max_length=250)
    city: Text = Field("", max_length=100)
    postcode: Text = Field("", max_length=10)
    communication_needs: Text = Field("", max_length=1000)
    reason: Text = Field(max_length=MAX_TEXT, description="What they would like help with")
    what_matters: Text = Field("", max_length=MAX_TEXT, description="In their own words")
    urgency: Urgency = Urgency.ROUTINE
    consent_to_share: bool = Field(
        description="They agree to the service receiving the referral and keeping it in "
        "their record: must be true"
    )
    answers: dict[AnswerKey, AnswerText | bool | int] = Field(
        {}, max_length=50, description="Answers to the service's own questions, by key"
    )


class ServiceContact(Schema):
    id: uuid.UUID
    name: str
    organisation: str
    phone: str
    email: str
    website: str


class SelfReferralSent(Schema):
    reference: str = Field(
        description="With the date of birth, GET /self-referrals/{reference} tells its status"
    )
    service: ServiceContact
    acknowledge_by: date | None = Field(description="The service reads it by this day")
    next_step: str


class SelfReferralStatusOut(Schema):
    reference: str
    status: ReferralStatus
    status_words: str = Field(description="The status in plain words, for the person")
    next_step: str = Field(description="What happens next, in plain words")
    service: str
    organisation: str
    phone: str
    email: str
    website: str


class StatusQuery(Schema):
    date_of_birth: date = Field(description="YYYY-MM-DD, as given with the referral")


def _too_many(limited: ratelimit.Limited, detail: str) -> JsonResponse:
    when = limited.until.isoformat(timespec="minutes")
    response = JsonResponse(
        {
            "type": "about:blank",
            "title": "Too Many Requests",
            "status": 429,
            "detail": f"{detail}: try again after {when}",
        },
        status=429,
        content_type="application/problem+json",
    )
    response["Retry-After"] = str(limited.retry_after)
    return response


def _contact(service) -> dict:
    return {
        "id": service.public_id,
        "name": service.name,
        "organisation": service.organisation.name,
        "phone": service.phone,
        "email": service.email,
        "website": service.url,
    }


@router.post(
    "/self-referrals",
    response={201: SelfReferralSent, 200: SelfReferralSent, 400: Problem, 422: Problem,
              429: Problem},
    summary="Refer yourself to a service",
    description="For a person referring themselves (no token). Every field that is wrong is "
    "named in the problem's `errors`, and nothing is written. With an Idempotency-Key "
    "header, the same request again returns the first one's answer (200) and never makes "
    "a second referral. Too many from one address is a 429 with Retry-After.",
)  # fmt: skip
def self_referral_create(
    request,
    payload: SelfReferralIn,
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key", max_length=100)] = "",
):
    limited = ratelimit.hit(ratelimit.SUBMIT, ratelimit.client_address(request))
    if limited:
        return _too_many(limited, "Too many referrals from this address")
    service = directory_selectors.service_to_refer(public_id=payload.service)
    if service is None:
        raise ValidationError({"service": "There is no such service in the directory"})
    receipt = services.self_referral_create(
        service=service,
        data=payload.dict(exclude={"service"}),
        idempotency_key=idempotency_key,
        channel="api",
    )
    by = f" by {receipt.acknowledge_by:%-d %B %Y}" if receipt.acknowledge_by else ""
    contact = f" by {receipt.contact_by}" if receipt.contact_by else ""
    body = {
        "reference": receipt.reference,
        "service": _contact(service),
        "acknowledge_by": receipt.acknowledge_by,
        "next_step": f"{receipt.service_name} will read the referral{by}, and contact you"
        f"{contact}.",
    }
    return Status(200 if receipt.replayed else 201, body)


@router.get(
    "/self-referrals/{reference}",
    response={200: SelfReferralStatusOut, 404: Problem, 422: Problem, 429: Problem},
    summary="Where a self-referral is",
    description="The status of a self-referral, with the date of birth given with it: a "
    "wrong date of birth is the same 404 as an unknown reference. Nothing clinical.",
)
def self_referral_status(
    request,
    reference: Annotated[str, Path(max_length=20)],
    query: Query[StatusQuery],
):
    limited = ratelimit.hit(ratelimit.STATUS, ratelimit.client_address(request))
    if limited:
        return _too_many(limited, "Too many checks from this address")
    reference = selectors.normalise_reference(reference)
    limited = ratelimit.over(ratelimit.REFERENCE, reference)
    if limited:
        return _too_many(limited, "Too many wrong dates of birth for this reference")
    try:
        status = selectors.self_referral_status(
            reference=reference, date_of_birth=query.date_of_birth
        )
    except NotFound:
        ratelimit.hit(ratelimit.REFERENCE, reference)
        raise
    return {
        "reference": status.reference,
        "status": status.status,
        "status_words": status.status_words,
        "next_step": status.next_step,
        "service": status.service_name,
        "organisation": status.organisation_name,
        "phone": status.phone,
        "email": status.email,
        "website": status.website,
    }
