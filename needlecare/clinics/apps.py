from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    name = "needlecare.clinics"
    label = "clinics"
