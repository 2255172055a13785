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

from backend.accounts.models import ApiToken, User
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
    return User.objects.create_user(
        username=username,
        password=password,
        display_name=display_name,
        is_staff=is_district_admin,
    )


@transaction.atomic
def token_issue(
    *, user: User, name: str, kind: str = ApiToken.Kind.PERSONAL, ttl: timedelta | None = None
) -> IssuedToken:
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        kind=kind,
        name=name,
        key_prefix=key[: len(TOKEN_PREFIX) + 6],
        key_hash=hash_token_key(key),
        expires_at=timezone.now() + (ttl or timedelta(hours=settings.API_TOKEN_TTL_HOURS)),
    )
    return IssuedToken(token=token, key=key)


def token_authenticate(key: str) -> User | None:
    """The active user holding this key in the current schema, or None."""
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
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def login_with_password(*, request: HttpRequest, username: str, password: str) -> User:
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        # One message for an unknown user and a wrong password: no hint which one it was.
        raise ValidationFailed.single("password", "INVALID_CREDENTIALS", "用户名或密码错误。")
    return user
