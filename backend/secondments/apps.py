from django.apps import AppConfig


class SecondmentsConfig(AppConfig):
    name = "backend.secondments"
    label = "secondments"
    verbose_name = "干部下基层 (cadre secondments)"
