from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "needlecare.web"
    label = "web"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from needlecare.web.navigation import on_sign_in

        user_logged_in.connect(on_sign_in, dispatch_uid="needlecare.web.navigation")
