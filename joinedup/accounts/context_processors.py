def acting(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "acting": getattr(user, "acting_membership", None),
        "acting_choices": getattr(user, "memberships_available", []),
    }
