from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "backend.transfers"
    label = "transfers"
    verbose_name = "组织关系转接 (relation transfers)"

    def ready(self) -> None:
        # Registers the handler the platform runs in the sending district when the other answers.
        from backend.transfers import exchange  # noqa: F401
