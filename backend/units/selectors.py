from django.db.models import QuerySet

from backend.orgs.models import PartyOrg
from backend.units.models import Unit


def unit_list(
    *,
    kind: str | None = None,
    party_org_status: str | None = None,
    covered_within: PartyOrg | None = None,
    search: str | None = None,
) -> QuerySet[Unit]:
    qs = Unit.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    if party_org_status:
        qs = qs.filter(party_org_status=party_org_status)
    if covered_within is not None:
        qs = qs.filter(covering_org__path__descendant_of=covered_within.path)
    if search:
        qs = qs.filter(name__icontains=search.strip())
    return qs.order_by("name", "id")
