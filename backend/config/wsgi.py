import os
from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application

from backend.config.data_stack import run_in_roomy_chunk

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings")
_django = get_wsgi_application()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    # Each request in a frame-stack chunk of its own (backend/config/data_stack.py says why).
    return run_in_roomy_chunk(lambda: _django(environ, start_response))
