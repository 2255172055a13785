"""党组织树: the orgs of the requester's scope in tree order (each after its parent), with the
number of members whose organisational relation is in that org itself."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from backend.exports.spec import ExportColumn, ExportKindCode, ExportScope
from backend.members.models import Member
from backend.orgs.models import PartyOrg
from backend.orgs.selectors import org_list


def _direct_members() -> Coalesce:
    counts = (
        Member.objects.filter(org_id=OuterRef("pk"))
        .order_by()
        .values("org_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


class OrgTreeExport:
    code = ExportKindCode.ORG_TREE
    label = "党组织树"
    filters: frozenset[str] = frozenset()
    has_personal_data = False

    def columns(self, scope: ExportScope) -> tuple[ExportColumn, ...]:
        def parent(o: PartyOrg, attribute: str) -> str | None:
            return getattr(o.parent, attribute) if scope.readable(o.parent) else None

        return (
            ExportColumn("组织代码", lambda o: o.code, 18),
            ExportColumn("名称", lambda o: o.name, 30),
            ExportColumn("类型", lambda o: o.get_kind_display(), 14),
            ExportColumn("上级组织代码", lambda o: parent(o, "code"), 18),
            ExportColumn("上级组织名称", lambda o: parent(o, "name"), 30),
            ExportColumn("层级", lambda o: o.depth, 6),
            ExportColumn("成立日期", lambda o: o.established_on, 12),
            ExportColumn("撤销日期", lambda o: o.end_date, 12),
            ExportColumn("直属党员数", lambda o: o.direct_members, 10),
        )

    def rows(self, scope: ExportScope) -> QuerySet[PartyOrg]:
        qs = org_list(within=scope.within).filter(scope.access.read_filter("path"))
        return qs.select_related("parent").annotate(direct_members=_direct_members())


ORG_TREE = OrgTreeExport()
