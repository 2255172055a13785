"""The platform URLs plus the municipal floor view."""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from backend.config.urls_platform import urlpatterns as platform_urlpatterns
from bench.floor import municipal_floor_view

urlpatterns = [
    *platform_urlpatterns,
    path("bench/floor/municipal", csrf_exempt(municipal_floor_view)),
]
