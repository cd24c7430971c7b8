"""Every read of notifications: a user sees their own inbox and nobody else's."""

from uuid import UUID

from django.db.models import Case, IntegerField, QuerySet, Value, When

from joinedup.core.exceptions import NotFound
from joinedup.notifications.models import Notification

INBOX_PAGE = 25


def notification_list(*, user) -> QuerySet:
    """The user's own notifications: unread first, then newest first."""
    return (
        Notification.objects.filter(recipient=user)
        .annotate(
            unread_first=Case(
                When(read_at__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("unread_first", "-created_at", "-pk")
    )


def notification_get(*, user, public_id) -> Notification:
    """One of the user's own notifications; anyone else's is NotFound, like one that
    does not exist."""
    try:
        uid = public_id if isinstance(public_id, UUID) else UUID(str(public_id))
    except (TypeError, ValueError):
        raise NotFound("There is no such message in your inbox") from None
    notification = Notification.objects.filter(recipient=user, public_id=uid).first()
    if notification is None:
        raise NotFound("There is no such message in your inbox")
    return notification


def unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
