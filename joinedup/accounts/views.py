import math

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from joinedup.accounts import selectors, services, session_keys, totp
from joinedup.accounts.forms import (
    LoginForm,
    NhsPasswordChangeForm,
    SecurityCodeForm,
    SwitchMembershipForm,
)
from joinedup.core.exceptions import DomainError

SESSION_KEY = session_keys.ACTING_MEMBERSHIP


class LoginView(auth_views.LoginView):
    # Django's LoginView cycles the session key at login (no session fixation).
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = NhsPasswordChangeForm
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        # Django keeps this session going with a new key (the others end, as the
        # password they were made with is gone); the session's record follows the key.
        old_key = self.request.session.session_key
        response = super().form_valid(form)
        services.user_session_rekey(old_key=old_key, new_key=self.request.session.session_key)
        messages.success(self.request, "Your password has been changed")
        return response


def _next_url(request, default: str = "core:home") -> str:
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return reverse(default)


@login_required
def switch(request):
    memberships = request.user.memberships_available
    form = SwitchMembershipForm(request.POST or None, memberships=memberships)
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_KEY] = int(form.cleaned_data["membership"])
        chosen = next(m for m in memberships if str(m.pk) == form.cleaned_data["membership"])
        messages.success(
            request,
            f"You are now acting as {chosen.get_role_display()}, {chosen.organisation.name}",
        )
        # A role that sees clinical data asks for the second factor on the next page
        # (TwoFactorMiddleware), if this session has not proved it yet.
        return redirect(_next_url(request))
    acting = request.user.acting_membership
    if acting and not form.is_bound:
        form.initial["membership"] = str(acting.pk)
    return render(request, "accounts/switch.html", {"form": form})


def locked_out(request, original_response=None, credentials=None):
    """What a locked-out username sees (axes' AXES_LOCKOUT_CALLABLE): when to try again."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    ends_at = selectors.lockout_ends_at(username=str(username))
    if request.path.startswith("/api/"):
        return _locked_out_problem(ends_at)
    minutes = math.ceil((ends_at - timezone.now()).total_seconds() / 60) if ends_at else None
    return render(
        request,
        "accounts/locked_out.html",
        {"ends_at": ends_at, "minutes": minutes},
        status=429,
    )


def _locked_out_problem(ends_at) -> JsonResponse:
    when = timezone.localtime(ends_at).isoformat(timespec="minutes") if ends_at else None
    response = JsonResponse(
        {
            "type": "about:blank",
            "title": "Too Many Requests",
            "status": 429,
            "detail": "Too many wrong passwords for this username: "
            + (f"try again after {when}" if when else "try again later"),
        },
        status=429,
        content_type="application/problem+json",
    )
    if ends_at:
        seconds = max(1, math.ceil((ends_at - timezone.now()).total_seconds()))
        response["Retry-After"] = str(seconds)
    return response


# --- two-factor authentication


@never_cache
@login_required
def two_factor(request):
    """Whether two-factor is on, whether the acting role needs it, and how to change it."""
    user = request.user
    return render(
        request,
        "accounts/two_factor.html",
        {
            "device": selectors.totp_device_get(user=user),
            "required": selectors.two_factor_required(
                user=user, membership=user.acting_membership, enrolled=False
            ),
        },
    )


@never_cache
@login_required
def two_factor_verify(request):
    if not selectors.user_has_two_factor(user=request.user):
        return redirect(f"{reverse('accounts:two_factor_setup')}?{urlencode(_next(request))}")
    form = SecurityCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.two_factor_verify(request=request, code=form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            return redirect(_next_url(request))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


@never_cache
@login_required
def two_factor_setup(request):
    if selectors.user_has_two_factor(user=request.user):
        return redirect(f"{reverse('accounts:two_factor_verify')}?{urlencode(_next(request))}")
    key = request.session.get(session_keys.TWO_FACTOR_SETUP_KEY)
    if not key:
        key = request.session[session_keys.TWO_FACTOR_SETUP_KEY] = totp.new_key()
    form = SecurityCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_device_confirm(request=request, key=key, code=form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, "Two-factor authentication is set up")
            return redirect(_next_url(request))
    uri = totp.otpauth_uri(key=key, user=request.user)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "next": _next_url(request),
            "secret": totp.secret_text(key),
            "otpauth_uri": uri,
            "qr_code": totp.qr_svg_data_uri(uri),
            "required": selectors.two_factor_required(
                user=request.user, membership=request.user.acting_membership, enrolled=False
            ),
        },
    )


@require_POST
@login_required
def two_factor_remove(request):
    try:
        services.totp_device_remove(request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Two-factor authentication is off")
    return redirect("accounts:two_factor")


def _next(request) -> dict[str, str]:
    return {"next": _next_url(request)}
