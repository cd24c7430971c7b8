"""Reads for the information-governance lead's pages: the break-glass review queue and
the access review of the audit log (DESIGN §5, §10).

Only an IG lead reads these, and only for the organisation they act for: a break-glass
access of another organisation is NotFound, exactly like one that does not exist.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When

from joinedup.access.models import BreakGlass, ReviewOutcome
from joinedup.access.roles import Role
from joinedup.audit import selectors as audit_selectors
from joinedup.audit.services import audit_record
from joinedup.core.exceptions import NotFound, PermissionDenied


def governance_refusal(*, user) -> str | None:
    """Why the user may not use the IG lead's pages (None if they may)."""
    membership = getattr(user, "acting_membership", None)
    if membership is not None and membership.role == Role.IG_LEAD:
        return None
    role = membership.get_role_display().lower() if membership else "user with no role"
    return (
        f"a {role} may not review access: only your organisation's information governance lead may"
    )


def _ig_organisation_id(user) -> int:
    refusal = governance_refusal(user=user)
    if refusal:
        raise PermissionDenied(refusal)
    return user.acting_membership.organisation_id


def break_glass_list(*, user, outcome: str | None = None) -> QuerySet[BreakGlass]:
    """The break-glass accesses of the IG lead's organisation's staff, pending first,
    then newest first."""
    organisation_id = _ig_organisation_id(user)
    accesses = BreakGlass.objects.filter(organisation_id=organisation_id)
    if outcome:
        accesses = accesses.filter(outcome=outcome)
    return accesses.select_related("user", "person", "reviewed_by").order_by(
        Case(
            When(outcome=ReviewOutcome.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "-started_at",
        "-pk",
    )


def break_glass_get(*, user, public_id) -> BreakGlass:
    try:
        uid = uuid.UUID(str(public_id))
    except (TypeError, ValueError):
        raise NotFound("There is no such break-glass access") from None
    access = break_glass_list(user=user).filter(public_id=uid).first()
    if access is None:
        raise NotFound("There is no such break-glass access")
    return access


@dataclass(frozen=True)
class AuditFilters:
    """What the access review is narrowed to; every field optional."""

    username: str = ""
    person_public_id: uuid.UUID | None = None
    basis: str = ""
    action: str = ""
    occurred_from: dt.datetime | None = None
    occurred_before: dt.datetime | None = None

    def as_detail(self) -> dict:
        """The filters, as text, for the audit event of an export."""
        return {key: str(value) for key, value in self.__dict__.items() if value not in (None, "")}


def audit_review_list(*, user, filters: AuditFilters) -> QuerySet:
    """Audit events recorded for the IG lead's organisation (its staff acting for it),
    matching the filters, newest first.

    Events about people the organisation holds but recorded by partner staff are the
    partner IG lead's to review: each organisation reviews its own staff's access.
    """
    organisation_id = _ig_organisation_id(user)
    events = audit_selectors.audit_event_list(
        organisation_id=organisation_id,
        person_public_id=filters.person_public_id,
        basis=filters.basis or None,
        action=filters.action or None,
        occurred_from=filters.occurred_from,
        occurred_before=filters.occurred_before,
    )
    if filters.username:
        events = events.filter(actor_username=filters.username)
    return events


def audit_export_record(*, user, filters: AuditFilters, count: int) -> None:
    """The export of the access review is itself a read of the log: record it."""
    _ig_organisation_id(user)
    audit_record(
        actor=user,
        action="export",
        basis="own_organisation",
        purpose="information_governance",
        detail={"of": "audit_events", "filters": filters.as_detail(), "count": count},
    )
