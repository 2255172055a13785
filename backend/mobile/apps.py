from django.apps import AppConfig


class MobileConfig(AppConfig):
    name = "backend.mobile"
    label = "mobile"
    verbose_name = "流动党员 (mobile members)"
