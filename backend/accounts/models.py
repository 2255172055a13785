from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """账号: a district user lives in the district's schema, a platform user in the public schema.

    The table exists once per schema, so a user of district A does not exist on B's host.
    """

    display_name = models.CharField("姓名", max_length=100, blank=True)

    class Meta:
        verbose_name = "账号"


class ApiToken(models.Model):
    """访问令牌: stored as a SHA-256 hash; the plain key is shown once, when it is issued."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", "个人令牌"
        APPLICATION = "application", "应用令牌"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSONAL)
    name = models.CharField("名称", max_length=100)
    key_prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "访问令牌"
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"
