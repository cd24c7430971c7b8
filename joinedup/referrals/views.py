"""Referrals in the browser, for staff: the common form, a referral's page with its
journey and the actions the viewer may take, and the team's worklists.

Thin: each view parses the request, calls a selector or a service, and renders. A
referral the viewer may not see is a 404, exactly as one that does not exist.
"""

import mimetypes
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from joinedup.access.categories import Category, categories_for
from joinedup.core.exceptions import Conflict, NotFound, PermissionDenied
from joinedup.core.views import forbidden
from joinedup.directory import selectors as directory_selectors
from joinedup.people import forms as people_forms
from joinedup.people import selectors as people_selectors
from joinedup.referrals import forms, selectors, services
from joinedup.referrals.models import Status

PEOPLE_OFFERED = 500


def _sees_referrals(user) -> bool:
    membership = getattr(user, "acting_membership", None)
    return bool(membership and Category.REFERRAL in categories_for(membership.role))


def _referral_url(referral) -> str:
    return reverse("referrals:detail", args=[referral.public_id])


def _service_or_404(public_id):
    try:
        service = directory_selectors.service_get(public_id=public_id)
    except ValidationError:
        service = None
    if service is None:
        raise Http404("There is no such service")
    return service


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request):
    if not _sees_referrals(request.user):
        return forbidden(request, "your role does not make referrals")
    service = _service_or_404(request.GET.get("service") or request.POST.get("service"))
    people = list(people_selectors.person_list(user=request.user)[:PEOPLE_OFFERED])
    people_selectors.person_list_audit(user=request.user, people=people)
    form = forms.ReferralForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        people=people,
        service=service,
        needs=list(service.taxonomy_terms.all()),
        questions=selectors.service_questions(service=service),
        initial={"person": request.GET.get("person", "")},
    )
    status = 200
    if request.method == "POST":
        status = 400 if people_forms.offered_values_forged(form) else 200
        if form.is_valid():
            try:
                referral = _create(request, form, service)
            except ValidationError as exc:
                form.add_domain_errors(exc, renamed=_question_fields(form))
            except PermissionDenied as exc:
                return forbidden(request, exc.message)
            else:
                messages.success(
                    request, f"Your referral {referral.reference} has been sent to {service.name}"
                )
                return redirect(_referral_url(referral))
    context = {
        "form": form,
        "service": service,
        # One key per form shown: sending it twice (a double click, a retry) makes one.
        "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
    }
    return render(request, "referrals/referral_form.html", context, status=status)


def _question_fields(form) -> dict[str, str]:
    return {f"answers.{q.key}": f"q_{q.key}" for q in form.questions}


def _create(request, form, service):
    with transaction.atomic():
        created = services.referral_create(
            actor=request.user,
            person=form.person_chosen(),
            service=service,
            data=form.referral_data(),
            needs=form.needs_chosen(),
            idempotency_key=request.POST.get("idempotency_key", ""),
        )
        upload = form.cleaned_data.get("attachment")
        if upload is not None and not created.replayed:
            content_type = forms.ATTACHMENT_TYPES[upload.name[upload.name.rfind(".") :].lower()]
            services.attachment_add(
                actor=request.user,
                referral=created.referral,
                upload=upload,
                content_type=content_type,
            )
    return created.referral


def _page_context(request, view, action_form=None, failed_action: str = "") -> dict:
    referral = view.referral
    return {
        "view": view,
        "referral": referral,
        "next_step": services.next_step(referral),
        "actions": services.actions_for(referral, request.user),
        "action_form": action_form,
        "failed_action": failed_action,
        "attachments": list(referral.attachments.all()),
    }


@login_required
@require_safe
def referral_detail(request, public_id):
    try:
        view = selectors.referral_view(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "referrals/referral_detail.html", _page_context(request, view))


@login_required
@require_POST
def referral_act(request, public_id):
    try:
        referral = selectors.referral_get(user=request.user, public_id=public_id, audit=False)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = forms.ActionForm(request.POST)
    status, error = 400, ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            target = [_service_or_404(data["service"])] if data["service"] else []
            outcome = services.transition(
                actor=request.user,
                referral=referral,
                action=data["action"],
                expected_version=data["version"],
                reason=data["reason"],
                signposting=data["signposting"],
                to_meeting=data["to_meeting"],
                services=target,
            )
        except ValidationError as exc:
            form.add_domain_errors(exc)
            status = 200
        except Conflict as exc:
            status, error = 409, exc.message
        except PermissionDenied as exc:
            return forbidden(request, exc.message)
        else:
            done = Status(outcome.referral.status).label.lower()
            linked = "".join(
                f" A new referral {r.reference} went to {r.service.name}." for r in outcome.linked
            )
            messages.success(request, f"The referral is now {done}.{linked}")
            return redirect(_referral_url(referral))
    view = selectors.referral_view(user=request.user, public_id=referral.public_id)
    context = _page_context(
        request, view, action_form=form, failed_action=form.data.get("action", "")
    )
    context["conflict"] = error
    return render(request, "referrals/referral_detail.html", context, status=status)


@login_required
@require_safe
def worklist(request, direction: str = selectors.INCOMING):
    if not _sees_referrals(request.user):
        return forbidden(request, "your role does not make or receive referrals")
    flag = request.GET.get("flag", "")
    page = selectors.worklist(
        user=request.user,
        direction=direction,
        flag=flag if flag in selectors.FLAGS else "",
        status=request.GET.get("status", ""),
        after=request.GET.get("after"),
        sort=request.GET.get("sort", "urgency"),
    )
    context = {
        "sort": request.GET.get("sort", "urgency"),
        "page": page,
        "direction": direction,
        "flag": flag,
        "status": request.GET.get("status", ""),
        "statuses": [(s.value, s.label) for s in Status if s.value in selectors.OPEN_VALUES],
    }
    return render(request, "referrals/worklist.html", context)


@login_required
@require_safe
def attachment_download(request, public_id):
    try:
        attachment = selectors.attachment_get(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type or mimetypes.guess_type(attachment.original_name)[0],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
