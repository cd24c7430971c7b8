"""What joinedup tells people: one row per message in someone's inbox.

A notification says only what happened, the referral's reference and where to look:
never the reason, the risk, what matters to the person or any note (DESIGN §5). The
page it links to applies the access policy; the message itself carries nothing that
needs it, which is also why it may go by email.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from joinedup.core.models import BaseModel


class Notification(BaseModel):
    """A message in one user's inbox (staff and people's own accounts alike)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True, help_text="A path on this site")
    # Says "this has been told once": a second notify() with the same key for the same
    # recipient writes nothing (escalations are checked every hour, told once).
    key = models.CharField(max_length=100, blank=True)
    # Where the email copy went ('' when none was sent), and when the worker sent it.
    email = models.EmailField(blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The inbox: a user's unread first, newest first; and the header's count.
            models.Index(fields=["recipient", "read_at", "created_at"], name="notification_inbox"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notification_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
