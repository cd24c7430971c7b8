"""THE access policy: the only place that decides who may do what.

`decide(user, action, obj)` answers one question about one object; the `*_editable_by`
functions answer "which objects" as QuerySet filters so lists are filtered in SQL. Both
read the same role sets, so the two cannot drift apart (tests check they agree).

A user acts as one membership (organisation + role) at a time: `user.acting_membership`,
set by the accounts middleware for the web and by token authentication for the API.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q, QuerySet

from joinedup.access.roles import (
    DIRECTORY_EDITORS_OF_ANY_ORGANISATION,
    DIRECTORY_EDITORS_OF_OWN_ORGANISATION,
)


class Action(StrEnum):
    VIEW = "view"
    EDIT = "edit"
    CREATE_SERVICE = "create_service"


class Basis(StrEnum):
    PUBLIC = "public"
    OWN_ORGANISATION = "own_organisation"
    PARTNERSHIP_ROLE = "partnership_role"
    SUPERUSER = "superuser"
    NONE = "none"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    basis: Basis
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


def acting_membership(user):
    """The membership the user acts as now, or None (anonymous, or no active membership)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "acting_membership", None)


def _organisation_of(obj):
    from joinedup.directory.models import Location, Organisation, Service

    if isinstance(obj, Organisation):
        return obj
    if isinstance(obj, Service | Location):
        return obj.organisation
    raise TypeError(f"the access policy has no rule for {type(obj).__name__}")


def decide(user, action: Action | str, obj) -> Decision:
    action = Action(action)
    if action is Action.VIEW:
        # The directory is public: anyone, logged in or not, may read it.
        return Decision(True, Basis.PUBLIC, "the service directory is public")
    if user is not None and getattr(user, "is_superuser", False) and user.is_active:
        return Decision(True, Basis.SUPERUSER, "system administrator")
    membership = acting_membership(user)
    if membership is None:
        return Decision(
            False, Basis.NONE, "you need to log in as a member of a partner organisation"
        )
    if membership.role in DIRECTORY_EDITORS_OF_ANY_ORGANISATION:
        return Decision(
            True,
            Basis.PARTNERSHIP_ROLE,
            f"a {membership.get_role_display().lower()} may edit any organisation's entries",
        )
    organisation = _organisation_of(obj)
    if membership.role not in DIRECTORY_EDITORS_OF_OWN_ORGANISATION:
        return Decision(
            False,
            Basis.NONE,
            f"a {membership.get_role_display().lower()} may not edit directory entries",
        )
    if membership.organisation_id != organisation.pk:
        return Decision(
            False, Basis.NONE, f"only staff of {organisation.name} may edit its entries"
        )
    return Decision(True, Basis.OWN_ORGANISATION, f"staff of {organisation.name}")


def organisations_editable_by(user, organisations: QuerySet) -> QuerySet:
    """The organisations whose directory entries this user may edit, as a filter."""
    if user is not None and getattr(user, "is_superuser", False) and user.is_active:
        return organisations
    membership = acting_membership(user)
    if membership is None:
        return organisations.none()
    if membership.role in DIRECTORY_EDITORS_OF_ANY_ORGANISATION:
        return organisations
    if membership.role in DIRECTORY_EDITORS_OF_OWN_ORGANISATION:
        return organisations.filter(pk=membership.organisation_id)
    return organisations.none()


def services_editable_by(user, services: QuerySet) -> QuerySet:
    """The services this user may edit, as a filter (fails closed: no rule, no rows)."""
    if user is not None and getattr(user, "is_superuser", False) and user.is_active:
        return services
    membership = acting_membership(user)
    if membership is None:
        return services.none()
    if membership.role in DIRECTORY_EDITORS_OF_ANY_ORGANISATION:
        return services
    if membership.role in DIRECTORY_EDITORS_OF_OWN_ORGANISATION:
        return services.filter(Q(organisation_id=membership.organisation_id))
    return services.none()
