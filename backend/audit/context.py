"""The request being served, for audit entries written deep in the services.

AuditRequestMiddleware puts the request in a context variable for the duration of the request, so
audit_record learns who is acting and from where without every service signature carrying the
request. request.user is read when an entry is written, so the bearer-token user that the GraphQL
view authenticates after the middleware has run is the one recorded.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponseBase

_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def current_request() -> HttpRequest | None:
    return _current_request.get()


@contextmanager
def request_context(request: HttpRequest | None) -> Iterator[None]:
    """Serve `request` as the current one inside the block (the middleware, tests, tasks)."""
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


class AuditRequestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with request_context(request):
            return self.get_response(request)
