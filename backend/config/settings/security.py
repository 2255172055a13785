import secrets

from backend.config.env import env, env_int, env_list
from backend.config.settings.base import DEBUG, ENVIRONMENT, VAR_DIR


def _development_secret_key() -> str:
    """A random key kept under var/, so the demo needs no configuration and no key is in code."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


if ENVIRONMENT == "production":
    SECRET_KEY = env("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])
else:
    SECRET_KEY = env("DJANGO_SECRET_KEY", "") or _development_secret_key()
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["*"])

MIDDLEWARE = [
    "tenants.middleware.DistrictRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Makes the request (who, from where) available to audit_record in the services.
    "backend.audit.context.AuditRequestMiddleware",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Personal tokens from `login` expire; application tokens carry their own expiry.
API_TOKEN_TTL_HOURS = env_int("DANGJIAN_TOKEN_TTL_HOURS", 12)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG and ENVIRONMENT == "production"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Sign-in abuse: this many failures in a row lock the user name for the lockout period.
LOGIN_MAX_FAILURES = env_int("DANGJIAN_LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = env_int("DANGJIAN_LOGIN_LOCKOUT_MINUTES", 15)
# Sessions and personal tokens unused for this long end; each use extends them.
IDLE_TIMEOUT_MINUTES = env_int("DANGJIAN_IDLE_TIMEOUT_MINUTES", 30)
SESSION_COOKIE_AGE = IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
# Application tokens live at most this long.
APPLICATION_TOKEN_MAX_DAYS = env_int("DANGJIAN_APPLICATION_TOKEN_MAX_DAYS", 366)

# Municipal roll-ups show no count below this, so nobody is re-identified from a small number.
MUNICIPAL_MIN_COUNT = env_int("DANGJIAN_MUNICIPAL_MIN_COUNT", 5)
