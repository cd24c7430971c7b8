from joinedup.access.categories import Category, categories_for
from joinedup.access.roles import Role


def acting(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    acting = getattr(user, "acting_membership", None)
    return {
        "acting": acting,
        "acting_choices": getattr(user, "memberships_available", []),
        # What the navigation offers follows the policy's own tables, not a copy of them.
        "sees_people": bool(acting and categories_for(acting.role)),
        "sees_referrals": bool(acting and Category.REFERRAL in categories_for(acting.role)),
        "is_ig_lead": bool(acting and acting.role == Role.IG_LEAD),
    }
