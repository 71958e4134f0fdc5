"""Settings shared by every environment; everything that differs comes from the environment.

Variables: DJANGO_SECRET_KEY, DJANGO_DEBUG, DJANGO_ALLOWED_HOSTS, DATABASE_URL, REDIS_URL,
PARINDEX_VAR_DIR (data folder: SQLite database, uploaded files), PARINDEX_MAX_UPLOAD_MB,
AWS_STORAGE_BUCKET_NAME / AWS_S3_ENDPOINT_URL (object storage for evidence).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PARINDEX_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "axes",
    "csp",
    "parindex.core",
    "parindex.accounts",
    "parindex.units",
    "parindex.frameworks",
    "parindex.campaigns",
    "parindex.assessments",
    "parindex.evidence",
    "parindex.web",
    "parindex.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "parindex.web.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "parindex.accounts.middleware.MustChangePasswordMiddleware",
]

ROOT_URLCONF = "config.urls"

# Content-Security-Policy on every page (django-csp): scripts and styles only from the site's own
# static files, so no page may carry inline <script>, <style>, style="" or on…="" (the shared
# behaviours are in web/app.js, asked for with data- attributes). The evidence file views set
# their own stricter sandboxing policy, which the middleware leaves in place. Pages may not be
# framed; the evidence preview, framed by the document page, allows its own origin itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parindex.web.context_processors.navigation",
            ],
        },
    },
]


def database_from_env(default_sqlite: Path) -> dict[str, object]:
    """DATABASE_URL, or the embedded SQLite database tuned for a few concurrent users."""
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    else:
        config = dj_database_url.parse(f"sqlite:///{default_sqlite}")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 5,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;"
            " PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;",
        }
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = False
    return dict(config)


DATABASES = {"default": database_from_env(VAR_DIR / "parindex.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions expire after 8 idle hours (a working day) and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("PARINDEX_SESSION_SECONDS", 8 * 3600))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# Lockout: 5 failures for one username from one address, then a 15-minute cool-off.
AXES_FAILURE_LIMIT = int(os.environ.get("PARINDEX_LOGIN_FAILURES", 5))
AXES_COOLOFF_TIME = float(os.environ.get("PARINDEX_LOCKOUT_HOURS", 0.25))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "parindex.accounts.views.lockout_response"
AXES_VERBOSE = False
# Behind a reverse proxy, the client address is the last untrusted one in X-Forwarded-For.
TRUSTED_PROXY_COUNT = int(os.environ.get("PARINDEX_TRUSTED_PROXIES", 0))
AXES_CLIENT_IP_CALLABLE = "parindex.accounts.client_ip.client_ip"
PASSWORD_RESET_TIMEOUT = 24 * 3600

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
# Uploaded files live outside the web root and have no public URL: they are served only by
# views that check permissions first.
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/_no_public_media/"  # never routed: files are served only by permission-checked views

STORAGES: dict[str, dict[str, object]] = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

MAX_UPLOAD_MB = int(os.environ.get("PARINDEX_MAX_UPLOAD_MB", 20))
# Word/Excel files are zip containers: refuse ones that unpack beyond this (zip bombs).
EVIDENCE_ZIP_MAX_UNCOMPRESSED_MB = int(os.environ.get("PARINDEX_ZIP_MAX_UNCOMPRESSED_MB", 100))
# ... and ones with a single part unpacking beyond this (a 2 MB .docx holding 95 MB of XML).
EVIDENCE_ZIP_MAX_MEMBER_MB = int(os.environ.get("PARINDEX_ZIP_MAX_MEMBER_MB", 40))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Spreadsheets people upload (.xlsx) are read only within these limits, checked before and
# while parsing (parindex.exchange.workbooks); each importer may ask for fewer rows.
SHEET_LIMITS = {
    "max_rows": int(os.environ.get("PARINDEX_SHEET_MAX_ROWS", 20_000)),
    "max_columns": int(os.environ.get("PARINDEX_SHEET_MAX_COLUMNS", 60)),
    "max_cells": int(os.environ.get("PARINDEX_SHEET_MAX_CELLS", 250_000)),
    "max_file_bytes": int(os.environ.get("PARINDEX_SHEET_MAX_FILE_MB", 10)) * 1024 * 1024,
    "max_part_bytes": int(os.environ.get("PARINDEX_SHEET_MAX_PART_MB", 40)) * 1024 * 1024,
    "max_total_bytes": int(os.environ.get("PARINDEX_SHEET_MAX_UNPACKED_MB", 120)) * 1024 * 1024,
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL or None)
# Without a broker (the embedded default) jobs run at once, in the request.
CELERY_TASK_ALWAYS_EAGER = not (REDIS_URL or os.environ.get("CELERY_BROKER_URL"))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Periodic jobs, run by `celery -A config beat` next to the worker.
CELERY_BEAT_SCHEDULE = {
    # Stored evidence files left without a row by a crash during upload (manage.py evidence_sweep).
    "evidence-sweep-orphan-files": {"task": "evidence.sweep_orphan_files", "schedule": 60 * 60},
}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "parindex API",
    "DESCRIPTION": "Chỉ số cải cách hành chính: bộ tiêu chí, đơn vị, đợt đánh giá",
    "VERSION": "1",
    # The schema describes internal endpoints: signed-in people only (session authentication).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "parindex@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PARINDEX_LOG_LEVEL", "WARNING")},
}
