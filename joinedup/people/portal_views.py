"""The person's own portal: their record (apart from what is withheld), who may share
it, and who has looked at it and why. Reads go through people.selectors' portal section
(which asks `access.record.own_person` / `own_entries`), writes through people.services
with `by_person=True`.

A portal account is a person's own (`User.is_person_account`): it logs in here, never
at the staff login, and has no membership, so no staff page shows it anything.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from joinedup.access.roles import Role
from joinedup.accounts.forms import PortalLoginForm
from joinedup.core.exceptions import NotFound, PermissionDenied
from joinedup.directory.forms import parse_page_number
from joinedup.people import forms, selectors, services


class LoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = PortalLoginForm
    redirect_authenticated_user = True
    next_page = reverse_lazy("portal:home")

    def get_default_redirect_url(self):
        return str(self.next_page)


def person_account_required(view):
    """Logged in with a person's own account, linked to their record."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        if not user.is_person_account:
            return render(request, "portal/staff_account.html", status=403)
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            return render(request, "portal/not_linked.html", {"reason": exc.message}, status=404)

    return wrapped


@person_account_required
@require_safe
def home(request):
    own = selectors.portal_record(user=request.user)
    return render(request, "portal/record.html", {"record": own, "person": own.person})


def _consent_form(request, person):
    return forms.PortalConsentForm(
        request.POST if request.method == "POST" else None,
        scopes=selectors.portal_consent_scopes(person=person),
    )


@person_account_required
@require_safe
def referrals(request):
    from joinedup.referrals import selectors as referral_selectors
    from joinedup.referrals import services as referral_services

    person = selectors.portal_person(user=request.user)
    rows = [
        (referral, referral_services.next_step(referral))
        for referral in referral_selectors.person_referrals(user=request.user, person=person)
    ]
    return render(request, "portal/referrals.html", {"person": person, "rows": rows})


@person_account_required
@require_http_methods(["GET", "POST"])
def sharing(request):
    person = selectors.portal_person(user=request.user)
    form = _consent_form(request, person)
    status = 200
    if request.method == "POST":
        status = 400 if forms.offered_values_forged(form) else 200
        if form.is_valid():
            try:
                services.consent_record(
                    actor=request.user, person=person, by_person=True, **form.consent_data()
                )
            except ValidationError as exc:
                form.add_domain_errors(exc)
            else:
                messages.success(request, "Your decision is saved. It applies from now on")
                return redirect("portal:sharing")
    decisions = selectors.portal_consent_decisions(user=request.user, person=person)
    context = {
        "person": person,
        "form": form,
        "decisions_in_force": [d for d in decisions if d.in_force],
        "decisions_past": [d for d in decisions if not d.in_force],
        "person_withdrawable": selectors.PERSON_DECISIONS,
    }
    return render(request, "portal/sharing.html", context, status=status)


@person_account_required
@require_http_methods(["GET", "POST"])
def sharing_withdraw(request, decision_id):
    decision = selectors.portal_consent_decision_get(user=request.user, decision_id=decision_id)
    if request.method == "POST":
        services.consent_withdraw(
            actor=request.user,
            person=decision.first.person,
            decision_id=decision.decision_id,
            by_person=True,
        )
        messages.success(request, "Your decision has been withdrawn. It no longer applies")
        return redirect("portal:sharing")
    return render(request, "portal/sharing_withdraw.html", {"decision": decision})


# What each audited action means, in the person's words.
ACTION_WORDS = {
    "view": "Opened your record",
    "list": "Saw your name in a list of people",
    "create": "Added to your record",
    "update": "Changed your details",
    "correct": "Corrected an entry in your record",
    "consent": "Recorded a decision about sharing",
    "consent_withdraw": "Withdrew a decision about sharing",
    "relationship_start": "Started looking after you",
    "relationship_end": "Stopped looking after you",
    "break_glass": "Used emergency access to your record",
    "break_glass_review": "Checked an emergency access",
    "export": "Exported your record (a subject access request)",
    "portal_invite": "Invited you to see your record",
    "self_referral_status": "Checked your self-referral with its reference and birth date",
    "self_referral_status_refused": "Tried to check your self-referral with a wrong birth date",
}
BASIS_WORDS = {
    "own_organisation": "Their organisation looks after you",
    "isa": "An agreement between the services that look after you",
    "consent": "You said yes to sharing",
    "break_glass": "Emergency access, checked afterwards",
    "partnership_role": "Their role in the partnership",
    "superuser": "System administrator",
    "public": "Public information",
}


@dataclass(frozen=True)
class AccessLogRow:
    event: object
    who: str
    role: str
    what: str
    why: str


def _access_log_row(event) -> AccessLogRow:
    actor = event.actor
    who = (actor.get_full_name() if actor else "") or event.actor_username or "joinedup"
    role = Role(event.role).label if event.role in Role.values else ""
    what = ACTION_WORDS.get(event.action, event.action.replace("_", " ").capitalize())
    return AccessLogRow(event, who, role, what, BASIS_WORDS.get(event.basis, ""))


@person_account_required
@require_safe
def access_log(request):
    person = selectors.portal_person(user=request.user)
    events = selectors.portal_access_log(user=request.user, person=person)
    page = Paginator(events, selectors.PORTAL_ACCESS_LOG_PAGE).get_page(
        parse_page_number(request.GET.get("page"))
    )
    page.object_list = list(page.object_list)
    break_glass = selectors.portal_access_log_audit(
        user=request.user, person=person, events=page.object_list
    )
    context = {
        "person": person,
        "page": page,
        "rows": [_access_log_row(event) for event in page.object_list],
        "break_glass": break_glass,
    }
    return render(request, "portal/access_log.html", context)


def _invited_user(uidb64: str, token: str):
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = get_user_model().objects.filter(pk=pk, is_person_account=True, is_active=True).first()
    if user is None or user.has_usable_password():
        return None
    return user if default_token_generator.check_token(user, token) else None


@never_cache
@require_http_methods(["GET", "POST"])
def activate(request, uidb64, token):
    user = _invited_user(uidb64, token)
    if user is None:
        return render(request, "portal/activate_invalid.html", status=404)
    form = forms.PortalSetPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.portal_password_set(user=user, password=form.cleaned_data["new_password1"])
        except PermissionDenied:
            return render(request, "portal/activate_invalid.html", status=404)
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Your password is set. This is your record")
        return redirect("portal:home")
    return render(request, "portal/activate.html", {"form": form})
