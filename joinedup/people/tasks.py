"""Background tasks of the shared record, run by `joinedup worker`."""

from django.conf import settings
from django_tasks import task


@task()
def portal_invitation_send(user_id: int) -> int:
    """Email a person the link to set up their own account (people.services)."""
    from joinedup.people import services

    return services.portal_invitation_email(user_id=user_id, site_url=settings.JOINEDUP_SITE_URL)


@task()
def retention_apply() -> dict:
    """Erase what has passed its retention period (queued daily by the worker)."""
    from joinedup.people import services

    report = services.retention_apply()
    return {"entries": report.entries, "people": report.people}
