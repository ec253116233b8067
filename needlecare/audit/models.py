from typing import ClassVar

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One thing someone did to one record. Rows are only ever added."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Kept as a label too, so the trail survives the actor's account being removed.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar = ["-at", "-id"]
        indexes: ClassVar = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"


class AuditEventClinic(models.Model):
    """Which clinics' admins may read an event. A plain id: never cascaded away."""

    event = models.ForeignKey(AuditEvent, on_delete=models.CASCADE, related_name="clinics")
    clinic_id = models.BigIntegerField(db_index=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["event", "clinic_id"], name="audit_event_clinic_once")
        ]

    def __str__(self) -> str:
        return f"event {self.event_id} at clinic {self.clinic_id}"


class ReadEvent(models.Model):
    """One look at a patient's records: who (and as what), what, whose, when and from where.

    Kept apart from AuditEvent: reads far outnumber changes, are written on every page of a
    record outside any write's transaction, and must cost one lean INSERT. Plain ids, so the
    trail never cascades away with a record.
    """

    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254)
    role = models.CharField(max_length=20, blank=True)
    what = models.CharField(max_length=80)
    record_type = models.CharField(max_length=80)
    record_id = models.CharField(max_length=64, blank=True)
    patient_id = models.BigIntegerField(null=True, blank=True)
    address = models.CharField(max_length=45, blank=True)

    class Meta:
        ordering: ClassVar = ["-at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["patient_id", "at"], name="audit_read_patient_at")
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} read {self.what} of {self.patient_id}"
