from django.db import models

from backend.jobs.models import Job


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", "全部成功才写入"
    SKIP_BAD_ROWS = "skip_bad_rows", "跳过错误行"


class ImportIssue(models.Model):
    """One thing wrong with one row of an import's file, as its report lists it. The value is
    stored masked when its column holds personal data."""

    # Job lives in the public schema too, where this table does not: a cascade would make every
    # delete of a platform job query a table that is not there. Issues go with their district's
    # job by hand (jobs are not deleted in the product).
    job = models.ForeignKey(
        Job, on_delete=models.DO_NOTHING, db_constraint=False, related_name="import_issues"
    )
    row = models.PositiveIntegerField("行号")
    column = models.CharField("列", max_length=100, blank=True)
    value = models.CharField("值", max_length=200, blank=True)
    code = models.CharField("代码", max_length=40)
    message = models.CharField("说明", max_length=300)

    class Meta:
        verbose_name = "导入问题"
        ordering = ["row", "id"]
        indexes = [models.Index(fields=["job", "row", "id"], name="imports_issue_job_row")]

    def __str__(self) -> str:
        return f"第 {self.row} 行 {self.column}: {self.message}"
