"""Browser tests: Playwright for Python driving Debian's chromium (never a downloaded
browser) against the real product, started as its own process on a temporary SQLite file
with the demo data — not pytest-django's live server, which would flush the database.

Screenshots of the main pages are saved under test-artifacts/screenshots/ at the top of the
checkout; the test report names the folder at the end of the run."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
USER, PASSWORD = "office", "a-long-test-pass-phrase"
taken: list[Path] = []


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives Debian's chromium against a running pairaid (Playwright)"
    )


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if taken:
        terminalreporter.write_sep("-", "screenshots")
        terminalreporter.write_line(f"{len(taken)} screenshots saved in {SCREENSHOTS}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Product:
    """pairaid running as a separate process, and the `pairaid` command beside it."""

    def __init__(self, workdir: Path) -> None:
        self.command = str(Path(sys.executable).with_name("pairaid"))
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "pairaid.settings",
            "PAIRAID_DATABASE_URL": f"sqlite:///{workdir / 'pairaid.sqlite3'}",
            "PAIRAID_DATA_DIR": str(workdir),
            "PAIRAID_DEBUG": "0",
        }
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: subprocess.Popen | None = None

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [self.command, *args], env=self.env, capture_output=True, text=True, timeout=3600
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def summary(self, as_of: str | None = None) -> dict:
        args = ["summary", "--json"] + (["--as-of", as_of] if as_of else [])
        return json.loads(self.run(*args))

    def start(self) -> None:
        self.server = subprocess.Popen(
            [self.command, "serve", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # A busy machine (the browser tests run beside the PostgreSQL run) may take minutes
        # to start it: wait while the process lives; the hour finds a hung one, not a slow one.
        deadline = time.monotonic() + 3600
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/login/", timeout=10) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                if self.server.poll() is not None:
                    stopped = self.server.returncode
                    raise RuntimeError(f"pairaid serve stopped ({stopped})") from None
                time.sleep(0.3)
        raise RuntimeError("pairaid serve did not answer within an hour")

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()


@pytest.fixture(scope="session")
def product(tmp_path_factory: pytest.TempPathFactory, demo_database) -> Iterator[Product]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is not installed (Debian package: chromium; scripts/test installs it)"
        )
    workdir = tmp_path_factory.mktemp("pairaid-browser")
    demo_database(workdir / "pairaid.sqlite3")  # filled by `pairaid demo` (see conftest)
    running = Product(workdir)
    running.run("createuser", USER, "--password", PASSWORD, "--superuser")
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def browser(product: Product):
    from playwright.sync_api import sync_playwright

    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def open_page(browser, product: Product, width: int = 1366, height: int = 900):
    """A fresh browser window, like an office PC's (Chinese locale), logged in."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="zh-CN", base_url=product.url
    )
    # Playwright needs a limit per step: one that finds a hung page, not a busy machine's.
    context.set_default_timeout(300_000)
    page = context.new_page()
    page.goto("/login/")
    page.fill("#id_username", USER)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")
    return page


@pytest.fixture
def page(browser, product):
    opened = open_page(browser, product)
    yield opened
    opened.context.close()


@pytest.fixture
def phone(browser, product):
    opened = open_page(browser, product, width=390, height=844)
    yield opened
    opened.context.close()


def shoot(page, name: str) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    taken.append(path)
    return path


@pytest.fixture
def screenshot():
    return shoot
