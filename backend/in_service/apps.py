from django.apps import AppConfig


class InServiceConfig(AppConfig):
    name = "backend.in_service"
    label = "in_service"
    verbose_name = "在职党员 (in-service members)"

    def ready(self) -> None:
        # Registers the handler tenants.exchange runs here when another district signs for a
        # feedback card this district sent.
        from backend.in_service.services import feedback  # noqa: F401
