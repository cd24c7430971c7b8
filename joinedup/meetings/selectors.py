"""Every read of the joint referral meetings, through the access policy, audited.

Who sees what (docs/meetings.md):

- A meeting — its day, place, organisations and attendees — is seen by the staff of
  the organisations at it; to anyone else it does not exist (NotFound).
- A person on its agenda is named to a viewer who may know of them
  (`record.person_visibility`, through `people.selectors`): while the meeting is open,
  the care relationship it gives each organisation at it is such a reason.
- What an item says — the referral (why, what matters, needs, the service it is with),
  the care plan review, the decision and the actions — is shown to a viewer who may see
  that record under the policy: `record.record_visibility` of the item, category
  `referral` (or `care_plan` for a review), owned by the referral's (or plan's) owner.
  That is the rule of DESIGN §5 for an entry of the category: the viewer's role sees it,
  the viewer's team has a care relationship with the person, and the record is their
  organisation's or an information-sharing agreement in force covers it for their role
  (with consent where it asks for it, and never past an objection). Nothing else of the
  referral is read until that has been asked.
- Everything else is shown as "an item you may not see", with no name or detail.
"""

import datetime as dt
from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from joinedup.access import record
from joinedup.access.categories import Category
from joinedup.audit.services import audit_record_lists
from joinedup.core.exceptions import NotFound
from joinedup.directory.models import Service, ServiceStatus
from joinedup.meetings import services
from joinedup.meetings.models import (
    OPEN_MEETING_STATUSES,
    AgendaItem,
    ItemKind,
    Meeting,
    MeetingAction,
    MeetingDecision,
    MeetingSeries,
)
from joinedup.people import selectors as people_selectors
from joinedup.referrals import selectors as referral_selectors

MEETING_NOT_FOUND = "There is no such meeting, or your organisation is not at it"
MEETINGS_PAGE = 50


def _as_uuid(value) -> UUID | None:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except (TypeError, ValueError):
        return None


def _organisation_id(user) -> int | None:
    membership = getattr(user, "acting_membership", None)
    return membership.organisation_id if membership is not None else None


def visible_meetings(user) -> QuerySet:
    """The meetings `user`'s organisation is at (none for a portal account)."""
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return Meeting.objects.none()
    return Meeting.objects.filter(organisations=organisation_id)


def meeting_list(
    *, user, locality_slug: str = "", upcoming: bool | None = None, size: int = MEETINGS_PAGE
) -> list[Meeting]:
    """The meetings the viewer's organisation is at: upcoming (open) ones soonest first,
    or past (closed) ones latest first, or all latest first; of one locality if asked.
    Each with `item_count`."""
    meetings = visible_meetings(user).select_related("locality", "series")
    if locality_slug:
        meetings = meetings.filter(locality__slug=locality_slug)
    if upcoming is True:
        meetings = meetings.filter(status__in=OPEN_MEETING_STATUSES).order_by("starts_at", "pk")
    elif upcoming is False:
        meetings = meetings.exclude(status__in=OPEN_MEETING_STATUSES).order_by("-starts_at", "-pk")
    else:
        meetings = meetings.order_by("-starts_at", "-pk")
    return list(meetings.annotate(item_count=Count("items", distinct=True))[:size])


def series_list(*, user) -> list[MeetingSeries]:
    """The recurring meetings the viewer's organisation takes part in."""
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return []
    return list(
        MeetingSeries.objects.filter(organisations=organisation_id, active=True)
        .select_related("locality", "chair")
        .order_by("locality__name", "name")
    )


def series_get(*, user, public_id) -> MeetingSeries:
    uid = _as_uuid(public_id)
    organisation_id = _organisation_id(user)
    series = (
        MeetingSeries.objects.filter(public_id=uid, organisations=organisation_id).first()
        if uid and organisation_id
        else None
    )
    if series is None:
        raise NotFound("There is no such meeting series, or your organisation is not in it")
    return series


def meeting_get(*, user, public_id) -> Meeting:
    """A meeting the viewer's organisation is at; NotFound otherwise, as for none."""
    uid = _as_uuid(public_id)
    meeting = (
        (
            visible_meetings(user)
            .select_related("locality", "series", "chair")
            .filter(public_id=uid)
        ).first()
        if uid
        else None
    )
    if meeting is None:
        raise NotFound(MEETING_NOT_FOUND)
    return meeting


# --- A meeting's page: its agenda as the viewer may see it -----------------------------


@dataclass
class AgendaRow:
    """One agenda item as one viewer may see it."""

    item: AgendaItem
    number: int
    person: object = None  # None: the viewer may not know of this person
    shown: bool = False  # what the item says (referral or review, decision, actions)
    referral: object = None
    referral_link: bool = False  # the viewer may open the referral's own page
    decision: MeetingDecision | None = None
    actions: list[MeetingAction] = field(default_factory=list)
    decided: bool = False

    @property
    def name(self) -> str:
        if self.person is None:
            return ""
        return f"{self.person.given_name} {self.person.family_name.upper()}"


@dataclass
class MeetingView:
    meeting: Meeting
    organisations: list
    attendees: list
    rows: list[AgendaRow]
    meeting_actions: list[MeetingAction]
    is_attendee: bool
    decision_refusal: str | None

    @property
    def can_decide(self) -> bool:
        return self.meeting.is_open and self.decision_refusal is None

    @property
    def decided_count(self) -> int:
        return sum(1 for row in self.rows if row.decided)

    @property
    def hidden_count(self) -> int:
        return sum(1 for row in self.rows if not row.shown)

    @property
    def actions(self) -> list[MeetingAction]:
        """Every action the viewer may see: the meeting's, then each shown item's."""
        return self.meeting_actions + [a for row in self.rows for a in row.actions]


def _shown_item_ids(user, meeting: Meeting) -> set[int]:
    """The items of the meeting whose detail `user` may see: the policy, in SQL."""
    items = AgendaItem.objects.filter(meeting=meeting)
    shown = record.record_visibility(
        user, items.filter(kind=ItemKind.REFERRAL), category=Category.REFERRAL
    )
    reviews = record.record_visibility(
        user, items.filter(kind=ItemKind.CARE_PLAN_REVIEW), category=Category.CARE_PLAN
    )
    return set(shown.values_list("pk", flat=True)) | set(reviews.values_list("pk", flat=True))


def _audit_shown(user, meeting: Meeting, rows: list[AgendaRow], people: list) -> None:
    """One event for the people named (people.selectors' own, by basis), and one per
    basis for the items whose detail was shown."""
    people_selectors.person_list_audit(user=user, people=people)
    organisation_id = _organisation_id(user)
    by_basis: dict[str, list] = {}
    for row in rows:
        if row.shown:
            own = row.item.owning_organisation_id == organisation_id
            by_basis.setdefault("own_organisation" if own else "isa", []).append(
                row.person.public_id
            )
    audit_record_lists(
        actor=user,
        lists=dict(sorted(by_basis.items())),
        action="meeting_agenda_view",
        object_type="meetings.agendaitem",
        detail={"meeting": str(meeting.public_id)},
    )


def meeting_view(*, user, public_id, audit: bool = True) -> MeetingView:
    """A meeting with its agenda as the viewer may see it (the module's rules), its
    attendees and actions. A fixed number of queries however long the agenda."""
    meeting = meeting_get(user=user, public_id=public_id)
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("owning_organisation")
        .order_by("position", "pk")
    )
    decided_ids = set(
        MeetingDecision.objects.filter(item__meeting=meeting).values_list("item_id", flat=True)
    )
    shown_ids = _shown_item_ids(user, meeting) if items else set()
    people: dict = {}
    if items:
        people = {
            p.pk: p
            for p in people_selectors.person_list_with_basis(user=user).filter(
                pk__in={i.person_id for i in items}
            )
        }
    referral_ids = [i.referral_id for i in items if i.pk in shown_ids and i.referral_id]
    referrals = referral_selectors.meeting_referrals(referral_ids=referral_ids)
    openable = referral_selectors.referral_ids_visible(user=user, referral_ids=referral_ids)
    decisions = {
        d.item_id: d
        for d in MeetingDecision.objects.filter(item_id__in=shown_ids)
        .select_related("decided_by", "decided_by_organisation")
        .prefetch_related(
            Prefetch("services", queryset=Service.objects.select_related("organisation"))
        )
    }
    actions = list(
        MeetingAction.objects.filter(meeting=meeting).select_related(
            "owner", "organisation", "done_by"
        )
    )
    for action in actions:
        action.may_mark_done = services.action_done_refusal(user=user, action=action) is None
    rows = []
    for number, item in enumerate(items, start=1):
        shown = item.pk in shown_ids
        person = people.get(item.person_id)
        rows.append(
            AgendaRow(
                item=item,
                number=number,
                person=person,
                shown=shown and person is not None,
                referral=referrals.get(item.referral_id) if shown else None,
                referral_link=item.referral_id in openable,
                decision=decisions.get(item.pk),
                actions=[a for a in actions if a.item_id == item.pk] if shown else [],
                decided=item.pk in decided_ids,
            )
        )
    attendees = list(meeting.attendees.select_related("user", "organisation"))
    attendee_ids = {a.user_id for a in attendees}
    view = MeetingView(
        meeting=meeting,
        organisations=list(meeting.organisations.order_by("name")),
        attendees=attendees,
        rows=rows,
        meeting_actions=[a for a in actions if a.item_id is None],
        is_attendee=user.pk in attendee_ids,
        decision_refusal=services.decision_refusal(user=user, attendee_user_ids=attendee_ids),
    )
    if audit:
        _audit_shown(user, meeting, rows, [r.person for r in rows if r.person is not None])
    return view


def item_view(*, user, meeting: Meeting, item_public_id) -> tuple[MeetingView, AgendaRow]:
    """The meeting, and one item of it as the viewer may see it, for the item's decision
    page; NotFound for an item not on this meeting or whose detail the viewer may not see."""
    uid = _as_uuid(item_public_id)
    view = meeting_view(user=user, public_id=meeting.public_id, audit=False)
    row = next((r for r in view.rows if r.item.public_id == uid), None)
    if row is None or not row.shown:
        raise NotFound(services.ITEM_NOT_FOUND)
    _audit_shown(user, meeting, [row], [row.person])
    return view, row


def invite_refusal(*, user, meeting: Meeting) -> str | None:
    """Why `user` may not invite an organisation to `meeting` (None if they may): the
    decision's rule, read without the agenda the meeting's page reads."""
    if not meeting.is_open:
        return "This meeting is closed"
    attendees = set(meeting.attendees.values_list("user_id", flat=True))
    return services.decision_refusal(user=user, attendee_user_ids=attendees)


def invitable_organisations(*, meeting: Meeting) -> list:
    """The organisations that may be invited: each with an active service in the
    meeting's locality, not at the meeting yet, by name — all of them (a locality's,
    a few hundred at most at ICS size; directory data: public)."""
    from joinedup.directory.models import Organisation

    return list(
        Organisation.objects.filter(
            pk__in=Service.objects.filter(
                status=ServiceStatus.ACTIVE, localities=meeting.locality_id
            ).values("organisation_id")
        )
        .exclude(pk__in=meeting.organisations.values("pk"))
        .only("pk", "slug", "name")
        .order_by("name")
    )


def allocation_services(*, meeting: Meeting) -> list[Service]:
    """The services a meeting may allocate to, offered on its decision form: those of its
    locality that take professional referrals now (directory data: public)."""
    return list(
        Service.objects.filter(
            localities=meeting.locality_id,
            status="active",
            accepting_referrals=True,
            accepts_professional_referrals=True,
        )
        .select_related("organisation")
        .order_by("organisation__name", "name")[:300]
    )


def service_for_allocation(*, public_id) -> Service | None:
    """A service of the directory by its public id, as a decision names it."""
    uid = _as_uuid(public_id)
    return (
        Service.objects.select_related("organisation").filter(public_id=uid).first()
        if uid
        else None
    )


def staff_by_username(*, username: str):
    """An active member of staff by username (an action's owner, as the API names them):
    whether they work for the organisation named is the service's check."""
    from joinedup.accounts.models import User

    return User.objects.filter(username=username, is_active=True, is_person_account=False).first()


def action_owner_choices(*, meeting: Meeting) -> list:
    """Who may own an action: the people attending, each for their organisation."""
    return list(meeting.attendees.select_related("user", "organisation"))


def my_actions(*, user, open_only: bool = True) -> list[MeetingAction]:
    """The actions the user owns (their own: no person is named here)."""
    if _organisation_id(user) is None:
        return []
    actions = MeetingAction.objects.filter(owner=user).select_related(
        "meeting__locality", "organisation"
    )
    if open_only:
        actions = actions.filter(done_at__isnull=True)
    return list(actions.order_by("due_on", "pk")[:100])


def overdue(action: MeetingAction, today: dt.date | None = None) -> bool:
    return not action.is_done and action.due_on < (today or timezone.localdate())


def table_counts() -> dict[str, int]:
    """How many meetings and agenda items are held (the demo's check that a database holds
    only demo data reads it): counts, nothing of anyone."""
    return {
        "joint referral meetings": Meeting.objects.count(),
        "agenda items": AgendaItem.objects.count(),
    }
