from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "backend.orgs"
    label = "orgs"
    verbose_name = "党组织 (Party organisations)"
