from django.conf import settings
from django.urls import path

from backend.api.schema import district_schema
from backend.common.graphql.view import AuthenticatedGraphQLView
from backend.config.health import health
from backend.files.views import download as file_download
from backend.in_service.views import feedback_card_page

urlpatterns = [
    path(
        "graphql/",
        AuthenticatedGraphQLView.as_view(
            schema=district_schema,
            graphql_ide="graphiql" if settings.DEBUG else None,
            # Imports upload files (GraphQL multipart request spec). Session requests still need
            # a CSRF token (accounts.authentication), multipart ones included.
            multipart_uploads_enabled=True,
        ),
    ),
    path("healthz", health),
    # The printable 在职党员社区表现反馈卡 (authenticated and scope-checked like the API).
    path("cards/feedback/<path:global_id>/", feedback_card_page),
    # A DownloadLink's file (exports, import reports): the signed-in user it was made for only.
    path("files/<str:token>/", file_download),
]
