"""The participation figures (参与率's raw material) on a hand-built dataset, the index their one
query reads, and deleting a member who took part."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from backend.activities.models import (
    Activity,
    ActivityParticipation,
    VolunteerTeam,
    VolunteerTeamMembership,
)
from backend.activities.selectors import (
    participants_by_category_query,
    participation_by_category,
)
from backend.orgs.models import PartyOrg
from tests.activities.world import World, build_world

pytestmark = pytest.mark.usefixtures("in_alpha")


def _activity(org: PartyOrg, on: date, parts: dict[str, str], world: World) -> Activity:
    activity = Activity.objects.create(org=org, title=f"活动{on}", occurred_on=on)
    ActivityParticipation.objects.bulk_create(
        ActivityParticipation(
            activity=activity, member=world.members[key], hours=Decimal(hours), occurred_on=on
        )
        for key, hours in parts.items()
    )
    return activity


def _dataset() -> World:
    world = build_world("参与", date(1973, 3, 3))
    c1, c2 = world.communities
    _activity(c1, date(2025, 3, 1), {"c1a": "2", "worker": "1.5"}, world)
    # Organised by the unit's org, yet c1a counts at their own org (c1).
    _activity(world.unit_org, date(2025, 3, 31), {"c1a": "1"}, world)
    _activity(c2, date(2025, 4, 1), {"retired": "3"}, world)  # after the period
    _activity(world.other_community, date(2025, 3, 5), {"outsider": "2"}, world)
    return world


def test_figures_by_category_per_subtree() -> None:
    world = _dataset()
    march = {"start": date(2025, 3, 1), "end": date(2025, 3, 31)}
    street = participation_by_category(within=world.street, **march)
    assert street["community"] == {"members": 2, "participants": 1, "hours": Decimal("3.0")}
    assert street["in_service"] == {"members": 1, "participants": 1, "hours": Decimal("1.5")}
    assert street["retired"] == {"members": 1, "participants": 0, "hours": Decimal(0)}
    assert street["mobile"] == {"members": 0, "participants": 0, "hours": Decimal(0)}
    c1 = participation_by_category(within=world.communities[0], **march)
    assert (c1["community"]["participants"], c1["in_service"]["participants"]) == (1, 0)
    spring = participation_by_category(
        within=world.street, start=date(2025, 3, 1), end=date(2025, 4, 30)
    )
    assert spring["retired"]["participants"] == 1
    district = participation_by_category(within=None, **march)
    assert district["community"]["participants"] >= 2  # c1a and the other street's member


def test_the_query_reads_the_period_index() -> None:
    world = _dataset()
    query = participants_by_category_query(
        within=world.street, start=date(2025, 3, 1), end=date(2025, 3, 31)
    )
    with connection.cursor() as cursor:
        # On a few rows a sequential scan is cheaper; forbid it, as on a big table.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
        cursor.execute("SET LOCAL enable_seqscan = on")
    # The period's index (district-wide) or the per-member one (a small subtree's members
    # probed one by one, as the planner chooses on 1,000,000 rows): never the whole table.
    assert "activities_part_on_member" in plan or "activities_part_member_on" in plan, plan
    assert "Seq Scan on activities_activityparticipation" not in plan, plan


def test_deleting_a_member_deletes_their_participation_and_team_places() -> None:
    world = _dataset()
    member = world.members["c1a"]
    team = VolunteerTeam.objects.create(
        org=world.communities[0], name="志愿服务队", founded_on=date(2024, 1, 1)
    )
    VolunteerTeamMembership.objects.create(team=team, member=member, joined_on=date(2024, 2, 1))
    activities = Activity.objects.filter(participations__member=member).count()
    assert activities == 2
    member.delete()
    assert not ActivityParticipation.objects.filter(member_id=member.pk).exists()
    assert not VolunteerTeamMembership.objects.filter(member_id=member.pk).exists()
    # The activities stay, with their other participants.
    assert Activity.objects.filter(org=world.unit_org).count() == 1
    assert ActivityParticipation.objects.filter(member=world.members["worker"]).count() == 1
