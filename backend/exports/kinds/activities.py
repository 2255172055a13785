"""活动: the activities organised in the requester's scope, newest first, cancelled ones included
(marked by their cancel date). 活动编号 is the Activity's global ID, the one the API and the
participation import use."""

from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from strawberry import relay

from backend.activities.models import Activity, ActivityParticipation, ActivityUnit
from backend.activities.selectors import activity_list
from backend.exports.spec import ExportColumn, ExportKindCode, ExportScope
from tenants.context import current_scope_code
from tenants.global_ids import encode_node_id


def _per_activity(
    model: type[ActivityParticipation] | type[ActivityUnit], aggregate: object
) -> Subquery:
    rows = (
        model.objects.filter(activity_id=OuterRef("pk"))
        .order_by()
        .values("activity_id")
        .annotate(total=aggregate)
        .values("total")
    )
    return Subquery(rows)


class ActivitiesExport:
    code = ExportKindCode.ACTIVITIES
    label = "活动"
    filters = frozenset({"start", "end"})
    has_personal_data = False

    def columns(self, scope: ExportScope) -> tuple[ExportColumn, ...]:
        district = current_scope_code()

        def global_id(a: Activity) -> str:
            return relay.to_base64("Activity", encode_node_id(a.pk, scope=district))

        def named(obj: object) -> str | None:
            return getattr(obj, "name", None)

        return (
            ExportColumn("活动编号", global_id, 24),
            ExportColumn("活动名称", lambda a: a.title, 30),
            ExportColumn("活动日期", lambda a: a.occurred_on, 12),
            ExportColumn("开始时间", lambda a: a.starts_at, 10),
            ExportColumn("时长(小时)", lambda a: a.duration_hours, 10),
            ExportColumn("地点", lambda a: a.place, 24),
            ExportColumn("组织党组织", lambda a: a.org.name, 28),
            ExportColumn("组织党组织代码", lambda a: a.org.code, 18),
            ExportColumn("活动载体", lambda a: named(a.campaign), 16),
            ExportColumn("主题", lambda a: named(a.theme), 16),
            ExportColumn("参与党员人数", lambda a: a.member_count, 12),
            ExportColumn("参与单位数", lambda a: a.unit_count, 10),
            ExportColumn("党员服务时长合计(小时)", lambda a: a.member_hours, 16),
            ExportColumn("取消日期", lambda a: a.cancelled_on, 12),
            ExportColumn("取消原因", lambda a: a.cancel_reason, 20),
            ExportColumn("活动内容", lambda a: a.description, 40),
        )

    def rows(self, scope: ExportScope) -> QuerySet[Activity]:
        qs = activity_list(
            within=scope.within,
            start=scope.filters.start,
            end=scope.filters.end,
            include_cancelled=True,
        )
        return (
            qs.filter(scope.access.read_filter("org__path"))
            .select_related("org", "campaign", "theme")
            .annotate(
                member_count=Coalesce(
                    _per_activity(ActivityParticipation, Count("id")),
                    0,
                    output_field=IntegerField(),
                ),
                unit_count=Coalesce(
                    _per_activity(ActivityUnit, Count("id")), 0, output_field=IntegerField()
                ),
                member_hours=Coalesce(
                    _per_activity(ActivityParticipation, Sum("hours")),
                    Decimal(0),
                    output_field=DecimalField(max_digits=12, decimal_places=1),
                ),
            )
        )


ACTIVITIES = ActivitiesExport()
