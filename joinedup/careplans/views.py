"""Care plans in the browser, for staff: a person's plans, making and changing one, its
versions and what each changed, its care team, and the person's agreement.

Thin: each view parses the request, calls a selector or a service, and renders. A plan
the viewer may not see is a 404, exactly as one that does not exist; a write the
services refuse is a 403 with the reason, a stale version a 409 with what to do.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from joinedup.careplans import forms, selectors, services
from joinedup.core.exceptions import Conflict, NotFound, PermissionDenied
from joinedup.core.views import forbidden
from joinedup.people import forms as people_forms
from joinedup.people import selectors as people_selectors


def _status(form) -> int:
    """200 for a form to put right; 400 when it carried a value no page offered."""
    return 400 if people_forms.offered_values_forged(form) else 200


def _plan_url(plan, anchor: str = "") -> str:
    url = reverse("careplans:detail", args=[plan.public_id])
    return f"{url}#{anchor}" if anchor else url


def _person_or_404(user, public_id):
    try:
        return people_selectors.person_get(user=user, public_id=public_id, audit=False)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _plan_or_404(user, public_id, *, audit: bool = False):
    try:
        return selectors.care_plan_get(user=user, public_id=public_id, audit=audit)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_safe
def person_plans(request, person_id):
    """The person's care plans the user may see, from their record."""
    person = _person_or_404(request.user, person_id)
    plans = selectors.care_plan_list(user=request.user, person=person)
    context = {
        "person": person,
        "plans": plans,
        "refusal": services.writing_refusal(actor=request.user, person=person),
        "own_plan_id": selectors.own_plan_id(user=request.user, person=person),
    }
    return render(request, "careplans/person_plans.html", context)


def _form(request, *, owning_organisation_id, locality_id, care_team, offers, plan=None):
    partners = selectors.partner_organisation_ids(organisation_id=owning_organisation_id)
    coordinators = selectors.staff_choices(
        owning_organisation_id=owning_organisation_id,
        care_team=care_team,
        roles=selectors.COORDINATOR_ROLES,
    )
    form = forms.CarePlanForm(
        request.POST if request.method == "POST" else None,
        services=selectors.service_choices(
            organisation_ids=partners, locality_id=locality_id, keep=[o.service for o in offers]
        ),
        localities=selectors.locality_choices(),
        coordinators=coordinators,
        workers=selectors.staff_choices(
            owning_organisation_id=owning_organisation_id, care_team=care_team
        ),
        rows=max(forms.DEFAULT_OFFER_ROWS, len(offers) + 2),
    )
    if plan is not None and request.method == "GET":
        named = next((m for m in care_team if m.is_care_coordinator), None)
        choice = next(
            (
                str(m.public_id)
                for m in coordinators
                if named
                and (m.user_id, m.organisation_id) == (named.user_id, named.organisation_id)
            ),
            "",
        )
        form.initial.update(forms.plan_initial(plan, offers, choice))
    return form


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request, person_id):
    person = _person_or_404(request.user, person_id)
    refusal = services.writing_refusal(actor=request.user, person=person)
    if refusal:
        return forbidden(request, refusal)
    existing = selectors.own_plan_id(user=request.user, person=person)
    if existing is not None:
        messages.info(request, "Your organisation already has a care plan for them: change it here")
        return redirect("careplans:edit", public_id=existing)
    organisation_id = request.user.acting_membership.organisation_id
    form = _form(
        request, owning_organisation_id=organisation_id, locality_id=None, care_team=[], offers=[]
    )
    status = 200
    if request.method == "POST":
        status = _status(form)
        if form.is_valid():
            try:
                plan = services.care_plan_create(
                    actor=request.user, person=person, data=form.plan_data()
                )
            except ValidationError as exc:
                form.add_plan_errors(exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
                status = 409
            except PermissionDenied as exc:
                return forbidden(request, exc.message)
            else:
                messages.success(
                    request,
                    f"The care plan is saved as version 1. Ask {person.given_name} to read and "
                    "agree to it: in their own account, or tell us they agreed",
                )
                return redirect(_plan_url(plan))
    context = {"form": form, "person": person, "plan": None}
    return render(request, "careplans/plan_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, public_id):
    plan = _plan_or_404(request.user, public_id, audit=request.method == "GET")
    refusal = services.writing_refusal(actor=request.user, person=plan.person)
    if refusal:
        return forbidden(request, refusal)
    offers, care_team = selectors.care_plan_parts(plan=plan)
    form = _form(
        request,
        owning_organisation_id=plan.owning_organisation_id,
        locality_id=plan.locality_id,
        care_team=care_team,
        offers=offers,
        plan=plan,
    )
    status = 200
    if request.method == "POST":
        status = _status(form)
        if form.is_valid() and not form.cleaned_data.get("version"):
            form.add_error(None, "Open the plan again: the version you were changing is missing")
        elif form.is_valid():
            try:
                saved = services.care_plan_update(
                    actor=request.user,
                    plan=plan,
                    expected_version=form.cleaned_data["version"],
                    data=form.plan_data(),
                )
            except ValidationError as exc:
                form.add_plan_errors(exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
                status = 409
            except PermissionDenied as exc:
                return forbidden(request, exc.message)
            else:
                if saved.changed:
                    messages.success(
                        request,
                        f"The care plan is saved as version {saved.plan.version}. It needs "
                        f"{plan.person.given_name}'s agreement again",
                    )
                else:
                    messages.info(request, "Nothing had changed, so no new version was saved")
                return redirect(_plan_url(plan))
    context = {"form": form, "person": plan.person, "plan": plan}
    return render(request, "careplans/plan_form.html", context, status=status)


def _detail_context(request, page, **extra) -> dict:
    return {
        "page": page,
        "plan": page.plan,
        "person": page.plan.person,
        "refusal": services.writing_refusal(
            actor=request.user, person=page.plan.person, basis=page.basis
        ),
        "agreement_form": extra.pop("agreement_form", None)
        or forms.AgreementForm(initial={"version": page.plan.version}),
        **extra,
    }


@login_required
@require_safe
def plan_detail(request, public_id):
    try:
        page = selectors.care_plan_page(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "careplans/plan_detail.html", _detail_context(request, page))


@login_required
@require_safe
def plan_version(request, public_id, number: int):
    try:
        view = selectors.care_plan_version(user=request.user, public_id=public_id, number=number)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "careplans/plan_version.html", {"view": view, "plan": view.plan})


def _page_again(request, plan, *, status: int, **extra):
    page = selectors.care_plan_page(user=request.user, public_id=plan.public_id)
    return render(
        request,
        "careplans/plan_detail.html",
        _detail_context(request, page, **extra),
        status=status,
    )


@login_required
@require_POST
def agreement_record(request, public_id):
    plan = _plan_or_404(request.user, public_id)
    form = forms.AgreementForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_record(
                actor=request.user,
                plan=plan,
                version=form.cleaned_data["version"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_domain_errors(exc)
        except Conflict as exc:
            return _page_again(request, plan, status=409, conflict=exc.message, agreement_form=form)
        except PermissionDenied as exc:
            return forbidden(request, exc.message)
        else:
            messages.success(request, "Their agreement to this version is recorded")
            return redirect(_plan_url(plan, "agreement"))
    return _page_again(request, plan, status=_status(form), agreement_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def team_add(request, public_id):
    """Adding to the care team, in two steps without JavaScript: the organisation (a
    GET form), then who of it and in what role."""
    plan = _plan_or_404(request.user, public_id, audit=request.method == "GET")
    refusal = services.writing_refusal(actor=request.user, person=plan.person)
    if refusal:
        return forbidden(request, refusal)
    organisations = selectors.partner_organisations(organisation_id=plan.owning_organisation_id)
    chosen = request.POST.get("organisation") or request.GET.get("organisation")
    choose = forms.OrganisationChoiceForm(
        {"organisation": chosen} if chosen else None, organisations=organisations
    )
    if not choose.is_bound or not choose.is_valid():
        status = 400 if choose.is_bound else 200
        return render(
            request,
            "careplans/team_choose.html",
            {"plan": plan, "person": plan.person, "form": choose},
            status=status,
        )
    organisation = next(
        o for o in organisations if str(o.public_id) == choose.cleaned_data["organisation"]
    )
    form = forms.CareTeamMemberForm(
        request.POST if request.method == "POST" else None,
        initial={"version": plan.version},
        organisation=organisation,
        staff=selectors.staff_list(organisation_ids=[organisation.pk]),
    )
    status = 200
    if request.method == "POST":
        status = _status(form)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.care_team_add(
                    actor=request.user,
                    plan=plan,
                    organisation=organisation,
                    username=data["user"],
                    role=data["role"],
                    single_point_of_contact=data["single_point_of_contact"],
                    care_coordinator=data["care_coordinator"],
                    expected_version=data["version"],
                )
            except ValidationError as exc:
                form.add_domain_errors(exc)
            except Conflict as exc:
                form.add_error(None, exc.message)
                status = 409
            except PermissionDenied as exc:
                return forbidden(request, exc.message)
            else:
                messages.success(request, f"{organisation.name} is in the care team")
                return redirect(_plan_url(plan, "care-team"))
    context = {"plan": plan, "person": plan.person, "form": form, "organisation": organisation}
    return render(request, "careplans/team_form.html", context, status=status)


def _member_or_404(plan, member_id):
    try:
        return selectors.care_team_member_get(plan=plan, public_id=member_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_http_methods(["GET", "POST"])
def team_remove(request, public_id, member_id):
    plan = _plan_or_404(request.user, public_id, audit=request.method == "GET")
    member = _member_or_404(plan, member_id)
    refusal = services.writing_refusal(actor=request.user, person=plan.person)
    if refusal:
        return forbidden(request, refusal)
    form = forms.VersionForm(request.POST if request.method == "POST" else None)
    error, status = "", 200
    if request.method == "POST":
        if not form.is_valid():
            error, status = "Open the plan again: the version you saw is missing", 400
        else:
            try:
                services.care_team_remove(
                    actor=request.user,
                    plan=plan,
                    member=member,
                    expected_version=form.cleaned_data["version"],
                )
            except Conflict as exc:
                error, status = exc.message, 409
            except PermissionDenied as exc:
                return forbidden(request, exc.message)
            else:
                messages.success(request, f"{member.organisation.name}: taken out of the care team")
                return redirect(_plan_url(plan, "care-team"))
    context = {"plan": plan, "person": plan.person, "member": member, "error": error}
    return render(request, "careplans/team_remove.html", context, status=status)


@login_required
@require_POST
def team_contact(request, public_id, member_id):
    plan = _plan_or_404(request.user, public_id)
    member = _member_or_404(plan, member_id)
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        return _page_again(request, plan, status=400, conflict="The version you saw is missing")
    try:
        services.care_team_single_point_of_contact(
            actor=request.user,
            plan=plan,
            member=member,
            expected_version=form.cleaned_data["version"],
        )
    except Conflict as exc:
        return _page_again(request, plan, status=409, conflict=exc.message)
    except PermissionDenied as exc:
        return forbidden(request, exc.message)
    messages.success(request, "The single point of contact is changed")
    return redirect(_plan_url(plan, "care-team"))
