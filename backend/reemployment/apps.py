from django.apps import AppConfig


class ReemploymentConfig(AppConfig):
    name = "backend.reemployment"
    label = "reemployment"
    verbose_name = "下岗职工党员与再就业 (laid-off members)"
