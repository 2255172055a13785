"""The org tree as an import sees it: the district's orgs in memory (a district has thousands at
most), the tree a file asks for on top of them, and what hangs on orgs whose kind changes."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from backend.imports.kinds.sql import fetch
from backend.imports.spec import ParsedRow


@dataclass(frozen=True)
class Node:
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    path: str
    established_on: date | None
    end_date: date | None


class Tree:
    """The district's orgs as they are now."""

    def __init__(self, nodes: Iterable[Node]) -> None:
        self.by_code = {node.code: node for node in nodes}
        self.by_id = {node.id: node for node in self.by_code.values()}
        self.root = next((node for node in self.by_id.values() if node.parent_id is None), None)

    @classmethod
    def load(cls) -> "Tree":
        rows = fetch(
            "SELECT id, code, name, kind, parent_id, path::text AS path, established_on,"
            " end_date FROM orgs_partyorg",
            [],
        )
        return cls(Node(**row) for row in rows)

    def parent_code(self, node: Node) -> str | None:
        return self.by_id[node.parent_id].code if node.parent_id is not None else None


@dataclass
class Plan:
    """The tree the file asks for: each row's org after the import, by code."""

    tree: Tree
    rows: dict[str, ParsedRow]  # the first row of each code

    def parent_code(self, code: str) -> str | None:
        row = self.rows.get(code)
        if row is not None:
            parent: str | None = row.values.get("parent_code")
            return parent
        return self.tree.parent_code(self.tree.by_code[code])

    def kind(self, code: str) -> str:
        row = self.rows.get(code)
        return row.values["kind"] if row is not None else self.tree.by_code[code].kind

    def __contains__(self, code: object) -> bool:
        return code in self.rows or code in self.tree.by_code

    def __len__(self) -> int:
        return len(self.rows) + len(self.tree.by_code)

    def in_cycle(self, code: str) -> bool:
        """Whether following parents up from `code` comes back to it."""
        seen = {code}
        current = self.parent_code(code)
        while current is not None and current in self and current not in seen:
            seen.add(current)
            current = self.parent_code(current)
        return current == code

    def without(self, codes: set[str]) -> "Plan":
        """The tree if the rows of `codes` were left out (their orgs stay as they are)."""
        return Plan(self.tree, {c: row for c, row in self.rows.items() if c not in codes})


def paths_from_parents(parents: dict[int, int | None]) -> dict[int, str]:
    """Every org's ltree path ("1.4.37") from the parent links, from the root down; an org in a
    cycle is never reached and gets none."""
    children: dict[int | None, list[int]] = {}
    for org_id, parent_id in parents.items():
        children.setdefault(parent_id, []).append(org_id)
    paths: dict[int, str] = {}
    pending = [(org_id, str(org_id)) for org_id in children.get(None, [])]
    while pending:
        org_id, path = pending.pop()
        paths[org_id] = path
        pending.extend((child, f"{path}.{child}") for child in children.get(org_id, []))
    return paths


_DEPENDANT_QUERIES = {
    "children": "SELECT parent_id, code, kind FROM orgs_partyorg WHERE parent_id = ANY(%s)",
    "members": "SELECT DISTINCT org_id FROM members_member WHERE org_id = ANY(%s)",
    "residents": (
        "SELECT DISTINCT residence_community_id FROM members_member"
        " WHERE residence_community_id = ANY(%s)"
    ),
    "units": (
        "SELECT DISTINCT covering_org_id, party_org_status FROM units_unit"
        " WHERE covering_org_id = ANY(%s)"
    ),
}


@dataclass
class Hanging:
    """What hangs on an org whose kind the file changes."""

    children: list[tuple[str, str]]  # (code, kind)
    has_members: bool = False
    has_residents: bool = False
    unit_statuses: frozenset[str] = frozenset()


def dependants_of(org_ids: Iterable[int]) -> dict[int, Hanging]:
    """For all the orgs at once, in four queries."""
    ids = list(org_ids)
    found = {org_id: Hanging(children=[]) for org_id in ids}
    if not ids:
        return found
    for child in fetch(_DEPENDANT_QUERIES["children"], [ids]):
        found[child["parent_id"]].children.append((child["code"], child["kind"]))
    for member in fetch(_DEPENDANT_QUERIES["members"], [ids]):
        found[member["org_id"]].has_members = True
    for resident in fetch(_DEPENDANT_QUERIES["residents"], [ids]):
        found[resident["residence_community_id"]].has_residents = True
    for unit in fetch(_DEPENDANT_QUERIES["units"], [ids]):
        hanging = found[unit["covering_org_id"]]
        hanging.unit_statuses = hanging.unit_statuses | {unit["party_org_status"]}
    return found


def ancestors(plan: Plan, code: str) -> list[str]:
    found: list[str] = []
    current = plan.parent_code(code)
    while current is not None and current in plan and current not in found:
        found.append(current)
        current = plan.parent_code(current)
    return found
