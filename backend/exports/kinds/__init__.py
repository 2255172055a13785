"""The export kinds, by code."""

from backend.exports.kinds.activities import ACTIVITIES
from backend.exports.kinds.members import MEMBERS
from backend.exports.kinds.metric_table import METRIC_TABLE
from backend.exports.kinds.org_tree import ORG_TREE
from backend.exports.kinds.units import UNITS
from backend.exports.spec import ExportKind, ExportKindCode

KINDS: dict[ExportKindCode, ExportKind] = {
    kind.code: kind for kind in (MEMBERS, UNITS, ORG_TREE, ACTIVITIES, METRIC_TABLE)
}
