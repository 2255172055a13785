import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from backend.accounts.models import ApiToken, LoginThrottle, PlatformRole, TokenScope, User
from backend.audit.changes import field_changes, snapshot
from backend.audit.models import AuditResult
from backend.audit.services import audit_record, audited
from backend.common.validation import FieldError, ValidationFailed

TOKEN_PREFIX = "dj_"  # noqa: S105 - a public prefix, not a secret
# Writing last_used_at on every request would turn each read into a write; a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str


def hash_token_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# What a token's audit entries show (never the key or its hash).
TOKEN_AUDIT_FIELDS = ("name", "kind", "key_prefix", "scopes", "expires_at", "revoked_at")


@audited("user.create")
@transaction.atomic
def user_create(
    *, username: str, password: str, display_name: str = "", is_district_admin: bool = False
) -> User:
    errors = []
    if not username.strip():
        errors.append(FieldError("username", "REQUIRED", "请填写用户名。"))
    elif User.objects.filter(username=username).exists():
        errors.append(FieldError("username", "DUPLICATE", f"用户名 {username} 已存在。"))
    try:
        validate_password(password)
    except ValidationError as exc:
        errors.append(FieldError("password", "WEAK_PASSWORD", " ".join(exc.messages)))
    if errors:
        raise ValidationFailed(errors)
    user = User.objects.create_user(
        username=username,
        password=password,
        display_name=display_name,
        is_staff=is_district_admin,
    )
    audit_record(
        action="user.create",
        target=user,
        changes=field_changes(None, snapshot(user, ("username", "display_name", "is_staff"))),
    )
    return user


@audited("user.create")
@transaction.atomic
def platform_user_create(
    *, username: str, password: str, role: str, display_name: str = ""
) -> User:
    """A municipal analyst or platform operator; called on the platform host (public schema)."""
    if role not in PlatformRole.values:
        raise ValidationFailed.single("role", "INVALID", f"未知的平台角色 {role}。")
    user = user_create(username=username, password=password, display_name=display_name)
    user.platform_role = role
    user.save(update_fields=["platform_role"])
    return user


@audited("token.create")
@transaction.atomic
def token_issue(
    *,
    user: User,
    name: str,
    kind: str = ApiToken.Kind.PERSONAL,
    ttl: timedelta | None = None,
    scopes: list[str] | None = None,
) -> IssuedToken:
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        kind=kind,
        name=name,
        key_prefix=key[: len(TOKEN_PREFIX) + 6],
        key_hash=hash_token_key(key),
        scopes=sorted(set(scopes)) if scopes is not None else list(TokenScope.values),
        expires_at=timezone.now() + (ttl or timedelta(hours=settings.API_TOKEN_TTL_HOURS)),
    )
    audit_record(
        action="token.create",
        target=token,
        changes=field_changes(None, snapshot(token, TOKEN_AUDIT_FIELDS)),
        detail={"owner": user.get_username()},
        default_actor=user,
    )
    return IssuedToken(token=token, key=key)


@audited("token.create")
def application_token_create(
    *, user: User, name: str, scopes: list[str], expires_in_days: int
) -> IssuedToken:
    """A named key for a district's own frontend or scripts; the plain key is returned once."""
    errors = []
    if not name.strip():
        errors.append(FieldError("name", "REQUIRED", "请填写令牌名称。"))
    elif len(name) > 100:
        errors.append(FieldError("name", "TOO_LONG", "令牌名称不能超过 100 字。"))
    if not scopes or any(scope not in TokenScope.values for scope in scopes):
        errors.append(FieldError("scopes", "INVALID", "请至少选择一个有效的权限范围。"))
    if not 1 <= expires_in_days <= settings.APPLICATION_TOKEN_MAX_DAYS:
        errors.append(
            FieldError(
                "expiresInDays",
                "OUT_OF_RANGE",
                f"有效期须为 1 至 {settings.APPLICATION_TOKEN_MAX_DAYS} 天。",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    return token_issue(
        user=user,
        name=name.strip(),
        kind=ApiToken.Kind.APPLICATION,
        ttl=timedelta(days=expires_in_days),
        scopes=scopes,
    )


@audited("token.revoke", target=lambda kwargs: ("ApiToken", kwargs.get("token_id") or None))
@transaction.atomic
def token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise ValidationFailed.single("id", "NOT_FOUND", "找不到该令牌。")
    before = snapshot(token, TOKEN_AUDIT_FIELDS)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    audit_record(
        action="token.revoke",
        target=token,
        changes=field_changes(before, snapshot(token, TOKEN_AUDIT_FIELDS)),
    )
    return token


def token_authenticate(key: str) -> ApiToken | None:
    """The live token holding this key in the current schema (with its user), or None.

    A personal token also ends when it has been idle longer than IDLE_TIMEOUT_MINUTES."""
    if not key.startswith(TOKEN_PREFIX) or len(key) > 100:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token_key(key), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.kind == ApiToken.Kind.PERSONAL:
        last_seen = token.last_used_at or token.created_at
        if now - last_seen > timedelta(minutes=settings.IDLE_TIMEOUT_MINUTES):
            return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def _locked_out(username: str) -> bool:
    return LoginThrottle.objects.filter(username=username, locked_until__gt=timezone.now()).exists()


def _record_failure(username: str) -> LoginThrottle:
    """Count a failure; failures older than the lockout period start the count afresh."""
    now = timezone.now()
    window = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    with transaction.atomic():
        throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(
            username=username, defaults={"last_failure_at": now}
        )
        if now - throttle.last_failure_at > window:
            throttle.failures = 0
        throttle.failures += 1
        throttle.last_failure_at = now
        if throttle.failures >= settings.LOGIN_MAX_FAILURES:
            throttle.locked_until = now + window
        throttle.save()
    return throttle


def _audit_login_failed(request: HttpRequest, username: str, reason: str, **detail: object) -> None:
    audit_record(
        action="login_failed",
        result=AuditResult.REFUSED,
        reason=reason,
        detail=detail,
        request=request,
        actor_username=username,
    )


def login_with_password(*, request: HttpRequest, username: str, password: str) -> User:
    """Every attempt is audited: `login`, or `login_failed` with reason INVALID_CREDENTIALS (its
    detail says how many failures in a row and whether this one locked the name) or LOCKED_OUT."""
    username = username.strip()[:150]
    if _locked_out(username):
        _audit_login_failed(request, username, "LOCKED_OUT")
        raise ValidationFailed.single(
            "username",
            "LOCKED_OUT",
            f"登录失败次数过多，请 {settings.LOGIN_LOCKOUT_MINUTES} 分钟后再试。",
        )
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        throttle = _record_failure(username)
        _audit_login_failed(
            request,
            username,
            "INVALID_CREDENTIALS",
            failures=throttle.failures,
            locked=throttle.locked_until is not None and throttle.locked_until > timezone.now(),
        )
        # One message for an unknown user and a wrong password: no hint which one it was.
        raise ValidationFailed.single("password", "INVALID_CREDENTIALS", "用户名或密码错误。")
    LoginThrottle.objects.filter(username=username).delete()
    audit_record(action="login", target=user, request=request, actor=user)
    return user
