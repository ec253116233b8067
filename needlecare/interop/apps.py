from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "needlecare.interop"
    label = "interop"
