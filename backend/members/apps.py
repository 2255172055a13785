from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "backend.members"
    label = "members"
    verbose_name = "党员 (Party members)"
