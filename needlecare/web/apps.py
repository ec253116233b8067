from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "needlecare.web"
    label = "web"
