from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.db import models


class PlatformRole(models.TextChoices):
    MUNICIPAL_ANALYST = "municipal_analyst", "市级分析员"
    PLATFORM_OPERATOR = "platform_operator", "平台运维"


class User(AbstractUser):
    """账号: a district user lives in the district's schema, a platform user in the public schema.

    The table exists once per schema, so a user of district A does not exist on B's host. District
    users' roles are grants over the org tree (backend.access); platform users have one role here.
    """

    display_name = models.CharField("姓名", max_length=100, blank=True)
    platform_role = models.CharField(
        "平台角色", max_length=30, choices=PlatformRole.choices, blank=True
    )

    class Meta:
        verbose_name = "账号"


class TokenScope(models.TextChoices):
    READ = "read", "只读"
    WRITE = "write", "读写"


def all_scopes() -> list[str]:
    return list(TokenScope.values)


class ApiToken(models.Model):
    """访问令牌: stored as a SHA-256 hash; the plain key is shown once, when it is issued.

    Personal tokens come from `login` and expire when idle; application tokens are named keys for
    a district's own frontend or scripts, with their own scopes and expiry."""

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
    scopes = ArrayField(models.CharField(max_length=20), default=all_scopes)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "访问令牌"
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"


class LoginThrottle(models.Model):
    """Failed sign-ins per user name (known or not, so the lock reveals nothing about accounts)."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "登录失败记录"

    def __str__(self) -> str:
        return f"{self.username}: {self.failures}"
