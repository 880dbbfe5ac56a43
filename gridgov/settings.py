"""Django settings for gridgov. Every value comes from the environment (see gridgov.env)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import dj_database_url

from gridgov.env import EnvError, env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("GRIDGOV_VAR_DIR", str(BASE_DIR / "var")))

# Secrets that the demo and the test suite use. A production start refuses them (gridgov.core.checks).
DEMO_SECRET_KEY = "gridgov-demo-secret-key-never-use-in-production-0000"  # noqa: S105 (public by design)
DEMO_DATA_KEY = "demo1:Z3JpZGdvdi1kZW1vLWRhdGEta2V5LW5vdC1zZWNyZXQ="

GRIDGOV_ENV = env_choice("GRIDGOV_ENV", "development", ("development", "demo", "test", "production"))
PRODUCTION = GRIDGOV_ENV == "production"

DEBUG = env_bool("DEBUG", GRIDGOV_ENV == "development")
# Unset in production, Django would stop with a traceback before our check could say what is wrong.
MISSING_SECRET = "missing-secret-key-set-SECRET_KEY"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", MISSING_SECRET if PRODUCTION else DEMO_SECRET_KEY)
GRIDGOV_DATA_KEY = env_str("GRIDGOV_DATA_KEY", "" if PRODUCTION else DEMO_DATA_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "gridgov.core",
    "gridgov.geo",
    "gridgov.accounts",
    "gridgov.people",
    "gridgov.cases",
    "gridgov.open311",
    "gridgov.mediation",
    "gridgov.web",
    "gridgov.demo",
    "gridgov.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gridgov.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gridgov.accounts.middleware.BearerTokenMiddleware",
    "gridgov.core.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gridgov.urls"
WSGI_APPLICATION = "gridgov.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

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
                "gridgov.web.context.site",
            ],
        },
    },
]


# psycopg prepares a statement after this many runs on a connection, or at once when told to.
PREPARE_ONLY_WHEN_ASKED = 2**31 - 1


def _database(url: str) -> dict[str, Any]:
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as error:
        raise EnvError(f"DATABASE_URL={url!r}: {error}") from None
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        config["ENGINE"] = "gridgov.core.sqlite"  # Django's, with a flush that respects the audit triggers
        config["CONN_MAX_AGE"] = 0
        # IMMEDIATE: a writer takes the lock when its transaction starts, so two writers never read
        # the same audit-chain head; WAL lets readers go on meanwhile.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
        config["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    elif engine in {"django.db.backends.postgresql"}:
        # Statements are prepared only where the code asks (`prepare=True` on a server-binding cursor:
        # intake's write, the bearer token's lookup), never by count: Django's own cursor binds on the
        # client and is never prepared. Behind PgBouncer, use 1.21+ with max_prepared_statements.
        config.setdefault("OPTIONS", {}).setdefault("prepare_threshold", PREPARE_ONLY_WHEN_ASKED)
        config["CONN_HEALTH_CHECKS"] = True
    else:
        raise EnvError(f"DATABASE_URL={url!r}: only sqlite and postgres are supported")
    return config


DATABASES = {"default": _database(env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gridgov.sqlite3'}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "gridgov.accounts.backends.RoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "gridgov.accounts.passwords.ComplexityValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

# MLPS 2.0: lock an account after 5 failures, end idle sessions after 30 minutes.
AXES_FAILURE_LIMIT = env_int("GRIDGOV_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("GRIDGOV_LOCKOUT_MINUTES", 30, minimum=1) / 60
# Per account, as MLPS 2.0 asks: locking by address would lock a whole village office behind one NAT.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "gridgov.accounts.views.locked_out"
AXES_VERBOSE = False
SESSION_COOKIE_AGE = env_int("GRIDGOV_IDLE_TIMEOUT_SECONDS", 30 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("GRIDGOV_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "gridgov" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "gridgov.web.vendor.VendorFinder",
]
GRIDGOV_NODE_MODULES = Path(env_str("GRIDGOV_NODE_MODULES", str(BASE_DIR / "node_modules")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "gridgov.core.storage.StaticStorage"
            if GRIDGOV_ENV in {"production", "demo"}
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = GRIDGOV_ENV in {"development", "test"}
MEDIA_ROOT = VAR_DIR / "media"

# Map display: no tile server by default (a plain background); a tile URL with the system it uses.
GRIDGOV_TILE_URL = env_str("GRIDGOV_TILE_URL", "")
GRIDGOV_TILE_CRS = env_choice("GRIDGOV_TILE_CRS", "gcj02", ("wgs84", "gcj02", "bd09"))
GRIDGOV_TILE_ATTRIBUTION = env_str("GRIDGOV_TILE_ATTRIBUTION", "")
GRIDGOV_DEMO_PASSWORD = env_str("GRIDGOV_DEMO_PASSWORD", "Wenling-2026")
# How often a process checks whether the map changed and its locate index must be rebuilt.
GRIDGOV_MAP_CHECK_SECONDS = float(env_int("GRIDGOV_MAP_CHECK_MS", 1000, minimum=0)) / 1000
# How long a departed resident's identity is kept before `gridgov anonymise-departed` strips it.
GRIDGOV_RESIDENT_RETENTION_DAYS = env_int("GRIDGOV_RESIDENT_RETENTION_DAYS", 3 * 365, minimum=0)
# Resolved cases that no resident rated are closed after this long.
GRIDGOV_CASE_AUTOCLOSE_HOURS = env_int("GRIDGOV_CASE_AUTOCLOSE_HOURS", 72, minimum=1)
GRIDGOV_AUDIT_RETENTION_DAYS = env_int("GRIDGOV_AUDIT_RETENTION_DAYS", 400, minimum=183)

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Error reports (the 500 page in DEBUG, mails to admins) mask ID and phone numbers too.
DEFAULT_EXCEPTION_REPORTER = "gridgov.core.reporting.MaskingExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "gridgov.core.reporting.MaskingExceptionReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Every line is masked before it is written: no ID or phone number ever reaches a log (PIPL).
    "filters": {"mask_personal_data": {"()": "gridgov.core.masking.MaskingLogFilter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": sys.stderr,
            "formatter": "plain",
            "filters": ["mask_personal_data"],
        }
    },
    "root": {"handlers": ["stderr"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
