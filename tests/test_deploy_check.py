"""The production settings pass Django's deployment checklist."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

from cryptography.fernet import Fernet


def test_it_passes_check_deploy_with_the_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pairaid.production_settings",
        "PAIRAID_SECRET_KEY": secrets.token_urlsafe(60),
        "PAIRAID_DATA_KEY": Fernet.generate_key().decode(),
        "PAIRAID_DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
