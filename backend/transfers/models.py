"""组织关系转接: moving a member's organisational relation between orgs, within the district,
to another district of the platform, or to/from an org outside the platform.

Both records keep name and code snapshots of the orgs and the member, so the district's history
survives when an org is renamed or removed, or the member leaves the district.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q


class TransferReason(models.TextChoices):
    JOB_CHANGE = "job_change", "工作调动"
    RELOCATION = "relocation", "迁居"
    STUDY = "study", "升学"
    GRADUATION = "graduation", "毕业"
    RETIREMENT = "retirement", "退休"
    MILITARY = "military", "参军"
    DISCHARGE = "discharge", "退役"
    ABROAD = "abroad", "出国(境)"
    TEMPORARY_BRANCH_CLOSED = "temporary_branch_closed", "临时党支部撤销"
    ORG_ADJUSTMENT = "org_adjustment", "党组织调整"
    OTHER = "other", "其他"


class TransferDirection(models.TextChoices):
    OUT = "out", "转出"
    IN = "in", "转入"


class TransferScope(models.TextChoices):
    WITHIN = "within", "区内转接"
    BETWEEN = "between", "跨区转接"
    OUTSIDE = "outside", "平台外转接"


class TransferStatus(models.TextChoices):
    """What is stored; 已超期 (expired) is computed from valid_until while pending."""

    PENDING = "pending", "待接收"
    ACCEPTED = "accepted", "已接收"
    REFUSED = "refused", "已退回"
    WITHDRAWN = "withdrawn", "已撤回"
    COMPLETED = "completed", "已完成"


class TransferState(models.TextChoices):
    """What the API shows and filters by: the stored status, with 已超期 for a pending transfer
    whose letter has run out (valid_until before today)."""

    PENDING = "pending", "待接收"
    EXPIRED = "expired", "已超期"
    ACCEPTED = "accepted", "已接收"
    REFUSED = "refused", "已退回"
    WITHDRAWN = "withdrawn", "已撤回"
    COMPLETED = "completed", "已完成"


EXPIRED = TransferState.EXPIRED.value
LETTER_VALID_DAYS = 90


class RelationTransfer(models.Model):
    """转接记录: one transfer of a member's organisational relation as this district sees it.

    A transfer between two districts has one row in each (direction out in the sender, in in the
    recipient), joined only by the platform dispatch; a transfer within the district has one row
    (direction out). `from_org`/`to_org` are this district's orgs where there is one; the other
    side is a snapshot (`*_name`, `*_code`) and the counterpart district's code and name.
    """

    direction = models.CharField("方向", max_length=10, choices=TransferDirection.choices)
    scope = models.CharField("范围", max_length=10, choices=TransferScope.choices)
    status = models.CharField("状态", max_length=20, choices=TransferStatus.choices)
    member = models.ForeignKey(
        "members.Member",
        verbose_name="党员",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="relation_transfers",
    )
    member_name = models.CharField("姓名", max_length=50)
    member_id_number_masked = models.CharField("公民身份号码 (masked)", max_length=18)
    member_id_number_hash = models.CharField("公民身份号码 (keyed hash)", max_length=64)
    from_org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="转出党组织",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="relation_transfers_out",
    )
    from_org_name = models.CharField("转出党组织名称", max_length=200, blank=True)
    from_org_code = models.CharField("转出党组织代码", max_length=50, blank=True)
    to_org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="转入党组织",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="relation_transfers_in",
    )
    to_org_name = models.CharField("转入党组织名称", max_length=200, blank=True)
    to_org_code = models.CharField("转入党组织代码", max_length=50, blank=True)
    counterpart_district_code = models.CharField("对方区代码", max_length=50, blank=True)
    counterpart_district_name = models.CharField("对方区名称", max_length=200, blank=True)
    # The sender's hint of the receiving org in the other district: never checked against it.
    requested_org_code = models.CharField("拟接收党组织代码", max_length=50, blank=True)
    reason = models.CharField("转接原因", max_length=40, choices=TransferReason.choices)
    note = models.TextField("备注", blank=True)
    letter_number = models.CharField("介绍信编号", max_length=40)
    valid_until = models.DateField("有效期至")
    moved_on = models.DateField("转接日期")
    refused_reason = models.TextField("退回原因", blank=True)
    dispatch_id = models.BigIntegerField("跨区投递编号", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField("处理时间", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who answered in the other district (a name only: that user is not ours).
    answered_by_name = models.CharField("处理人姓名", max_length=150, blank=True)

    class Meta:
        verbose_name = "组织关系转接记录"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["status", "direction", "scope"], name="transfers_status_dir_scope"
            ),
            models.Index(fields=["member", "status"], name="transfers_member_status"),
            models.Index(fields=["dispatch_id"], name="transfers_dispatch"),
            models.Index(fields=["member_id_number_hash"], name="transfers_id_hash"),
            models.Index(fields=["-created_at", "-id"], name="transfers_created"),
        ]
        constraints = [
            # Letters this district issues are unique; incoming ones carry the issuer's number.
            models.UniqueConstraint(
                fields=["letter_number"],
                condition=Q(direction="out"),
                name="transfers_letter_number_unique",
            ),
            # At most one open transfer-out per member.
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status="pending", direction="out"),
                name="transfers_one_pending_per_member",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=["out", "in"]), name="transfers_direction_valid"
            ),
            models.CheckConstraint(
                condition=~Q(scope="within") | Q(direction="out"),
                name="transfers_within_is_out",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refused_reason=""),
                name="transfers_refused_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("moved_on")),
                name="transfers_valid_after_moved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_name} {self.from_org_name}→{self.to_org_name}"

    def effective_status(self, today: date | None = None) -> str:
        """The stored status, or `expired` for a pending transfer past its valid_until."""
        if self.status == TransferStatus.PENDING and self.valid_until < (today or date.today()):
            return EXPIRED
        return self.status


class RelationChange(models.Model):
    """组织关系变动记录: one step of a member's organisational relation history.

    Steps in this district point at its orgs (kept as snapshots too); `carried` steps came with a
    member from another district and are text only (`*_district_name` says where). The arrival
    from another district has `from_district_name` set and no `from_org`.
    """

    member = models.ForeignKey(
        "members.Member",
        verbose_name="党员",
        on_delete=models.CASCADE,
        related_name="relation_changes",
    )
    date = models.DateField("变动日期")
    from_org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="原党组织",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    from_org_name = models.CharField("原党组织名称", max_length=200, blank=True)
    from_org_code = models.CharField("原党组织代码", max_length=50, blank=True)
    from_district_name = models.CharField("原所在区", max_length=200, blank=True)
    to_org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="现党组织",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    to_org_name = models.CharField("现党组织名称", max_length=200, blank=True)
    to_org_code = models.CharField("现党组织代码", max_length=50, blank=True)
    to_district_name = models.CharField("现所在区", max_length=200, blank=True)
    reason = models.CharField("变动原因", max_length=40, choices=TransferReason.choices)
    note = models.TextField("备注", blank=True)
    transfer = models.ForeignKey(
        RelationTransfer,
        verbose_name="转接记录",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
    )
    carried = models.BooleanField("外区带入", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "组织关系变动记录"
        ordering = ["member", "date", "id"]
        indexes = [
            models.Index(fields=["member", "date", "id"], name="transfers_change_member_date"),
            models.Index(fields=["date"], name="transfers_change_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(carried=False) | (Q(from_org__isnull=True) & Q(to_org__isnull=True)),
                name="transfers_change_carried_has_no_orgs",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.from_org_name}→{self.to_org_name}"
