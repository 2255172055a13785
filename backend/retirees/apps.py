from django.apps import AppConfig


class RetireesConfig(AppConfig):
    name = "backend.retirees"
    label = "retirees"
    verbose_name = "离退休党员 (retired members)"
