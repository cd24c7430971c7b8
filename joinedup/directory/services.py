"""Every write to the directory: one transaction each, the access policy asked first,
the change history attributed to the person who made it."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from joinedup.access import policy
from joinedup.core.exceptions import PermissionDenied
from joinedup.directory.models import Organisation, Schedule, Service

# Fields a person may set on a service through a form or the API.
SERVICE_FIELDS = (
    "name",
    "description",
    "url",
    "email",
    "phone",
    "status",
    "fees",
    "minimum_age",
    "maximum_age",
    "eligibility_criteria",
    "accepts_professional_referrals",
    "accepts_self_referrals",
    "accepting_referrals",
    "referral_instructions",
    "capacity_status",
    "waiting_time_days",
    "is_joint_offer",
)
SERVICE_M2M_FIELDS = ("taxonomy_terms", "localities", "joint_partners")
ORGANISATION_FIELDS = (
    "name",
    "kind",
    "reach",
    "ods_code",
    "charity_number",
    "description",
    "website",
    "email",
    "phone",
)


def search_document_for(
    *,
    name: str,
    description: str,
    organisation_name: str,
    eligibility: str = "",
    terms: Iterable[str] = (),
    localities: Iterable[str] = (),
) -> str:
    """The text full-text search reads for a service: what a referrer would search by."""
    parts = [
        name,
        name,
        organisation_name,
        " ".join(terms),
        " ".join(localities),
        description,
        eligibility,
    ]
    return "\n".join(p for p in parts if p)


def service_refresh_search_document(*, service: Service) -> None:
    document = search_document_for(
        name=service.name,
        description=service.description,
        organisation_name=service.organisation.name,
        eligibility=service.eligibility_criteria,
        terms=[t.name for t in service.taxonomy_terms.all()],
        localities=[loc.name for loc in service.localities.all()],
    )
    if document != service.search_document:
        Service.objects.filter(pk=service.pk).update(search_document=document)
        service.search_document = document


def _require(user, action, obj) -> None:
    decision = policy.decide(user, action, obj)
    if not decision:
        raise PermissionDenied(decision.reason)


def _apply_service_data(service: Service, data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(SERVICE_FIELDS) - set(SERVICE_M2M_FIELDS) - {"schedules"}
    if unknown:
        raise ValidationError({name: "This field cannot be set" for name in sorted(unknown)})
    for name in SERVICE_FIELDS:
        if name in data:
            setattr(service, name, data[name])
    return {name: data[name] for name in SERVICE_M2M_FIELDS if name in data}


def _save_service(
    service: Service, *, actor, m2m: dict[str, Any], schedules, reason: str
) -> Service:
    service.full_clean(exclude=["search_document", "search_vector"])
    service._history_user = actor if getattr(actor, "is_authenticated", False) else None
    service._change_reason = reason
    service.save()
    for name, values in m2m.items():
        getattr(service, name).set(values)
    if schedules is not None:
        service.schedules.all().delete()
        for slot in schedules:
            schedule = Schedule(service=service, **slot)
            schedule.full_clean(exclude=["service"])
            schedule.save()
    service_refresh_search_document(service=service)
    return service


@transaction.atomic
def service_create(*, actor, organisation: Organisation, data: dict[str, Any]) -> Service:
    _require(actor, policy.Action.EDIT, organisation)
    service = Service(organisation=organisation)
    m2m = _apply_service_data(service, data)
    return _save_service(
        service, actor=actor, m2m=m2m, schedules=data.get("schedules"), reason="created"
    )


@transaction.atomic
def service_update(*, actor, service: Service, data: dict[str, Any]) -> Service:
    """Change a service. Raises PermissionDenied or ValidationError; writes nothing then."""
    _require(actor, policy.Action.EDIT, service)
    service = Service.objects.select_for_update().select_related("organisation").get(pk=service.pk)
    m2m = _apply_service_data(service, data)
    return _save_service(
        service, actor=actor, m2m=m2m, schedules=data.get("schedules"), reason="updated"
    )


def unique_slug(model, name: str, *, max_length: int = 100) -> str:
    base = slugify(name)[: max_length - 8] or "organisation"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, data: dict[str, Any]) -> Organisation:
    _require(actor, policy.Action.EDIT, organisation)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    unknown = set(data) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be set" for name in sorted(unknown)})
    name_changed = "name" in data and data["name"] != organisation.name
    for name, value in data.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation._history_user = actor if getattr(actor, "is_authenticated", False) else None
    organisation.save()
    if name_changed:
        for service in organisation.services.prefetch_related("taxonomy_terms", "localities"):
            service.organisation = organisation
            service_refresh_search_document(service=service)
    return organisation
