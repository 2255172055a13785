from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "backend.activities"
    label = "activities"
    verbose_name = "活动 (activities and volunteer teams)"
