from django.apps import AppConfig


class CobuildingConfig(AppConfig):
    name = "backend.cobuilding"
    label = "cobuilding"
    verbose_name = "共驻共建 (co-building pairs and graph)"
