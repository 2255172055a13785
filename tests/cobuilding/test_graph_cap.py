"""The size cap of the graph, in-process (rolled back): above it the first edges come back with
the truncation flag, and the whole-district builder the benchmark calls takes two statements."""

from datetime import date
from itertools import pairwise

from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.cobuilding import graph
from backend.cobuilding.models import CoBuildingPair
from backend.cobuilding.selectors import district_graph
from backend.orgs.models import PartyOrg
from backend.orgs.services import org_create

ON = date(2025, 6, 1)


def test_cap_truncates_and_counts_statements(in_alpha: None) -> None:
    root = PartyOrg.objects.get(parent__isnull=True)
    street = org_create(
        code="cobcap-s", name="封顶街道", kind="street_working_committee", parent=root
    )
    communities = [
        org_create(
            code=f"cobcap-c{i}", name=f"封顶社区{i}", kind="community_committee", parent=street
        )
        for i in range(5)
    ]
    for left, right in pairwise(communities):
        CoBuildingPair.objects.create(
            a_org=left, b_org=right, starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31)
        )
    scope = graph.GraphScope(within_path=str(street.path))
    period = graph.Period(ON, ON)
    full = graph.build_graph(scope, period, graph.ALL_TYPES)
    assert (len(full.edges), full.truncated) == (4, False)
    capped = graph.build_graph(scope, period, graph.ALL_TYPES, max_edges=2)
    assert (len(capped.edges), capped.truncated) == (2, True)
    assert set(capped.nodes) == {e.source for e in capped.edges} | {e.target for e in capped.edges}
    with CaptureQueriesContext(connection) as queries:
        whole = district_graph(active_on=ON)
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SET ")]
    assert len(statements) == 2
    assert len(whole.edges) >= 4
