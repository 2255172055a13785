from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "backend.imports"
    verbose_name = "导入"
