"""Writing care plans: versions, agreement, the care team and access, the coordinator
rule, and bad input refused with nothing written."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from joinedup.access.roles import Role
from joinedup.audit.models import AuditEvent
from joinedup.careplans import selectors, services
from joinedup.careplans.models import (
    CarePlan,
    CarePlanAgreement,
    CarePlanVersion,
    CareTeamMember,
    CoordinatorRule,
)
from joinedup.core.exceptions import Conflict, NotFound, PermissionDenied
from joinedup.people.models import CareRelationship
from tests import factories as f
from tests.access import record_support as rs
from tests.careplans import careplan_support as cs
from tests.portal import portal_support as pp


@pytest.fixture
def w(trust, day_centre):
    return cs.world(trust, day_centre)


def errors_of(exc) -> dict:
    return {name: messages[0] for name, messages in exc.value.message_dict.items()}


# --- Making and changing a plan ---------------------------------------------------------


def test_making_a_plan_keeps_it_whole_as_version_1(w, clinician):
    plan = cs.make_plan(w, clinician)
    [version] = CarePlanVersion.objects.filter(plan=plan)
    assert (plan.version, version.number) == (1, 1)
    assert version.content["what_matters"] == cs.WHAT_MATTERS
    assert version.content["offers"][0]["service"] == "Riverside Day Centre"
    assert version.content["offers"][0]["organisation"] == "Riverside Mind"
    assert plan.owning_organisation == clinician.acting_membership.organisation


def test_the_locality_defaults_to_that_of_the_owning_teams_service(w, clinician):
    plan = cs.make_plan(w, clinician, offers=[{"service": w.cmht.public_id}])
    assert plan.locality == w.north


def test_a_locality_chosen_is_kept(w, clinician):
    south = f.LocalityFactory(name="South", slug="south")
    plan = cs.make_plan(w, clinician, locality=south.public_id)
    assert plan.locality == south


def test_a_change_is_a_new_version_and_the_old_one_is_kept(w, clinician):
    plan = cs.make_plan(w, clinician)
    saved = cs.change(plan, clinician, goals="Go to the allotment group every day")
    assert saved.changed and saved.plan.version == 2
    first, second = CarePlanVersion.objects.filter(plan=plan).order_by("number")
    assert first.content["goals"] == cs.GOALS
    assert second.content["goals"] == "Go to the allotment group every day"
    assert second.changed == ["goals"]


def test_saving_with_nothing_changed_makes_no_version(w, clinician):
    plan = cs.make_plan(w, clinician)
    saved = cs.change(plan, clinician)
    assert not saved.changed
    assert saved.plan.version == 1
    assert CarePlanVersion.objects.filter(plan=plan).count() == 1


def test_a_stale_version_is_a_conflict_and_nothing_is_saved(w, clinician):
    plan = cs.make_plan(w, clinician)
    cs.change(plan, clinician, goals="A newer goal")
    with pytest.raises(Conflict) as refused:
        services.care_plan_update(
            actor=clinician, plan=plan, expected_version=1, data=cs.data(w, goals="Mine")
        )
    assert "saved version 2 of this care plan after the version 1" in refused.value.message
    plan.refresh_from_db()
    assert (plan.version, plan.goals) == (2, "A newer goal")
    assert CarePlanVersion.objects.filter(plan=plan).count() == 2


def test_a_version_is_never_changed_or_deleted(w, clinician):
    plan = cs.make_plan(w, clinician)
    version = CarePlanVersion.objects.get(plan=plan)
    with pytest.raises(PermissionError):
        version.save()
    with pytest.raises(PermissionError):
        CarePlanVersion.objects.filter(plan=plan).update(content={})
    with pytest.raises(PermissionError):
        CarePlanVersion.objects.filter(plan=plan).delete()


def test_an_organisation_has_one_plan_for_a_person(w, clinician):
    cs.make_plan(w, clinician)
    with pytest.raises(Conflict, match="already has a care plan"):
        cs.make_plan(w, clinician)
    assert CarePlan.objects.count() == 1


def test_the_write_is_audited_last_with_its_basis(w, clinician):
    plan = cs.make_plan(w, clinician)
    event = AuditEvent.objects.order_by("-sequence").first()
    assert (event.action, event.basis, event.object_id) == (
        "careplan_create",
        "own_organisation",
        str(plan.public_id),
    )
    assert event.person_public_id == w.person.public_id


# --- Agreement ----------------------------------------------------------------------------


def test_a_new_version_needs_agreeing_again(w, clinician):
    plan = cs.make_plan(w, clinician)
    services.agreement_record(actor=clinician, plan=plan, version=1, note="Read it together")
    cs.change(plan, clinician, crisis_plan="Call my sister first, then the crisis line")
    page = selectors.care_plan_page(user=clinician, public_id=plan.public_id)
    assert page.agreement is None
    assert CarePlanAgreement.objects.get().version.number == 1


def test_verbal_agreement_records_who_when_and_how(w, clinician):
    plan = cs.make_plan(w, clinician)
    agreement = services.agreement_record(
        actor=clinician, plan=plan, version=1, note="Read it through together at home"
    )
    assert agreement.how == "verbal"
    assert agreement.recorded_by == clinician
    assert agreement.recorded_by_organisation == clinician.acting_membership.organisation
    assert agreement.note == "Read it through together at home"


def test_verbal_agreement_needs_a_note(w, clinician):
    plan = cs.make_plan(w, clinician)
    with pytest.raises(ValidationError) as refused:
        services.agreement_record(actor=clinician, plan=plan, version=1, note=" ")
    assert "note" in errors_of(refused)
    assert not CarePlanAgreement.objects.exists()


def test_agreement_to_a_version_that_is_not_the_latest_is_refused(w, clinician):
    plan = cs.make_plan(w, clinician)
    cs.change(plan, clinician, goals="Changed after they read it")
    with pytest.raises(Conflict, match="version 2 is the latest"):
        services.agreement_record(actor=clinician, plan=plan, version=1, note="Agreed")
    assert not CarePlanAgreement.objects.exists()


def test_the_person_signs_their_own_plan(w, clinician):
    plan = cs.make_plan(w, clinician, care_coordinator=cs.coordinator(clinician))
    alex = pp.portal_account(w.person)
    plan = selectors.portal_care_plan_get(user=alex, public_id=plan.public_id)
    agreement = services.agreement_sign(actor=alex, plan=plan, version=1)
    assert (agreement.how, agreement.recorded_by) == ("portal", alex)
    assert clinician.notifications.filter(subject="A care plan was signed").exists()
    event = AuditEvent.objects.order_by("-sequence").first()
    assert (event.action, event.basis) == ("careplan_agree", "person_self")


def test_signing_twice_is_refused(w, clinician):
    plan = cs.make_plan(w, clinician)
    alex = pp.portal_account(w.person)
    services.agreement_sign(actor=alex, plan=plan, version=1)
    with pytest.raises(Conflict, match="already agreed"):
        services.agreement_sign(actor=alex, plan=plan, version=1)


def test_nobody_else_signs_a_persons_plan(w, clinician, trust):
    plan = cs.make_plan(w, clinician)
    someone_else = pp.portal_account(rs.person(trust), email="someone@example.org")
    with pytest.raises(NotFound):
        services.agreement_sign(actor=someone_else, plan=plan, version=1)
    with pytest.raises(NotFound):
        services.agreement_sign(actor=clinician, plan=plan, version=1)


def test_a_comment_from_the_person_is_kept_with_the_version_they_read(w, clinician):
    plan = cs.make_plan(w, clinician)
    alex = pp.portal_account(w.person)
    comment = services.comment_add(actor=alex, plan=plan, text="Can we add swimming?")
    assert (comment.version_number, comment.text) == (1, "Can we add swimming?")
    assert clinician.notifications.filter(subject="A comment on a care plan").exists()


def test_an_empty_or_oversize_comment_is_refused(w, clinician):
    plan = cs.make_plan(w, clinician)
    alex = pp.portal_account(w.person)
    for text in ("  ", "x" * (services.MAX_COMMENT + 1)):
        with pytest.raises(ValidationError):
            services.comment_add(actor=alex, plan=plan, text=text)
    assert not plan.comments.exists()


# --- The care coordinator ------------------------------------------------------------------


def test_statutory_staff_may_coordinate_by_default(w, clinician):
    plan = cs.make_plan(w, clinician, care_coordinator=cs.coordinator(clinician))
    member = CareTeamMember.objects.get(plan=plan)
    assert (member.user, member.is_care_coordinator, member.role) == (
        clinician,
        True,
        "Care coordinator",
    )


def test_voluntary_sector_staff_may_not_coordinate_by_default(w, clinician):
    with pytest.raises(ValidationError) as refused:
        cs.make_plan(w, clinician, care_coordinator=cs.coordinator(w.worker))
    assert (
        "Riverside Mind is not a statutory organisation" in errors_of(refused)["care_coordinator"]
    )
    assert not CarePlan.objects.exists()
    assert not CareRelationship.objects.filter(kind="care_team").exists()


def test_a_partnership_that_lets_any_partner_coordinate_is_obeyed(w, clinician):
    CoordinatorRule.objects.create(partnership=w.partnership, rule="any_partner")
    plan = cs.make_plan(w, clinician, care_coordinator=cs.coordinator(w.worker))
    member = CareTeamMember.objects.get(plan=plan, is_care_coordinator=True)
    assert member.user == w.worker
    # Access follows: the day centre now has a care relationship with Alex.
    assert CareRelationship.objects.filter(
        person=w.person, organisation=w.worker.acting_membership.organisation, kind="care_team"
    ).exists()


@pytest.mark.parametrize(
    ("kinds", "allowed"),
    [(["vcse"], True), (["local_authority", "independent"], False)],
    ids=["vcse-named", "vcse-not-named"],
)
def test_a_partnership_rule_naming_kinds_is_obeyed(w, clinician, kinds, allowed):
    CoordinatorRule.objects.create(partnership=w.partnership, rule="named_kinds", kinds=kinds)
    if allowed:
        cs.make_plan(w, clinician, care_coordinator=cs.coordinator(w.worker))
        assert CareTeamMember.objects.filter(user=w.worker, is_care_coordinator=True).exists()
    else:
        with pytest.raises(ValidationError) as refused:
            cs.make_plan(w, clinician, care_coordinator=cs.coordinator(w.worker))
        assert "may not be the care coordinator" in errors_of(refused)["care_coordinator"]
        assert not CarePlan.objects.exists()


def test_a_rule_of_a_partnership_the_owner_is_not_in_does_not_apply(w, clinician, day_centre):
    elsewhere = rs.partnership(rs.organisation("Other lead"), day_centre)
    CoordinatorRule.objects.create(partnership=elsewhere, rule="any_partner")
    with pytest.raises(ValidationError):
        cs.make_plan(w, clinician, care_coordinator=cs.coordinator(w.worker))


def test_a_volunteer_is_never_care_coordinator(w, clinician, trust):
    trust_volunteer = f.member(trust, Role.VOLUNTEER, username="volunteer.trust")
    with pytest.raises(ValidationError) as refused:
        cs.make_plan(w, clinician, care_coordinator=cs.coordinator(trust_volunteer))
    assert "not a volunteer" in errors_of(refused)["care_coordinator"]


def test_adding_a_voluntary_coordinator_to_the_care_team_is_refused_by_default(w, clinician):
    plan = cs.make_plan(w, clinician)
    with pytest.raises(ValidationError) as refused:
        cs.join_care_team(plan, clinician, w.worker, care_coordinator=True)
    assert "care_coordinator" in errors_of(refused)
    assert not CareTeamMember.objects.exists()
    assert plan.versions.count() == 1


# --- The care team and access ---------------------------------------------------------------


def test_joining_the_care_team_starts_the_organisations_access(w, clinician, volunteer):
    plan = cs.make_plan(w, clinician)
    with pytest.raises(NotFound):
        selectors.care_plan_get(user=volunteer, public_id=plan.public_id)
    cs.join_care_team(plan, clinician, w.worker, single_point_of_contact=True)
    relationship = CareRelationship.objects.get(kind="care_team")
    assert relationship.source == f"careplan:{plan.public_id}"
    assert selectors.care_plan_get(user=volunteer, public_id=plan.public_id) == plan


def test_leaving_the_care_team_ends_the_access(w, clinician, volunteer):
    plan = cs.make_plan(w, clinician)
    member = cs.join_care_team(plan, clinician, w.worker)
    plan.refresh_from_db()
    services.care_team_remove(actor=clinician, plan=plan, member=member)
    with pytest.raises(NotFound):
        selectors.care_plan_get(user=volunteer, public_id=plan.public_id)
    assert plan.versions.count() == 3


def test_access_stays_while_someone_of_the_organisation_is_in_the_team(
    w, clinician, volunteer, day_centre
):
    plan = cs.make_plan(w, clinician)
    other = f.member(day_centre, Role.PRACTITIONER, username="sam.riverside")
    first = cs.join_care_team(plan, clinician, w.worker)
    cs.join_care_team(plan, clinician, other)
    plan.refresh_from_db()
    services.care_team_remove(actor=clinician, plan=plan, member=first)
    assert selectors.care_plan_get(user=volunteer, public_id=plan.public_id) == plan


def test_another_organisations_relationships_are_kept_when_one_leaves(w, clinician, trust):
    council = rs.organisation("City Council")
    council.kind = "local_authority"
    council.save()
    rs.member_of(w.partnership, council)
    social_worker = f.member(council, Role.PRACTITIONER, username="sw.council")
    plan = cs.make_plan(w, clinician)
    leaving = cs.join_care_team(plan, clinician, w.worker)
    cs.join_care_team(plan, clinician, social_worker)
    plan.refresh_from_db()
    services.care_team_remove(actor=clinician, plan=plan, member=leaving)
    active = CareRelationship.objects.active_at(timezone.now()).filter(kind="care_team")
    assert list(active.values_list("organisation", flat=True)) == [council.pk]


def test_one_single_point_of_contact_at_a_time(w, clinician):
    plan = cs.make_plan(w, clinician, care_coordinator=cs.coordinator(clinician))
    cs.join_care_team(plan, clinician, w.worker, single_point_of_contact=True)
    plan.refresh_from_db()
    services.care_team_single_point_of_contact(
        actor=clinician, plan=plan, member=plan.care_team.get(user=clinician)
    )
    assert list(plan.care_team.filter(is_single_point_of_contact=True)) == [
        plan.care_team.get(user=clinician)
    ]


def test_only_partners_join_a_care_team(w, clinician):
    stranger = rs.organisation("Not a partner")
    plan = cs.make_plan(w, clinician)
    with pytest.raises(ValidationError) as refused:
        services.care_team_add(actor=clinician, plan=plan, organisation=stranger, role="Helper")
    assert "is not a partner of" in errors_of(refused)["organisation"]
    assert not CareRelationship.objects.filter(organisation=stranger).exists()


def test_a_care_team_change_on_a_stale_version_is_refused(w, clinician):
    plan = cs.make_plan(w, clinician)
    cs.change(plan, clinician, goals="Newer")
    with pytest.raises(Conflict):
        services.care_team_add(
            actor=clinician,
            plan=plan,
            organisation=w.worker.acting_membership.organisation,
            username=w.worker.username,
            role="Support worker",
            expected_version=1,
        )
    assert not CareTeamMember.objects.exists()


# --- Who may write, and bad input ----------------------------------------------------------


def test_a_role_that_does_not_see_care_plans_may_not_write_one(w, commissioner):
    with pytest.raises(PermissionDenied):
        cs.make_plan(w, commissioner)


def test_break_glass_does_not_let_a_clinician_change_a_plan(w, clinician):
    elsewhere = f.NhsTrustFactory(name="Another trust", slug="another-trust")
    visitor = f.member(elsewhere, Role.CLINICIAN, username="clinician.another")
    now = timezone.now()
    rs.break_glass(visitor, w.person, started_at=now, expires_at=now + dt.timedelta(hours=1))
    with pytest.raises(PermissionDenied, match="Break-glass"):
        cs.make_plan(w, visitor)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"offers": [{"service": "5d8e4a43-5e9f-4a63-8a1b-1c0c4c0c4c0c"}]}, "offers.0.service"),
        ({"offers": [{"service": "not-a-uuid"}]}, "offers.0.service"),
        ({"review_date": cs.in_days(-1)}, "review_date"),
        ({"review_date": cs.in_days(800)}, "review_date"),
        ({"review_date": "31/02/2027"}, "review_date"),
        ({"what_matters": ""}, "what_matters"),
        ({"goals": "x" * (services.MAX_TEXT + 1)}, "goals"),
        ({"crisis_plan": "nul\x00"}, "crisis_plan"),
        ({"locality": "5d8e4a43-5e9f-4a63-8a1b-1c0c4c0c4c0c"}, "locality"),
        ({"offers": [{}] * (services.MAX_OFFERS + 1)}, "offers"),
    ],
    ids=[
        "unknown-service",
        "service-not-an-id",
        "review-in-the-past",
        "review-too-far",
        "review-not-a-date",
        "no-what-matters",
        "oversize-goals",
        "nul-in-crisis-plan",
        "unknown-locality",
        "too-many-offers",
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(w, clinician, change, field):
    with pytest.raises(ValidationError) as refused:
        cs.make_plan(w, clinician, **change)
    assert field in errors_of(refused)
    assert not CarePlan.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="careplan").exists()


def test_a_named_worker_must_work_for_the_offers_organisation(w, clinician):
    with pytest.raises(ValidationError) as refused:
        cs.make_plan(
            w,
            clinician,
            offers=[{"service": w.day_centre_service.public_id, "worker": clinician.username}],
        )
    assert "must be a member of staff of Riverside Mind" in errors_of(refused)["offers.0.worker"]


def test_an_unchanged_review_date_in_the_past_is_kept_on_a_change(w, clinician):
    plan = cs.make_plan(w, clinician)
    CarePlan.objects.filter(pk=plan.pk).update(review_date=cs.in_days(-3))
    saved = cs.change(plan, clinician, goals="Reviewed late, changed anyway")
    assert saved.changed
