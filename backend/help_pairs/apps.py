from django.apps import AppConfig


class HelpPairsConfig(AppConfig):
    name = "backend.help_pairs"
    label = "help_pairs"
    verbose_name = "结对帮扶 (help pairs)"
