"""`pairaid serve`: gunicorn workers (or waitress), static files compressed and cached for
years under hashed names (the web's database options: test_serve_database_options.py)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.cli

PAIRAID = str(Path(sys.executable).parent / "pairaid")
YEAR = 365 * 24 * 3600


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(data_dir: Path, *args: str) -> tuple[subprocess.Popen, str, Path]:
    port = free_port()
    log = data_dir / f"serve-{port}.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pairaid.settings",
        "PAIRAID_DATA_DIR": str(data_dir),
        "PAIRAID_DATABASE_URL": f"sqlite:///{data_dir / 'pairaid.sqlite3'}",
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [PAIRAID, "serve", "--port", str(port), *args], env=env, stdout=out, stderr=out
        )
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):  # a busy machine may take a while to compress the static files
        try:
            with urllib.request.urlopen(f"{url}/login/", timeout=5) as answer:
                if answer.status == 200:
                    return process, url, log
        except OSError:
            if process.poll() is not None:
                raise AssertionError(log.read_text()) from None
            time.sleep(0.5)
    process.terminate()
    raise AssertionError("pairaid serve did not answer: " + log.read_text())


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def get(url: str, **headers: str) -> tuple[bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.read(), {k.lower(): v for k, v in answer.headers.items()}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data folder for the module: its static files are compressed once."""
    return tmp_path_factory.mktemp("serve")


def test_it_serves_with_gunicorn_workers_and_hashed_compressed_static_files(data_dir):
    process, url, log = serve(data_dir, "--server", "gunicorn", "--workers", "2", "--threads", "2")
    try:
        page, _ = get(f"{url}/login/")
        css = re.search(rb'href="(/static/web/pairaid\.[0-9a-f]{12}\.css)"', page)
        assert css is not None, page[:500]
        _body, headers = get(url + css.group(1).decode(), **{"Accept-Encoding": "gzip"})
        max_age = int(re.search(r"max-age=(\d+)", headers["cache-control"]).group(1))
        assert max_age >= YEAR
        assert headers.get("content-encoding") == "gzip"
    finally:
        stop(process)
    assert log.read_text().count("Booting worker") == 2


def test_it_serves_with_waitress_and_collects_static_files_only_when_they_changed(data_dir):
    manifest = data_dir / "static" / "staticfiles.json"
    if not manifest.exists():  # this test alone
        stop(serve(data_dir, "--workers", "1")[0])
    collected_at = manifest.stat().st_mtime_ns

    process, url, _ = serve(data_dir, "--server", "waitress")
    try:
        page, _ = get(f"{url}/login/")
        assert re.search(rb"/static/web/pairaid\.[0-9a-f]{12}\.js", page)
    finally:
        stop(process)
    assert manifest.stat().st_mtime_ns == collected_at
