"""The tenant-facing pieces of the API: "which district am I in" and the municipal roll-up."""

import strawberry
import strawberry_django
from django.conf import settings

from backend.common.graphql.permissions import IsDistrictUser, IsPlatformUser
from backend.orgs.graphql import PartyOrgType
from backend.orgs.models import PartyOrg
from tenants.context import current_district
from tenants.models import District
from tenants.rollup import district_totals


@strawberry.type(name="District", description="区: the district whose host this is.")
class DistrictInfo:
    code: str
    name: str
    municipality_name: str | None

    @strawberry_django.field(description="The district committee (区委), root of the org tree.")
    def root_org(self) -> PartyOrgType | None:
        return PartyOrg.objects.filter(parent__isnull=True).first()  # type: ignore[return-value]


@strawberry.type
class DistrictQuery:
    @strawberry_django.field(permission_classes=[IsDistrictUser])
    def district(self) -> DistrictInfo:
        district = current_district()
        assert district is not None  # IsDistrictUser guarantees a district host
        municipality = district.municipality
        return DistrictInfo(
            code=district.code,
            name=district.name,
            municipality_name=municipality.name if municipality else None,
        )


@strawberry.type(name="DistrictSummary", description="A district's totals; no personal data.")
class DistrictSummary:
    code: str
    name: str
    host: str
    municipality_name: str | None
    org_count: int
    member_count: int


def _host(district: District) -> str:
    return f"{district.code}.{settings.PLATFORM_HOST}"


@strawberry.type
class MunicipalQuery:
    @strawberry_django.field(permission_classes=[IsPlatformUser])
    def districts(self) -> list[DistrictSummary]:
        return [
            DistrictSummary(
                code=t.district.code,
                name=t.district.name,
                host=_host(t.district),
                municipality_name=t.district.municipality.name if t.district.municipality else None,
                org_count=t.org_count,
                member_count=t.member_count,
            )
            for t in district_totals()
        ]
