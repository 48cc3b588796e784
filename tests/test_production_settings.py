"""Production settings: a missing secret or data key stops start-up with one clear line."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

pytestmark = pytest.mark.cli

PAIRAID = str(Path(sys.executable).parent / "pairaid")
ENTRY_POINTS = {
    "serve": [PAIRAID, "serve", "--port", "0"],
    "check": [PAIRAID, "check", "--deploy"],
    "wsgi": [sys.executable, "-c", "import pairaid.wsgi"],
}


def start(entry_point: str, tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PAIRAID_SECRET_KEY", "PAIRAID_DATA_KEY"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="pairaid.production_settings",
        PAIRAID_DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        **settings,
    )
    return subprocess.run(
        ENTRY_POINTS[entry_point], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.mark.parametrize("entry_point", sorted(ENTRY_POINTS))
def test_it_names_the_missing_settings_in_one_line(entry_point, tmp_path):
    result = start(entry_point, tmp_path)

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "PAIRAID_SECRET_KEY" in lines[0] and "PAIRAID_DATA_KEY" in lines[0]


def test_it_requires_the_data_key(tmp_path):
    result = start("check", tmp_path, PAIRAID_SECRET_KEY=secrets.token_urlsafe(60))

    assert result.returncode != 0
    assert "PAIRAID_DATA_KEY" in result.stderr and "PAIRAID_SECRET_KEY" not in result.stderr


def test_it_refuses_a_malformed_data_key(tmp_path):
    result = start(
        "check",
        tmp_path,
        PAIRAID_SECRET_KEY=secrets.token_urlsafe(60),
        PAIRAID_DATA_KEY="too-short",
    )

    assert result.returncode != 0
    assert "Fernet" in result.stderr and "Traceback" not in result.stderr


def test_it_starts_with_both_keys(tmp_path):
    result = start(
        "wsgi",
        tmp_path,
        PAIRAID_SECRET_KEY=secrets.token_urlsafe(60),
        PAIRAID_DATA_KEY=Fernet.generate_key().decode(),
    )

    assert result.returncode == 0, result.stderr
