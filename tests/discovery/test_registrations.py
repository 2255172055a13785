"""公开亮相 over HTTP: register members and non-members, place, correct, close as moved away; the
unplaced list, filters, scope, masking and query counts."""

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from backend.members.models import Member, Registration
from tenants.context import in_district
from tests.mobile.world import ERRORS, World, add_member, build_world, gid, new_id_number
from tests.support.committed_db import db  # noqa: F401 - the committed-data `db` fixture
from tests.support.graphql_client import GraphQLClient

pytestmark = pytest.mark.usefixtures("db")

FIELDS = (
    "id source status placed registeredOn name idNumber phone categoryHint relationLocation"
    " community { id } member { id } placedIn { id } placedOn leftOn notes"
)
CREATE = (
    "mutation($input: CreateRegistrationInput!) { createRegistration(input: $input)"
    " { registration { " + FIELDS + " } " + ERRORS + " } }"
)
PLACE = (
    "mutation($input: PlaceRegistrationInput!) { placeRegistration(input: $input)"
    " { registration { " + FIELDS + " } " + ERRORS + " } }"
)
UPDATE = (
    "mutation($input: UpdateRegistrationInput!) { updateRegistration(input: $input)"
    " { registration { " + FIELDS + " } " + ERRORS + " } }"
)
CLOSE = (
    "mutation($input: CloseRegistrationInput!) { closeRegistrationAsLeft(input: $input)"
    " { registration { " + FIELDS + " } " + ERRORS + " } }"
)
UNPLACED = (
    "query($within: ID, $community: ID, $n: Int) { unplacedRegistrations(within: $within,"
    " community: $community, first: $n) { totalCount edges { node { id name idNumber"
    " community { name } member { name } placedIn { name } } } } }"
)
LIST = (
    "query($within: ID, $source: DiscoverySource, $placed: Boolean, $from: Date, $to: Date)"
    " { registrations(within: $within, source: $source, placed: $placed, registeredFrom: $from,"
    " registeredTo: $to, first: 100) { totalCount edges { node { id source status } } } }"
)


@pytest.fixture(scope="module")
def world(django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), in_district("alpha"):
        yield build_world()


def _create(client: GraphQLClient, world: World, **values: Any) -> dict[str, Any]:
    payload = {
        "source": "HOME_PURCHASE",
        "communityId": world.org("community"),
        "registeredOn": "2025-04-10",
        **values,
    }
    return client.execute(CREATE, {"input": payload}).data["createRegistration"]


def _codes(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in payload["errors"]]


def _person(**values: Any) -> dict[str, Any]:
    return {
        "name": "王亮相",
        "idNumber": new_id_number(),
        "phone": "13912345678",
        "relationLocation": "江苏省徐州市某公司党支部",
        "categoryHint": "IN_SERVICE",
        **values,
    }


def test_a_non_member_is_registered_placed_and_linked(alpha: GraphQLClient, world: World) -> None:
    person = _person()
    created = _create(alpha, world, **person)
    assert created["errors"] == []
    registration = created["registration"]
    assert registration["status"] == "OPEN"
    assert registration["placed"] is False
    assert registration["idNumber"] == person["idNumber"][:3] + "*" * 11 + person["idNumber"][-4:]
    assert registration["phone"] == "139****5678"
    assert person["idNumber"] not in str(created)
    assert "13912345678" not in str(created)
    with in_district("alpha"):
        stored = Registration.objects.get(pk=_pk(registration["id"]))
        assert person["idNumber"] not in stored.id_number_encrypted
    unplaced = alpha.execute(UNPLACED, {"community": world.org("community"), "n": 100}).data
    assert registration["id"] in {
        e["node"]["id"] for e in unplaced["unplacedRegistrations"]["edges"]
    }

    # The same person again in the same community: refused while the first is active.
    again = _create(alpha, world, **{**_person(), "idNumber": person["idNumber"]})
    assert _codes(again) == [("idNumber", "ALREADY_REGISTERED")]
    # Placing outside the community is refused; inside, it works.
    outside = alpha.execute(
        PLACE,
        {
            "input": {
                "id": registration["id"],
                "placedOn": "2025-05-01",
                "placedInId": world.org("outside_group"),
            }
        },
    ).data["placeRegistration"]
    assert _codes(outside) == [("placedInId", "OUTSIDE_COMMUNITY")]
    early = alpha.execute(
        PLACE,
        {
            "input": {
                "id": registration["id"],
                "placedOn": "2025-04-01",
                "placedInId": world.org("group"),
            }
        },
    ).data["placeRegistration"]
    assert _codes(early) == [("placedOn", "BEFORE_REGISTERED")]
    placed = alpha.execute(
        PLACE,
        {
            "input": {
                "id": registration["id"],
                "placedOn": "2025-05-01",
                "placedInId": world.org("group"),
            }
        },
    ).data["placeRegistration"]
    assert placed["errors"] == []
    assert placed["registration"]["status"] == "PLACED"
    assert placed["registration"]["placedIn"] == {"id": world.org("group")}
    twice = alpha.execute(
        PLACE,
        {
            "input": {
                "id": registration["id"],
                "placedOn": "2025-05-02",
                "placedInId": world.org("group"),
            }
        },
    ).data["placeRegistration"]
    assert _codes(twice) == [("id", "ALREADY_PLACED")]
    unplaced = alpha.execute(UNPLACED, {"community": world.org("community"), "n": 100}).data
    assert registration["id"] not in {
        e["node"]["id"] for e in unplaced["unplacedRegistrations"]["edges"]
    }
    # Moved away: closed, stays on record; then the person may be registered again.
    closed = alpha.execute(
        CLOSE, {"input": {"id": registration["id"], "leftOn": "2025-04-30", "note": "搬走"}}
    ).data["closeRegistrationAsLeft"]
    assert _codes(closed) == [("leftOn", "BEFORE_PLACED")]
    closed = alpha.execute(
        CLOSE, {"input": {"id": registration["id"], "leftOn": "2025-08-01", "note": "搬走"}}
    ).data["closeRegistrationAsLeft"]
    assert closed["errors"] == []
    assert closed["registration"]["status"] == "LEFT"
    assert closed["registration"]["notes"] == "搬走"
    assert _create(alpha, world, **{**_person(), "idNumber": person["idNumber"]})["errors"] == []


def _pk(global_id: str) -> int:
    import base64

    return int(base64.b64decode(global_id).decode().rsplit(".", 1)[1])


def test_a_member_is_registered_and_placed_where_their_relation_is(
    alpha: GraphQLClient, world: World
) -> None:
    created = _create(alpha, world, source="TRANSFER_IN", memberId=world.member("m1"))
    assert created["errors"] == []
    registration = created["registration"]
    assert registration["member"] == {"id": world.member("m1")}
    assert registration["name"] == world.members["m1"].name
    assert registration["categoryHint"] == "MOBILE"
    # No placedInId: the member's own org (the compound branch, inside the community).
    placed = alpha.execute(
        PLACE,
        {
            "input": {
                "id": registration["id"],
                "placedOn": "2025-04-10",
                "memberId": world.member("m1"),
            }
        },
    ).data["placeRegistration"]
    assert placed["errors"] == []
    assert placed["registration"]["placedIn"] == {"id": world.org("compound")}
    # The member again, or by their ID number as a non-member: the same person.
    assert _codes(_create(alpha, world, memberId=world.member("m1"))) == [
        ("idNumber", "ALREADY_REGISTERED")
    ]
    with in_district("alpha"):
        number = Member.objects.get(pk=world.members["m1"].pk).id_number
    assert _codes(_create(alpha, world, **_person(idNumber=number))) == [
        ("idNumber", "ALREADY_REGISTERED")
    ]
    # A member's personal details come from the member record.
    refused = alpha.execute(UPDATE, {"input": {"id": registration["id"], "name": "别名"}}).data[
        "updateRegistration"
    ]
    assert _codes(refused) == [("id", "MEMBER_LINKED")]


def test_linking_a_member_with_another_id_number_is_refused(
    alpha: GraphQLClient, world: World
) -> None:
    registration = _create(alpha, world, **_person())["registration"]
    mismatch = alpha.execute(
        PLACE,
        {
            "input": {
                "id": registration["id"],
                "placedOn": "2025-05-01",
                "memberId": world.member("m2"),
            }
        },
    ).data["placeRegistration"]
    assert _codes(mismatch) == [("memberId", "MISMATCH_ID_NUMBER")]


def test_bad_input_is_typed(alpha: GraphQLClient, world: World) -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert _codes(_create(alpha, world, registeredOn=tomorrow, **_person())) == [
        ("registeredOn", "IN_FUTURE")
    ]
    assert _codes(_create(alpha, world, communityId=world.org("compound"), **_person())) == [
        ("communityId", "INVALID_ORG_KIND")
    ]
    assert _codes(_create(alpha, world, name="", idNumber="", phone="12")) == [
        ("name", "REQUIRED"),
        ("idNumber", "REQUIRED"),
        ("phone", "INVALID"),
    ]
    number = new_id_number()
    bad_checksum = number[:17] + ("1" if number[17] != "1" else "2")
    assert _codes(_create(alpha, world, **_person(idNumber=bad_checksum)))[0][1].startswith("ID_")
    assert _codes(_create(alpha, world, memberId=world.member("m3"), name="多余")) == [
        ("memberId", "CONFLICT")
    ]
    registration = _create(alpha, world, **_person())["registration"]
    updated = alpha.execute(
        UPDATE,
        {
            "input": {
                "id": registration["id"],
                "source": "SELF_DECLARED",
                "notes": "自行亮相",
                "phone": "",
                "name": "王改名",
            }
        },
    ).data["updateRegistration"]
    assert updated["errors"] == []
    assert (updated["registration"]["source"], updated["registration"]["phone"]) == (
        "SELF_DECLARED",
        "",
    )
    assert updated["registration"]["name"] == "王改名"
    later = alpha.execute(
        UPDATE, {"input": {"id": registration["id"], "registeredOn": tomorrow}}
    ).data["updateRegistration"]
    assert _codes(later) == [("registeredOn", "IN_FUTURE")]


def test_filters_and_scope(api_url: str, alpha: GraphQLClient, world: World) -> None:
    employment = _create(
        alpha,
        world,
        source="EMPLOYMENT",
        registeredOn="2024-02-02",
        communityId=world.org("community2"),
        **_person(),
    )["registration"]["id"]
    listed = alpha.execute(
        LIST,
        {
            "within": world.org("street"),
            "source": "EMPLOYMENT",
            "from": "2024-01-01",
            "to": "2024-12-31",
        },
    ).data["registrations"]
    assert [e["node"]["id"] for e in listed["edges"]] == [employment]
    placed = alpha.execute(LIST, {"within": world.org("street"), "placed": True}).data
    assert all(e["node"]["status"] != "OPEN" for e in placed["registrations"]["edges"])

    other = world.client(api_url, "other_admin")
    viewer = world.client(api_url, "viewer")
    assert (
        other.execute(LIST, {"within": world.org("street")}).data["registrations"]["totalCount"]
        == 0
    )
    hidden = other.execute(CLOSE, {"input": {"id": employment, "leftOn": "2025-01-01"}}).data[
        "closeRegistrationAsLeft"
    ]
    assert _codes(hidden) == [("id", "NOT_FOUND")]
    assert _codes(_create(other, world, **_person())) == [("communityId", "NOT_FOUND")]
    assert (
        viewer.execute(LIST, {"within": world.org("street")}).data["registrations"]["totalCount"]
        > 0
    )
    forbidden = viewer.execute(CLOSE, {"input": {"id": employment, "leftOn": "2025-01-01"}}).data[
        "closeRegistrationAsLeft"
    ]
    assert _codes(forbidden) == [("id", "FORBIDDEN")]


def test_unplaced_query_count_is_constant(alpha: GraphQLClient, world: World) -> None:
    with in_district("alpha"):
        from backend.members.registrations import PersonData, registration_create

        for index in range(12):
            member = add_member(world, f"reg{index}", "mobile", "compound")
            registration_create(
                source="self_declared",
                community=world.orgs["community2"],
                registered_on=date(2025, 1, 1),
                person=PersonData(member=member)
                if index % 2
                else PersonData(name=f"非本区{index}", id_number=new_id_number()),
            )
    counts = []
    for n in (2, 12):
        result = alpha.execute(UNPLACED, {"community": world.org("community2"), "n": n})
        assert len(result.data["unplacedRegistrations"]["edges"]) == n
        counts.append(result.sql_queries)
    assert counts[0] == counts[1], counts


def test_deleting_a_member_takes_their_registrations(alpha: GraphQLClient, world: World) -> None:
    with in_district("alpha"):
        member = add_member(world, "gone", "mobile", "compound")
    assert _create(alpha, world, memberId=gid("Member", member.pk))["errors"] == []
    with in_district("alpha"):
        Member.objects.filter(pk=member.pk).delete()
        assert not Registration.objects.filter(member_id=member.pk).exists()


def test_a_member_outside_the_readers_scope_is_null(
    api_url: str, alpha: GraphQLClient, world: World
) -> None:
    """A member whose relation sits in another street, registered in our community: readers of
    our street see the registration, not the member record."""
    with in_district("alpha"):
        far = add_member(world, "far_reg", "mobile", "other_community")
    created = _create(alpha, world, source="EMPLOYMENT", memberId=gid("Member", far.pk))
    assert created["registration"]["member"] == {"id": gid("Member", far.pk)}
    viewer = world.client(api_url, "viewer")
    listed = viewer.execute(
        "query($c: ID) { registrations(community: $c, first: 100) { edges { node { id member"
        " { id } name idNumber } } } }",
        {"c": world.org("community")},
    ).data["registrations"]
    node = next(
        e["node"] for e in listed["edges"] if e["node"]["id"] == created["registration"]["id"]
    )
    assert node["member"] is None
    assert node["name"] == far.name  # the registration's own snapshot
    # A filter naming an org that does not exist here matches nothing.
    unknown = alpha.execute(UNPLACED, {"community": gid("PartyOrg", 10**9), "n": 5}).data
    assert unknown["unplacedRegistrations"]["totalCount"] == 0


def test_zz_list_query_count_and_audit(alpha: GraphQLClient, world: World) -> None:
    person = _person()
    created = _create(alpha, world, communityId=world.org("community2"), **person)
    assert created["errors"] == []
    with in_district("alpha"):
        from backend.audit.models import AuditEntry

        entry = AuditEntry.objects.filter(action="registration.create").latest("id")
        assert person["idNumber"] not in str(entry.changes)
        assert entry.changes["id_number"][1] == created["registration"]["idNumber"]
    query = (
        "query($c: ID, $n: Int) { registrations(community: $c, first: $n) { edges { node {"
        " id name idNumber source member { name org { name } } community { name }"
        " placedIn { name } } } } }"
    )
    counts = []
    for n in (2, 12):
        result = alpha.execute(query, {"c": world.org("community2"), "n": n})
        assert len(result.data["registrations"]["edges"]) == n
        counts.append(result.sql_queries)
    assert counts[0] == counts[1], counts
