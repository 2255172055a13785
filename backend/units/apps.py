from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "backend.units"
    label = "units"
    verbose_name = "单位 (units)"
