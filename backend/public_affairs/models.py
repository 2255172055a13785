"""社区公共事务协会: a community's residents' self-governance body, with its areas of work
(工作领域), resident officers (协会成员) and council-like meetings with resolutions and
follow-up items (督办事项). Everything is anchored at the community for scope."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q

from backend.common.periods import DateSpan
from backend.members.identity import SealedPhone


class WorkArea(models.TextChoices):
    SERVICE = "service", "服务"
    HEALTH = "health", "卫生"
    CULTURE = "culture", "文化"
    ENVIRONMENT = "environment", "环境"
    SECURITY = "security", "治安"
    EMPLOYMENT = "employment", "就业"
    OTHER = "other", "其他"


class OfficerRole(models.TextChoices):
    PRESIDENT = "president", "会长"
    VICE_PRESIDENT = "vice_president", "副会长"
    SECRETARY_GENERAL = "secretary_general", "秘书长"
    COMMITTEE_MEMBER = "committee_member", "委员"
    CLERK = "clerk", "干事"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "待办"
    IN_PROGRESS = "in_progress", "办理中"
    DONE = "done", "已办结"
    DROPPED = "dropped", "已撤销"


# Statuses of a follow-up that is still owed (an overdue one is one of these past its due date).
PENDING_STATUSES = (FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS)


class PublicAffairsAssociation(models.Model):
    """社区公共事务协会: one per community at a time; a dissolved one stays on record."""

    community = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="所属社区党组织",
        on_delete=models.PROTECT,
        related_name="public_affairs_associations",
    )
    name = models.CharField("名称", max_length=200)
    founded_on = models.DateField("成立日期")
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)
    charter = models.TextField("章程", blank=True)
    notes = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "public_affairs_association"
        verbose_name = "社区公共事务协会"
        ordering = ["community_id", "founded_on", "id"]
        indexes = [
            models.Index(fields=["community", "dissolved_on"], name="pubaff_assoc_community"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=F("founded_on")),
                name="pubaff_assoc_dissolved_after_founded",
            ),
            models.UniqueConstraint(
                fields=["community"],
                condition=Q(dissolved_on__isnull=True),
                name="pubaff_assoc_one_active_per_community",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PublicAffairsArea(models.Model):
    """工作领域: one area of work of an association, with an optional lead officer."""

    association = models.ForeignKey(
        PublicAffairsAssociation,
        verbose_name="协会",
        on_delete=models.CASCADE,
        related_name="areas",
    )
    area = models.CharField("领域", max_length=20, choices=WorkArea.choices)
    description = models.TextField("工作内容", blank=True)
    lead = models.ForeignKey(
        "PublicAffairsOfficer",
        verbose_name="负责人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_areas",
    )

    class Meta:
        db_table = "public_affairs_area"
        verbose_name = "协会工作领域"
        ordering = ["association_id", "area", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "area"], name="pubaff_area_once_per_association"
            ),
        ]

    def __str__(self) -> str:
        return WorkArea(self.area).label


class PublicAffairsOfficer(SealedPhone):
    """协会成员: a resident serving the association in a role for a term. Usually not a Party
    member; when one is, `member` links the record, and the name stays when that member leaves
    the district (SET_NULL). The phone is sealed; only its masked form is shown."""

    association = models.ForeignKey(
        PublicAffairsAssociation,
        verbose_name="协会",
        on_delete=models.CASCADE,
        related_name="officers",
    )
    name = models.CharField("姓名", max_length=50)
    member = models.ForeignKey(
        "members.Member",
        verbose_name="党员",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="public_affairs_offices",
    )
    role = models.CharField("职务", max_length=20, choices=OfficerRole.choices)
    area = models.ForeignKey(
        PublicAffairsArea,
        verbose_name="分管领域",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="officers",
    )
    term_start = models.DateField("任期开始")
    term_end = models.DateField("任期结束", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "public_affairs_officer"
        verbose_name = "协会成员"
        ordering = ["association_id", "role", "term_start", "id"]
        indexes = [
            models.Index(fields=["association", "term_end"], name="pubaff_officer_assoc_end"),
            models.Index(fields=["member"], name="pubaff_officer_member"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=F("term_start")),
                name="pubaff_officer_end_after_start",
            ),
            # One 会长 at a time: neither two current ones nor two overlapping terms.
            models.UniqueConstraint(
                fields=["association"],
                condition=Q(role="president", term_end__isnull=True),
                name="pubaff_officer_one_current_president",
            ),
            ExclusionConstraint(
                name="pubaff_officer_president_no_overlap",
                expressions=[
                    ("association", RangeOperators.EQUAL),
                    (DateSpan("term_start", "term_end"), RangeOperators.OVERLAPS),
                ],
                condition=Q(role="president"),
            ),
            # The same person (by name within the association) never holds a role twice at once.
            ExclusionConstraint(
                name="pubaff_officer_person_role_no_overlap",
                expressions=[
                    ("association", RangeOperators.EQUAL),
                    ("role", RangeOperators.EQUAL),
                    ("name", RangeOperators.EQUAL),
                    (DateSpan("term_start", "term_end"), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{OfficerRole(self.role).label}）"


class PublicAffairsMeeting(models.Model):
    """协会会议: a meeting of the association's officers (议事会)."""

    association = models.ForeignKey(
        PublicAffairsAssociation,
        verbose_name="协会",
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    held_on = models.DateField("会议日期")
    topic = models.CharField("议题", max_length=200)
    place = models.CharField("地点", max_length=200, blank=True)
    notes = models.TextField("纪要", blank=True)
    attendees = models.ManyToManyField(
        PublicAffairsOfficer, verbose_name="出席成员", related_name="meetings_attended", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "public_affairs_meeting"
        verbose_name = "协会会议"
        ordering = ["association_id", "-held_on", "-id"]
        indexes = [
            models.Index(fields=["association", "held_on"], name="pubaff_meeting_assoc_held"),
        ]

    def __str__(self) -> str:
        return self.topic


class PublicAffairsResolution(models.Model):
    """会议决议: one resolution a meeting adopted, in the order adopted."""

    meeting = models.ForeignKey(
        PublicAffairsMeeting,
        verbose_name="会议",
        on_delete=models.CASCADE,
        related_name="resolutions",
    )
    position = models.PositiveSmallIntegerField("序号")
    text = models.TextField("决议内容")

    class Meta:
        db_table = "public_affairs_resolution"
        verbose_name = "会议决议"
        ordering = ["meeting_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"], name="pubaff_resolution_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:30]


class PublicAffairsFollowUp(models.Model):
    """督办事项: a follow-up item of a resolution, owned by an officer, due on a date."""

    resolution = models.ForeignKey(
        PublicAffairsResolution,
        verbose_name="决议",
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    item = models.CharField("事项", max_length=300)
    # Officers are never deleted by the API; SET_NULL only so that no deletion is ever blocked.
    owner = models.ForeignKey(
        PublicAffairsOfficer,
        verbose_name="责任人",
        on_delete=models.SET_NULL,
        null=True,
        related_name="follow_ups",
    )
    due_on = models.DateField("办结期限")
    status = models.CharField(
        "状态", max_length=20, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    done_on = models.DateField("办结日期", null=True, blank=True)
    note = models.TextField("办理情况", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "public_affairs_follow_up"
        verbose_name = "督办事项"
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="pubaff_followup_status_due"),
        ]
        constraints = [
            # A done date exactly when done.
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False)
                | (~Q(status="done") & Q(done_on__isnull=True)),
                name="pubaff_followup_done_on_when_done",
            ),
        ]

    def __str__(self) -> str:
        return self.item
