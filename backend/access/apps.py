from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "backend.access"
    label = "access"
    verbose_name = "权限 (roles and scopes)"
