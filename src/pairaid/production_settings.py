"""Settings for a production server behind HTTPS: the real settings, hardened.

    DJANGO_SETTINGS_MODULE=pairaid.production_settings pairaid serve

PAIRAID_SECRET_KEY (a long random string) and PAIRAID_DATA_KEY (a Fernet key, which
encrypts identity and phone numbers) must be set; `pairaid check --deploy` then reports
nothing. A missing or malformed one stops every entry point (`pairaid serve`, `pairaid
check`, the WSGI application) with one line saying which, not a traceback.
"""

import os

from cryptography.fernet import Fernet

from pairaid.settings import *  # noqa: F403


def _missing_settings() -> list[str]:
    problems = []
    if not os.environ.get("PAIRAID_SECRET_KEY", "").strip():
        problems.append("PAIRAID_SECRET_KEY 未设置（一个足够长的随机字符串）")
    data_key = os.environ.get("PAIRAID_DATA_KEY", "").strip()
    if not data_key:
        problems.append("PAIRAID_DATA_KEY 未设置（加密身份证号和电话的 Fernet 密钥）")
    else:
        try:
            Fernet(data_key)
        except ValueError:
            problems.append("PAIRAID_DATA_KEY 不是有效的 Fernet 密钥（32 字节、URL 安全 base64）")
    return problems


if _problems := _missing_settings():
    # SystemExit, not an exception: the message alone, whichever entry point loads settings.
    raise SystemExit("pairaid 无法启动：" + "；".join(_problems) + "。见 README 的“设置”一节。")

DEBUG = False
SECRET_KEY = os.environ["PAIRAID_SECRET_KEY"]
SECURE_SSL_REDIRECT = os.environ.get("PAIRAID_SSL_REDIRECT", "1") == "1"
# Load balancers probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("PAIRAID_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
