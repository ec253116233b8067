from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "needlecare.reports"
    label = "reports"
