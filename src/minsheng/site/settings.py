"""Django settings. Every value comes from an environment variable (README, "配置 / Configuration");
the defaults run a clone at once on SQLite under ``var/``."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor  # type: ignore[import-untyped]

from minsheng.site.env import (
    database_from_url,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
_checkout = PACKAGE_DIR.parent.parent
PROJECT_DIR = _checkout if (_checkout / "pyproject.toml").exists() else Path.cwd()
VAR_DIR = Path(env_str("MINSHENG_VAR_DIR", str(PROJECT_DIR / "var"))).resolve()


def _secret_key() -> str:
    key = env_str("MINSHENG_SECRET_KEY", "")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("MINSHENG_SECRET_KEY must be at least 32 characters long.")
        return key
    # No key given: keep one per installation under var/, created on first start.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


SECRET_KEY = _secret_key()


def _field_keys() -> str:
    """The key ring for personal data at rest (core.fieldcrypt): MINSHENG_FIELD_KEYS, else one
    key per installation under var/, created on first start. Separate from SECRET_KEY."""
    from minsheng.core.fieldcrypt import KeyRing, KeyRingError, new_key

    ring = env_str("MINSHENG_FIELD_KEYS", "")
    if not ring:
        path = VAR_DIR / "field_keys"
        if not path.exists():
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(new_key(), encoding="ascii")
            path.chmod(0o600)
        ring = path.read_text(encoding="ascii").strip()
    try:
        KeyRing.parse(ring)
    except KeyRingError as exc:
        raise ImproperlyConfigured(f"MINSHENG_FIELD_KEYS: {exc}") from None
    return ring


FIELD_KEYS = _field_keys()
DEBUG = env_bool("MINSHENG_DEBUG", False)
ALLOWED_HOSTS = env_list("MINSHENG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("MINSHENG_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "minsheng.audit",
    "minsheng.orgs",
    "minsheng.accounts",
    "minsheng.jobs",
    "minsheng.indicators",
    "minsheng.reviews",
    "minsheng.polls",
    "minsheng.supervision",
    "minsheng.notify",
    "minsheng.catalog",
    "minsheng.halls",
    "minsheng.assess",
    "minsheng.inspections",
    "minsheng.reports",
    "minsheng.hotline",
    "minsheng.analytics",
    "minsheng.demo",
    "minsheng.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "minsheng.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "minsheng.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "minsheng.accounts.security.SessionRulesMiddleware",
]

ROOT_URLCONF = "minsheng.site.urls"
WSGI_APPLICATION = "minsheng.site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "minsheng.web.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'minsheng.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Password rules (等保 level 3): length and character classes are settings; never the user
# name, a common password, or a published one (the demo password, vendors' defaults).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("MINSHENG_PASSWORD_MIN_LENGTH", 10, minimum=8)},
    },
    {
        "NAME": "minsheng.accounts.passwords.CharacterClassesValidator",
        "OPTIONS": {"classes": env_int("MINSHENG_PASSWORD_CLASSES", 3, minimum=1)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "minsheng.accounts.passwords.PublishedPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A request body may be this large (a batch of 1,000 ratings with long Chinese comments is
# about 3.2 MB); a larger one is answered 413, not 500.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MINSHENG_MAX_BODY_MB", 8, minimum=1) * 1024 * 1024
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failed logins (django-axes), per user name.
AXES_FAILURE_LIMIT = env_int("MINSHENG_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("MINSHENG_LOGIN_LOCKOUT_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failed sign-ins from one address across all user names before the address is refused.
LOGIN_ADDRESS_LIMIT = env_int("MINSHENG_LOGIN_ADDRESS_LIMIT", 10, minimum=2)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# A user name is locked from the address that failed (so nobody elsewhere can lock a colleague
# out), and an address trying many names is refused (accounts/security.py). A township office
# shares one NAT address, so the address limit is higher than one clerk's. axes' W006 (which
# wants the address alone) is silenced.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Sessions end after this many minutes without a request, and when the browser closes.
SESSION_COOKIE_AGE = env_int("MINSHENG_SESSION_MINUTES", 120, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
# …and this many hours after signing in, however active (absolute lifetime).
SESSION_MAX_HOURS = env_int("MINSHENG_SESSION_MAX_HOURS", 12, minimum=1)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
_HTTPS = env_bool("MINSHENG_HTTPS", False)
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_SSL_REDIRECT = _HTTPS
# Behind HTTPS, browsers are told to use nothing else for a year (sent on secure requests only).
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if _HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False  # other systems of the same domain may not be on HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("MINSHENG_TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("MINSHENG_STATIC_MANIFEST", True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_USE_FINDERS = DEBUG  # in production `minsheng serve` runs collectstatic first
# Collecting compresses every file (brotli at its best level): only the hashed names that pages
# link to, and not the source maps nobody downloads, so a fresh start takes seconds, not 25 s.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[env_choice("MINSHENG_TASKS_BACKEND", "database", ("database", "immediate"))],
        "QUEUES": ["default"],
    }
}

# Outside notification channels; each is off until configured (README, "消息通知").
EMAIL_HOST = env_str("MINSHENG_EMAIL_HOST", "")
EMAIL_PORT = env_int("MINSHENG_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("MINSHENG_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("MINSHENG_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("MINSHENG_EMAIL_STARTTLS", False)
EMAIL_USE_SSL = env_bool("MINSHENG_EMAIL_SSL", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("MINSHENG_EMAIL_FROM", "minsheng@localhost")
MINSHENG_SITE_URL = env_str("MINSHENG_SITE_URL", "")  # links in e-mail and robot messages
MINSHENG_SMS_URL = env_str("MINSHENG_SMS_URL", "")
MINSHENG_SMS_TOKEN = env_str("MINSHENG_SMS_TOKEN", "")

LOG_LEVEL = env_choice("MINSHENG_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"one_line_4xx": {"()": "minsheng.site.logs.OneLineClientErrors"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["one_line_4xx"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # WeasyPrint and fontTools log every layout step and font subset at INFO.
    "loggers": {name: {"level": "WARNING"} for name in ("axes", "weasyprint", "fontTools")},
}

# Demo logins share one password, printed by `make demo`.
# The analytics store (ratings … as Parquet by month) and the engine that reads it.
MINSHENG_ANALYTICS_DIR = env_str("MINSHENG_ANALYTICS_DIR", str(VAR_DIR / "analytics"))
MINSHENG_ANALYTICS = env_choice("MINSHENG_ANALYTICS", "duckdb", ("duckdb", "spark"))
MINSHENG_SPARK_MASTER = env_str("MINSHENG_SPARK_MASTER", "local[2]")
MINSHENG_DEMO_PASSWORD = env_str("MINSHENG_DEMO_PASSWORD", "minsheng-demo-2025")
