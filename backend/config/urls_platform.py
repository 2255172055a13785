from django.conf import settings
from django.urls import path

from backend.api.schema import platform_schema
from backend.common.graphql.view import AuthenticatedGraphQLView
from backend.config.health import health

urlpatterns = [
    path(
        "graphql/",
        AuthenticatedGraphQLView.as_view(
            schema=platform_schema, graphql_ide="graphiql" if settings.DEBUG else None
        ),
    ),
    path("healthz", health),
]
