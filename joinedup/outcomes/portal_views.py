"""Outcome measures in the person's own portal (/portal/outcomes/): their results over
time, filling in a questionnaire themselves, and the answers they gave.

The person may fill in any measure joinedup has that is meant to be self-reported (all
four built in). What they complete belongs to a team that already measures outcomes
with them — the one that recorded their latest, unless they choose another — so the
team sees it beside the baseline it recorded. Reads go through
`access.record.own_records` (outcomes.selectors' portal section), audited as
`person_self`; writes through `outcomes.services.outcome_record_create_by_person`.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from joinedup.core.exceptions import NotFound, PermissionDenied
from joinedup.outcomes import charts, forms, selectors, services
from joinedup.people import forms as people_forms
from joinedup.people import selectors as people_selectors
from joinedup.people.portal_views import person_account_required


@person_account_required
@require_safe
def portal_outcomes(request):
    person = people_selectors.portal_person(user=request.user)
    records = selectors.portal_outcomes(user=request.user, person=person)
    context = {
        "person": person,
        "groups": charts.groups(records),
        "measures": selectors.measure_list(self_report_only=True),
        "teams": selectors.portal_teams(user=request.user),
    }
    return render(request, "outcomes/portal_outcomes.html", context)


@person_account_required
@require_http_methods(["GET", "POST"])
def portal_record_create(request, code):
    person = people_selectors.portal_person(user=request.user)
    try:
        measure = selectors.measure_get(code=code, self_report_only=True)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    teams = selectors.portal_teams(user=request.user)
    if not teams:
        return redirect("outcomes:portal")
    form = forms.PortalMeasureForm(
        request.POST if request.method == "POST" else None,
        definition=measure.definition(),
        teams=teams,
    )
    status = 200
    if request.method == "POST":
        status = 400 if people_forms.offered_values_forged(form) else 200
        if form.is_valid():
            try:
                record = services.outcome_record_create_by_person(
                    actor=request.user,
                    person=person,
                    measure=measure,
                    answers=form.answers(),
                    organisation_id=form.organisation_id(),
                )
            except ValidationError as exc:
                form.add_domain_errors(exc, renamed=form.renamed())
            except PermissionDenied as exc:
                return render(
                    request, "portal/not_linked.html", {"reason": exc.message}, status=403
                )
            else:
                messages.success(request, charts.saved_message(record))
                return redirect(reverse("outcomes:portal_record", args=[record.public_id]))
    context = {"person": person, "measure": measure, "form": form}
    return render(request, "outcomes/portal_form.html", context, status=status)


@person_account_required
@require_safe
def portal_record(request, public_id):
    try:
        view = selectors.portal_record_get(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    context = {"view": view, "record": view.record, "person": view.record.person}
    return render(request, "outcomes/portal_record.html", context)
