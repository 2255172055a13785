from django.core.validators import RegexValidator
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.utils import get_public_schema_name

# A district code is a DNS label and part of a schema name, so it stays short, lowercase, plain.
DISTRICT_CODE_PATTERN = r"^[a-z][a-z0-9]{1,29}$"
district_code_validator = RegexValidator(
    DISTRICT_CODE_PATTERN, "区代码须为 2–30 位小写字母或数字，以字母开头。"
)


class Municipality(models.Model):  # type: ignore[django-manager-missing]
    """市: the city that groups districts; it sees roll-ups, never personal data."""

    code = models.CharField(
        "代码", max_length=30, unique=True, validators=[district_code_validator]
    )
    name = models.CharField("名称", max_length=100)

    class Meta:
        verbose_name = "市"

    def __str__(self) -> str:
        return self.name


class DistrictQuerySet(models.QuerySet["District"]):
    def serving(self) -> "DistrictQuerySet":
        """Real districts: not the platform's own public row, not the template schema."""
        return self.exclude(schema_name=get_public_schema_name()).filter(is_template=False)


class District(TenantMixin):
    """区: one PostgreSQL schema per district, administered by its 区委组织部."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="districts"
    )
    code = models.CharField(
        "代码", max_length=30, unique=True, validators=[district_code_validator]
    )
    name = models.CharField("名称", max_length=100)
    is_template = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    # Schemas are cloned from the template by tenants.provisioning, not created by save().
    auto_create_schema = False

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = "区"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Domain(DomainMixin):
    """The host name a district (or the platform itself) is served on."""

    class Meta:
        verbose_name = "域名"


class DispatchKind(models.TextChoices):
    FEEDBACK_CARD = "feedback_card", "在职党员社区表现反馈卡"
    RELATION_TRANSFER = "relation_transfer", "组织关系转接"


class DispatchState(models.TextChoices):
    SENT = "sent", "已送达"
    ACKNOWLEDGED = "acknowledged", "已签收"
    ACCEPTED = "accepted", "已接收"
    REFUSED = "refused", "已退回"
    WITHDRAWN = "withdrawn", "已撤回"


class Dispatch(models.Model):
    """跨区投递: one thing a district sends to another through the platform (a feedback card, a
    relation transfer), and the recipient's answer. The payload is exactly what the sender chose
    to deliver; neither district reads the other's schema. Only tenants.exchange writes it."""

    kind = models.CharField("类型", max_length=30, choices=DispatchKind.choices)
    sender = models.ForeignKey(
        District, verbose_name="发出区", on_delete=models.PROTECT, related_name="dispatches_sent"
    )
    recipient = models.ForeignKey(
        District,
        verbose_name="接收区",
        on_delete=models.PROTECT,
        related_name="dispatches_received",
    )
    # The sender's own reference to what was sent (a global ID in the sender's district), so it
    # can find its side again; the recipient has no use for it and the API does not show it there.
    sender_ref = models.CharField(max_length=200)
    payload = models.JSONField(default=dict)
    state = models.CharField(
        "状态", max_length=20, choices=DispatchState.choices, default=DispatchState.SENT
    )
    reply = models.JSONField(default=dict)
    sent_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "跨区投递"
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "kind", "state"], name="tenants_dispatch_inbox"),
            models.Index(fields=["sender", "kind", "sender_ref"], name="tenants_dispatch_outbox"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sender_id}→{self.recipient_id}"


class DistrictMetric(models.Model):
    """区级指标: one district's total numerator and denominator for a metric, breakdown and
    period, written by the district's metric job (backend.metrics.publish). The municipal API
    reads only this table: sums and ratios of counts, never a person."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="metrics")
    metric = models.CharField("指标", max_length=40)
    breakdown = models.CharField("分类", max_length=40, blank=True, default="")
    period_kind = models.CharField("期间类型", max_length=10)
    period_start = models.DateField("期初")
    period_end = models.DateField("期末")
    as_of = models.DateField("统计截止日")
    numerator = models.DecimalField("分子", max_digits=16, decimal_places=2)
    denominator = models.DecimalField("分母", max_digits=16, decimal_places=2)
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = "区级指标"
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "breakdown", "period_kind", "period_start", "district"],
                name="tenants_districtmetric_natural_key",
            ),
        ]
        indexes = [
            models.Index(
                fields=["district", "metric", "breakdown", "period_kind", "period_start"],
                name="tenants_districtmetric_trend",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district_id} {self.metric}/{self.breakdown or 'all'} {self.period_start}"
