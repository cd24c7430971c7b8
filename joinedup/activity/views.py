"""Activity in the browser, for staff: record a contact from a person's record, list a
person's contacts, create a group session and take its register, and the activity page
of an organisation (its units for a period, by kind of contact).

Thin: parse, call a selector or a service, render. A person, contact or session the
viewer may not see is a 404, exactly as one that does not exist; a role that may not
record activity, or see an organisation's aggregates, is a 403 with the reason.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from joinedup.activity import forms, selectors, services
from joinedup.activity.models import Attendance
from joinedup.core.exceptions import Conflict, NotFound, PermissionDenied
from joinedup.core.views import forbidden
from joinedup.directory.forms import parse_page_number
from joinedup.people import forms as people_forms
from joinedup.people import selectors as people_selectors


def _organisation_id(user) -> int | None:
    membership = getattr(user, "acting_membership", None)
    return membership.organisation_id if membership else None


def _person_or_404(user, public_id, *, audit: bool):
    try:
        return people_selectors.person_get(user=user, public_id=public_id, audit=audit)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _status(form) -> int:
    """200 for a form to put right; 400 when it carried a value no page offered."""
    return 400 if people_forms.offered_values_forged(form) else 200


# --- A person's contacts -------------------------------------------------------------------


@login_required
@require_safe
def person_contacts(request, public_id):
    person = _person_or_404(request.user, public_id, audit=False)
    page = selectors.person_contacts_page(
        user=request.user, person=person, page_number=parse_page_number(request.GET.get("page"))
    )
    context = {
        "person": person,
        "page": page,
        "can_record": services.recording_refusal(actor=request.user) is None,
    }
    return render(request, "activity/person_contacts.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request, public_id):
    refusal = services.recording_refusal(actor=request.user)
    if refusal:
        return forbidden(request, refusal)
    person = _person_or_404(request.user, public_id, audit=request.method == "GET")
    offered = list(selectors.organisation_services(organisation_id=_organisation_id(request.user)))
    form = forms.ContactForm(
        request.POST if request.method == "POST" else None,
        services=offered,
        initial={"date": timezone.localdate(), "duration_minutes": 60},
    )
    status = 200
    if request.method == "POST":
        status = _status(form)
        if form.is_valid():
            try:
                services.contact_record(actor=request.user, person=person, **form.contact_data())
            except ValidationError as exc:
                form.add_domain_errors(exc)
            except NotFound as exc:
                raise Http404(exc.message) from exc
            except PermissionDenied as exc:
                return forbidden(request, exc.message)
            else:
                messages.success(request, "The contact is recorded")
                return redirect("activity:person_contacts", public_id=person.public_id)
    return render(
        request, "activity/contact_form.html", {"person": person, "form": form}, status=status
    )


@login_required
@require_safe
def contact_detail(request, public_id):
    try:
        contact = selectors.contact_get(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "activity/contact_detail.html", {"contact": contact})


# --- Group sessions and registers ----------------------------------------------------------


@login_required
@require_safe
def session_list(request):
    refusal = services.recording_refusal(actor=request.user)
    if refusal:
        return forbidden(request, refusal)
    page = selectors.session_list_page(
        user=request.user, page_number=parse_page_number(request.GET.get("page"))
    )
    return render(request, "activity/session_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request):
    refusal = services.recording_refusal(actor=request.user)
    if refusal:
        return forbidden(request, refusal)
    offered = list(selectors.organisation_services(organisation_id=_organisation_id(request.user)))
    form = forms.GroupSessionForm(
        request.POST if request.method == "POST" else None,
        services=offered,
        colleagues=selectors.colleague_choices(user=request.user),
        initial={"date": timezone.localdate(), "duration_minutes": 120},
    )
    status = 200
    if request.method == "POST":
        status = _status(form)
        if form.is_valid():
            try:
                session = services.group_session_create(actor=request.user, **form.session_data())
            except ValidationError as exc:
                form.add_domain_errors(exc)
            except PermissionDenied as exc:
                return forbidden(request, exc.message)
            else:
                messages.success(request, f"{session.title} is created: take its register")
                return redirect("activity:register", public_id=session.public_id)
    return render(
        request,
        "activity/session_form.html",
        {"form": form, "has_services": bool(offered)},
        status=status,
    )


def _posted_people(post) -> tuple[list[str], bool]:
    """The person ids named by the posted register, and whether any name was not an id."""
    keys = [key.removeprefix("p_") for key in post if key.startswith("p_")]
    ids = selectors.uuid_list(keys)
    return ids, len(ids) != len(keys)


@login_required
@require_http_methods(["GET", "POST"])
def register(request, public_id):
    refusal = services.recording_refusal(actor=request.user)
    if refusal:
        return forbidden(request, refusal)
    try:
        session = selectors.session_get(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    posting = request.method == "POST"
    find = (request.POST if posting else request.GET).get("find", "").strip()[:100]
    asked, malformed = _posted_people(request.POST) if posting else ([], False)
    sheet = selectors.register_view(
        user=request.user, session=session, find=find, asked_for=asked, audit=not posting
    )
    form = forms.RegisterForm(request.POST if posting else None, rows=sheet.all_rows)
    status = 200
    if posting:
        status = 400 if malformed or sheet.refused else _status(form)
        if malformed or sheet.refused:
            form.add_error(
                None,
                "Someone on the form is not on your team's caseload: nothing was saved. "
                "Add people from the list on this page",
            )
        elif form.is_valid():
            try:
                saved = services.register_save(
                    actor=request.user, session=session, marks=form.marks()
                )
            except ValidationError as exc:
                form.add_domain_errors(exc)
            except NotFound as exc:
                form.add_error(None, exc.message)
                status = 400
            except Conflict as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                messages.success(request, _saved_message(saved, form.marks()))
                return redirect("activity:register", public_id=session.public_id)
    if posting:
        selectors.register_audit(user=request.user, register=sheet)
    context = {
        "session": session,
        "sheet": sheet,
        "form": form,
        "find": find,
        "facilitators": selectors.session_facilitators(session=session),
        "attendance": Attendance,
    }
    return render(request, "activity/register.html", context, status=status)


def _saved_message(saved, marks: dict[str, str]) -> str:
    if not saved.changed:
        return "The register is saved: nothing had changed"
    attended = sum(1 for v in marks.values() if v == Attendance.ATTENDED)
    missed = sum(1 for v in marks.values() if v == Attendance.DID_NOT_ATTEND)
    return f"The register is saved: {attended} attended, {missed} did not attend"


# --- Activity: the units of an organisation ------------------------------------------------


def _chart(report, unit) -> dict:
    bars = selectors.chart_bars(report, unit.code)
    return {"unit": unit, "bars": bars, "height": len(bars) * selectors.CHART_STEP + 8}


@login_required
@require_safe
def index(request):
    membership = getattr(request.user, "acting_membership", None)
    if membership is None:
        return forbidden(request, "log in as a member of a partner organisation")
    if membership.role not in selectors.AGGREGATE_ROLES:
        return redirect("activity:organisation", slug=membership.organisation.slug)
    page = selectors.organisations_with_aggregates_page(
        user=request.user, page_number=parse_page_number(request.GET.get("page"))
    )
    return render(request, "activity/index.html", {"page": page})


@login_required
@require_safe
def organisation_activity(request, slug):
    try:
        organisation = selectors.organisation_get(slug=slug)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    try:
        selectors.aggregate_scope(user=request.user, organisation=organisation)
    except PermissionDenied as exc:
        return forbidden(request, exc.message)
    offered = list(selectors.organisation_services(organisation_id=organisation.pk))
    start, end = forms.PeriodForm(request.GET, services=offered, frameworks=[]).period()
    frameworks = selectors.frameworks_for(organisation=organisation, on=end)
    form = forms.PeriodForm(request.GET, services=offered, frameworks=frameworks)
    try:
        summary = selectors.activity_summary(
            user=request.user,
            organisation=organisation,
            start=start,
            end=end,
            service=form.service_chosen(),
            framework_id=form.framework_chosen(),
            frameworks=frameworks,
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    report = summary.report
    context = {
        "organisation": organisation,
        "form": form,
        "summary": summary,
        "report": report,
        "charts": [_chart(report, unit) for unit in report.units],
        "may_record": _organisation_id(request.user) == organisation.pk
        and services.recording_refusal(actor=request.user) is None,
        "here": reverse("activity:organisation", kwargs={"slug": organisation.slug}),
    }
    return render(request, "activity/organisation_activity.html", context)
