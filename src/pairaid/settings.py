"""Settings for pairaid, read from environment variables with working defaults.

PAIRAID_DATABASE_URL  database (default: SQLite file under PAIRAID_DATA_DIR)
PAIRAID_DATA_DIR      where the embedded database and uploads live (default: ./var of the
                      source checkout, or ~/.local/share/pairaid for an installed package)
PAIRAID_SECRET_KEY    secret key (a development key is used when unset and DEBUG is on)
PAIRAID_DEBUG         1/0 (default 0)
PAIRAID_ALLOWED_HOSTS comma-separated host names (default: localhost,127.0.0.1)
PAIRAID_TASKS         "inline" (default: background work runs at once, in the request or
                      command) or "database" (queued in the database; `pairaid worker` runs it)
PAIRAID_DB_POOL       PostgreSQL: connections kept in a pool per process (default 1; 0 opens
                      one per request, or keeps them PAIRAID_CONN_MAX_AGE seconds)
PAIRAID_DB_POOL_SIZE  the pool's largest size per process (default 8)
PAIRAID_PG_JOIN_COLLAPSE_LIMIT  PostgreSQL: joins of more tables are planned in the order
                      written (default 4)
PAIRAID_STATEMENT_TIMEOUT  PostgreSQL: seconds a web request's statement may run (default 30,
                      0 for none); commands have no limit (pairaid/ops/serving.py)
PAIRAID_TASKS_INLINE_THREAD 1/0 (default 1): inline, uploads are checked and imported on a
                      thread of the web process, so the page returns at once
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import dj_database_url
import django_stubs_ext

# Django's generic classes (ModelAdmin[Model], ModelForm[Model], QuerySet[Model], …) may be
# subscripted at run time as the type checker reads them (mypy with django-stubs).
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def default_data_dir() -> Path:
    checkout = PACKAGE_DIR.parent.parent
    if (checkout / "pyproject.toml").exists():
        return checkout / "var"
    return Path.home() / ".local" / "share" / "pairaid"


DATA_DIR = Path(os.environ.get("PAIRAID_DATA_DIR") or default_data_dir())


def memory_upload_dir(shm: Path = Path("/dev/shm"), needed_mb: int = 400) -> str | None:
    """A folder only this user can open in the system's memory file system, or None where
    there is none with `needed_mb` free (a container's /dev/shm is often 64 MB). An upload
    larger than FILE_UPLOAD_MAX_MEMORY_SIZE waits in a temporary file while its request
    lasts; an import file holds identity and phone numbers, never to be on disk in clear."""
    with contextlib.suppress(OSError):
        free = os.statvfs(shm)
        if free.f_bavail * free.f_frsize < needed_mb * 1024 * 1024:
            return None
        folder = shm / f"pairaid-uploads-{os.getuid()}"
        folder.mkdir(mode=0o700, exist_ok=True)
        if folder.stat().st_uid == os.getuid():
            folder.chmod(0o700)
            return str(folder)
    return None


# Room for a few of the largest uploads at once (PAIRAID_IMPORT_MAX_UPLOAD_MB, below).
FILE_UPLOAD_TEMP_DIR = os.environ.get("PAIRAID_UPLOAD_TEMP_DIR") or memory_upload_dir(
    needed_mb=4 * int(os.environ.get("PAIRAID_IMPORT_MAX_UPLOAD_MB", "100"))
)

DEBUG = envbool("PAIRAID_DEBUG", False)
SECRET_KEY = os.environ.get("PAIRAID_SECRET_KEY") or "pairaid-development-key-not-for-production"
ALLOWED_HOSTS = envlist("PAIRAID_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "pairaid.accounts",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "pairaid.ledger",
    "pairaid.web",
    "pairaid.bulletin",
    "pairaid.exchange",
    "pairaid.reports",
    "pairaid.api",
    "pairaid.ops",
]

MIDDLEWARE = [
    # /healthz for load balancers: before host checks, redirects, sessions and login.
    "pairaid.ops.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "pairaid.web.middleware.ContentSecurityPolicyMiddleware",
    # PostgreSQL cannot hold NUL: query parameters lose it before any view reads them.
    "pairaid.lib.text.StripNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Chinese unless the user chose otherwise with the switch (not the browser's header).
    "pairaid.web.middleware.ChineseByDefaultLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A record outside the user's scope (ledger.access.OutOfScope) is "not found": 404.
    "pairaid.web.middleware.OutOfScopeMiddleware",
]

ROOT_URLCONF = "pairaid.urls"
WSGI_APPLICATION = "pairaid.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

# Inputs and selects written in Python, the same HTML as Django's widget templates.
FORM_RENDERER = "pairaid.web.form_renderer.Renderer"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("PAIRAID_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'pairaid.sqlite3'}",
        conn_max_age=int(os.environ.get("PAIRAID_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time from the start of a transaction (the audit chain relies on it),
    # readers alongside it (WAL), and patience when several server threads write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs seconds on the figures' analytical queries and saves nothing.
    pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    # A list page's query joins its rows to their pairing's four names and more (nine tables
    # for fund flows): planning every join order of nine costs PostgreSQL ~30-130 ms a page,
    # more than running it. Past this many tables, joins are planned in the order written
    # (the listed table first, then each record it names, by primary key).
    join_limit = int(os.environ.get("PAIRAID_PG_JOIN_COLLAPSE_LIMIT", "4"))
    pg_options["options"] = (
        f"{pg_options.get('options', '')} -c jit=off -c join_collapse_limit={join_limit}".strip()
    )
    if envbool("PAIRAID_DB_POOL", True):
        # Django's own pool (psycopg-pool): a request borrows a connection and gives it back.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        pg_options["pool"] = {
            "min_size": 1,
            "max_size": int(os.environ.get("PAIRAID_DB_POOL_SIZE", "8")),
            "timeout": 30,
        }
    else:
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# An unfiltered list counts (and totals) at most this many rows; past it, it pages on
# without a count (web/listing.py). A filtered list is counted exactly.
PAIRAID_LIST_COUNT_LIMIT = int(os.environ.get("PAIRAID_LIST_COUNT_LIMIT", "10000"))
# Up to this many choices a record form's select holds them all (it works without JavaScript,
# and a district's projects fit); past it, the chosen record and the first 30, the rest found
# by typing (web/forms/choosers.py).
PAIRAID_FULL_SELECT_LIMIT = 300
PAIRAID_STATEMENT_TIMEOUT = float(os.environ.get("PAIRAID_STATEMENT_TIMEOUT", "30") or 0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (large imports, national reports). The embedded default runs it inline,
# so a single machine needs no worker; "database" queues it for `pairaid worker`.
TASK_BACKENDS = {
    "inline": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS = {"default": {"BACKEND": TASK_BACKENDS[os.environ.get("PAIRAID_TASKS", "inline")]}}
# Inline, the upload page runs a file's check and import on a thread of the web process, so
# the request returns at once (pairaid.exchange.tasks.start); 0 runs them in the request.
PAIRAID_TASKS_INLINE_THREAD = envbool("PAIRAID_TASKS_INLINE_THREAD", True)

# Accounts and sessions: argon2 hashes, a lockout after repeated failed logins
# (pairaid.accounts.lockout), sessions that end after a working day or when idle too long.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "pairaid.accounts.passwords.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["pairaid.accounts.lockout.LockoutModelBackend"]
PAIRAID_LOGIN_FAILURE_LIMIT = int(os.environ.get("PAIRAID_LOGIN_FAILURE_LIMIT", "5"))
PAIRAID_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("PAIRAID_LOGIN_LOCKOUT_MINUTES", "15"))
# How many reverse proxies stand in front (their X-Forwarded-For gives the client address).
PAIRAID_TRUSTED_PROXIES = int(os.environ.get("PAIRAID_TRUSTED_PROXIES", "0"))
SESSION_COOKIE_AGE = int(os.environ.get("PAIRAID_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("PAIRAID_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Static files: `pairaid serve` collects them first, compressed (gzip, brotli), named by the
# hash of their content, sent with a cache lifetime of ten years (a change makes a new name).
# Before any collectstatic the apps' own files keep their plain names (lib/static.py).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "pairaid.lib.static.HashedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Django's cache is not used by pairaid: sessions, login failures and queued work live in
# the database, which every process and machine shares (README, "Several machines").

# The embedded database lives here, and WhiteNoise expects its folder to exist even
# before any `collectstatic`.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Limits on an imported file, checked while it is read (exchange/readers.py): the upload,
# what its zip archive unpacks to, and its sheets, rows, columns and cells.
PAIRAID_IMPORT_MAX_UPLOAD_MB = int(os.environ.get("PAIRAID_IMPORT_MAX_UPLOAD_MB", "100"))
# The fund ledger's import a column at a time (exchange/services/columnar.py); 0: row by row.
PAIRAID_IMPORT_COLUMNAR = envbool("PAIRAID_IMPORT_COLUMNAR", True)
PAIRAID_IMPORT_MAX_UNPACKED_MB = int(os.environ.get("PAIRAID_IMPORT_MAX_UNPACKED_MB", "600"))
PAIRAID_IMPORT_MAX_RATIO = int(os.environ.get("PAIRAID_IMPORT_MAX_RATIO", "200"))
PAIRAID_IMPORT_MAX_SHARED_STRINGS_MB = int(
    os.environ.get("PAIRAID_IMPORT_MAX_SHARED_STRINGS_MB", "64")
)
PAIRAID_IMPORT_MAX_SHEETS = int(os.environ.get("PAIRAID_IMPORT_MAX_SHEETS", "50"))
PAIRAID_IMPORT_MAX_ROWS = int(os.environ.get("PAIRAID_IMPORT_MAX_ROWS", "300000"))
PAIRAID_IMPORT_MAX_COLUMNS = int(os.environ.get("PAIRAID_IMPORT_MAX_COLUMNS", "300"))
PAIRAID_IMPORT_MAX_CELL_CHARS = int(os.environ.get("PAIRAID_IMPORT_MAX_CELL_CHARS", "32767"))
# Evidence files (佐证材料): kept outside the web root, served only through scope checks.
PAIRAID_EVIDENCE_DIR = Path(os.environ.get("PAIRAID_EVIDENCE_DIR") or DATA_DIR / "evidence")
PAIRAID_EVIDENCE_MAX_UPLOAD_MB = int(os.environ.get("PAIRAID_EVIDENCE_MAX_UPLOAD_MB", "20"))
# A placement (劳务协作就业) counts as stable work (稳定就业) once its persons were still in work
# after this many months at the last check.
PAIRAID_STABLE_JOB_MONTHS = int(os.environ.get("PAIRAID_STABLE_JOB_MONTHS", "3"))
# A batch busy (checking, importing) with no sign of life for this long has lost its process.
PAIRAID_IMPORT_STALE_MINUTES = int(os.environ.get("PAIRAID_IMPORT_STALE_MINUTES", "15"))

with contextlib.suppress(ImportError):  # an optional, git-ignored local override
    from pairaid.local_settings import *  # noqa: F403

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "web:login"
