"""指标表: one metric for one period over every org of a subtree the requester may read, in tree
order, as the metricTable query lists it. Figures never computed are absent, not zero."""

from django.db.models import QuerySet

from backend.exports.spec import ExportColumn, ExportKindCode, ExportScope
from backend.members.models import MemberCategory
from backend.metrics.definitions import BY_CODE
from backend.metrics.models import MetricSnapshot
from backend.metrics.periods import Period
from backend.metrics.selectors import subtree_table
from backend.units.models import UnitKind

_BREAKDOWN_LABELS = {**dict(MemberCategory.choices), **dict(UnitKind.choices)}


def breakdown_label(key: str) -> str:
    return _BREAKDOWN_LABELS.get(key, key) if key else "合计"


class MetricTableExport:
    code = ExportKindCode.METRIC_TABLE
    label = "指标表"
    filters = frozenset({"metric", "period", "breakdown"})
    has_personal_data = False

    def columns(self, scope: ExportScope) -> tuple[ExportColumn, ...]:
        definition = BY_CODE[str(scope.filters.metric)]
        period = Period.parse(str(scope.filters.period))
        return (
            ExportColumn("组织代码", lambda s: s.org.code, 18),
            ExportColumn("党组织", lambda s: s.org.name, 30),
            ExportColumn("组织类型", lambda s: s.org.get_kind_display(), 14),
            ExportColumn("指标", lambda s: definition.name_zh, 16),
            ExportColumn("分类", lambda s: breakdown_label(s.breakdown), 12),
            ExportColumn("期间", lambda s: period.label, 10),
            ExportColumn("分子", lambda s: s.numerator, 12),
            ExportColumn("分母", lambda s: s.denominator, 12),
            ExportColumn("值", lambda s: s.value, 12),
            ExportColumn("单位", lambda s: definition.unit_symbol, 10),
            ExportColumn("统计截止日", lambda s: s.as_of, 12),
            ExportColumn("计算时间", lambda s: s.computed_at, 20),
        )

    def rows(self, scope: ExportScope) -> QuerySet[MetricSnapshot]:
        qs = subtree_table(
            scope.within,
            Period.parse(str(scope.filters.period)),
            str(scope.filters.metric),
            scope.filters.breakdown or "",
            kinds=None,
        )
        return qs.filter(scope.access.read_filter("org__path")).select_related("org")


METRIC_TABLE = MetricTableExport()
