"""What each metric means: the one place that names, explains and scales every figure the workers
compute (DOMAIN.md "Metrics"). The API publishes these so a frontend can say what a number is."""

import enum
from dataclasses import dataclass

from backend.members.models import MemberCategory
from backend.units.models import UnitKind


class MetricUnit(enum.StrEnum):
    PERCENT = "percent"
    HOURS_PER_MEMBER = "hours_per_member"
    PEOPLE_PER_MEMBER = "people_per_member"


_SCALE = {MetricUnit.PERCENT: 100, MetricUnit.HOURS_PER_MEMBER: 1, MetricUnit.PEOPLE_PER_MEMBER: 1}
_SYMBOL = {
    MetricUnit.PERCENT: "%",
    MetricUnit.HOURS_PER_MEMBER: "小时/人",
    MetricUnit.PEOPLE_PER_MEMBER: "人/人",
}

ALL = ""  # the breakdown key of a metric's total


@dataclass(frozen=True)
class MetricDefinition:
    code: str
    name_zh: str
    name_en: str
    numerator: str
    denominator: str
    unit: MetricUnit
    formula: str
    attributed_at: str
    # Sub-populations besides the total (ALL), e.g. member categories; they partition it.
    breakdowns: tuple[str, ...] = ()
    # The numerator counts people or units (not hours), so small counts of it identify someone.
    numerator_counts: bool = True
    # The numerator is a subset of the denominator: "denominator − numerator" is a count too.
    subset: bool = True

    @property
    def scale(self) -> int:
        return _SCALE[self.unit]

    @property
    def unit_symbol(self) -> str:
        return _SYMBOL[self.unit]

    @property
    def breakdown_keys(self) -> tuple[str, ...]:
        return (ALL, *self.breakdowns)


_IN_SCOPE_UNITS = (UnitKind.NON_PUBLIC_ENTERPRISE.value, UnitKind.SOCIAL_ORGANISATION.value)
_CATEGORIES = tuple(category.value for category in MemberCategory)

# Text the definitions share, so that one rule reads the same wherever it applies.
# Where a counted person or unit is attributed (attributed_at).
_MEMBER_RULE = (
    "党员按组织关系所在党组织统计一次 (as of the period's last day, or today while it runs)"
)
_UNIT_RULE = "单位按属地党组织统计 (locality; else the covering organisation; else the district)"
_COMMUNITY_RULE = "社区党组织本身"
_REPORT_RULE = "按报到社区统计 (where they reported; others where they live)"
# The unit metrics: which units they count.
_UNITS_IN_SCOPE = "两新组织单位"
_UNIT_COUNT = "非公企业和社会组织数"
_UNITS_REGISTERED = f"期末已登记的{_UNIT_COUNT} (两新组织)"
# The member metrics: the period they look at, and who they count.
_SO_FAR = "本期内 (期初至统计截止日)"
_NO_CANCELLED = "已取消的活动不计"
_MEMBERS_AT_CUTOFF = "统计截止日在本区的党员数 (截止日前入党)"
_BY_CATEGORY = "按党员类别分列"
_REEMPLOYED = "已再就业或灵活就业的登记下岗党员数"
# The community metrics: which communities they count.
_COMMUNITIES = "本期存续的社区数 (社区党委、社区党总支)"
# The reporting metrics: who has reported.
_REPORTED = "在本区社区有有效报到的人数, 每人一次"


DEFINITIONS: tuple[MetricDefinition, ...] = (
    MetricDefinition(
        code="org_coverage",
        name_zh="组织覆盖率",
        name_en="Organisation coverage",
        numerator=f"有党组织 (单独组建或联合组建, 按当前建立情况) 的{_UNIT_COUNT}",
        denominator=_UNITS_REGISTERED,
        unit=MetricUnit.PERCENT,
        formula=f"单独组建或联合组建的单位 ÷ {_UNITS_IN_SCOPE} × 100%",
        attributed_at=_UNIT_RULE,
        breakdowns=_IN_SCOPE_UNITS,
    ),
    MetricDefinition(
        code="work_coverage",
        name_zh="工作覆盖率",
        name_en="Work coverage",
        numerator=(
            "有党组织 (单独组建、联合组建或挂靠)、或期末有在任党建指导员或联络员的"
            f"{_UNITS_IN_SCOPE}数"
        ),
        denominator=_UNITS_REGISTERED,
        unit=MetricUnit.PERCENT,
        formula=f"(有党组织 ∪ 有党建指导员 ∪ 有联络员) 的单位 ÷ {_UNITS_IN_SCOPE} × 100%",
        attributed_at=_UNIT_RULE,
        breakdowns=_IN_SCOPE_UNITS,
    ),
    MetricDefinition(
        code="report_rate",
        name_zh="在职党员报到率",
        name_en="In-service report rate",
        numerator=(
            f"期末 (as_of) {_REPORTED} (含平台其他区及平台外党员):"
            " 报到属于期末所在半年度、报到日期不晚于期末、撤销日期 (如有) 晚于期末;"
            " 同时在两个社区报到的按最早的报到计; 组织关系已转出本区的本区报到人不计"
        ),
        denominator=(
            "居住在本区的在职党员数: 上述已报到的人 (按报到社区), 加上期末在册、未报到、"
            "登记了本区居住社区的本区在职党员 (按居住社区); 居住社区为空者不计"
        ),
        unit=MetricUnit.PERCENT,
        formula="已报到在职党员 ÷ 居住在辖区的在职党员 × 100%",
        attributed_at=_REPORT_RULE,
    ),
    MetricDefinition(
        code="participation_rate",
        name_zh="活动参与率",
        name_en="Participation rate",
        numerator=f"{_SO_FAR} 至少有一条活动参与记录的党员数 (参加多次计一人; {_NO_CANCELLED})",
        denominator=_MEMBERS_AT_CUTOFF,
        unit=MetricUnit.PERCENT,
        formula=f"期内参加过活动的党员 ÷ 党员 × 100%, {_BY_CATEGORY}",
        attributed_at=_MEMBER_RULE,
        breakdowns=_CATEGORIES,
    ),
    MetricDefinition(
        code="service_hours_per_member",
        name_zh="人均服务时长",
        name_en="Service hours per member",
        numerator=f"{_SO_FAR} 党员的服务时长合计 (小时): 活动参与记录的时长, "
        f"加上本区在职党员社区活动登记卡上未作为活动参与记录的时长 ({_NO_CANCELLED})",
        denominator=_MEMBERS_AT_CUTOFF,
        unit=MetricUnit.HOURS_PER_MEMBER,
        formula=f"期内服务时长合计 ÷ 党员数, {_BY_CATEGORY}",
        attributed_at=_MEMBER_RULE,
        breakdowns=_CATEGORIES,
        numerator_counts=False,
        subset=False,
    ),
    MetricDefinition(
        code="cobuilding_coverage",
        name_zh="共建覆盖率",
        name_en="Co-building coverage",
        numerator="本期内 (至期末) 至少有一天, 社区党组织本身是某个有效共建对子一方的社区数",
        denominator=_COMMUNITIES,
        unit=MetricUnit.PERCENT,
        formula="有共建对子的社区 ÷ 社区 × 100%",
        attributed_at=_COMMUNITY_RULE,
    ),
    MetricDefinition(
        code="position_coverage",
        name_zh="阵地覆盖率",
        name_en="Position coverage",
        numerator="期末有启用中且达到建设标准的党员标准活动室的社区数",
        denominator=_COMMUNITIES,
        unit=MetricUnit.PERCENT,
        formula="有标准活动室的社区 ÷ 社区 × 100%",
        attributed_at=_COMMUNITY_RULE,
    ),
    MetricDefinition(
        code="feedback_rate",
        name_zh="报到反馈率",
        name_en="Feedback rate",
        numerator=(
            "分母中, 有效报到的反馈卡在期初至期末 (按送达时间的本地日期) 已送达工作单位党组织"
            " (状态为已送达或已签收: 送本区党组织、经平台送他区或打印送达) 的人数"
        ),
        denominator=f"期末{_REPORTED} (同报到率的分子)",
        unit=MetricUnit.PERCENT,
        formula="反馈卡已送达的报到党员 ÷ 已报到在职党员 × 100%",
        attributed_at=_REPORT_RULE,
    ),
    MetricDefinition(
        code="mobile_coverage",
        name_zh="流动党员纳管率",
        name_en="Mobile-member coverage",
        numerator="统计截止日有有效编组 (编入党小组或临时党支部, 编入日期 ≤ 截止日 < 结束日期) "
        "的已登记流动党员数",
        denominator="统计截止日在本区、截止日前已登记的流动党员数",
        unit=MetricUnit.PERCENT,
        formula="已编组流动党员 ÷ 已登记流动党员 × 100%",
        attributed_at=_MEMBER_RULE,
    ),
    MetricDefinition(
        code="reemployment_rate",
        name_zh="下岗党员再就业率",
        name_en="Re-employment rate",
        numerator=f"统计截止日就业状态 (按状态变动记录) 为{_REEMPLOYED}",
        denominator="统计截止日在册的登记下岗党员数 (截止日前登记、截止日未关闭的党员就业档案)",
        unit=MetricUnit.PERCENT,
        formula="已再就业 ÷ 登记下岗党员 × 100%",
        attributed_at=_MEMBER_RULE,
    ),
    MetricDefinition(
        code="led_into_work",
        name_zh="人均带动就业",
        name_en="People led into work per re-employed member",
        numerator="截至统计截止日累计经下岗党员带领实现再就业的人数 (双带; 党员或非党员职工, "
        "每人计一次, 计入带领人组织关系所在党组织)",
        denominator=f"统计截止日{_REEMPLOYED}",
        unit=MetricUnit.PEOPLE_PER_MEMBER,
        formula="带动就业人数 ÷ 已再就业党员",
        attributed_at=_MEMBER_RULE,
        subset=False,
    ),
)

BY_CODE: dict[str, MetricDefinition] = {definition.code: definition for definition in DEFINITIONS}
