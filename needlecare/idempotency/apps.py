from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "needlecare.idempotency"
    label = "idempotency"
    verbose_name = "Idempotency keys"
