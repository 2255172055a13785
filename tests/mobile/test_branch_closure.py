"""Closing a temporary branch: assignments end, members are re-assigned, relations held by the
branch move, the branch's end date is set; all or nothing."""

from datetime import date, timedelta
from typing import Any

import pytest

from backend.audit.models import AuditEntry
from backend.common.validation import ValidationFailed
from backend.members.models import Member
from backend.mobile.branch_closure import temporary_branch_close
from backend.mobile.models import MobileAssignment, MobileMemberProfile
from backend.mobile.services import ProfileData, assignment_create, profile_create
from backend.orgs.models import PartyOrg
from tenants.context import in_district
from tests.mobile.world import ERRORS, World, build_world
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient

CLOSE = (
    "mutation($org: ID!, $on: Date!, $to: ID, $rel: ID) { closeTemporaryBranch(orgId: $org,"
    " closedOn: $on, reassignTo: $to, relationTo: $rel) { branch { id endDate } ended"
    " reassigned relationsMoved " + ERRORS + " } }"
)
CLOSED_ON = date.today() - timedelta(days=10)


def _profile(world: World, key: str) -> MobileMemberProfile:
    return profile_create(
        member=world.members[key],
        data=ProfileData(
            origin_place="四川省达州市",
            relation_location="in_district",
            trade="construction",
            community=world.orgs["community"],
            registered_on=date(2024, 6, 1),
        ),
    )


def _populated(world: World) -> dict[str, MobileMemberProfile]:
    profiles = {key: _profile(world, key) for key in ("m1", "m2", "m3", "in_branch")}
    assignment_create(profile=profiles["m1"], org=world.orgs["temp"], start_date=date(2024, 7, 1))
    assignment_create(
        profile=profiles["m2"], org=world.orgs["temp_group"], start_date=date(2024, 7, 1)
    )
    assignment_create(
        profile=profiles["in_branch"], org=world.orgs["temp"], start_date=date(2024, 8, 1)
    )
    # m3 was in the branch and left before: untouched.
    old = assignment_create(
        profile=profiles["m3"], org=world.orgs["temp"], start_date=date(2024, 7, 1)
    )
    old.end_date, old.end_reason = date(2024, 9, 1), "completed"
    old.save()
    return profiles


def _close(world: World, **kwargs: Any) -> Any:
    return temporary_branch_close(branch=world.orgs["temp"], closed_on=CLOSED_ON, **kwargs)


@pytest.mark.usefixtures("in_alpha")
class TestInProcess:
    def test_closing_moves_everyone(self) -> None:
        world = build_world()
        profiles = _populated(world)
        summary = _close(world, reassign_to=world.orgs["temp2"], relation_to=world.orgs["compound"])
        assert (summary.ended, summary.reassigned, summary.relations_moved) == (3, 3, 1)
        assert summary.branch.end_date == CLOSED_ON
        assert PartyOrg.objects.get(pk=world.orgs["temp_group"].pk).end_date == CLOSED_ON
        ended = MobileAssignment.objects.filter(
            org__in=[world.orgs["temp"], world.orgs["temp_group"]]
        )
        assert {(a.end_date, a.end_reason) for a in ended if a.profile_id != profiles["m3"].pk} == {
            (CLOSED_ON, "branch_closed")
        }
        assert ended.get(profile=profiles["m3"]).end_date == date(2024, 9, 1)
        moved = MobileAssignment.objects.filter(org=world.orgs["temp2"])
        assert {a.profile_id for a in moved} == {profiles[k].pk for k in ("m1", "m2", "in_branch")}
        assert {a.start_date for a in moved} == {CLOSED_ON}
        assert (
            Member.objects.get(pk=world.members["in_branch"].pk).org_id == world.orgs["compound"].pk
        )
        entry = AuditEntry.objects.filter(action="temporary_branch.close").latest("id")
        assert entry.target_id == world.orgs["temp"].pk

    def test_relation_target_is_required_when_the_branch_holds_relations(self) -> None:
        world = build_world()
        _populated(world)
        with pytest.raises(ValidationFailed) as exc:
            _close(world)
        assert [(e.field, e.code) for e in exc.value.errors] == [
            ("relationTo", "RELATION_TARGET_REQUIRED")
        ]

    def test_bad_targets_and_dates(self) -> None:
        world = build_world()
        _populated(world)
        cases: list[tuple[dict[str, Any], list[tuple[str, str]]]] = [
            (
                {"branch": world.orgs["compound"], "closed_on": CLOSED_ON},
                [("orgId", "INVALID_ORG_KIND")],
            ),
            (
                {"branch": world.orgs["temp"], "closed_on": date.today() + timedelta(days=1)},
                [("closedOn", "IN_FUTURE")],
            ),
            (
                {"branch": world.orgs["old_temp"], "closed_on": CLOSED_ON},
                [("orgId", "BRANCH_CLOSED")],
            ),
            (
                {
                    "branch": world.orgs["temp"],
                    "closed_on": CLOSED_ON,
                    "reassign_to": world.orgs["temp_group"],
                    "relation_to": world.orgs["group"],
                },
                [("reassignTo", "CLOSING"), ("relationTo", "INVALID_ORG_KIND")],
            ),
            (
                {
                    "branch": world.orgs["temp"],
                    "closed_on": CLOSED_ON,
                    "reassign_to": world.orgs["old_temp"],
                    "relation_to": world.orgs["compound"],
                },
                [("reassignTo", "BRANCH_CLOSED")],
            ),
        ]
        for kwargs, expected in cases:
            with pytest.raises(ValidationFailed) as exc:
                temporary_branch_close(**kwargs)
            assert [(e.field, e.code) for e in exc.value.errors] == expected, kwargs

    def test_a_failure_half_way_leaves_nothing(self) -> None:
        world = build_world()
        profiles = _populated(world)
        # m1 also has a later assignment elsewhere: re-assigning m1 overlaps it, after the
        # branch's assignments were already ended in the same transaction.
        MobileAssignment.objects.filter(profile=profiles["m1"]).update(
            end_date=CLOSED_ON + timedelta(days=2), end_reason="reassigned"
        )
        assignment_create(
            profile=profiles["m1"],
            org=world.orgs["group"],
            start_date=CLOSED_ON + timedelta(days=2),
        )
        before = list(MobileAssignment.objects.order_by("pk").values_list("pk", "end_date"))
        with pytest.raises(ValidationFailed) as exc:
            _close(world, reassign_to=world.orgs["temp2"], relation_to=world.orgs["compound"])
        assert [(e.field, e.code) for e in exc.value.errors] == [("reassignTo", "OVERLAP")]
        assert list(MobileAssignment.objects.order_by("pk").values_list("pk", "end_date")) == before
        assert PartyOrg.objects.get(pk=world.orgs["temp"].pk).end_date == date(2028, 12, 31)
        assert Member.objects.get(pk=world.members["in_branch"].pk).org_id == world.orgs["temp"].pk


@pytest.mark.usefixtures("db")
def test_close_over_http(api_url: str, alpha: GraphQLClient, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock(), in_district("alpha"):
        world = build_world()
        _populated(world)
    viewer = world.client(api_url, "viewer")
    variables = {
        "org": world.org("temp"),
        "on": CLOSED_ON.isoformat(),
        "to": world.org("temp2"),
        "rel": world.org("compound"),
    }
    refused = viewer.execute(CLOSE, variables).data["closeTemporaryBranch"]
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("orgId", "FORBIDDEN")]
    other = world.client(api_url, "other_admin")
    hidden = other.execute(CLOSE, variables).data["closeTemporaryBranch"]
    assert [(e["field"], e["code"]) for e in hidden["errors"]] == [("orgId", "NOT_FOUND")]
    done = alpha.execute(CLOSE, variables).data["closeTemporaryBranch"]
    assert done["errors"] == []
    assert (done["ended"], done["reassigned"], done["relationsMoved"]) == (3, 3, 1)
    assert done["branch"]["endDate"] == CLOSED_ON.isoformat()
    again = alpha.execute(
        CLOSE, {**variables, "on": (CLOSED_ON + timedelta(days=1)).isoformat()}
    ).data["closeTemporaryBranch"]
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("orgId", "BRANCH_CLOSED")]
