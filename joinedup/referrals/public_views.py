"""The public self-referral pages (issue 4), for people without an account: refer
yourself to a service that takes self-referrals, get a reference, and check where your
referral is with the reference and your date of birth. They work without JavaScript.

Thin, like every view: parse, ask the rate limits (`referrals.ratelimit`), call a service
or a selector, render. Person-level data is reached only through them
(tests/core/test_person_data_boundary.py).
"""

import uuid

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from joinedup.core.exceptions import NotFound
from joinedup.directory import selectors as directory_selectors
from joinedup.referrals import ratelimit, selectors, services
from joinedup.referrals.forms_public import SelfReferralForm, SelfReferralStatusForm

# The receipt of the referral just sent, for the confirmation page (this browser only).
SENT = "self_referral_sent"


def _service_or_404(service_id):
    service = directory_selectors.service_get(public_id=service_id)
    if service is None:
        raise Http404("There is no such service")
    return service


def _too_many(request, limited: ratelimit.Limited, what: str, *, sending: bool = False):
    context = {"limited": limited, "what": what, "sending": sending}
    response = render(request, "referrals/public/too_many.html", context, status=429)
    response["Retry-After"] = str(limited.retry_after)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def start(request, service_id):
    service = _service_or_404(service_id)
    refusal = services.self_referral_refusal(service=service)
    if refusal and request.method == "GET":
        return render(
            request, "referrals/public/unavailable.html", {"service": service, "reason": refusal}
        )
    form = SelfReferralForm(
        request.POST if request.method == "POST" else None,
        service=service,
        questions=selectors.service_questions(service=service),
    )
    if request.method == "POST":
        limited = ratelimit.hit(ratelimit.SUBMIT, ratelimit.client_address(request))
        if limited:
            return _too_many(
                request,
                limited,
                "Many referrals were sent from your internet connection in a short time",
                sending=True,
            )
        if form.filled_honeypot():
            # Robots fill in the hidden field; say nothing of why, and write nothing.
            return render(
                request, "referrals/public/not_sent.html", {"service": service}, status=400
            )
        if form.is_valid():
            try:
                receipt = services.self_referral_create(
                    service=service,
                    data=form.self_referral_data(),
                    idempotency_key=request.POST.get("idempotency_key", ""),
                    channel="web",
                )
            except ValidationError as exc:
                form.add_domain_errors(exc, renamed=form.question_names())
            else:
                request.session[SENT] = {
                    "reference": receipt.reference,
                    "service": str(service.public_id),
                    "service_name": receipt.service_name,
                    "organisation_name": receipt.organisation_name,
                    "acknowledge_by": (
                        f"{receipt.acknowledge_by:%-d %B %Y}" if receipt.acknowledge_by else ""
                    ),
                    "contact_by": receipt.contact_by,
                }
                return redirect("self_referral:sent")
    context = {
        "form": form,
        "service": service,
        # One key per form shown: sending it twice (a double click, a retry) makes one.
        "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
    }
    return render(request, "referrals/public/start.html", context)


@never_cache
@require_safe
def sent(request):
    receipt = request.session.get(SENT)
    if not receipt:
        return redirect("self_referral:check")
    service = directory_selectors.service_get(public_id=receipt["service"])
    return render(request, "referrals/public/sent.html", {"receipt": receipt, "service": service})


@never_cache
@require_http_methods(["GET", "POST"])
def check(request):
    form = SelfReferralStatusForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        limited = ratelimit.hit(ratelimit.STATUS, ratelimit.client_address(request))
        if limited:
            return _too_many(
                request,
                limited,
                "Many referrals were checked from your internet connection in a short time",
            )
        if form.is_valid():
            reference = selectors.normalise_reference(form.cleaned_data["reference"])
            limited = ratelimit.over(ratelimit.REFERENCE, reference)
            if limited:
                return _too_many(
                    request,
                    limited,
                    "This reference was checked with a wrong date of birth many times",
                )
            try:
                status = selectors.self_referral_status(
                    reference=reference, date_of_birth=form.cleaned_data["date_of_birth"]
                )
            except NotFound as exc:
                ratelimit.hit(ratelimit.REFERENCE, reference)
                form.add_error("reference", exc.message)
            else:
                return render(request, "referrals/public/status.html", {"status": status})
    return render(request, "referrals/public/check.html", {"form": form})
