from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "backend.exports"
    label = "exports"
    verbose_name = "导出 (exports of rosters, units, the org tree, activities and metrics)"
