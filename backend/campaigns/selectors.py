"""Reads of 活动载体: district-wide data, the same for every reader of the district."""

from django.db.models import Q, QuerySet

from backend.campaigns.models import Campaign


def campaign_list(
    *, include_children: bool = False, search: str | None = None
) -> QuerySet[Campaign]:
    qs = Campaign.objects.all()
    if not include_children:
        qs = qs.filter(parent__isnull=True)
    if search:
        qs = qs.filter(Q(name__icontains=search.strip()) | Q(code__icontains=search.strip()))
    return qs.order_by("code", "id")


def campaign_with_children(campaign: Campaign) -> Q:
    """A filter on a `campaign` field: this campaign or one directly under it (百名干部进社区 is
    part of 干部下基层)."""
    return Q(campaign_id=campaign.pk) | Q(campaign__parent_id=campaign.pk)
