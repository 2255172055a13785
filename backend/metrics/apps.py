from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "backend.metrics"
    label = "metrics"
    verbose_name = "指标 (coverage and participation metrics)"
