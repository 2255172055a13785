"""The demo co-building network in a generated tiny district, and the whole-district graph the
benchmark builds from it."""

import random
from datetime import date

import pytest
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from backend.cobuilding import demo, graph
from backend.cobuilding.models import CoBuildingPair, PairCommitment, ServiceRecord
from backend.cobuilding.selectors import district_graph
from backend.demo.generator import SIZES, generate_district
from backend.orgs.models import PartyOrg
from backend.orgs.rules import COMMUNITY_KINDS
from tenants.context import in_district
from tenants.models import Municipality
from tenants.provisioning import district_create

# Rolled back with the test: the new district's schema and rows go with it.
pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


@pytest.fixture
def tiny_district() -> str:
    district_create(
        municipality=Municipality.objects.get(code="testcity"),
        code="democob",
        name="演示区",
        admin_username="admin",
        admin_password="Demo-test-2024",
    )
    with in_district("democob"):
        generate_district(seed=7, size=SIZES["tiny"], district_name="演示区", region_code="330212")
    return "democob"


def test_demo_network_obeys_the_rules(tiny_district: str) -> None:
    with in_district(tiny_district):
        counts = demo.populate(random.Random(3), TODAY)
        assert (
            counts["cobuilding_pairs"]
            == CoBuildingPair.objects.filter(renewed_from__isnull=True).count()
        )
        assert (
            counts["cobuilding_renewals"]
            == CoBuildingPair.objects.filter(renewed_from__isnull=False).count()
        )
        communities = PartyOrg.objects.filter(kind__in=COMMUNITY_KINDS).count()
        assert counts["cobuilding_pairs"] >= 2 * communities * 0.8
        assert counts["cobuilding_commitments"] == PairCommitment.objects.count() > 0
        assert counts["cobuilding_service_records"] == ServiceRecord.objects.count() > 0
        # Services within their pair's period, never in the future, and both ways.
        assert not ServiceRecord.objects.filter(
            Q(served_on__lt=F("pair__starts_on"))
            | Q(served_on__gt=Coalesce("pair__ended_on", "pair__ends_on"))
            | Q(served_on__gt=TODAY)
        ).exists()
        assert set(ServiceRecord.objects.values_list("direction", flat=True)) == {
            "a_to_b",
            "b_to_a",
        }
        # Renewals start the day after the pair they renew, with the same parties.
        for renewal in CoBuildingPair.objects.filter(renewed_from__isnull=False).select_related(
            "renewed_from"
        ):
            old = renewal.renewed_from
            assert old is not None
            assert (renewal.starts_on - old.ends_on).days == 1
            assert (renewal.a_org_id, renewal.b_org_id, renewal.b_unit_id) == (
                old.a_org_id,
                old.b_org_id,
                old.b_unit_id,
            )
        # Themes belong to their campaign.
        assert (
            not CoBuildingPair.objects.filter(theme__isnull=False)
            .exclude(theme__campaign=F("campaign"))
            .exists()
        )
        built = district_graph(active_on=TODAY, types=frozenset({graph.PAIR}))
        active = CoBuildingPair.objects.annotate(last=Coalesce("ended_on", "ends_on")).filter(
            starts_on__lte=TODAY, last__gte=TODAY
        )
        assert len(built.edges) == active.count() > 0
        assert built.truncated is False
        # Deterministic for a given random stream.
        before = ServiceRecord.objects.count()
        CoBuildingPair.objects.filter(renewed_from__isnull=False).delete()
        CoBuildingPair.objects.all().delete()
        again = demo.populate(random.Random(3), TODAY)
        assert again == counts
        assert ServiceRecord.objects.count() == before
