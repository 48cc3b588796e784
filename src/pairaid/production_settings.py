"""Settings for a production server behind HTTPS: the real settings, hardened.

    DJANGO_SETTINGS_MODULE=pairaid.production_settings pairaid serve

PAIRAID_SECRET_KEY must be set (a long random string); `pairaid check --deploy` then
reports nothing.
"""

import os

from pairaid.settings import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["PAIRAID_SECRET_KEY"]
SECURE_SSL_REDIRECT = os.environ.get("PAIRAID_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("PAIRAID_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
