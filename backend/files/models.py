"""Files the platform keeps for a while: uploaded imports, error reports, finished exports.

They live in the district's schema, in PostgreSQL (bytea chunks of about 1 MB), so a district's
files go wherever its data goes (backups, pg_dump of one schema, deleting a district) and no
second storage needs securing. Nothing reads a whole file into memory: writing and reading go
chunk by chunk."""

from django.conf import settings
from django.db import models
from django.db.models import Q

CHUNK_SIZE = 1 << 20


class StoredFile(models.Model):
    """存储文件: one file and what it is for. `expires_at` null keeps it until deleted; the
    hourly purge (files.tasks) deletes the expired ones with their chunks. Models that refer to a
    stored file use on_delete=SET_NULL: an expired file is simply gone."""

    name = models.CharField("文件名", max_length=255)
    content_type = models.CharField("类型", max_length=120)
    size = models.PositiveBigIntegerField("大小 (字节)", default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    purpose = models.CharField("用途", max_length=40)  # e.g. "export", "import.upload"
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="所有人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)

    class Meta:
        verbose_name = "存储文件"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["expires_at"],
                condition=Q(expires_at__isnull=False),
                name="files_storedfile_expiring",
            ),
            models.Index(fields=["sha256"], name="files_storedfile_sha256"),
        ]

    def __str__(self) -> str:
        return self.name


class StoredFileChunk(models.Model):
    """One piece of a stored file, in order of `seq` (0, 1, …)."""

    file = models.ForeignKey(
        StoredFile, verbose_name="文件", on_delete=models.CASCADE, related_name="chunks"
    )
    seq = models.PositiveIntegerField("序号")
    data = models.BinaryField("内容")

    class Meta:
        verbose_name = "存储文件分块"
        constraints = [
            models.UniqueConstraint(fields=["file", "seq"], name="files_chunk_file_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.file_id}#{self.seq}"
