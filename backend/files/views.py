"""The download behind a DownloadLink: authenticated like the GraphQL endpoint, on the district's
host, for the user the link was made for only; everything else is the same 404. Streamed from
the stored chunks, so a large export never sits in memory; every download is audited."""

from urllib.parse import quote

from django.http import HttpRequest, HttpResponseBase, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from backend.accounts.authentication import authenticate_request
from backend.audit.services import audit_record
from backend.files.links import linked_file
from backend.files.services import stored_file_chunks
from tenants.context import current_district

_NOT_FOUND = {"errors": [{"message": "Not found.", "extensions": {"code": "NOT_FOUND"}}]}
_UNAUTHENTICATED = {
    "errors": [{"message": "Authentication required.", "extensions": {"code": "UNAUTHENTICATED"}}]
}


def content_disposition(name: str) -> str:
    """RFC 6266: an ASCII fallback for old clients, and the real (Chinese) name as
    filename*=UTF-8''…, which every current browser prefers."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in name
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@require_GET
def download(request: HttpRequest, token: str) -> HttpResponseBase:
    refused = authenticate_request(request)
    if refused is not None:
        return refused
    user = request.user
    if current_district() is None or not (user.is_authenticated and user.is_active):
        return JsonResponse(_UNAUTHENTICATED, status=401)
    file = linked_file(token, user)
    if file is None:
        return JsonResponse(_NOT_FOUND, status=404)
    audit_record(
        action="file.download",
        target=file,
        detail={"name": file.name, "purpose": file.purpose, "size": file.size},
    )
    response = StreamingHttpResponse(stored_file_chunks(file), content_type=file.content_type)
    response["Content-Length"] = str(file.size)
    response["Content-Disposition"] = content_disposition(file.name)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
