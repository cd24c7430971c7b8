"""The audit log: append-only events, each hash-chained to the one before (docs/audit.md).

Rows refer to users, organisations and people softly (no database constraint, nothing
done on their deletion): an audit row records what was true when it was written, so it
must never block a deletion nor be changed by one. The names are kept as text beside the
ids so a row still reads, and still verifies, after what it names has gone.
"""

from django.conf import settings
from django.db import models


class Basis(models.TextChoices):
    """Why the actor was allowed to do what was recorded (DESIGN §5)."""

    PUBLIC = "public", "Public information"
    OWN_ORGANISATION = "own_organisation", "Own organisation"
    ISA = "isa", "Information-sharing agreement"
    CONSENT = "consent", "Consent"
    BREAK_GLASS = "break_glass", "Break-glass"
    PARTNERSHIP_ROLE = "partnership_role", "Partnership role"
    SUPERUSER = "superuser", "System administrator"
    PERSON_SELF = "person_self", "The person themselves"
    RETENTION = "retention", "Retention rules"
    NONE = "none", "None"


class AppendOnlyViolation(Exception):
    """Something tried to change or remove an audit row; the log only ever grows."""


def _refuse(what: str):
    raise AppendOnlyViolation(f"the audit log is append-only: {what} is refused")


class AppendOnlyQuerySet(models.QuerySet):
    # Django's bulk writes bypass Model.save() and Model.delete(), so they are refused here
    # too; the database triggers stand behind both for anything that reaches SQL.
    def update(self, **kwargs):
        _refuse(f"updating {self.model._meta.verbose_name_plural}")

    def delete(self):
        _refuse(f"deleting {self.model._meta.verbose_name_plural}")

    def bulk_update(self, objs, fields, batch_size=None):
        _refuse(f"updating {self.model._meta.verbose_name_plural}")

    def bulk_create(self, objs, *args, update_conflicts=False, **kwargs):
        if update_conflicts:
            _refuse(f"updating {self.model._meta.verbose_name_plural} on conflict")
        return super().bulk_create(objs, *args, **kwargs)


class AuditEvent(models.Model):
    """One thing someone did or saw, in the order it happened.

    `sequence` is the event's position in the chain (1, 2, 3 … with no gaps) and its
    primary key, so the hash can cover it: it is known before the row is inserted.
    """

    sequence = models.PositiveBigIntegerField(primary_key=True)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the (…, occurred_at) indexes below lead with it
        related_name="+",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=30, blank=True)
    organisation = models.ForeignKey(
        "directory.Organisation",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the (…, occurred_at) indexes below lead with it
        related_name="+",
    )
    organisation_name = models.CharField(max_length=250, blank=True)
    person_public_id = models.UUIDField(null=True, blank=True)
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=40, blank=True)
    basis = models.CharField(max_length=30, choices=Basis.choices)
    detail = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_time"),
            models.Index(fields=["person_public_id", "occurred_at"], name="audit_person_time"),
            models.Index(fields=["basis", "occurred_at"], name="audit_basis_time"),
            models.Index(fields=["organisation", "occurred_at"], name="audit_organisation_time"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(action=""), name="audit_action_not_empty"),
            models.CheckConstraint(
                condition=models.Q(sequence__gte=1), name="audit_sequence_from_1"
            ),
        ]

    def __str__(self) -> str:
        who = self.actor_username or "system"
        return f"#{self.sequence} {self.occurred_at:%Y-%m-%d %H:%M:%S} {who} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            _refuse(f"changing audit event #{self.sequence}")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse(f"deleting audit event #{self.sequence}")


class AuditCheckpoint(models.Model):
    """An event number and hash that verification found good, kept beside the chain.

    A chain cut short at its end is still perfectly linked; a checkpoint says how far it
    reached, so cutting back past one is found. Checkpoints are written when the chain is
    verified, not on every append: a row updated on every append would serialise and
    bloat, and a checkpoint only needs to be as fresh as the last verification.
    """

    sequence = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)
    recorded_at = models.DateTimeField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"audit checkpoint at event #{self.sequence}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            _refuse("changing an audit checkpoint")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse("deleting an audit checkpoint")
