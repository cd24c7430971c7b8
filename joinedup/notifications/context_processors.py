from django.utils.functional import SimpleLazyObject

from joinedup.notifications import selectors


def inbox(request):
    """The header's count of unread notifications, counted only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": SimpleLazyObject(lambda: selectors.unread_count(user=user))}
