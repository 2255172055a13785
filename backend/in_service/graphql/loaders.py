"""Loading the objects an input names, with the scope check: an object the user cannot see is
NOT_FOUND, one they see but may not change is FORBIDDEN."""

from typing import TypeVar

from django.db import models
from strawberry import relay
from strawberry.types import Info

from backend.access.guards import access_of, check_readable, check_writable
from backend.common.graphql.errors import not_found
from backend.in_service import selectors
from backend.in_service.models import ActivityEntry, FeedbackCard, Report, Reporter
from backend.members.models import Member
from tenants.global_ids import decode_node_id
from tenants.models import Dispatch

M = TypeVar("M", bound=models.Model)


def _load(
    model: type[M], type_names: tuple[str, ...], global_id: relay.GlobalID, field: str, what: str
) -> M:
    pk = decode_node_id(global_id.node_id) if global_id.type_name in type_names else None
    obj = model._default_manager.filter(pk=pk).first() if pk is not None else None
    if obj is None:
        raise not_found(field, what)
    return obj


def load_reporter(info: Info, global_id: relay.GlobalID, field: str) -> Reporter:
    """A reporter the user may write (through their community)."""
    reporter = _load(Reporter, ("InServiceReporter",), global_id, field, "报到党员")
    reporter = Reporter.objects.select_related("community", "member").get(pk=reporter.pk)
    check_writable(info, reporter.community.path, field=field, what="报到党员")
    return reporter


def load_report(info: Info, global_id: relay.GlobalID, field: str) -> Report:
    report = _load(Report, ("InServiceReport",), global_id, field, "报到记录")
    check_writable(info, report.community.path, field=field, what="报到记录")
    return report


def load_entry(info: Info, global_id: relay.GlobalID, field: str) -> ActivityEntry:
    entry = _load(ActivityEntry, ("InServiceActivityEntry",), global_id, field, "活动登记")
    check_writable(info, entry.reporter.community.path, field=field, what="活动登记")
    return entry


def load_card_for_sender(info: Info, global_id: relay.GlobalID, field: str) -> FeedbackCard:
    """A card to edit or send: written by the issuing community."""
    card = _load(FeedbackCard, ("InServiceFeedbackCard",), global_id, field, "反馈卡")
    check_writable(info, card.reporter.community.path, field=field, what="反馈卡")
    return card


def load_card_for_recipient(info: Info, global_id: relay.GlobalID, field: str) -> FeedbackCard:
    """A card to sign for: by the org it was sent to (a draft is not there yet)."""
    card = _load(FeedbackCard, ("InServiceFeedbackCard",), global_id, field, "反馈卡")
    if card.recipient_org is None or card.state == "draft":
        raise not_found(field, "反馈卡")
    check_writable(info, card.recipient_org.path, field=field, what="反馈卡")
    return card


def load_member(info: Info, global_id: relay.GlobalID, field: str) -> Member:
    """A member named by a Member or InServiceMember ID, visible where their relation is held
    or to the community they live in."""
    member = _load(Member, ("Member", "InServiceMember"), global_id, field, "党员")
    access = access_of(info)
    paths = [member.org.path]
    if member.residence_community is not None:
        paths.append(member.residence_community.path)
    if not any(access.can_read(path) for path in paths):
        raise not_found(field, "党员")
    return member


def load_received(info: Info, global_id: relay.GlobalID, field: str) -> Dispatch:
    """A card another district sent here: the matched member's org may sign for it, district
    administrators for any (also one that matches none of our members)."""
    access = access_of(info)
    pk = (
        decode_node_id(global_id.node_id)
        if global_id.type_name == "InServiceReceivedFeedback"
        else None
    )
    found = selectors.platform_inbox(access).filter(pk=pk).first() if pk else None
    if found is None:
        raise not_found(field, "反馈卡")
    path = getattr(found, "matched_org_path", None)
    check_readable(info, path, field=field, what="反馈卡")
    check_writable(info, path, field=field, what="反馈卡")
    return found
