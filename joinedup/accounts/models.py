"""Staff accounts, their memberships of partner organisations, and API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models

from joinedup.access.roles import Role
from joinedup.core.models import BaseModel


class User(AbstractUser):
    """Someone who logs in: a member of staff, who acts as one of their Memberships, or
    a person receiving care, whose own portal account this is (never both)."""

    is_person_account = models.BooleanField(
        default=False,
        help_text="A person's own portal account: it logs in at /portal/ and never has a "
        "membership of an organisation",
    )

    class Meta:
        ordering = ["username"]


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)


class Membership(BaseModel):
    """A user works for an organisation in a role; they act as one membership at a time."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    is_active = models.BooleanField(default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.organisation}"


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now):
        return self.filter(
            revoked_at__isnull=True,
            expires_at__gt=now,
            membership__is_active=True,
            membership__user__is_active=True,
        )


class ApiToken(BaseModel):
    """A bearer token for the API, bound to one membership.

    Only the SHA-256 of the token is stored: a leaked database does not leak tokens.
    Binding to the membership means ending the membership ends the token at once.
    """

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    @staticmethod
    def new_raw_token() -> tuple[str, str]:
        raw = secrets.token_urlsafe(32)
        return raw, _hash_token(raw)

    @staticmethod
    def hash(raw: str) -> str:
        return _hash_token(raw)


class UserSession(models.Model):
    """A web session a user logged in with, so that disabling them can end it at once.

    Django's session table is keyed by session key and holds the user only inside its
    encoded data: finding one user's sessions there means decoding every row. One row
    here per login (written by the `user_logged_in` receiver) makes it an indexed lookup,
    and works whichever session engine is configured.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="web_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} since {self.created_at:%Y-%m-%d %H:%M}"
