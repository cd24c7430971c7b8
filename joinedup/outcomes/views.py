"""Outcome measures in the browser, for staff: a person's results over time (a chart and
a table for each score), recording a measure with them, and one record's answers.

Thin: each view parses the request, calls a selector or a service, and renders. A
person or record the viewer may not see is a 404, exactly as one that does not exist; a
role that does not see outcome measures is told so (403).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from joinedup.core.exceptions import NotFound, PermissionDenied
from joinedup.core.views import forbidden
from joinedup.outcomes import charts, forms, selectors, services
from joinedup.outcomes.models import Occasion
from joinedup.people import forms as people_forms
from joinedup.people import selectors as people_selectors


def _person_or_404(user, public_id):
    try:
        return people_selectors.person_get(user=user, public_id=public_id, audit=False)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _measure_or_404(code: str):
    try:
        return selectors.measure_get(code=code)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def outcomes_url(person, anchor: str = "") -> str:
    url = reverse("outcomes:person", args=[person.public_id])
    return f"{url}#{anchor}" if anchor else url


@login_required
@require_safe
def person_outcomes(request, public_id):
    person = _person_or_404(request.user, public_id)
    refusal = services.recording_refusal(actor=request.user)
    if refusal:
        return forbidden(request, refusal)
    shown = selectors.person_outcomes(user=request.user, person=person)
    context = {
        "person": person,
        "basis": shown.basis,
        "groups": charts.groups(shown.records),
        "measures": selectors.measure_list(),
    }
    return render(request, "outcomes/person_outcomes.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def record_create(request, public_id, code):
    person = _person_or_404(request.user, public_id)
    refusal = services.recording_refusal(actor=request.user)
    if refusal:
        return forbidden(request, refusal)
    measure = _measure_or_404(code)
    before = selectors.measured_before(user=request.user, person=person, measure=measure)
    form = forms.StaffMeasureForm(
        request.POST if request.method == "POST" else None,
        definition=measure.definition(),
        initial={
            "occasion": Occasion.REVIEW if before else Occasion.BASELINE,
            "completed_on": timezone.localdate(),
        },
    )
    status = 200
    if request.method == "POST":
        status = 400 if people_forms.offered_values_forged(form) else 200
        if form.is_valid():
            try:
                record = services.outcome_record_create(
                    actor=request.user,
                    person=person,
                    measure=measure,
                    occasion=form.cleaned_data["occasion"],
                    answers=form.answers(),
                    completed_at=form.completed_at(),
                )
            except ValidationError as exc:
                form.add_domain_errors(exc, renamed=form.renamed())
            except PermissionDenied as exc:
                return forbidden(request, exc.message)
            except NotFound as exc:
                raise Http404(exc.message) from exc
            else:
                messages.success(request, charts.saved_message(record))
                return redirect(outcomes_url(person, measure.code))
    context = {"person": person, "measure": measure, "form": form}
    return render(request, "outcomes/record_form.html", context, status=status)


@login_required
@require_safe
def record_detail(request, public_id):
    try:
        view = selectors.outcome_record_get(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "outcomes/record_detail.html", {"view": view, "record": view.record})
