from django.http import HttpRequest, JsonResponse
from django_tenants.middleware.main import TenantMainMiddleware


class DistrictRoutingMiddleware(TenantMainMiddleware):
    """Route each request to its district's schema by host; an unknown host is a 404, never public."""

    def no_tenant_found(self, request: HttpRequest, hostname: str) -> JsonResponse:
        return JsonResponse(
            {"errors": [{"message": "Unknown host.", "extensions": {"code": "UNKNOWN_HOST"}}]},
            status=404,
        )

    def process_request(self, request: HttpRequest) -> JsonResponse | None:
        response = super().process_request(request)
        if response is None and getattr(getattr(request, "tenant", None), "is_template", False):
            return self.no_tenant_found(request, request.get_host())
        return response
