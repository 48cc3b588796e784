"""scripts/bundle and scripts/install-offline: installing on an intranet without internet.

Building a bundle fetches wheels, so the suite does not; it checks what the scripts do."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def test_it_bundles_the_product_with_every_dependency_pip_resolves():
    bundle = (SCRIPTS / "bundle").read_text(encoding="utf-8")

    # pip wheel of the project itself: pyproject.toml's dependencies, resolved, come along.
    assert re.search(r'pip wheel .*--wheel-dir "\$out/wheels" \. ', bundle)
    assert "cp scripts/install-offline" in bundle
    assert os.access(SCRIPTS / "bundle", os.X_OK)


def test_it_installs_from_the_bundle_alone():
    install = (SCRIPTS / "install-offline").read_text(encoding="utf-8")

    installs = [line for line in install.splitlines() if "pip --isolated install" in line]
    assert installs and all("--no-index" in line for line in installs)
    assert install.count('--find-links "$bundle/wheels"') == len(installs)
    assert os.access(SCRIPTS / "install-offline", os.X_OK)


def test_it_refuses_a_directory_that_is_not_a_bundle(tmp_path):
    result = subprocess.run(
        [str(SCRIPTS / "install-offline"), str(tmp_path), str(tmp_path / "venv")],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert "不是 pairaid 安装包" in result.stderr
    assert not (tmp_path / "venv").exists()
