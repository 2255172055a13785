from django.conf import settings
from django.urls import path

from backend.api.schema import district_schema
from backend.common.graphql.view import AuthenticatedGraphQLView
from backend.config.health import health

urlpatterns = [
    path(
        "graphql/",
        AuthenticatedGraphQLView.as_view(
            schema=district_schema, graphql_ide="graphiql" if settings.DEBUG else None
        ),
    ),
    path("healthz", health),
]
