"""下岗职工党员与再就业: employment archives kept by a community's re-employment service station.

An archive follows one laid-off worker, a Party member of this district or not, through a status
history (下岗待业 → 培训中 → 已再就业 …) and their training. A re-employment may name the laid-off
Party member who led the worker into work (双带).
"""

from django.db import models
from django.db.models import F, Q

from backend.members.identity import SealedIdentity
from backend.members.models import Gender


class EmploymentStatus(models.TextChoices):
    LAID_OFF = "laid_off", "下岗待业"
    IN_TRAINING = "in_training", "培训中"
    REEMPLOYED = "reemployed", "已再就业"
    FLEXIBLE = "flexible", "灵活就业"
    EXITED = "exited", "退出"


# Which status may follow which. EXITED is reached only by closing the archive, and ends it.
TRANSITIONS: dict[str, frozenset[str]] = {
    EmploymentStatus.LAID_OFF: frozenset(
        {EmploymentStatus.IN_TRAINING, EmploymentStatus.REEMPLOYED, EmploymentStatus.FLEXIBLE}
    ),
    EmploymentStatus.IN_TRAINING: frozenset(
        {EmploymentStatus.LAID_OFF, EmploymentStatus.REEMPLOYED, EmploymentStatus.FLEXIBLE}
    ),
    EmploymentStatus.REEMPLOYED: frozenset({EmploymentStatus.LAID_OFF, EmploymentStatus.FLEXIBLE}),
    EmploymentStatus.FLEXIBLE: frozenset(
        {EmploymentStatus.LAID_OFF, EmploymentStatus.IN_TRAINING, EmploymentStatus.REEMPLOYED}
    ),
    EmploymentStatus.EXITED: frozenset(),
}
# In work: a leader must be, on the day they lead someone into work.
EMPLOYED = frozenset({EmploymentStatus.REEMPLOYED, EmploymentStatus.FLEXIBLE})


class CloseReason(models.TextChoices):
    RETIRED = "retired", "退休"
    MOVED_AWAY = "moved_away", "迁出本社区"
    DECEASED = "deceased", "去世"
    OTHER = "other", "其他"


class TrainingResult(models.TextChoices):
    IN_PROGRESS = "in_progress", "在训"
    COMPLETED = "completed", "结业"
    CERTIFICATE = "certificate", "取得证书"
    DROPPED = "dropped", "中途退出"


class EmploymentArchive(SealedIdentity):
    """就业档案: one laid-off worker registered at a community's re-employment service station.

    The person is a laid-off Party member of this district (`member`; the archive goes when the
    member leaves the district) or a laid-off worker who is not a member, whose name, sex, birth
    date, ID number and phone are kept here (ID number and phone sealed: ciphertext, keyed hash,
    masked form). `status` and `status_since` repeat the latest row of the status history; the
    services write both in one transaction under a row lock.
    """

    member = models.ForeignKey(
        "members.Member",
        verbose_name="党员",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="employment_archives",
    )
    # A worker who is not a member; all blank for a member, whose own record holds them.
    name = models.CharField("姓名", max_length=50, blank=True)
    gender = models.CharField("性别", max_length=10, choices=Gender.choices, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)

    community = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="所在社区党组织",
        on_delete=models.PROTECT,
        related_name="employment_archives",
    )
    station = models.ForeignKey(
        "positions.Position",
        verbose_name="再就业服务站",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employment_archives",
    )
    former_employer = models.CharField("原工作单位", max_length=200, blank=True)
    registered_on = models.DateField("登记日期")
    status = models.CharField("当前就业状态", max_length=20, choices=EmploymentStatus.choices)
    status_since = models.DateField("当前状态起始日期")
    closed_on = models.DateField("关闭日期", null=True, blank=True)
    close_reason = models.CharField(
        "关闭原因", max_length=20, choices=CloseReason.choices, blank=True
    )
    note = models.CharField("备注", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "就业档案"
        ordering = ["-registered_on", "-id"]
        indexes = [
            models.Index(fields=["community", "status"], name="reemp_archive_community_status"),
            models.Index(fields=["status", "registered_on"], name="reemp_archive_status_reg"),
            models.Index(fields=["registered_on", "id"], name="reemp_archive_registered"),
        ]
        constraints = [
            # One open archive per person: a member, or a non-member by ID number.
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(member__isnull=False, closed_on__isnull=True),
                name="reemp_archive_one_open_per_member",
            ),
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=Q(member__isnull=True, closed_on__isnull=True),
                name="reemp_archive_one_open_per_id_number",
            ),
            # A member's personal data lives on the member; a non-member's here, all of it.
            models.CheckConstraint(
                condition=(
                    Q(member__isnull=False, name="", gender="", birth_date__isnull=True)
                    & Q(id_number_hash="", id_number_encrypted="", phone_encrypted="")
                )
                | (
                    Q(member__isnull=True, birth_date__isnull=False)
                    & ~Q(name="")
                    & ~Q(gender="")
                    & ~Q(id_number_hash="")
                    & ~Q(id_number_encrypted="")
                ),
                name="reemp_archive_person_is_member_xor_worker",
            ),
            models.CheckConstraint(
                condition=Q(status_since__gte=F("registered_on")),
                name="reemp_archive_status_since_registration",
            ),
            # Closed ⇔ exited, with a reason.
            models.CheckConstraint(
                condition=Q(status=EmploymentStatus.EXITED, closed_on__isnull=False)
                & ~Q(close_reason="")
                | Q(closed_on__isnull=True, close_reason="") & ~Q(status=EmploymentStatus.EXITED),
                name="reemp_archive_closed_is_exited",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("status_since")),
                name="reemp_archive_closed_after_last_change",
            ),
        ]

    def __str__(self) -> str:
        return self.person_name

    @property
    def person_name(self) -> str:
        return self.member.name if self.member_id is not None and self.member else self.name


class EmploymentStatusChange(models.Model):
    """就业状态变动: one step of an archive's status history (the first row is the registration,
    from no status). A change to re-employed may name the leader (双带): the archive of a
    laid-off Party member who led this worker into work. The leader reference is cleared when the
    leader's archive goes (their member left the district); `led_by_name` keeps who it was."""

    archive = models.ForeignKey(
        EmploymentArchive,
        verbose_name="就业档案",
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    changed_on = models.DateField("变动日期")
    from_status = models.CharField(
        "原状态", max_length=20, choices=EmploymentStatus.choices, blank=True
    )
    to_status = models.CharField("新状态", max_length=20, choices=EmploymentStatus.choices)
    employer = models.CharField("就业单位", max_length=200, blank=True)
    post = models.CharField("岗位", max_length=100, blank=True)
    led_by = models.ForeignKey(
        EmploymentArchive,
        verbose_name="带领再就业的党员 (档案)",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_changes",
    )
    led_by_name = models.CharField("带领人姓名", max_length=50, blank=True)
    note = models.CharField("备注", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "就业状态变动"
        ordering = ["changed_on", "id"]
        indexes = [
            models.Index(fields=["archive", "changed_on", "id"], name="reemp_change_archive_date"),
            models.Index(
                fields=["led_by", "changed_on"],
                condition=Q(led_by__isnull=False),
                name="reemp_change_led_by_date",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=F("to_status")), name="reemp_change_changes_status"
            ),
            models.CheckConstraint(
                condition=~Q(to_status=EmploymentStatus.REEMPLOYED) | ~Q(employer=""),
                name="reemp_change_reemployed_has_employer",
            ),
            models.CheckConstraint(
                condition=Q(led_by__isnull=True) | Q(to_status=EmploymentStatus.REEMPLOYED),
                name="reemp_change_led_only_into_work",
            ),
            models.CheckConstraint(
                condition=Q(led_by__isnull=True) | ~Q(led_by_name=""),
                name="reemp_change_leader_named",
            ),
            models.CheckConstraint(
                condition=~Q(led_by=F("archive")), name="reemp_change_not_led_by_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.changed_on} {self.from_status or '—'} → {self.to_status}"


class TrainingRecord(models.Model):
    """培训记录: a course a laid-off worker took (e.g. at the 市民学校), with its outcome."""

    archive = models.ForeignKey(
        EmploymentArchive,
        verbose_name="就业档案",
        on_delete=models.CASCADE,
        related_name="trainings",
    )
    course = models.CharField("培训项目", max_length=200)
    provider = models.CharField("培训机构", max_length=200)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    hours = models.DecimalField("学时", max_digits=6, decimal_places=1)
    result = models.CharField("培训结果", max_length=20, choices=TrainingResult.choices)
    note = models.CharField("备注", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "培训记录"
        ordering = ["started_on", "id"]
        indexes = [
            models.Index(fields=["archive", "started_on"], name="reemp_training_archive_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="reemp_training_end_after_start",
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="reemp_training_hours_positive"),
            # An outcome is known once the course has ended.
            models.CheckConstraint(
                condition=Q(result=TrainingResult.IN_PROGRESS) | Q(ended_on__isnull=False),
                name="reemp_training_result_after_end",
            ),
        ]

    def __str__(self) -> str:
        return self.course
