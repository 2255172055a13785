"""Cross-district roll-ups: aggregates only, one statement over every district's schema."""

from dataclasses import dataclass

from django.db import connection
from django_tenants.utils import quote_schema_name

from backend.members.models import Member
from backend.orgs.models import PartyOrg
from tenants.models import District


@dataclass(frozen=True)
class DistrictTotals:
    district: District
    org_count: int
    member_count: int


def district_totals() -> list[DistrictTotals]:
    districts = list(District.objects.serving().select_related("municipality"))
    if not districts:
        return []
    parts = []
    for index, district in enumerate(districts):
        schema = quote_schema_name(district.schema_name)
        parts.append(
            f"SELECT {index} AS i,"  # noqa: S608
            f" (SELECT count(*) FROM {schema}.{PartyOrg._meta.db_table}),"
            f" (SELECT count(*) FROM {schema}.{Member._meta.db_table})"
        )
    with connection.cursor() as cursor:
        # Schema names are quoted and table names come from the models: no user input here.
        cursor.execute(" UNION ALL ".join(parts))
        rows = cursor.fetchall()
    return [
        DistrictTotals(districts[i], org_count, member_count) for i, org_count, member_count in rows
    ]
