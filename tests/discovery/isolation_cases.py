"""The canary matrix's cases for 公开亮相 (tests/api/test_tenant_isolation.py); isolation_seed.py
seeds the registration they name."""

from datetime import date
from typing import Any

from backend.members.id_numbers import make_id_number
from backend.members.models import Registration
from backend.members.personal_data import id_number_hash
from tenants.context import in_district
from tests.support.district_rows import masked_id_number
from tests.support.isolation import ERRORS, Case, empty, found, node_found, not_found, null

TABLE = "members.registration"
REGISTRATION = (
    "id source status placed registeredOn name idNumber phone categoryHint relationLocation"
    " placedOn leftOn notes community { id name } member { id name } placedIn { id name }"
)
NODE_DOC = f"query($id: ID!) {{ node(id: $id) {{ id ... on DiscoveryRegistration {{ {REGISTRATION} }} }} }}"
LIST_DOC = (
    "query($within: ID, $community: ID, $search: String) { registrations(within: $within,"
    " community: $community, search: $search, first: 100)"
    f" {{ totalCount edges {{ node {{ {REGISTRATION} }} }} }} }}"
)
UNPLACED_DOC = (
    "query($within: ID, $community: ID) { unplacedRegistrations(within: $within,"
    f" community: $community, first: 100) {{ totalCount edges {{ node {{ {REGISTRATION} }} }} }} }}"
)


def _mutation(name: str, input_type: str) -> str:
    return (
        f"mutation($input: {input_type}!) {{ {name}(input: $input)"
        f" {{ registration {{ {REGISTRATION} }} {ERRORS} }} }}"
    )


CREATE_DOC = _mutation("createRegistration", "CreateRegistrationInput")
PLACE_DOC = _mutation("placeRegistration", "PlaceRegistrationInput")
UPDATE_DOC = _mutation("updateRegistration", "UpdateRegistrationInput")
CLOSE_DOC = _mutation("closeRegistrationAsLeft", "CloseRegistrationInput")


def _created_with_beta_id_number(
    before: dict[str, list[tuple[Any, ...]]],
    after: dict[str, list[tuple[Any, ...]]],
    data: dict[str, Any],
    variables: dict[str, Any],
) -> None:
    """A person alpha registers with beta's ID number is alpha's own record: nothing of beta's
    shows, and no "already registered elsewhere"."""
    id_number = variables["input"]["idNumber"]
    result = data["createRegistration"]
    assert result["errors"] == []
    assert result["registration"]["idNumber"] == masked_id_number(id_number)
    assert result["registration"]["member"] is None
    assert len(after[TABLE]) == len(before[TABLE]) + 1
    assert {k: v for k, v in after.items() if k != TABLE} == {
        k: v for k, v in before.items() if k != TABLE
    }
    with in_district("alpha"):
        Registration.objects.filter(id_number_hash=id_number_hash(id_number)).delete()


def _updated_to_beta_id_number(
    before: dict[str, list[tuple[Any, ...]]],
    after: dict[str, list[tuple[Any, ...]]],
    data: dict[str, Any],
    variables: dict[str, Any],
) -> None:
    id_number = variables["input"]["idNumber"]
    result = data["updateRegistration"]
    assert result["errors"] == []
    assert result["registration"]["idNumber"] == masked_id_number(id_number)
    assert len(after[TABLE]) == len(before[TABLE])
    with in_district("alpha"):
        registration = Registration.objects.get(id_number_hash=id_number_hash(id_number))
        original = next(row for row in before[TABLE] if row[0] == registration.pk)
        names = [f.attname for f in Registration._meta.concrete_fields]
        Registration.objects.filter(pk=registration.pk).update(
            **dict(zip(names, original, strict=True))
        )


def _person(own: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "input": {
            "source": "SELF_DECLARED",
            "communityId": own.org("s1-c1"),
            "registeredOn": "2025-06-01",
            "name": "隔离测试人员",
            "idNumber": make_id_number("110101", date(1980, 1, 1), 161),
            **overrides,
        }
    }


CASES: dict[str, Case] = {
    "node/DiscoveryRegistration": Case(
        "node",
        NODE_DOC,
        lambda f, o: {"id": f.obj("DiscoveryRegistration")},
        null("node"),
        node_found,
    ),
    "registrations/within": Case(
        "registrations",
        LIST_DOC,
        lambda f, o: {"within": f.org("s1")},
        empty("registrations"),
        found("registrations"),
    ),
    "registrations/community": Case(
        "registrations",
        LIST_DOC,
        lambda f, o: {"community": f.org("s1-c1")},
        empty("registrations"),
        found("registrations"),
    ),
    "registrations/search": Case(
        "registrations",
        LIST_DOC,
        lambda f, o: {"search": f.canary},
        empty("registrations"),
        found("registrations"),
    ),
    "unplacedRegistrations/within": Case(
        "unplacedRegistrations",
        UNPLACED_DOC,
        lambda f, o: {"within": f.org("s1")},
        empty("unplacedRegistrations"),
        found("unplacedRegistrations"),
    ),
    "unplacedRegistrations/community": Case(
        "unplacedRegistrations",
        UNPLACED_DOC,
        lambda f, o: {"community": f.org("s1-c1")},
        empty("unplacedRegistrations"),
        found("unplacedRegistrations"),
    ),
    "createRegistration/communityId": Case(
        "createRegistration",
        CREATE_DOC,
        lambda f, o: _person(o, communityId=f.org("s1-c1")),
        not_found("createRegistration", "registration", "communityId"),
    ),
    "createRegistration/memberId": Case(
        "createRegistration",
        CREATE_DOC,
        lambda f, o: _person(o, name="", idNumber="", memberId=f.member(0)),
        not_found("createRegistration", "registration", "memberId"),
    ),
    "createRegistration/beta's idNumber": Case(
        "createRegistration",
        CREATE_DOC,
        lambda f, o: _person(o, idNumber=f.id_numbers[0]),
        lambda data, _v: None,
        alpha_write=_created_with_beta_id_number,
        compare_with_ghost=False,
    ),
    "placeRegistration/id": Case(
        "placeRegistration",
        PLACE_DOC,
        lambda f, o: {
            "input": {
                "id": f.obj("DiscoveryRegistration"),
                "placedOn": "2025-07-01",
                "placedInId": o.org("s1-c1-b1"),
            }
        },
        not_found("placeRegistration", "registration", "id"),
    ),
    "placeRegistration/placedInId": Case(
        "placeRegistration",
        PLACE_DOC,
        lambda f, o: {
            "input": {
                "id": o.obj("DiscoveryRegistration"),
                "placedOn": "2025-07-01",
                "placedInId": f.org("s1-c1-b1"),
            }
        },
        not_found("placeRegistration", "registration", "placedInId"),
    ),
    "placeRegistration/memberId": Case(
        "placeRegistration",
        PLACE_DOC,
        lambda f, o: {
            "input": {
                "id": o.obj("DiscoveryRegistration"),
                "placedOn": "2025-07-01",
                "memberId": f.member(0),
            }
        },
        not_found("placeRegistration", "registration", "memberId"),
    ),
    "updateRegistration/id": Case(
        "updateRegistration",
        UPDATE_DOC,
        lambda f, o: {"input": {"id": f.obj("DiscoveryRegistration"), "notes": "已被改写"}},
        not_found("updateRegistration", "registration", "id"),
    ),
    "updateRegistration/beta's idNumber": Case(
        "updateRegistration",
        UPDATE_DOC,
        lambda f, o: {"input": {"id": o.obj("DiscoveryRegistration"), "idNumber": f.id_numbers[1]}},
        lambda data, _v: None,
        alpha_write=_updated_to_beta_id_number,
        compare_with_ghost=False,
    ),
    "closeRegistrationAsLeft/id": Case(
        "closeRegistrationAsLeft",
        CLOSE_DOC,
        lambda f, o: {"input": {"id": f.obj("DiscoveryRegistration"), "leftOn": "2025-07-01"}},
        not_found("closeRegistrationAsLeft", "registration", "id"),
    ),
}
