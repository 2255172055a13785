"""What the benchmark asks about: a district's target rows, and tokens to ask with.

Runs inside the harness process after django.setup(), against the benchmark database.
"""

import random
from datetime import timedelta

from django.db import connection

from backend.accounts.models import PlatformRole, User
from backend.accounts.services import platform_user_create, token_issue
from bench.targets import Targets
from tenants.context import in_district, in_platform
from tenants.models import District

ANALYST = "bench_analyst"
PASSWORD = "Bench-pass-2024"  # noqa: S105 - a throwaway account in the benchmark's database


def _one(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    if row is None:
        raise RuntimeError(f"The benchmark district has no row for: {sql}")
    return int(row[0])


def pick_targets(district: District, *, seed: int = 7) -> Targets:
    """The largest street, the community with most children, a deepest org and 100 members."""
    with in_district(district.code):
        street = _one(
            """SELECT s.id FROM orgs_partyorg s JOIN orgs_partyorg d ON d.path <@ s.path
               WHERE s.kind = 'street_working_committee'
               GROUP BY s.id ORDER BY count(*) DESC, s.id LIMIT 1"""
        )
        community = _one(
            """SELECT c.id FROM orgs_partyorg c JOIN orgs_partyorg k ON k.parent_id = c.id
               WHERE c.kind IN ('community_committee', 'community_general_branch')
               GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1"""
        )
        leaf = _one("SELECT id FROM orgs_partyorg ORDER BY depth DESC, id LIMIT 1")
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM members_member ORDER BY id")
            member_pks = [row[0] for row in cursor.fetchall()]
        # The commonest surname among in-service members: a search that fills a page.
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT left(name, 1) FROM members_member WHERE category = 'in_service'
                   GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"""
            )
            (surname,) = cursor.fetchone() or ("王",)
    sample = random.Random(seed).sample(member_pks, min(100, len(member_pks)))
    return Targets(
        schema=district.schema_name,
        district_code=district.code,
        street_pk=street,
        community_pk=community,
        leaf_pk=leaf,
        member_pk=sample[0],
        member_pks=tuple(sample),
        category="in_service",
        search=surname,
    )


def district_token(district: District) -> str:
    with in_district(district.code):
        admin = User.objects.get(username="admin")
        return token_issue(user=admin, name="benchmark", ttl=timedelta(days=1)).key


def analyst_token() -> str:
    with in_platform():
        analyst = User.objects.filter(username=ANALYST).first() or platform_user_create(
            username=ANALYST, password=PASSWORD, role=PlatformRole.MUNICIPAL_ANALYST
        )
        return token_issue(user=analyst, name="benchmark", ttl=timedelta(days=1)).key


def serving_districts() -> list[District]:
    with in_platform():
        return list(District.objects.serving().order_by("code"))
