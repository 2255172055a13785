"""The canary matrix's cases for units' localities and their 党建指导员/联络员
(tests/api/test_tenant_isolation.py); isolation_seed.py seeds the assignment they name. The
matrix's own cases cover createUnit and updateUnit by their other inputs."""

from typing import Any

from tests.support.isolation import ERRORS, Case, node_found, not_found, null

UNIT = "id name locality { id name } assignments { id personName }"
ASSIGNMENT = (
    "id role personName startDate endDate note isActive assignedBy { id name }"
    " unit { id name coveringOrg { id name } }"
)
NODE_DOC = f"query($id: ID!) {{ node(id: $id) {{ id ... on UnitAssignment {{ {ASSIGNMENT} }} }} }}"
CREATE_UNIT_DOC = (
    "mutation($input: CreateUnitInput!) { createUnit(input: $input)"
    f" {{ unit {{ {UNIT} }} {ERRORS} }} }}"
)
UPDATE_UNIT_DOC = (
    "mutation($input: UpdateUnitInput!) { updateUnit(input: $input)"
    f" {{ unit {{ {UNIT} }} {ERRORS} }} }}"
)
CREATE_DOC = (
    "mutation($input: CreateUnitAssignmentInput!) { createUnitAssignment(input: $input)"
    f" {{ assignment {{ {ASSIGNMENT} }} {ERRORS} }} }}"
)
END_DOC = (
    "mutation($input: EndUnitAssignmentInput!) { endUnitAssignment(input: $input)"
    f" {{ assignment {{ {ASSIGNMENT} }} {ERRORS} }} }}"
)
DELETE_DOC = f"mutation($id: ID!) {{ deleteUnitAssignment(id: $id) {{ deletedId {ERRORS} }} }}"


def _assign(f: Any, o: Any, **foreign: str) -> dict[str, Any]:
    return {
        "input": {
            "unitId": o.unit(),
            "role": "LIAISON",
            "personName": "隔离测试联络员",
            "assignedById": o.org("s1"),
            "startDate": "2025-06-01",
            **foreign,
        }
    }


CASES: dict[str, Case] = {
    "node/UnitAssignment": Case(
        "node", NODE_DOC, lambda f, o: {"id": f.obj("UnitAssignment")}, null("node"), node_found
    ),
    "createUnit/localityId": Case(
        "createUnit",
        CREATE_UNIT_DOC,
        lambda f, o: {
            "input": {
                "name": "隔离测试属地企业",
                "kind": "NON_PUBLIC_ENTERPRISE",
                "localityId": f.org("s1-c1"),
            }
        },
        not_found("createUnit", "unit", "localityId"),
    ),
    "updateUnit/localityId": Case(
        "updateUnit",
        UPDATE_UNIT_DOC,
        lambda f, o: {"input": {"id": o.unit(), "localityId": f.org("s1-c1")}},
        not_found("updateUnit", "unit", "localityId"),
    ),
    "createUnitAssignment/unitId": Case(
        "createUnitAssignment",
        CREATE_DOC,
        lambda f, o: _assign(f, o, unitId=f.unit()),
        not_found("createUnitAssignment", "assignment", "unitId"),
    ),
    "createUnitAssignment/assignedById": Case(
        "createUnitAssignment",
        CREATE_DOC,
        lambda f, o: _assign(f, o, assignedById=f.org("s1")),
        not_found("createUnitAssignment", "assignment", "assignedById"),
    ),
    "endUnitAssignment/id": Case(
        "endUnitAssignment",
        END_DOC,
        lambda f, o: {"input": {"id": f.obj("UnitAssignment"), "endDate": "2025-06-30"}},
        not_found("endUnitAssignment", "assignment", "id"),
    ),
    "deleteUnitAssignment/id": Case(
        "deleteUnitAssignment",
        DELETE_DOC,
        lambda f, o: {"id": f.obj("UnitAssignment")},
        not_found("deleteUnitAssignment", "deletedId", "id"),
    ),
}
