from django.apps import AppConfig


class PositionsConfig(AppConfig):
    name = "backend.positions"
    label = "positions"
    verbose_name = "阵地 (Party-building positions)"
