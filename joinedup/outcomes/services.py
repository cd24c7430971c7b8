"""Every write of outcome measures: defining a measure, and recording one completed by
staff or by the person in their portal.

Recording, in one transaction: checks who may record it (staff whose role sees
outcomes and who may see the person; or the person's own account); checks every answer
against the measure's items (ValidationError naming each item, writing nothing); scores
the answers with the measure's own definition (`scoring`) and stores the scores, bands
and flags on the record — the only place they are computed; tells the team when the
person's own answers raise a flag; and writes the audit event, last.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from joinedup.access.categories import Category, categories_for
from joinedup.audit.services import audit_record
from joinedup.core.exceptions import PermissionDenied
from joinedup.outcomes import measures_data, scoring
from joinedup.outcomes.models import Measure, MeasureItem, Occasion, OutcomeRecord

# A clock a little ahead of ours is not a reason to refuse a record "completed now".
CLOCK_SKEW = timedelta(minutes=5)


@transaction.atomic
def measure_define(*, definition: dict) -> Measure:
    """Create or replace a measure from its definition (the form of data/measures.json):
    a data change, not code. Raises ValidationError naming what is wrong."""
    existing = Measure.objects.filter(code=definition.get("code")).values_list("order", flat=True)
    order = existing.first()
    if order is None:
        order = Measure.objects.count()
    return measures_data.write(Measure, MeasureItem, definition, order=order)


def recording_refusal(*, actor) -> str | None:
    """Why the actor may not record outcome measures (None if they may)."""
    membership = getattr(actor, "acting_membership", None)
    if membership is None:
        return "You need to act as a member of a partner organisation"
    if Category.OUTCOMES not in categories_for(membership.role):
        return f"A {membership.get_role_display().lower()} does not see or record outcome measures"
    return None


def _completed_at(value: datetime | None, now: datetime) -> datetime:
    if value is None:
        return now
    if timezone.is_naive(value):
        raise ValidationError({"completed_at": "Give the time with its time zone"})
    if value > now + CLOCK_SKEW:
        raise ValidationError({"completed_at": "The date it was completed cannot be in the future"})
    if value.year < 2000:
        raise ValidationError({"completed_at": "The date it was completed is too long ago"})
    return value


def _scored(measure: Measure, answers) -> tuple[dict, scoring.Scored]:
    definition = measure.definition()
    problems = scoring.check_answers(definition, answers)
    if problems:
        raise ValidationError(problems)
    answers = {item.key: answers[item.key] for item in definition.items}
    return answers, scoring.score(definition, answers)


def _usable(measure: Measure, *, by_person: bool) -> None:
    if not measure.active or (by_person and not measure.self_report):
        raise ValidationError({"measure": f"{measure.short_name} is not in use"})


@transaction.atomic
def outcome_record_create(
    *,
    actor,
    person,
    measure: Measure,
    occasion: str,
    answers: dict,
    completed_at: datetime | None = None,
) -> OutcomeRecord:
    """Record a measure a member of staff completed with the person, owned by the staff
    member's organisation. `person` must be one the actor may see (NotFound otherwise)."""
    from joinedup.people import selectors as people_selectors

    refusal = recording_refusal(actor=actor)
    if refusal:
        raise PermissionDenied(refusal)
    # Visibility first: a person out of reach is NotFound, however bad the rest.
    person = people_selectors.person_get(user=actor, public_id=person.public_id, audit=False)
    _usable(measure, by_person=False)
    if occasion not in Occasion.values:
        raise ValidationError({"occasion": "Choose baseline, review or discharge"})
    when = _completed_at(completed_at, timezone.now())
    answers, scored = _scored(measure, answers)
    record = _create(
        person=person,
        organisation_id=actor.acting_membership.organisation_id,
        measure=measure,
        occasion=occasion,
        when=when,
        actor=actor,
        by_person=False,
        answers=answers,
        scored=scored,
    )
    audit_record(
        actor=actor,
        action="create",
        obj=record,
        person_public_id=person.public_id,
        basis=people_selectors.person_basis(user=actor, person=person),
        detail={"measure": measure.code, "occasion": occasion},
    )
    return record


@transaction.atomic
def outcome_record_create_by_person(
    *, actor, person, measure: Measure, answers: dict, organisation_id: int | None = None
) -> OutcomeRecord:
    """Record a measure the person completed themselves in their portal. It belongs to a
    team that measures outcomes with them (the owner of one of their own records; the
    latest one's unless they choose another); their first of a measure is its baseline,
    later ones reviews. If their answers raise a flag, the staff member who last
    recorded a measure with them for that team is told."""
    from joinedup.outcomes import selectors

    if (
        not getattr(actor, "is_person_account", False)
        or person.portal_user_id is None
        or person.portal_user_id != actor.pk
    ):
        raise PermissionDenied("Only the person's own account can do this")
    _usable(measure, by_person=True)
    teams = [team.pk for team in selectors.portal_teams(user=actor)]
    if not teams:
        raise PermissionDenied(
            "Your team records your first questionnaire with you; after that you can fill "
            "them in here"
        )
    if organisation_id is None:
        organisation_id = teams[0]
    if organisation_id not in teams:
        raise ValidationError({"organisation": "Choose one of the teams that measure with you"})
    answers, scored = _scored(measure, answers)
    own = OutcomeRecord.objects.filter(person=person, measure=measure)
    occasion = Occasion.REVIEW if own.exists() else Occasion.BASELINE
    record = _create(
        person=person,
        organisation_id=organisation_id,
        measure=measure,
        occasion=occasion,
        when=timezone.now(),
        actor=actor,
        by_person=True,
        answers=answers,
        scored=scored,
    )
    if scored.flags:
        _tell_the_team(record)
    audit_record(
        actor=actor,
        action="create",
        obj=record,
        person_public_id=person.public_id,
        basis="person_self",
        detail={"measure": measure.code, "occasion": occasion},
    )
    return record


def _create(*, person, organisation_id, measure, occasion, when, actor, by_person, answers, scored):
    return OutcomeRecord.objects.create(
        person=person,
        owning_organisation_id=organisation_id,
        measure=measure,
        measure_version=measure.version,
        occasion=occasion,
        completed_at=when,
        completed_by=actor,
        completed_by_person=by_person,
        answers=answers,
        scores=scored.scores,
        bands=scored.bands,
        flags=scored.flags,
    )


def _tell_the_team(record: OutcomeRecord) -> None:
    """The person's own answers raised a flag: tell the member of staff who last recorded
    a measure with them for the owning team. The message names no answer or score (an
    inbox is read over shoulders); the page behind the link applies the policy."""
    from joinedup.notifications import services as notifications

    recorder = (
        OutcomeRecord.objects.filter(
            person_id=record.person_id,
            owning_organisation_id=record.owning_organisation_id,
            completed_by_person=False,
            completed_by__isnull=False,
        )
        .select_related("completed_by")
        .order_by("-completed_at", "-pk")
        .first()
    )
    if recorder is None:
        return
    notifications.notify(
        user=recorder.completed_by,
        subject=f"A questionnaire needs your attention: {record.measure.short_name}",
        body=(
            f"Someone you measure outcomes with completed {record.measure.short_name} in "
            "their portal, and an answer needs a clinician to look at it today."
        ),
        link=reverse("outcomes:record", args=[record.public_id]),
        key=f"outcome-flag-{record.public_id}",
    )
