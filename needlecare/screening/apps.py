from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "needlecare.screening"
    label = "screening"
