"""The canary matrix's vocabulary (tests/api/test_tenant_isolation.py): the values each district
hands its users, one `Case` per root field or mutation called on alpha's host with beta's values,
and the expected empty answers. Apps add their cases in tests/<app>/isolation_cases.py."""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from backend.members.id_numbers import make_id_number
from tests.conftest import global_id
from tests.support.district_rows import global_ids_of
from tests.support.seed import SeededDistrict

ERRORS = "errors { field code message }"


@dataclass(frozen=True)
class Values:
    """The IDs and values one district would hand a user; global IDs are as `district` makes them."""

    district: str
    org_pks: dict[str, int]
    unit_pk: int
    member_pks: tuple[int, ...]
    id_numbers: tuple[str, ...]
    canary: str
    username: str
    platform_username: str
    # One object of each member-work type the district was seeded with, by GraphQL type name.
    objects: dict[str, int] = field(default_factory=dict)

    def obj(self, type_name: str) -> str:
        return global_id(type_name, self.district, self.objects[type_name])

    def org(self, key: str) -> str:
        return global_id("PartyOrg", self.district, self.org_pks[key])

    def unit(self) -> str:
        return global_id("Unit", self.district, self.unit_pk)

    def member(self, index: int = 0) -> str:
        return global_id("Member", self.district, self.member_pks[index])


def values_of(seeded: SeededDistrict, username: str, platform_username: str) -> Values:
    return Values(
        district=seeded.code,
        org_pks=dict(seeded.org_pks),
        unit_pk=seeded.unit_pk,
        member_pks=seeded.member_pks,
        id_numbers=seeded.id_numbers,
        canary=seeded.canary,
        username=username,
        platform_username=platform_username,
        objects=dict(seeded.objects),
    )


def ghost_of(real: Values) -> Values:
    """The same shape in the same district, but nothing in it exists anywhere: asking alpha about
    beta's real rows must read exactly like asking about these."""
    return replace(
        real,
        org_pks={key: 900_000 + i for i, key in enumerate(real.org_pks)},
        unit_pk=900_100,
        member_pks=tuple(900_200 + i for i in range(len(real.member_pks))),
        id_numbers=tuple(
            make_id_number("310101", date(1970 + i, 3, 1 + i), 701 + 2 * i)
            for i in range(len(real.id_numbers))
        ),
        objects={name: 900_300 + i for i, name in enumerate(real.objects)},
        canary="CANARYGHOST",
        username=f"ghost-{uuid.uuid4().hex[:8]}",
        platform_username=f"ghost-{uuid.uuid4().hex[:8]}",
    )


Vars = Callable[[Values, Values], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    """One root field or mutation, called on alpha's host with beta's values.

    `variables(foreign, own)` builds the variables; `expect(data, variables)` asserts the
    answer is the empty/null/NOT_FOUND one; `control`, if set, asserts what alpha's own values
    give, so an always-empty result cannot pass unnoticed. `alpha_write` marks the cases where
    alpha legitimately changes (beta's ID number used for a new alpha record): it returns the
    expected alpha rows and undoes the change.
    """

    root: str
    document: str
    variables: Vars
    expect: Callable[[dict[str, Any], dict[str, Any]], None]
    control: Callable[[dict[str, Any], dict[str, Any]], None] | None = None
    alpha_write: Callable[..., None] | None = None
    compare_with_ghost: bool = True
    xfail: str | None = None
    # Strings of beta's that this field shows by design (the platform's directory of districts
    # names their codes); removed from the answer before the leak check.
    allow: tuple[str, ...] = ()
    # For an upload mutation: the files of a GraphQL multipart request, by variable path
    # ("variables.file"), built from the same values as the variables.
    files: Callable[[Values, Values], dict[str, tuple[str, bytes, str]]] | None = None

    def send(self, client: Any, foreign: Values, own: Values) -> Any:
        variables = self.variables(foreign, own)
        if self.files is None:
            return client.execute(self.document, variables)
        return client.upload(self.document, variables, self.files(foreign, own))


def null(name: str) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    def check(data: dict[str, Any], _v: dict[str, Any]) -> None:
        assert data[name] is None, data

    return check


def empty(name: str) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    def check(data: dict[str, Any], _v: dict[str, Any]) -> None:
        assert data[name]["totalCount"] == 0, data
        assert data[name]["edges"] == [], data

    return check


def found(name: str) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    def check(data: dict[str, Any], _v: dict[str, Any]) -> None:
        names = [e["node"]["name"] for e in data[name]["edges"]]
        assert data[name]["totalCount"] > 0, data
        assert any("CANARYALPHA" in n for n in names), names
        assert not any("CANARYBETA" in n for n in names), names

    return check


def alpha_ids_only(name: str) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    """A connection of the user's own rows: some of alpha's global IDs, none of beta's."""

    def check(data: dict[str, Any], _v: dict[str, Any]) -> None:
        assert data[name]["totalCount"] >= 1, data
        assert global_ids_of(json.dumps(data), "alpha"), data
        assert global_ids_of(json.dumps(data), "beta") == [], data

    return check


def node_found(data: dict[str, Any], variables: dict[str, Any]) -> None:
    assert data["node"]["id"] == variables["id"], data


def not_found(payload: str, entity: str, field_name: str) -> Callable[..., None]:
    def check(data: dict[str, Any], _v: dict[str, Any]) -> None:
        result = data[payload]
        assert result[entity] is None, result
        assert [(e["field"], e["code"]) for e in result["errors"]] == [(field_name, "NOT_FOUND")]

    return check


def assert_equal(actual: Any, expected: Any) -> None:
    assert actual == expected
