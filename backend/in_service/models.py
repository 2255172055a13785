"""在职党员: in-service members who report (报到) to the community where they live, and the
three cards of their contact card (联系卡): the information card, the community activity
registration card and the community performance feedback card.

Everything here is anchored to the community the member reports to (`Reporter.community`): that
community's readers see it. A feedback card is also visible to readers of the Party organisation
it was sent to (`FeedbackCard.recipient_org`).
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q

from backend.members.identity import SealedIdentity

HALF_YEAR_PATTERN = r"^[0-9]{4}H[12]$"
MAX_HOURS_PER_ENTRY = 24
PERIOD_MONTHS_CHOICES = (1, 3, 6, 12)


class ReporterKind(models.TextChoices):
    LOCAL = "local", "本区党员"
    PLATFORM = "platform", "平台其他区党员"
    EXTERNAL = "external", "平台外党员"


class SkillTag(models.TextChoices):
    MEDICAL = "medical", "医疗卫生"
    LEGAL = "legal", "法律"
    EDUCATION = "education", "教育"
    ARTS = "arts", "文艺"
    IT = "it", "信息技术"
    REPAIR = "repair", "维修"
    COUNSELLING = "counselling", "心理咨询"
    FINANCE = "finance", "财会"
    CONSTRUCTION = "construction", "建筑"
    OTHER = "other", "其他"


class Reporter(SealedIdentity):
    """报到党员 / 信息卡: an in-service member who reports to a community, with the information
    card the community keeps (work unit, post, skills).

    Either a member of this district (`member`, kind local), or a member whose organisational
    relation is held elsewhere: in another district of the platform (kind platform, by district
    code) or outside the platform (kind external, the work unit's Party organisation by name).
    For those the ID number and phone are sealed as for members (ciphertext, keyed hash, masked).
    A local member who leaves the district (e.g. transferred out) leaves the community's history
    behind: `member` becomes null and `name` keeps who it was.
    """

    community = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="报到社区",
        on_delete=models.PROTECT,
        related_name="in_service_reporters",
    )
    kind = models.CharField("报到人类型", max_length=20, choices=ReporterKind.choices)
    member = models.ForeignKey(
        "members.Member",
        verbose_name="本区党员",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="in_service_reporters",
    )
    name = models.CharField("姓名", max_length=50)
    home_district_code = models.CharField("组织关系所在区 (代码)", max_length=30, blank=True)
    home_district_name = models.CharField("组织关系所在区", max_length=100, blank=True)
    # 信息卡
    work_unit = models.ForeignKey(
        "units.Unit",
        verbose_name="工作单位",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="in_service_reporters",
    )
    work_unit_name = models.CharField("工作单位 (名称)", max_length=200, blank=True)
    work_party_org_name = models.CharField("工作单位党组织", max_length=200, blank=True)
    post = models.CharField("职务", max_length=100, blank=True)
    skills = ArrayField(
        models.CharField(max_length=20, choices=SkillTag.choices),
        verbose_name="特长",
        default=list,
        blank=True,
    )
    skill_note = models.CharField("特长说明", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "报到党员 (信息卡)"
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["community", "kind"], name="in_service_reporter_comm_kind"),
            GinIndex(fields=["skills"], name="in_service_reporter_skills"),
            GinIndex(
                fields=["skill_note"],
                opclasses=["gin_trgm_ops"],
                name="in_service_reporter_note_trgm",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "member"],
                condition=Q(member__isnull=False),
                name="in_service_reporter_member_once",
            ),
            models.UniqueConstraint(
                fields=["community", "id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="in_service_reporter_person_once",
            ),
            # Someone from elsewhere is known by ID number, never by a member row of ours.
            models.CheckConstraint(
                condition=Q(kind=ReporterKind.LOCAL)
                | (Q(member__isnull=True) & ~Q(id_number_hash="") & ~Q(id_number_encrypted="")),
                name="in_service_reporter_external_identity",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ReporterKind.PLATFORM) | ~Q(home_district_code=""),
                name="in_service_reporter_platform_has_district",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ReporterKind.EXTERNAL) | ~Q(work_party_org_name=""),
                name="in_service_reporter_external_has_org",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReporterKind.values), name="in_service_reporter_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReportStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    CANCELLED = "cancelled", "已撤销"


class Report(models.Model):
    """报到: a reporter's report to the community for one half-year (e.g. 2026H2, taken from
    the date); reported again every half-year, cancelled with a reason."""

    reporter = models.ForeignKey(
        Reporter, verbose_name="报到党员", on_delete=models.CASCADE, related_name="reports"
    )
    # The reporter's community, kept here so reports filter by community without a join.
    community = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="报到社区",
        on_delete=models.PROTECT,
        related_name="in_service_reports",
    )
    half_year = models.CharField("报到半年度", max_length=6)
    reported_on = models.DateField("报到日期")
    status = models.CharField(
        "状态", max_length=20, choices=ReportStatus.choices, default=ReportStatus.ACTIVE
    )
    cancelled_on = models.DateField("撤销日期", null=True, blank=True)
    cancel_reason = models.CharField("撤销原因", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "报到"
        ordering = ["-reported_on", "-id"]
        indexes = [
            models.Index(
                fields=["community", "half_year", "status"], name="in_service_report_comm_hy"
            ),
            models.Index(fields=["reporter", "half_year"], name="in_service_report_reporter_hy"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "reporter", "half_year"],
                condition=Q(status=ReportStatus.ACTIVE),
                name="in_service_report_one_active_per_half_year",
            ),
            models.CheckConstraint(
                condition=Q(half_year__regex=HALF_YEAR_PATTERN),
                name="in_service_report_half_year_format",
            ),
            models.CheckConstraint(
                condition=(Q(status=ReportStatus.ACTIVE) & Q(cancelled_on__isnull=True))
                | (
                    Q(status=ReportStatus.CANCELLED)
                    & Q(cancelled_on__isnull=False)
                    & Q(cancelled_on__gte=F("reported_on"))
                ),
                name="in_service_report_cancellation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reporter_id} {self.half_year}"


class ActivityKind(models.TextChoices):
    ACTIVITY = "activity", "参加活动"
    CONTRIBUTION = "contribution", "贡献"


class ActivityEntry(models.Model):
    """社区活动登记卡: one dated entry of a reporter's activities and contributions in the
    community, with service hours."""

    reporter = models.ForeignKey(
        Reporter,
        verbose_name="报到党员",
        on_delete=models.CASCADE,
        related_name="activity_entries",
    )
    occurred_on = models.DateField("日期")
    title = models.CharField("事项", max_length=200)
    kind = models.CharField("类别", max_length=20, choices=ActivityKind.choices)
    hours = models.DecimalField("服务时长 (小时)", max_digits=4, decimal_places=1)
    description = models.TextField("情况说明", blank=True)
    # Where the campaigns issue will link an entry to its activity; nullable until then.
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="活动载体",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="in_service_entries",
    )
    # The activity the entry records the reporter's part in, when it was one.
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name="活动",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="in_service_entries",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "社区活动登记"
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["reporter", "occurred_on"], name="in_service_entry_reporter_on")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=MAX_HOURS_PER_ENTRY),
                name="in_service_entry_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ActivityKind.values), name="in_service_entry_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class FeedbackSettings(models.Model):
    """反馈卡周期设置: how often the district's communities issue feedback cards (one row)."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    period_months = models.PositiveSmallIntegerField("反馈周期 (月)", default=3)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "反馈卡周期设置"
        constraints = [
            models.CheckConstraint(
                condition=Q(singleton=True), name="in_service_feedback_settings_singleton"
            ),
            models.CheckConstraint(
                condition=Q(period_months__in=PERIOD_MONTHS_CHOICES),
                name="in_service_feedback_settings_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_months} 个月"


class FeedbackRating(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    FAIR = "fair", "一般"
    POOR = "poor", "较差"


class FeedbackChannel(models.TextChoices):
    LOCAL = "local", "本区党组织"
    PLATFORM = "platform", "平台投递"
    PRINTED = "printed", "打印送达"


class FeedbackState(models.TextChoices):
    DRAFT = "draft", "待发送"
    SENT = "sent", "已送达"
    ACKNOWLEDGED = "acknowledged", "已签收"


class FeedbackCard(models.Model):
    """社区表现反馈卡: the community's feedback on a reporter for one period, sent to the Party
    organisation of their work unit: an org of this district, another district through the
    platform, or (outside the platform) as a printed card. The activity count and hours are
    taken from the activity registration card when the card is issued."""

    reporter = models.ForeignKey(
        Reporter,
        verbose_name="报到党员",
        on_delete=models.CASCADE,
        related_name="feedback_cards",
    )
    period_label = models.CharField("反馈期", max_length=10)
    period_start = models.DateField("期初")
    period_end = models.DateField("期末")
    rating = models.CharField("评价", max_length=20, choices=FeedbackRating.choices, blank=True)
    comment = models.TextField("评语", blank=True)
    activity_count = models.PositiveIntegerField("参加活动次数", default=0)
    service_hours = models.DecimalField("服务时长 (小时)", max_digits=7, decimal_places=1)
    issued_on = models.DateField("填发日期")
    channel = models.CharField("送达方式", max_length=20, choices=FeedbackChannel.choices)
    state = models.CharField(
        "状态", max_length=20, choices=FeedbackState.choices, default=FeedbackState.DRAFT
    )
    recipient_org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="接收党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_in_service_feedback",
    )
    recipient_district_code = models.CharField("接收区 (代码)", max_length=30, blank=True)
    recipient_district_name = models.CharField("接收区", max_length=100, blank=True)
    # The platform's tenants.Dispatch (public schema) that carried the card, by id.
    dispatch_id = models.BigIntegerField("投递编号", null=True, blank=True, unique=True)
    sent_at = models.DateTimeField("送达时间", null=True, blank=True)
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "accounts.User",
        verbose_name="签收人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "社区表现反馈卡"
        ordering = ["-period_start", "reporter_id", "id"]
        indexes = [
            models.Index(fields=["period_label", "state"], name="in_service_feedback_period"),
            models.Index(fields=["recipient_org", "state"], name="in_service_feedback_recipient"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "period_start"], name="in_service_feedback_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="in_service_feedback_period_order",
            ),
            models.CheckConstraint(
                condition=Q(service_hours__gte=0), name="in_service_feedback_hours_positive"
            ),
            models.CheckConstraint(
                condition=Q(state=FeedbackState.DRAFT) | (~Q(rating="") & Q(sent_at__isnull=False)),
                name="in_service_feedback_sent_is_rated",
            ),
            models.CheckConstraint(
                condition=~Q(state=FeedbackState.ACKNOWLEDGED) | Q(acknowledged_at__isnull=False),
                name="in_service_feedback_acknowledged_at",
            ),
            models.CheckConstraint(
                condition=~Q(channel=FeedbackChannel.LOCAL) | Q(recipient_org__isnull=False),
                name="in_service_feedback_local_has_org",
            ),
            models.CheckConstraint(
                condition=~Q(channel=FeedbackChannel.PLATFORM) | ~Q(recipient_district_code=""),
                name="in_service_feedback_platform_has_district",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reporter_id} {self.period_label}"
