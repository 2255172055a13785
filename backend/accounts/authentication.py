"""Who is calling: a bearer token (no cookies involved) or a Django session (CSRF-checked)."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware

from backend.accounts.models import TokenScope
from backend.accounts.services import token_authenticate


def _unauthorized(message: str, code: str, status: int = 401) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status=status
    )


def _csrf_failure(request: HttpRequest) -> HttpResponse | None:
    checker = CsrfViewMiddleware(lambda _request: HttpResponse())
    checker.process_request(request)
    return checker.process_view(request, lambda _request: HttpResponse(), (), {})


def authenticate_request(request: HttpRequest) -> HttpResponse | None:
    """Set request.user from the Authorization header or the session; a response means refused."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, key = header.partition(" ")
        token = token_authenticate(key.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            return _unauthorized("Invalid or expired token.", "INVALID_TOKEN")
        request.user = token.user
        request.auth_scopes = frozenset(token.scopes)  # type: ignore[attr-defined]
        return None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and request.method not in {"GET", "HEAD"}:
        failure = _csrf_failure(request)
        if failure is not None:
            return _unauthorized("CSRF check failed.", "CSRF_FAILED", status=403)
    if user is None:
        request.user = AnonymousUser()
    # A signed-in session acts with every scope its user has.
    request.auth_scopes = frozenset(TokenScope.values)  # type: ignore[attr-defined]
    return None
