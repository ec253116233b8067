from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "needlecare.demo"
    label = "demo"
