"""The canary matrix compares districts by per-table fingerprints: a change to any column of any
row of a work table shows, in that table's fingerprint only."""

import pytest

from backend.campaigns.models import Campaign
from backend.orgs.models import PartyOrg
from tenants.context import in_district
from tests.support.district_rows import district_fingerprints

pytestmark = pytest.mark.django_db


def test_a_changed_column_changes_that_tables_fingerprint_only() -> None:
    before = district_fingerprints("alpha")
    with in_district("alpha"):
        Campaign.objects.filter(code="banner_action").update(description="改过的说明")
    after = district_fingerprints("alpha")
    assert {table for table in before if before[table] != after[table]} == {"campaigns.campaign"}


def test_a_renamed_org_changes_alphas_fingerprint_and_not_betas() -> None:
    beta_before = district_fingerprints("beta")
    alpha_before = district_fingerprints("alpha")
    with in_district("alpha"):
        PartyOrg.objects.filter(code="alpha-s2").update(name="改名的街道")
    assert district_fingerprints("alpha")["orgs"] != alpha_before["orgs"]
    assert district_fingerprints("beta") == beta_before
