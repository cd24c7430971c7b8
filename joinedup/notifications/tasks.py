"""Background tasks of notifications, run by `joinedup worker`: the email copies."""

from django.conf import settings
from django_tasks import task


@task()
def notification_email_send(notification_id: int) -> int:
    """Email the copy of an inbox notification (notifications.services.notify)."""
    from joinedup.notifications import services

    return services.notification_email_deliver(
        notification_id=notification_id, site_url=settings.JOINEDUP_SITE_URL
    )


@task()
def email_send(to: str, subject: str, body: str, link: str = "", name: str = "") -> int:
    """Email an address with no inbox behind it (notifications.services.email_only)."""
    from joinedup.notifications import services

    return services.email_deliver(
        to=to, name=name, subject=subject, body=body, link=link, site_url=settings.JOINEDUP_SITE_URL
    )
