from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "backend.councils"
    label = "councils"
    verbose_name = "三会一站 (councils)"
