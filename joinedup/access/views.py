"""The information-governance lead's pages: the break-glass review queue, the access
review of the audit log (with CSV export) and subject access requests.

Each view parses the request, calls a selector or a service, and renders. Who may see
what is decided in `access.selectors` and `people.selectors`: another role is refused
with a reason (403); an access or person the IG lead's organisation does not hold is
404, exactly as one that does not exist.
"""

import csv
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from joinedup.access import forms, selectors, services
from joinedup.core.exceptions import Conflict, NotFound, PermissionDenied
from joinedup.core.views import ASK_ADMINISTRATOR, forbidden
from joinedup.people import selectors as people_selectors

CSV_COLUMNS = [
    "sequence",
    "occurred_at",
    "actor_username",
    "role",
    "organisation_name",
    "person_public_id",
    "action",
    "object_type",
    "object_id",
    "purpose",
    "basis",
    "detail",
]


def _forbidden(request, reason: str):
    return forbidden(request, reason, ask=ASK_ADMINISTRATOR)


def _refused(request):
    """The 403 page if the user is not an IG lead, else None."""
    reason = selectors.governance_refusal(user=request.user)
    return _forbidden(request, reason) if reason else None


@login_required
@require_safe
def break_glass_queue(request):
    if refused := _refused(request):
        return refused
    accesses = selectors.break_glass_list(user=request.user)
    page = Paginator(accesses, settings.JOINEDUP_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "access/break_glass_queue.html", {"page": page})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def break_glass_review(request, public_id):
    if refused := _refused(request):
        return refused
    try:
        access = selectors.break_glass_get(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    form = forms.BreakGlassReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and access.outcome == "pending" and form.is_valid():
        try:
            services.break_glass_review(
                actor=request.user,
                access=access,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except Conflict as exc:
            form.add_error(None, exc.message)
        except PermissionDenied as exc:
            return _forbidden(request, exc.message)
        else:
            messages.success(request, "Your review has been recorded")
            return redirect("governance:break_glass")
    status = 400 if form.errors else 200
    return render(
        request, "access/break_glass_review.html", {"access": access, "form": form}, status=status
    )


@login_required
@require_safe
def access_review(request):
    if refused := _refused(request):
        return refused
    form = forms.AuditFilterForm(request.GET)
    form.is_valid()  # errors are shown; an invalid filter is left out, not fatal
    filters = form.filters()
    events = selectors.audit_review_list(user=request.user, filters=filters)
    if request.GET.get("format") == "csv":
        return _audit_csv(request, events, filters)
    page = Paginator(events, settings.JOINEDUP_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "access/access_review.html", {"form": form, "page": page})


class _Echo:
    def write(self, value):
        return value


def _audit_csv(request, events, filters) -> StreamingHttpResponse:
    count = events.count()
    selectors.audit_export_record(user=request.user, filters=filters, count=count)
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for event in events.iterator(chunk_size=2000):
            yield writer.writerow(_csv_row(event))

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="joinedup-access-review.csv"'
    return response


def _csv_row(event) -> list[str]:
    values = []
    for column in CSV_COLUMNS:
        value = getattr(event, column)
        if column == "detail":
            value = json.dumps(value, sort_keys=True)
        elif column == "occurred_at":
            value = value.isoformat()
        text = "" if value is None else str(value)
        # A cell starting with = + - @ is run as a formula by spreadsheets: quote it.
        values.append(f"'{text}" if text[:1] in ("=", "+", "-", "@") else text)
    return values


@login_required
@require_safe
def subject_access(request):
    if refused := _refused(request):
        return refused
    form = forms.SubjectAccessForm(request.GET if "identifier" in request.GET else None)
    if not form.is_bound or not form.is_valid():
        status = 400 if form.errors else 200
        return render(request, "access/subject_access_form.html", {"form": form}, status=status)
    try:
        found = people_selectors.person_subject_access(
            actor=request.user, public_id=form.cleaned_data["identifier"].strip()
        )
    except NotFound as exc:
        form.add_error("identifier", exc.message)
        return render(request, "access/subject_access_form.html", {"form": form}, status=404)
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    if request.GET.get("format") == "json":
        body = json.dumps(subject_access_document(found), cls=DjangoJSONEncoder, indent=2)
        response = HttpResponse(body, content_type="application/json")
        response["Content-Disposition"] = (
            f'attachment; filename="subject-access-{found.person.public_id}.json"'
        )
        return response
    return render(request, "access/subject_access.html", {"form": form, "found": found})


PERSON_FIELDS = [
    "nhs_number",
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "pronouns",
    "phone",
    "email",
    "preferred_channel",
    "address_1",
    "address_2",
    "city",
    "postcode",
    "communication_needs",
    "accessibility_needs",
    "preferred_language",
    "interpreter_required",
    "ethnic_category",
    "gender_identity",
    "sexual_orientation",
    "has_disability",
    "created_at",
]


def subject_access_document(found) -> dict:
    """The machine-readable form of a subject access request: everything on the page."""
    person = found.person
    return {
        "notice": "Review and redact before release: a clinician must check every entry "
        "(serious-harm exemption) and remove third-party information.",
        "person": {
            "id": str(person.public_id),
            **{name: getattr(person, name) for name in PERSON_FIELDS},
            "gp_practice": person.gp_practice.name if person.gp_practice else None,
        },
        "carers_and_relatives": [
            {
                "name": r.name,
                "relationship": r.relationship,
                "is_carer": r.is_carer,
                "phone": r.phone,
                "email": r.email,
                "consents_to_contact": r.consents_to_contact,
                "consent_recorded_on": r.consent_recorded_on,
            }
            for r in found.related_people
        ],
        "entries": [
            {
                "id": str(e.public_id),
                "category": e.category,
                "owning_organisation": e.owning_organisation.name,
                "author": e.author.get_full_name() or e.author.username,
                "author_role": e.author_role,
                "created_at": e.created_at,
                "title": e.title,
                "text": e.text,
                "data": e.data,
                "sealed": e.sealed,
                "withheld_from_person": e.withheld_from_person,
                "supersedes": str(e.supersedes.public_id) if e.supersedes else None,
                "correction_reason": e.correction_reason,
                "erased_at": e.erased_at,
                "erasure_reason": e.erasure_reason,
                "needs_clinician_review": e.sealed or e.withheld_from_person,
            }
            for e in found.entries
        ],
        "consents": [
            {
                "decision_id": str(c.decision_id),
                "scope": (c.partnership or c.organisation).name
                if (c.partnership or c.organisation)
                else None,
                "category": c.category,
                "state": c.state,
                "how_given": c.how_given,
                "recorded_at": c.recorded_at,
                "expires_at": c.expires_at,
                "withdrawn_at": c.withdrawn_at,
                "note": c.note,
            }
            for c in found.consents
        ],
        "care_relationships": [
            {
                "organisation": r.organisation.name,
                "worker": r.user.get_full_name() if r.user else None,
                "kind": r.kind,
                "since": r.since,
                "until": r.until,
                "reason": r.reason,
            }
            for r in found.relationships
        ],
        "break_glass": [
            {
                "by": b.user.get_full_name() or b.user.username,
                "organisation": b.organisation.name,
                "role": b.role,
                "reason": b.reason,
                "started_at": b.started_at,
                "expires_at": b.expires_at,
                "outcome": b.outcome,
            }
            for b in found.break_glass
        ],
        "access_log": [
            {
                "sequence": ev.sequence,
                "occurred_at": ev.occurred_at,
                "by": ev.actor_username,
                "role": ev.role,
                "organisation": ev.organisation_name,
                "action": ev.action,
                "purpose": ev.purpose,
                "basis": ev.basis,
            }
            for ev in found.access_log
        ],
    }
