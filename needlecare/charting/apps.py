from django.apps import AppConfig


class ChartingConfig(AppConfig):
    name = "needlecare.charting"
    label = "charting"
