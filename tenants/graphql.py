"""The tenant-facing pieces of the API: "which district am I in" and the municipal roll-up."""

import strawberry
import strawberry_django
from django.conf import settings
from django.db import transaction
from strawberry.types import Info

from backend.common.graphql.errors import UserError, user_errors
from backend.common.graphql.permissions import (
    IsDistrictUser,
    IsMunicipalReader,
    IsPlatformOperator,
)
from backend.common.validation import ValidationFailed
from backend.orgs.graphql import PartyOrgType, visible_org
from backend.orgs.models import PartyOrg
from tenants.context import current_district
from tenants.models import District
from tenants.provisioning import district_create, municipality_ensure
from tenants.rollup import district_totals


@strawberry.type(name="District", description="区: the district whose host this is.")
class DistrictInfo:
    code: str
    name: str
    municipality_name: str | None

    @strawberry_django.field(description="The district committee (区委), root of the org tree.")
    def root_org(self, info: Info) -> PartyOrgType | None:
        """Null for a reader whose grants cover only part of the tree."""
        return visible_org(info, PartyOrg.objects.filter(parent__isnull=True).first())


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
    org_count: int | None = strawberry.field(
        description="Null when below the small-count threshold (MUNICIPAL_MIN_COUNT)."
    )
    member_count: int | None = strawberry.field(
        description="Null when below the small-count threshold, so nobody is re-identified."
    )


def _host(district: District) -> str:
    return f"{district.code}.{settings.PLATFORM_HOST}"


def _suppressed(count: int) -> int | None:
    return count if count >= settings.MUNICIPAL_MIN_COUNT else None


def _summary(district: District, org_count: int, member_count: int) -> DistrictSummary:
    return DistrictSummary(
        code=district.code,
        name=district.name,
        host=_host(district),
        municipality_name=district.municipality.name if district.municipality else None,
        org_count=_suppressed(org_count),
        member_count=_suppressed(member_count),
    )


@strawberry.type
class MunicipalQuery:
    @strawberry_django.field(permission_classes=[IsMunicipalReader])
    def districts(self) -> list[DistrictSummary]:
        return [_summary(t.district, t.org_count, t.member_count) for t in district_totals()]


@strawberry.type
class DistrictPayload:
    district: DistrictSummary | None
    seconds: float | None = strawberry.field(description="How long provisioning took.")
    errors: list[UserError]


@strawberry.input
class CreateDistrictInput:
    code: str = strawberry.field(description="Lowercase letters and digits; also the subdomain.")
    name: str
    municipality_code: str
    municipality_name: str | None = None
    admin_username: str
    admin_password: str


@strawberry.type
class PlatformMutation:
    @strawberry.mutation(
        permission_classes=[IsPlatformOperator],
        description="Provision a district: schema, host and first district admin.",
    )
    def create_district(self, input: CreateDistrictInput) -> DistrictPayload:
        try:
            with transaction.atomic():  # a refused district leaves no new municipality either
                municipality = municipality_ensure(
                    code=input.municipality_code,
                    name=input.municipality_name or input.municipality_code,
                )
                result = district_create(
                    municipality=municipality,
                    code=input.code,
                    name=input.name,
                    admin_username=input.admin_username,
                    admin_password=input.admin_password,
                )
        except ValidationFailed as exc:
            return DistrictPayload(district=None, seconds=None, errors=user_errors(exc))
        return DistrictPayload(
            district=_summary(result.district, 0, 0), seconds=result.seconds, errors=[]
        )
