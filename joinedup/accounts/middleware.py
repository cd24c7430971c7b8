from joinedup.accounts import selectors

SESSION_KEY = "acting_membership_id"


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
