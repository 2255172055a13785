"""The district URLs plus the floor view: what the benchmark's gunicorn serves."""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from backend.config.urls_district import urlpatterns as district_urlpatterns
from bench.floor import floor_view

urlpatterns = [
    *district_urlpatterns,
    path("bench/floor/<str:operation>", csrf_exempt(floor_view)),
]
