"""单位名单: the units whose covering org lies in the requester's scope (district-wide readers:
every unit, covered or not)."""

from django.db.models import QuerySet

from backend.exports.spec import ExportColumn, ExportKindCode, ExportScope
from backend.units.models import Unit


class UnitsExport:
    code = ExportKindCode.UNITS
    label = "单位名单"
    filters: frozenset[str] = frozenset()
    has_personal_data = False

    def columns(self, scope: ExportScope) -> tuple[ExportColumn, ...]:
        def locality(u: Unit, attribute: str) -> str | None:
            return getattr(u.locality, attribute) if scope.readable(u.locality) else None

        def covering(u: Unit, attribute: str) -> str | None:
            return getattr(u.covering_org, attribute) if u.covering_org is not None else None

        return (
            ExportColumn("单位名称", lambda u: u.name, 30),
            ExportColumn("统一社会信用代码", lambda u: u.credit_code, 22),
            ExportColumn("单位类型", lambda u: u.get_kind_display(), 12),
            ExportColumn("地址", lambda u: u.address, 30),
            ExportColumn("职工人数", lambda u: u.employee_count, 10),
            ExportColumn("党员人数", lambda u: u.party_member_count, 10),
            ExportColumn("党组织建立情况", lambda u: u.get_party_org_status_display(), 14),
            ExportColumn("覆盖党组织", lambda u: covering(u, "name"), 28),
            ExportColumn("覆盖党组织代码", lambda u: covering(u, "code"), 18),
            ExportColumn("属地党组织", lambda u: locality(u, "name"), 24),
            ExportColumn("属地党组织代码", lambda u: locality(u, "code"), 18),
        )

    def rows(self, scope: ExportScope) -> QuerySet[Unit]:
        qs = Unit.objects.filter(scope.access.read_filter("covering_org__path"))
        if scope.within is not None:
            qs = qs.filter(covering_org__path__descendant_of=scope.within.path)
        return qs.select_related("covering_org", "locality").order_by("name", "id")


UNITS = UnitsExport()
