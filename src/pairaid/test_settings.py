"""Settings for the test suite: the real settings, with a fast password hasher."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from pairaid.settings import *  # noqa: F403
from pairaid.settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests see an upload checked when the page answers; tests/test_exchange_background.py
# turns the web process's import thread on.
PAIRAID_TASKS_INLINE_THREAD = False

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, as in production (WAL, one writer at a time, others wait for it): threads of
    # the concurrency tests open connections of their own, which a shared in-memory
    # database would refuse at once ("table is locked") instead of waiting.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"test_pairaid_{os.getpid()}.sqlite3")
    }

# Evidence files of this test process, never the checkout's var/.
PAIRAID_EVIDENCE_DIR = Path(tempfile.gettempdir()) / f"test_pairaid_evidence_{os.getpid()}"

# Collected static files of this test process, never the checkout's var/static: a
# `pairaid serve` run there collects hashed names, and pages would then name those.
STATIC_ROOT = Path(tempfile.gettempdir()) / f"test_pairaid_static_{os.getpid()}"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
atexit.register(shutil.rmtree, STATIC_ROOT, ignore_errors=True)
