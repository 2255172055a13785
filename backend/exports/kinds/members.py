"""党员名册: one row per member whose organisational relation lies in the requester's scope.

ID numbers and phones are the stored masked forms (nothing is decrypted) unless the export was
asked with unmask, which services allows only with the unmask grant over the whole subtree.
References outside the requester's scope (a residence community, a work unit covered elsewhere)
are left blank, as the API shows them null."""

from typing import Any

from django.db.models import QuerySet

from backend.exports.spec import ExportColumn, ExportKindCode, ExportScope
from backend.members.models import Member
from backend.members.selectors import member_list
from backend.units.models import Unit

_SEALED = ("id_number_encrypted", "phone_encrypted", "id_number_hash", "phone_hash")


def unit_visible(scope: ExportScope, unit: Unit | None) -> bool:
    """A unit is seen by readers of its covering org; one no org covers, district-wide only."""
    if unit is None:
        return False
    if scope.access.read_paths is None:
        return True
    return scope.readable(unit.covering_org)


class MembersExport:
    code = ExportKindCode.MEMBERS
    label = "党员名册"
    filters = frozenset({"category"})
    has_personal_data = True

    def columns(self, scope: ExportScope) -> tuple[ExportColumn, ...]:
        def id_number(m: Member) -> str:
            return m.id_number if scope.unmask else m.id_number_masked

        def phone(m: Member) -> str:
            return m.phone if scope.unmask else m.phone_masked

        def community(m: Member, attribute: str) -> Any:
            rc = m.residence_community
            return getattr(rc, attribute) if rc is not None and scope.readable(rc) else None

        def unit(m: Member, attribute: str) -> Any:
            return getattr(m.work_unit, attribute) if unit_visible(scope, m.work_unit) else None

        return (
            ExportColumn("姓名", lambda m: m.name, 12),
            ExportColumn("公民身份号码", id_number, 22),
            ExportColumn("性别", lambda m: m.get_gender_display(), 6),
            ExportColumn("出生日期", lambda m: m.birth_date, 12),
            ExportColumn("联系电话", phone, 15),
            ExportColumn("学历", lambda m: m.get_education_display(), 12),
            ExportColumn("入党日期", lambda m: m.joined_on, 12),
            ExportColumn("党员状态", lambda m: m.get_status_display(), 10),
            ExportColumn("党员类别", lambda m: m.get_category_display(), 12),
            ExportColumn("组织关系所在党组织", lambda m: m.org.name, 28),
            ExportColumn("党组织代码", lambda m: m.org.code, 18),
            ExportColumn("居住社区", lambda m: community(m, "name"), 24),
            ExportColumn("居住社区代码", lambda m: community(m, "code"), 18),
            ExportColumn("工作单位", lambda m: unit(m, "name"), 28),
            ExportColumn("工作单位统一社会信用代码", lambda m: unit(m, "credit_code"), 22),
        )

    def rows(self, scope: ExportScope) -> QuerySet[Member]:
        qs = member_list(category=scope.filters.category, within=scope.within)
        qs = qs.filter(scope.access.read_filter("org__path")).select_related(
            "org", "residence_community", "work_unit__covering_org"
        )
        return qs if scope.unmask else qs.defer(*_SEALED)


MEMBERS = MembersExport()
