"""Settings for pairaid, read from environment variables with working defaults.

PAIRAID_DATABASE_URL  database (default: SQLite file under PAIRAID_DATA_DIR)
PAIRAID_DATA_DIR      where the embedded database and uploads live (default: ./var of the
                      source checkout, or ~/.local/share/pairaid for an installed package)
PAIRAID_SECRET_KEY    secret key (a development key is used when unset and DEBUG is on)
PAIRAID_DEBUG         1/0 (default 0)
PAIRAID_ALLOWED_HOSTS comma-separated host names (default: localhost,127.0.0.1)
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

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
    "pairaid.ledger",
    "pairaid.web",
    "pairaid.bulletin",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "pairaid.urls"
WSGI_APPLICATION = "pairaid.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
# Serve collected files when present, and the apps' own static files otherwise, so that
# `pairaid serve` works without a separate collectstatic step.
WHITENOISE_USE_FINDERS = True

try:  # an optional, git-ignored local override
    from pairaid.local_settings import *  # noqa: F403
except ImportError:
    pass

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
