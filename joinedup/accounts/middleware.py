import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY as AUTH_USER_KEY
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from joinedup.accounts import selectors, session_keys

SESSION_KEY = session_keys.ACTING_MEMBERSHIP
# A session's last-seen time is written at most this often: idle timeouts are counted
# in minutes, and a session write on every request would cost every page a query.
LAST_SEEN_GRANULARITY_SECONDS = 60


class ActingMembershipMiddleware:
    """Puts the membership the user acts as on `request.user.acting_membership`.

    The choice lives in the session; if it is missing or no longer active (the
    membership ended), the user's first active membership is used, or none.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            memberships = selectors.membership_list(user=user)
            chosen_id = request.session.get(SESSION_KEY)
            acting = next((m for m in memberships if str(m.pk) == str(chosen_id)), None)
            if acting is None and memberships:
                acting = memberships[0]
                request.session[SESSION_KEY] = acting.pk
            user.acting_membership = acting
            user.memberships_available = memberships
        return self.get_response(request)


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def session_end_reason(session, now: int) -> str | None:
    """Why this logged-in session has ended, measured on the server; None if it has not."""
    logged_in_at = session.get(session_keys.LOGGED_IN_AT, now)
    last_seen_at = session.get(session_keys.LAST_SEEN_AT, now)
    absolute = settings.SESSION_COOKIE_AGE
    idle = settings.JOINEDUP_SESSION_IDLE_SECONDS
    if now - logged_in_at >= absolute:
        return f"Your session ended {_duration(absolute)} after you logged in. Log in again."
    if now - last_seen_at >= idle:
        return f"Your session ended after {_duration(idle)} without activity. Log in again."
    return None


class SessionTimeoutMiddleware:
    """Ends a session that has been idle too long or open too long, and one whose user
    can no longer log in (disabled or deleted).

    The cookie's own expiry is not enough: it is the browser's to keep, and Django moves a
    session's expiry on every save. The times are kept in the session, on the server.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            reason = session_end_reason(request.session, now)
            if reason:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.info(request, reason)
                # A person's own pages send them back to their own login page.
                login_url = reverse("portal:login") if request.path.startswith("/portal/") else None
                return redirect_to_login(request.get_full_path(), login_url)
            session = request.session
            session.setdefault(session_keys.LOGGED_IN_AT, now)
            if now - session.get(session_keys.LAST_SEEN_AT, 0) >= LAST_SEEN_GRANULARITY_SECONDS:
                session[session_keys.LAST_SEEN_AT] = now
        elif AUTH_USER_KEY in request.session:
            # Django found no active user for this session (the account was disabled
            # or deleted): finish the job, so nothing of the session lingers.
            request.session.flush()
        return self.get_response(request)


# Pages a user who still owes a second factor may see: logging in and out, proving or
# setting up the second factor, choosing a role that needs none, and what is public.
EXEMPT_VIEWS = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:switch",
        "accounts:two_factor_verify",
        "accounts:two_factor_setup",
        "core:healthz",
        "directory:search",
        "directory:service_detail",
        "directory:locality_list",
        "directory:locality_detail",
        "directory:organisation_list",
        "directory:organisation_detail",
        "admin:logout",
        "api-1:token_create",
    }
)
EXEMPT_NAMESPACES = frozenset({"oruk"})


class TwoFactorMiddleware:
    """Sends a user who must prove a second factor, and has not this session, to do so.

    Decided per acting membership (selectors.two_factor_required), so switching to a
    role that sees clinical data asks for the code then.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match.view_name in EXEMPT_VIEWS or match.namespace in EXEMPT_NAMESPACES:
            return None
        enrolled = request.session.get(session_keys.TWO_FACTOR_ENROLLED, False)
        membership = getattr(user, "acting_membership", None)
        if not selectors.two_factor_required(user=user, membership=membership, enrolled=enrolled):
            return None
        if match.namespace == "api-1":
            if request.headers.get("Authorization"):
                return None  # the bearer token is the credential, not this session
            return _api_problem_second_factor()
        target = (
            "accounts:two_factor_verify"
            if selectors.user_has_two_factor(user=user)
            else "accounts:two_factor_setup"
        )
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


def _api_problem_second_factor() -> JsonResponse:
    return JsonResponse(
        {
            "type": "about:blank",
            "title": "Forbidden",
            "status": 403,
            "detail": "This session has not proved its second factor: use a bearer token "
            "from POST /api/v1/auth/token, or enter your code in the web first",
        },
        status=403,
        content_type="application/problem+json",
    )
