"""审计日志: who did what, when, from where, with what result.

One table per schema (districts and the public schema). PostgreSQL itself refuses UPDATE and
TRUNCATE of this table, and DELETE of rows younger than MIN_RETENTION_DAYS (triggers created by
migration 0001), so not even the table's owner rewrites history through SQL; the nightly purge
(audit.tasks) deletes only rows older than settings.AUDIT_RETENTION_DAYS.
"""

from django.db import models
from django.db.models.functions import Now

# The hard floor, also written into the database trigger (migration 0001). Six months: PIPL /
# MLPS level 3 expect network logs to be kept at least that long.
MIN_RETENTION_DAYS = 184
USER_AGENT_MAX_LENGTH = 300
REASON_MAX_LENGTH = 200


class AuditResult(models.TextChoices):
    OK = "ok", "成功"
    REFUSED = "refused", "被拒绝"
    FAILED = "failed", "出错"


class AuditEntry(models.Model):
    """One audited event. `actor_id` is a plain number, not a foreign key: entries outlive the
    accounts they name. `changes` is {field: [before, after]} with personal data masked; `detail`
    holds whatever else describes the event (error codes, revealed fields, row counts)."""

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField("时间", db_default=Now(), editable=False)
    actor_id = models.BigIntegerField("操作人 ID", null=True, blank=True)
    actor_username = models.CharField("操作人", max_length=150, blank=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    user_agent = models.CharField("客户端", max_length=USER_AGENT_MAX_LENGTH, blank=True)
    action = models.CharField("操作", max_length=64)
    target_type = models.CharField("对象类型", max_length=64, blank=True)
    target_id = models.BigIntegerField("对象 ID", null=True, blank=True)
    changes = models.JSONField("变更", default=dict, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)
    result = models.CharField("结果", max_length=10, choices=AuditResult.choices)
    reason = models.CharField("原因", max_length=REASON_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = "审计日志"
        indexes = [
            models.Index(fields=["-occurred_at", "-id"], name="audit_entry_occurred"),
            models.Index(fields=["action", "-occurred_at"], name="audit_entry_action"),
            models.Index(fields=["actor_username", "-occurred_at"], name="audit_entry_actor"),
            models.Index(fields=["actor_id", "-occurred_at"], name="audit_entry_actor_id"),
            models.Index(fields=["target_type", "target_id"], name="audit_entry_target"),
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_username or '-'}: {self.result}"
