"""The directory in the browser. Each view parses the request, calls a selector or a
service, and renders; what may be done is asked of the access policy, and what is
valid is decided by services.py."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from joinedup.access import policy
from joinedup.core.exceptions import PermissionDenied
from joinedup.core.views import ASK_ADMINISTRATOR, forbidden
from joinedup.directory import forms, selectors, selectors_web, services
from joinedup.directory.models import OrganisationKind, Service, Weekday

WEEKDAYS = list(Weekday)


def _forbidden(request, reason: str):
    return forbidden(request, reason, ask=ASK_ADMINISTRATOR)


def _service_or_404(public_id) -> Service:
    service = selectors.service_get(public_id=public_id)
    if service is None:
        raise Http404("No such service")
    return service


def _organisation_or_404(slug: str):
    organisation = selectors.organisation_get(slug=slug)
    if organisation is None:
        raise Http404("No such organisation")
    return organisation


def _may_see_history(user) -> bool:
    """Partner staff (anyone acting for a partner organisation) see who changed what;
    the public sees only when the entry was last updated."""
    return policy.acting_membership(user) is not None or bool(getattr(user, "is_superuser", False))


def _in_calendar_order(schedules) -> list:
    # The weekday codes sort alphabetically (FR before MO), so order by the calendar.
    return sorted(schedules, key=lambda s: (WEEKDAYS.index(s.weekday), s.opens_at))


def _opening_times(service: Service) -> list[tuple[str, list]]:
    """Each day Monday to Sunday with its time slots, or [] if no hours are published."""
    slots = _in_calendar_order(service.schedules.all())
    if not slots:
        return []
    return [(day.label, [s for s in slots if s.weekday == day]) for day in WEEKDAYS]


@require_safe
def search(request):
    form = forms.ServiceSearchForm(
        request.GET,
        localities=selectors_web.locality_choice_list(),
        need_groups=selectors_web.need_choice_list(),
    )
    form.is_valid()  # errors are shown; an invalid filter is left out, not fatal
    params = form.search_params()
    requested_page = forms.parse_page_number(request.GET.get("page"))
    results = selectors.service_search(
        params=params,
        page=requested_page,
        page_size=settings.JOINEDUP_PAGE_SIZE,
        with_facets=True,
    )
    context = {
        "form": form,
        "results": results,
        "page": results.page,
        "ranked": bool(params.text.strip()),
        "requested_page": requested_page,
        # Only the localities a tick could narrow the results to, and any already ticked:
        # a national directory has hundreds, most with nothing for a given search.
        "locality_facet": [
            option for option in form.locality_facet(results) if option.count or option.checked
        ],
        "need_facets": form.need_facets(results),
    }
    return render(request, "directory/search.html", context)


@require_safe
def service_detail(request, public_id):
    service = _service_or_404(public_id)
    terms = list(service.taxonomy_terms.all())
    context = {
        "service": service,
        "can_edit": bool(policy.decide(request.user, policy.Action.EDIT, service)),
        "needs": [t for t in terms if not t.taxonomy.is_tag_set],
        "tags": [t for t in terms if t.taxonomy.is_tag_set],
        "opening_times": _opening_times(service),
        "history": (
            selectors.service_history(service=service) if _may_see_history(request.user) else None
        ),
    }
    return render(request, "directory/service_detail.html", context)


def _service_forms(request, *, instance: Service, schedules):
    data = request.POST if request.method == "POST" else None
    form = forms.ServiceForm(data, instance=instance)
    hours = forms.OpeningTimesFormSet(
        data, prefix="hours", initial=forms.opening_times_initial(schedules)
    )
    return form, hours


def _save_service(request, form, hours, save) -> Service | None:
    """Run `save(data)` if both forms are valid; None (and errors on the form) if not."""
    # `&`, not `and`: both are checked so that every error shows at once.
    if request.method != "POST" or not (form.is_valid() & hours.is_valid()):
        return None
    try:
        return save({**form.service_data(), "schedules": hours.schedules()})
    except ValidationError as exc:
        form.add_domain_errors(exc)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request, public_id):
    service = _service_or_404(public_id)
    decision = policy.decide(request.user, policy.Action.EDIT, service)
    if not decision:
        return _forbidden(request, decision.reason)
    name = service.name
    schedules = _in_calendar_order(service.schedules.all())
    form, hours = _service_forms(request, instance=service, schedules=schedules)
    try:
        saved = _save_service(
            request,
            form,
            hours,
            lambda data: services.service_update(actor=request.user, service=service, data=data),
        )
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    if saved is not None:
        messages.success(request, f"Your changes to {saved.name} have been saved")
        return redirect("directory:service_detail", public_id=saved.public_id)
    context = {"form": form, "hours": hours, "service": service, "heading": name}
    return render(request, "directory/service_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def service_create(request, slug):
    organisation = _organisation_or_404(slug)
    decision = policy.decide(request.user, policy.Action.EDIT, organisation)
    if not decision:
        return _forbidden(request, decision.reason)
    form, hours = _service_forms(request, instance=Service(organisation=organisation), schedules=[])
    try:
        saved = _save_service(
            request,
            form,
            hours,
            lambda data: services.service_create(
                actor=request.user, organisation=organisation, data=data
            ),
        )
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    if saved is not None:
        messages.success(request, f"{saved.name} has been added to the directory")
        return redirect("directory:service_detail", public_id=saved.public_id)
    context = {"form": form, "hours": hours, "organisation": organisation, "service": None}
    return render(request, "directory/service_form.html", context)


@require_safe
def locality_list(request):
    return render(
        request, "directory/locality_list.html", {"localities": selectors.locality_list()}
    )


def _joint_offers(offer) -> list[Service]:
    """The joint offers among a locality's services, each once (a service can be filed
    under several needs)."""
    seen = {}
    for group in offer:
        for service in group.services:
            if service.is_joint_offer:
                seen.setdefault(service.pk, service)
    return sorted(seen.values(), key=lambda s: s.name)


@require_safe
def locality_detail(request, slug):
    locality = selectors.locality_get(slug=slug)
    if locality is None:
        raise Http404("No such locality")
    offer = selectors.locality_offer(locality=locality)
    context = {"locality": locality, "offer": offer, "joint_offers": _joint_offers(offer)}
    return render(request, "directory/locality_detail.html", context)


@require_safe
def organisation_list(request):
    form = forms.OrganisationKindForm(request.GET, kinds=OrganisationKind.choices)
    form.is_valid()  # an unknown kind is reported and the list shown unfiltered
    page = selectors_web.organisation_list_page(
        kind=form.chosen_kind(),
        page=forms.parse_page_number(request.GET.get("page")),
        page_size=settings.JOINEDUP_PAGE_SIZE,
    )
    return render(request, "directory/organisation_list.html", {"form": form, "page": page})


@require_safe
def organisation_detail(request, slug):
    organisation = _organisation_or_404(slug)
    can_edit = bool(policy.decide(request.user, policy.Action.EDIT, organisation))
    context = {"organisation": organisation, "can_edit": can_edit}
    return render(request, "directory/organisation_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, slug):
    organisation = _organisation_or_404(slug)
    decision = policy.decide(request.user, policy.Action.EDIT, organisation)
    if not decision:
        return _forbidden(request, decision.reason)
    name = organisation.name
    form = forms.OrganisationForm(
        request.POST if request.method == "POST" else None, instance=organisation
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.organisation_update(
                actor=request.user, organisation=organisation, data=form.organisation_data()
            )
        except PermissionDenied as exc:
            return _forbidden(request, exc.message)
        except ValidationError as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, f"Your changes to {saved.name} have been saved")
            return redirect("directory:organisation_detail", slug=saved.slug)
    context = {"form": form, "organisation": organisation, "heading": name}
    return render(request, "directory/organisation_form.html", context)
