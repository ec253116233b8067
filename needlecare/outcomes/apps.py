from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "needlecare.outcomes"
    label = "outcomes"
