"""The printable feedback card: an HTML page for a work unit outside the platform.

Authenticated like the GraphQL endpoint (a bearer token or a session), on the district's host,
and scope-checked like the API: readers of the issuing community, or once sent, of the
recipient org. Personal data appears masked only. Each print is audited (an export)."""

import base64
import binascii

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET

from backend.access.scopes import access_for_request
from backend.accounts.authentication import authenticate_request
from backend.audit.services import audit_record
from backend.in_service.models import FeedbackCard, FeedbackState
from backend.in_service.services.feedback import printable_card
from tenants.context import current_district
from tenants.global_ids import decode_node_id

_NOT_FOUND = {"errors": [{"message": "Not found.", "extensions": {"code": "NOT_FOUND"}}]}


def _card_pk(global_id: str) -> int | None:
    try:
        decoded = base64.b64decode(global_id, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    type_name, _, node_id = decoded.partition(":")
    return decode_node_id(node_id) if type_name == "InServiceFeedbackCard" else None


def _visible(request: HttpRequest, card: FeedbackCard) -> bool:
    access = access_for_request(request)
    if access.can_read(card.reporter.community.path):
        return True
    recipient = card.recipient_org
    return (
        recipient is not None
        and card.state != FeedbackState.DRAFT
        and access.can_read(recipient.path)
    )


_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;width:100%}}
th,td{{border:1px solid #333;padding:.5em;text-align:left;vertical-align:top}}
th{{width:9em;background:#f3f3f3}}@media print{{body{{margin:0}}}}</style></head>
<body><h1>{title}</h1><table>{rows}</table>
<p>签收单位（盖章）：＿＿＿＿＿＿＿＿　签收人：＿＿＿＿　日期：＿＿＿＿</p></body></html>"""


@require_GET
def feedback_card_page(request: HttpRequest, global_id: str) -> HttpResponse:
    refused = authenticate_request(request)
    if refused is not None:
        return refused
    user = request.user
    if current_district() is None or not (user.is_authenticated and user.is_active):
        return JsonResponse(
            {
                "errors": [
                    {
                        "message": "Authentication required.",
                        "extensions": {"code": "UNAUTHENTICATED"},
                    }
                ]
            },
            status=401,
        )
    pk = _card_pk(global_id)
    card = (
        FeedbackCard.objects.select_related(
            "reporter__community", "reporter__member", "reporter__work_unit", "recipient_org"
        )
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if card is None or not _visible(request, card):
        return JsonResponse(_NOT_FOUND, status=404)
    printable = printable_card(card)
    audit_record(action="in_service.feedback.print", target=card)
    html = format_html(
        _PAGE,
        title=printable.title,
        rows=format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", printable.rows),
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
