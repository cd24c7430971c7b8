"""Every write of notifications: telling a user (their inbox, and an email copy sent by
the worker) and marking messages read.

Callers write the words. They say what happened, the reference and where to look —
never the reason, the risk, what matters to the person or a note: an email leaves the
system, and an inbox is read over shoulders. The page behind the link applies the
access policy; the message must not need it.
"""

from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from joinedup.core.exceptions import NotFound
from joinedup.notifications.models import Notification

SUBJECT_MAX = 200


def _one_line(text: str, limit: int) -> str:
    # A newline in a subject is a header injection to Django's mail (BadHeaderError).
    return " ".join((text or "").split())[:limit]


def notify(
    *,
    user,
    subject: str,
    body: str,
    link: str = "",
    email: str | None = None,
    key: str = "",
) -> Notification | None:
    """Put a message in `user`'s inbox and queue its email copy for the worker.

    `email` is where the copy goes: None for the user's own address, '' for no email.
    With a `key`, a user is told once: a later call with the same key writes nothing and
    returns None (so escalations checked every hour are told once). A disabled account
    is told nothing.
    """
    if user is None or not user.is_active:
        return None
    address = (user.email if email is None else email) or ""
    if key and Notification.objects.filter(recipient=user, key=key).exists():
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=user,
                subject=_one_line(subject, SUBJECT_MAX),
                body=body.strip(),
                link=link,
                key=key[:100],
                email=address,
            )
    except IntegrityError:
        if key:  # told a moment ago, by another worker checking the same thing
            return None
        raise
    if address:
        from joinedup.notifications.tasks import notification_email_send

        pk = notification.pk
        transaction.on_commit(lambda: notification_email_send.enqueue(pk), robust=True)
    return notification


def email_only(*, to: str, subject: str, body: str, link: str = "", name: str = "") -> None:
    """Queue an email to an address with no account behind it (a person who prefers
    email and has no portal account): the same words as a notification, no inbox row."""
    if not to:
        return
    from joinedup.notifications.tasks import email_send

    args = (to, _one_line(subject, SUBJECT_MAX), body.strip(), link, name)
    transaction.on_commit(lambda: email_send.enqueue(*args), robust=True)


def email_deliver(*, to: str, name: str, subject: str, body: str, link: str, site_url: str) -> int:
    """Send one email (run by the worker): plain text and HTML, the words and the link."""
    context = {
        "name": name,
        "subject": subject,
        "body": body,
        "link": f"{site_url.rstrip('/')}{link}" if link else "",
    }
    message = EmailMultiAlternatives(
        subject=_one_line(subject, SUBJECT_MAX),
        body=render_to_string("notifications/email/notification.txt", context),
        to=[to],
    )
    message.attach_alternative(
        render_to_string("notifications/email/notification.html", context), "text/html"
    )
    return message.send()


def notification_email_deliver(*, notification_id: int, site_url: str) -> int:
    """Send a notification's email copy, once (run by the worker). Nothing is sent for a
    notification already emailed, or whose recipient has been disabled since."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, emailed_at__isnull=True)
            .exclude(email="")
            .first()
        )
        if notification is None:
            return 0
        user = get_user_model().objects.filter(pk=notification.recipient_id, is_active=True).first()
        if user is None:
            return 0
        sent = email_deliver(
            to=notification.email,
            name=user.first_name,
            subject=notification.subject,
            body=notification.body,
            link=notification.link,
            site_url=site_url,
        )
        if sent:
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at", "updated_at"])
        return sent


def notification_mark_read(*, user, notification: Notification) -> Notification:
    """Mark one of the user's own notifications read (anyone else's is NotFound)."""
    if notification.recipient_id != user.pk:
        raise NotFound("There is no such message in your inbox")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


def notification_mark_all_read(*, user) -> int:
    now = timezone.now()
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=now, updated_at=now
    )
