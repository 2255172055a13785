from django.conf import settings
from django.db import models
from django.db.models import Q


class JobState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "运行中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


class Job(models.Model):
    """后台任务: work a user asked for that a Celery worker does, with its progress ("3 of 12
    steps") and, if it failed, why. The table exists in every schema (a district's recomputes in
    the district, the municipal refresh in public), so the code is the same everywhere.

    `dedupe_key` names what the job does (e.g. the subtree and periods of a recompute): while one
    such job is queued or running, asking again returns it instead of starting a second."""

    kind = models.CharField("类型", max_length=60)
    dedupe_key = models.CharField("去重键", max_length=300)
    params = models.JSONField("参数", default=dict)
    state = models.CharField(
        "状态", max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    steps_total = models.PositiveIntegerField("总步数", default=0)
    steps_done = models.PositiveIntegerField("已完成步数", default=0)
    step_label = models.CharField("当前步骤", max_length=200, blank=True)
    error = models.TextField("失败原因", blank=True)
    attempts = models.PositiveSmallIntegerField("运行次数", default=0)
    worker = models.CharField("执行进程", max_length=120, blank=True)
    result = models.JSONField("结果", default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "dedupe_key"],
                condition=Q(state__in=ACTIVE_STATES),
                name="jobs_job_one_active_per_key",
            ),
            models.CheckConstraint(
                condition=Q(steps_done__lte=models.F("steps_total")),
                name="jobs_job_progress_within_total",
            ),
        ]
        indexes = [models.Index(fields=["kind", "-created_at"], name="jobs_job_kind_created")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.state}"
