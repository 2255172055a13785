"""Random sequences of org_create / org_move (valid and invalid) never break the org tree.

Each example runs in a savepoint inside alpha and is rolled back, under a fresh street so that
examples do not see each other. A plain-Python model of the tree predicts each outcome.
"""

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from backend.common.validation import ValidationFailed
from backend.orgs.models import PartyOrg, PartyOrgKind
from backend.orgs.rules import ALLOWED_CHILDREN, may_contain
from backend.orgs.services import org_create, org_move

KINDS = [kind.value for kind in PartyOrgKind]
_RUN = uuid.uuid4().hex[:8]
_codes = itertools.count()

# A kind is either ("allowed", i): the i-th kind the chosen parent may hold (so trees grow deep),
# or ("any", kind): any kind at all, often a wrong one.
kind_choice = st.one_of(
    st.tuples(st.just("allowed"), st.integers(min_value=0, max_value=9)),
    st.tuples(st.just("any"), st.sampled_from(KINDS)),
)
create_op = st.tuples(
    st.just("create"),
    st.integers(min_value=0, max_value=63),  # parent, modulo the nodes known so far
    kind_choice,
    st.integers(min_value=0, max_value=3),  # 0: no end date (a temporary branch needs one)
)
move_op = st.tuples(
    st.just("move"),
    st.integers(min_value=0, max_value=63),  # node to move (never the root)
    # new parent: ("fit", i) = the i-th node whose kind may hold it (maybe in its own subtree),
    # ("any", i) = any node
    st.tuples(st.sampled_from(["fit", "any"]), st.integers(min_value=0, max_value=63)),
)
move_root_op = st.tuples(st.just("move_root"), st.integers(min_value=0, max_value=63))
operations = st.lists(
    st.one_of(create_op, create_op, move_op, move_op, move_root_op), min_size=1, max_size=15
)


# (index in Model.order of the parent, or None for the district root; kind). order[0] is the root.
STARTING_TREE = [
    (None, PartyOrgKind.STREET_WORKING_COMMITTEE),  # 1
    (None, PartyOrgKind.STREET_WORKING_COMMITTEE),  # 2
    (1, PartyOrgKind.COMMUNITY_COMMITTEE),  # 3
    (3, PartyOrgKind.COMPOUND_BRANCH),  # 4
    (4, PartyOrgKind.PARTY_GROUP),  # 5
    (2, PartyOrgKind.UNIT_ORG),  # 6
    (6, PartyOrgKind.PARTY_GROUP),  # 7
]


class _Rollback(Exception):
    pass


@dataclass
class Model:
    """The tree as the tests expect it: parent pointers and kinds by primary key."""

    root: int
    parent: dict[int, int | None] = field(default_factory=dict)
    kind: dict[int, str] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)  # the nodes operations pick from

    def add(self, pk: int, parent: int | None, kind: str) -> None:
        self.parent[pk] = parent
        self.kind[pk] = kind
        self.order.append(pk)

    def pick(self, index: int) -> int:
        return self.order[index % len(self.order)]

    def pick_non_root(self, index: int) -> int:
        candidates = self.order[1:]
        return candidates[index % len(candidates)]

    def pick_parent_for(self, node: int, choice: tuple[str, int]) -> int:
        mode, index = choice
        fitting = [pk for pk in self.order if may_contain(self.kind[pk], self.kind[node])]
        if mode == "fit" and fitting:
            return fitting[index % len(fitting)]
        return self.pick(index)

    def kind_for(self, parent: int, choice: tuple[str, object]) -> str:
        mode, value = choice
        allowed = sorted(ALLOWED_CHILDREN[self.kind[parent]])
        if mode == "allowed" and allowed:
            return allowed[int(value) % len(allowed)]  # type: ignore[call-overload]
        return str(value) if mode == "any" else PartyOrgKind.COMPOUND_BRANCH

    def in_subtree(self, node: int, top: int) -> bool:
        current: int | None = node
        while current is not None:
            if current == top:
                return True
            current = self.parent[current]
        return False

    def path(self, pk: int) -> str:
        labels = []
        current: int | None = pk
        while current is not None:
            labels.append(str(current))
            current = self.parent[current]
        return ".".join(reversed(labels))


def _snapshot() -> dict[int, tuple]:
    return {
        pk: (parent_id, kind, path, depth)
        for pk, parent_id, kind, path, depth in PartyOrg.objects.values_list(
            "pk", "parent_id", "kind", "path", "depth"
        )
    }


def _check_invariants(model: Model) -> None:
    rows = _snapshot()
    roots = [pk for pk, (parent_id, *_) in rows.items() if parent_id is None]
    assert roots == [model.root], "exactly one root"
    for pk, (parent_id, kind, path, depth) in rows.items():
        if parent_id is None:
            assert path == str(pk)
            assert kind == PartyOrgKind.DISTRICT_COMMITTEE
        else:
            parent_path = rows[parent_id][2]
            assert path == f"{parent_path}.{pk}", (pk, path, parent_path)
            assert kind in ALLOWED_CHILDREN[rows[parent_id][1]], (rows[parent_id][1], kind)
        assert depth == len(path.split(".")), (pk, path, depth)
        # No cycles: following parents from any node reaches the root within len(rows) steps.
        seen, current = set(), pk
        while current is not None:
            assert current not in seen, f"cycle through {current}"
            seen.add(current)
            current = rows[current][0]
    # The nodes of this example are exactly where the model says.
    for pk in model.order:
        assert rows[pk][0] == model.parent[pk]
        assert rows[pk][2] == model.path(pk)


def _expect_failure(codes: list[str], action) -> None:
    before = _snapshot()
    with pytest.raises(ValidationFailed) as excinfo:
        action()
    assert sorted(e.code for e in excinfo.value.errors) == sorted(codes)
    assert _snapshot() == before, "a refused operation changed the tree"


def _run(ops: list[tuple]) -> None:
    root = PartyOrg.objects.get(parent__isnull=True)
    model = Model(root=root.pk, parent={root.pk: None}, kind={root.pk: root.kind})
    model.order.append(root.pk)
    # A small starting subtree, so that random moves often carry descendants along.
    for parent_at, start_kind in STARTING_TREE:
        parent_pk = model.root if parent_at is None else model.order[parent_at]
        org = org_create(
            code=f"hyp-{_RUN}-{next(_codes)}",
            name="随机组织",
            kind=start_kind,
            parent=PartyOrg(pk=parent_pk),
        )
        model.add(org.pk, parent_pk, start_kind)
    _check_invariants(model)

    for op in ops:
        if op[0] == "create":
            _, parent_index, choice, end_date_choice = op
            parent_pk = model.pick(parent_index)
            kind = model.kind_for(parent_pk, choice)
            with_end_date = end_date_choice > 0
            parent = PartyOrg(pk=parent_pk)

            def create(parent=parent, kind=kind, with_end_date=with_end_date) -> PartyOrg:
                return org_create(
                    code=f"hyp-{_RUN}-{next(_codes)}",
                    name="随机组织",
                    kind=kind,
                    parent=parent,
                    end_date=date(2030, 12, 31) if with_end_date else None,
                )

            expected = []
            if not may_contain(model.kind[parent_pk], kind):
                expected.append("INVALID_PARENT_KIND")
            if kind == PartyOrgKind.TEMPORARY_BRANCH and not with_end_date:
                expected.append("REQUIRED")  # endDate
            if expected:
                event(f"create refused: {'+'.join(expected)}")
                _expect_failure(expected, create)
            else:
                event("create ok")
                org = create()
                assert org.depth == len(model.path(parent_pk).split(".")) + 1
                model.add(org.pk, parent_pk, kind)
        else:
            if op[0] == "move_root":
                node_pk, new_parent_pk = model.root, model.pick(op[1])
            else:
                node_pk = model.pick_non_root(op[1])
                new_parent_pk = model.pick_parent_for(node_pk, op[2])

            def move(node_pk=node_pk, new_parent_pk=new_parent_pk) -> PartyOrg:
                return org_move(org=PartyOrg(pk=node_pk), new_parent=PartyOrg(pk=new_parent_pk))

            if model.parent[node_pk] is None:
                event("move refused: ROOT_IMMOVABLE")
                _expect_failure(["ROOT_IMMOVABLE"], move)
            elif model.in_subtree(new_parent_pk, node_pk):
                event("move refused: CYCLE")
                _expect_failure(["CYCLE"], move)
            elif not may_contain(model.kind[new_parent_pk], model.kind[node_pk]):
                event("move refused: INVALID_PARENT_KIND")
                _expect_failure(["INVALID_PARENT_KIND"], move)
            else:
                subtree = sum(model.in_subtree(pk, node_pk) for pk in model.order)
                event("move ok" + (" (with descendants)" if subtree > 1 else ""))
                moved = move()
                assert moved.parent_id == new_parent_pk
                model.parent[node_pk] = new_parent_pk
        _check_invariants(model)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_random_creates_and_moves_keep_the_tree_consistent(in_alpha, ops):
    try:
        with transaction.atomic():
            _run(ops)
            raise _Rollback
    except _Rollback:
        pass


def test_invariant_checker_sees_a_corrupted_path(in_alpha):
    """The checker used above is not vacuous: a subtree left with a stale path is reported."""
    root = PartyOrg.objects.get(parent__isnull=True)
    model = Model(root=root.pk, parent={root.pk: None}, kind={root.pk: root.kind})
    street = org_create(
        code=f"hyp-{_RUN}-{next(_codes)}",
        name="街道",
        kind="street_working_committee",
        parent=root,
    )
    unit_org = org_create(
        code=f"hyp-{_RUN}-{next(_codes)}", name="单位", kind="unit_org", parent=street
    )
    model.add(street.pk, root.pk, street.kind)
    model.add(unit_org.pk, street.pk, unit_org.kind)
    _check_invariants(model)
    PartyOrg.objects.filter(pk=unit_org.pk).update(path=f"{root.pk}.{unit_org.pk}")
    with pytest.raises(AssertionError):
        _check_invariants(model)


def test_ancestors_come_in_depth_order_whatever_the_rows_physical_order(in_alpha) -> None:
    """The breadcrumb is ordered in SQL: after an ancestor is renamed its row moves to the end of
    the table, and a scan in physical order must not move it to the end of the breadcrumb."""
    from django.db import connection

    from backend.orgs.selectors import ancestors_json_subquery, orgs_from_json
    from backend.orgs.services import org_create, org_update

    root = PartyOrg.objects.get(parent__isnull=True)
    street = org_create(
        code="bc-s", name="面包屑街道", kind="street_working_committee", parent=root
    )
    community = org_create(
        code="bc-c", name="面包屑社区", kind="community_committee", parent=street
    )
    branch = org_create(code="bc-b", name="面包屑支部", kind="compound_branch", parent=community)
    org_update(org=street, name="面包屑街道 (改名)")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off")
    row = PartyOrg.objects.annotate(a=ancestors_json_subquery()).get(pk=branch.pk)
    names = [org.name for org in orgs_from_json(row.a)]
    assert names == [root.name, "面包屑街道 (改名)", "面包屑社区"]
