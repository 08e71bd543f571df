"""Duikou settings: one module, read from the environment, failing fast.

Every value a deployment changes comes from an environment variable (see
`.env.example`). Development defaults are safe only with DEBUG on; with DEBUG
off a missing SECRET_KEY stops start-up instead of running with a known key.
"""

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent  # src/duikou


def get_bool_from_env(name: str, default: bool) -> bool:
    """Read a boolean such as DEBUG=1 / DEBUG=false; refuse anything else."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def get_list_from_env(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def get_int_from_env(name: str, default: int, *, minimum: int = 0) -> int:
    """Read a whole number such as DUIKOU_LOGIN_FAILURE_LIMIT=5; refuse anything else."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


DEBUG = get_bool_from_env("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = get_list_from_env("ALLOWED_HOSTS", "127.0.0.1,localhost" if not DEBUG else "*")

# The embedded default is a SQLite file beside the working directory, so that
# `make demo` needs nothing installed; production sets a PostgreSQL URL.
DEFAULT_SQLITE_PATH = Path(os.environ.get("DUIKOU_SQLITE_PATH", Path.cwd() / "duikou.sqlite3"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if os.environ.get("DATABASE_TEST_NAME"):
    # The database the test suite creates (default: test_<name>), for servers where names are allotted.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DATABASE_TEST_NAME"]}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a loader writes; a busy timeout avoids
    # "database is locked" on the occasional concurrent write.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "duikou.core.admin_site.AdminConfig",  # django.contrib.admin, closed to scoped users (core/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_filters",
    "rest_framework",
    "axes",  # login throttling: failed log-ins per user name and address (docs/security.md)
    "csp",  # the Content-Security-Policy header and its system checks
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI as static files (no CDN on intranets)
    "django_tasks",
    "django_tasks_db",  # the task queue in the database; `duikou db_worker` runs it (no broker)
    # Dependency order, never imported upward (DESIGN.md "Layout").
    "duikou.core",
    "duikou.geo",
    "duikou.parties",
    "duikou.accounts",  # membership of an organization and its role (docs/security.md)
    "duikou.programmes",
    "duikou.pairings",
    "duikou.projects",
    "duikou.funds",
    "duikou.talent",
    "duikou.outcomes",
    "duikou.checks",  # duplicate detection (and, later, the policy and data checks): issue 6
    "duikou.reports",
    "duikou.reference",
    "duikou.dashboards",
    "duikou.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body: a request larger than any upload may be is refused with 413.
    "duikou.core.security.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "duikou.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After authentication: turns a locked-out log-in into the page that says so (django-axes).
    "axes.middleware.AxesMiddleware",
    # Last, so that the user is known: every write in a request is change-logged under it.
    "duikou.core.middleware.ChangeContextMiddleware",
]

ROOT_URLCONF = "duikou.config.urls"
WSGI_APPLICATION = "duikou.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "duikou.config.context_processors.navigation",
            ],
        },
    },
]

# Passwords (docs/security.md): Argon2id first (the winner of the Password Hashing Competition, Django's
# recommendation); the others stay so that hashes made before the switch still verify and are upgraded
# at the next log-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# At least 12 characters, not like the user's own names, not a common or all-digit password, and three
# of four kinds of character — the complexity rule of GB/T 22239-2019 (等保 2.0) for government systems.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "duikou.core.security.MinimumLengthValidator",  # Django's, with a message in Chinese
        "OPTIONS": {"min_length": get_int_from_env("DUIKOU_PASSWORD_MIN_LENGTH", 12, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "duikou.core.security.CharacterKindsValidator", "OPTIONS": {"min_kinds": 3}},
]

# Login throttling (django-axes): after DUIKOU_LOGIN_FAILURE_LIMIT failed log-ins for one user name from
# one address, that pair is locked for DUIKOU_LOGIN_COOLOFF_MINUTES; an administrator unlocks it earlier
# in the admin (访问尝试: delete the row) or with `duikou axes_reset_username <name>`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out pair before the password is checked
    "django.contrib.auth.backends.ModelBackend",
    "duikou.accounts.backends.RoleBackend",  # the permissions of the user's role (accounts/roles.py)
]
AXES_FAILURE_LIMIT = get_int_from_env("DUIKOU_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=get_int_from_env("DUIKOU_LOGIN_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # one person's typos never lock the whole office out
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "duikou.core.security.locked_out"  # a page in Chinese (axes has no zh catalogue)
AXES_CLIENT_IP_CALLABLE = "duikou.core.security.client_ip"
AXES_VERBOSE = False  # its own log lines repeat what the access log says

# How many reverse proxies stand in front of the server (nginx: 1). The client's address is then read
# from X-Forwarded-For, counted from the right; with 0 (the default) the header is ignored, since anyone
# can send it. Login throttling and API rate limits both use it.
PROXY_COUNT = get_int_from_env("DUIKOU_PROXY_COUNT", 0)

FORMAT_MODULE_PATH = ["duikou.config.formats"]  # ISO dates everywhere (config/formats/*/formats.py)
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Front-end assets from npm are copied into static/vendor by `make frontend` (never committed).
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded import files wait here between the check (试导入) and the import, named by their SHA-256.
IMPORT_STAGING_DIR = Path(
    os.environ.get("DUIKOU_IMPORT_STAGING_DIR", BASE_DIR.parent.parent / "var" / "imports")
)
IMPORT_MAX_BYTES = int(os.environ.get("DUIKOU_IMPORT_MAX_MB", "60")) * 1024 * 1024
# A workbook is a zip read whole: what its members may unpack to (a 100,000-row xlsx unpacks to ~60 MB).
IMPORT_MAX_UNZIPPED_BYTES = int(os.environ.get("DUIKOU_IMPORT_MAX_UNZIPPED_MB", "1024")) * 1024 * 1024
# Request bodies: a form or API request other than a file upload carries at most 2.5 MB (Django's default,
# written out); uploads above 2.5 MB go to a temporary file rather than memory; and no request at all may
# be larger than the largest import plus 1 MB for the rest of the form (core.security answers 413).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
REQUEST_MAX_BYTES = IMPORT_MAX_BYTES + 1024 * 1024

# Background work (imports, exports): django-tasks with its database backend, run by `duikou db_worker`
# (`make demo` starts one beside the server). Progress lives on core.BackgroundJob, where the page reads it.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("DUIKOU_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Uploads larger than this are checked and imported by the worker with a progress bar; smaller ones in the
# request (a 256 KB CSV is about 2,000 rows, checked in about a second — docs/performance.md).
BACKGROUND_IMPORT_BYTES = int(os.environ.get("DUIKOU_BACKGROUND_IMPORT_KB", "256")) * 1024
# List exports of more rows than this are written by the worker and offered for download when done.
BACKGROUND_EXPORT_ROWS = int(os.environ.get("DUIKOU_BACKGROUND_EXPORT_ROWS", "20000"))
# Files the worker writes (exports, marked error workbooks); removed after JOB_FILE_MAX_DAYS.
JOB_FILES_DIR = Path(os.environ.get("DUIKOU_JOB_FILES_DIR", BASE_DIR.parent.parent / "var" / "jobs"))
JOB_FILE_MAX_DAYS = int(os.environ.get("DUIKOU_JOB_FILE_MAX_DAYS", "7"))

# The address people reach this deployment at (https://duikou.example.gov.cn); exported files that link
# back to it (the IATI export's vocabulary URIs) use it. Empty: the web takes the request's host.
PUBLIC_URL = os.environ.get("DUIKOU_PUBLIC_URL", "").rstrip("/")
# IATI export (docs/decisions/0004-iati-mapping.md). Registered identifiers (CN-USCC-<统一社会信用代码>)
# by organization name, as JSON; organizations without one get <IATI_ORG_PREFIX>-<id>.
IATI_ORG_PREFIX = os.environ.get("DUIKOU_IATI_ORG_PREFIX", "ZZ-DUIKOU")
IATI_REPORTING_ORG = os.environ.get("DUIKOU_IATI_REPORTING_ORG", "")  # empty: the one coordination office
try:
    IATI_ORG_REFS = json.loads(os.environ.get("DUIKOU_IATI_ORG_REFS") or "{}")
except json.JSONDecodeError as error:
    raise ImproperlyConfigured(f"DUIKOU_IATI_ORG_REFS must be a JSON object: {error}") from error
if not isinstance(IATI_ORG_REFS, dict):
    raise ImproperlyConfigured("DUIKOU_IATI_ORG_REFS must be a JSON object of name → identifier.")
# Likely duplicates shown before a project is saved (form, API, import; issue 6, item 3): the finder class
# projects asks (projects/duplicates.py says the interface). An app later in the dependency order provides
# it, so projects never imports checks; empty switches the warning off.
DUIKOU_PROJECT_DUPLICATE_FINDER = os.environ.get(
    "DUIKOU_PROJECT_DUPLICATE_FINDER", "duikou.checks.duplicates.finder.ProjectDuplicateFinder"
)
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR.parent.parent / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The REST API under /api/ (docs/api.md). The base classes live in duikou.core.api; the names here
# are the whole contract, so issue 5 can swap token authentication and add scoping in one place.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "duikou.core.api.authentication.TokenAuthentication",  # hashed, expiring, scoped (core.tokens)
        "rest_framework.authentication.SessionAuthentication",  # enforces CSRF on writes
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "duikou.core.api.permissions.TokenScopePermission",  # a read token never writes
        "duikou.core.api.permissions.ModelPermissions",
    ],
    # Rate limits per signed-in user and per address for anonymous requests (docs/security.md); a script
    # that goes over gets 429 with Retry-After. Counted in CACHES["default"].
    "DEFAULT_THROTTLE_CLASSES": [
        "duikou.core.api.throttling.AnonRateThrottle",
        "duikou.core.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("DUIKOU_API_RATE_ANON", "60/min"),
        "user": os.environ.get("DUIKOU_API_RATE_USER", "1200/min"),
    },
    "NUM_PROXIES": PROXY_COUNT,
    "DEFAULT_PAGINATION_CLASS": "duikou.core.api.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["duikou.core.api.filters.FilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "duikou.core.api.exceptions.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,  # money as "1234.50": exact, never a float (docs/api.md)
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Duikou API",
    "DESCRIPTION": "对口支援管理平台 REST API — projects, fund ledger, roster, outcomes, headline figures. "
    "See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/",
    "COMPONENT_SPLIT_REQUEST": True,  # separate request and response shapes: read-only fields are not inputs
    "SWAGGER_UI_DIST": "SIDECAR",  # served from static files: works offline
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "duikou.projects.choices.ProjectStatus",
        "EntryKindEnum": "duikou.funds.choices.EntryKind",
        "ZoneEnum": "duikou.geo.choices.Zone",
        "FindingStatusEnum": "duikou.checks.rules.choices.FindingStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "duikou.core.api.schema.add_error_responses",
    ],
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboards:overview"
LOGOUT_REDIRECT_URL = "login"

# Counters of login throttling live in the database (django-axes); API rate limits in this cache. The
# default is per process: with several gunicorn workers set DUIKOU_CACHE_LOCATION to a directory all of
# them share (a file-based cache), so that a limit holds for the whole server.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ["DUIKOU_CACHE_LOCATION"],
        }
        if os.environ.get("DUIKOU_CACHE_LOCATION")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# HTTPS (docs/security.md). Each follows DEBUG unless set: on in production, off for the demo on http://.
SESSION_COOKIE_SECURE = get_bool_from_env("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = get_bool_from_env("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = get_bool_from_env("SECURE_SSL_REDIRECT", not DEBUG)
# Strict-Transport-Security: browsers that saw the site over HTTPS refuse plain HTTP for this long.
SECURE_HSTS_SECONDS = get_int_from_env("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = get_bool_from_env("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = get_bool_from_env("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # The preload list is for public domains; an intranet host name cannot be on it (docs/security.md).
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Behind a reverse proxy that terminates TLS: trust its X-Forwarded-Proto (only then; anyone can send it).
if get_bool_from_env("DUIKOU_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = get_list_from_env("CSRF_TRUSTED_ORIGINS", "")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A shared office computer: the session ends with the browser, and after DUIKOU_SESSION_HOURS at most.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = get_int_from_env("DUIKOU_SESSION_HOURS", 8, minimum=1) * 3600

# Content Security Policy: scripts, styles, fonts and data from this server only — no inline script, no
# inline style attribute, no CDN (everything is served locally; DESIGN.md). data: images are Tabler's
# inline SVG icons in its CSS. src/duikou/core/tests/test_security.py keeps the templates free of inline
# code; the browser tests watch for refusals.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
