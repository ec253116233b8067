from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "needlecare.patients"
    label = "patients"
