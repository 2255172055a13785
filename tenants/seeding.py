"""Generated districts for demos and benchmarks: a district provisioned and filled in one go.

The data comes from backend.demo.generator; this module adds what is tenant-aware about it: the
platform, municipality and template it needs, one transaction per district, and reading a
district's counts back.
"""

from dataclasses import dataclass

from django.db import transaction

from backend.demo.generator import DistrictSize, GenerationReport, Progress, generate_district
from backend.members.models import Member
from backend.orgs.models import PartyOrg
from backend.units.models import Unit
from tenants.context import in_district, in_platform
from tenants.models import District, Municipality
from tenants.provisioning import (
    ProvisionedDistrict,
    district_create,
    municipality_ensure,
    platform_ensure,
    template_schema_ensure,
)

ADMIN_USERNAME = "admin"
DEFAULT_PASSWORD = "Demo-pass-2024"  # noqa: S105 - a documented demo password, not a secret


@dataclass(frozen=True)
class GeneratedDistrict:
    provisioned: ProvisionedDistrict
    report: GenerationReport


@dataclass(frozen=True)
class DistrictCounts:
    orgs: int
    units: int
    members: int


def city_ensure(*, code: str, name: str) -> Municipality:
    """The platform's own tenant row, the municipality and a migrated template schema."""
    with in_platform():
        platform_ensure()
        municipality = municipality_ensure(code=code, name=name)
        template_schema_ensure()  # migrate it now, outside the per-district transactions
    return municipality


def existing_district(code: str) -> District | None:
    with in_platform():
        return District.objects.filter(code=code).first()


def generated_district_create(
    *,
    municipality: Municipality,
    code: str,
    name: str,
    region_code: str,
    seed: int,
    size: DistrictSize,
    admin_password: str,
    progress: Progress | None = None,
) -> GeneratedDistrict:
    """A new district with an admin and generated data, all or nothing (one transaction)."""
    with transaction.atomic():
        provisioned = district_create(
            municipality=municipality,
            code=code,
            name=name,
            admin_username=ADMIN_USERNAME,
            admin_password=admin_password,
        )
        with in_district(provisioned.district):
            report = generate_district(
                seed=seed,
                size=size,
                district_name=name,
                region_code=region_code,
                progress=progress,
            )
    return GeneratedDistrict(provisioned=provisioned, report=report)


def district_counts(district: District) -> DistrictCounts:
    with in_district(district):
        return DistrictCounts(
            orgs=PartyOrg.objects.count(),
            units=Unit.objects.count(),
            members=Member.objects.count(),
        )
