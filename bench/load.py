"""Benchmark: many logged-in users at once against `pairaid serve`, as a province office.

    .venv/bin/python bench/load.py --database-url postgres://…/pairaid [--users 50]
        [--duration 60] [--workers N] [--threads T] [--server gunicorn|waitress]

The database must hold the data to browse (e.g. `pairaid demo --national 0.1`). It makes
(or reuses) the login `bench-load` (its password kept in var/bench-load-password), starts
`pairaid serve` on 127.0.0.1 (a free port; traffic goes nowhere else), finds pairings,
drill-downs and records to visit from the pages themselves, then runs locust in this
process: USERS users, each logged in with its own
session, browsing the overview, pairing dashboards, the list pages (first and later
pages), the figures' drill-downs and record pages, with 0.5–2 s between clicks, for
DURATION seconds (at most 600). It prints requests, errors, throughput and p50/p95/p99 per
kind of page, and exits with status 1 when any request failed.
"""

from __future__ import annotations

# locust patches the standard library (gevent) and must come before the rest.
from locust import HttpUser, between, events, task  # isort: skip
from locust.env import Environment  # isort: skip

import argparse
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import gevent

ROOT = Path(__file__).resolve().parent.parent
PAIRAID = str(Path(sys.executable).with_name("pairaid"))
USER = "bench-load"
LISTS = [
    "/funds/",
    "/projects/",
    "/people/",
    "/postings/",
    "/agreements/",
    "/obligations/",
    "/events/",
    "/tasks/",
    "/audit/",
]
RECORDS = {
    "fund": r'href="(/funds/\d+/)"',
    "project": r'href="(/projects/\d+/)"',
    "person": r'href="(/people/\d+/)"',
    "agreement": r'href="(/agreements/\d+/)"',
    "event": r'href="(/events/\d+/)"',
    "task": r'href="(/tasks/\d+/)"',
}


class Site:
    """What the users visit, found by reading the pages once before the run."""

    password = ""
    pairings: list[str] = []
    drills: list[str] = []
    records: dict[str, list[str]] = {}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log_in(client, password: str) -> None:
    page = client.get("/login/", name="login").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    answer = client.post(
        "/login/",
        data={"username": USER, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": client.base_url + "/login/"},
        name="login",
        allow_redirects=False,
    )
    if answer.status_code != 302:
        error = getattr(answer, "error", None) or answer.status_code
        raise RuntimeError(f"login failed: {error}")


class Office(HttpUser):
    wait_time = between(0.5, 2.0)
    # A page slower than this counts as an error; logging in (argon2) may queue longer.
    network_timeout = 120.0

    logged_in = 0

    def on_start(self) -> None:
        log_in(self.client, Site.password)
        Office.logged_in += 1

    def get(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code}")
            elif "/login/" in answer.url:
                answer.failure("logged out")

    @task(2)
    def overview(self) -> None:
        self.get("/", "overview /")

    @task(3)
    def dashboard(self) -> None:
        self.get(random.choice(Site.pairings), "dashboard /pairings/N/")

    @task(6)
    def list_first_page(self) -> None:
        url = random.choice(LISTS)
        self.get(url, f"list {url}")

    @task(2)
    def list_later_page(self) -> None:
        url = random.choice(LISTS)
        self.get(f"{url}?page={random.randint(2, 20)}", "list, pages 2–20")

    @task(3)
    def drill_down(self) -> None:
        if Site.drills:
            self.get(random.choice(Site.drills), "drill-down (a figure's records)")

    @task(4)
    def record(self) -> None:
        kind = random.choice([k for k, urls in Site.records.items() if urls])
        self.get(random.choice(Site.records[kind]), f"record {kind}")


def pairaid(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([PAIRAID, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return done.stdout


def start_server(env: dict[str, str], port: int, options: list[str]) -> subprocess.Popen:
    log = open(ROOT / "var" / "bench-load-serve.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [PAIRAID, "serve", "--host", "127.0.0.1", "--port", str(port), *options],
        env=env,
        stdout=log,
        stderr=log,
    )
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("pairaid serve stopped; see var/bench-load-serve.log") from None
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("pairaid serve did not answer")


def discover(base: str) -> None:
    import requests

    session = requests.Session()
    session.base_url = base  # type: ignore[attr-defined]
    session.get = lambda url, name=None, **kw: requests.Session.get(session, base + url, **kw)  # type: ignore[method-assign]
    session.post = lambda url, name=None, **kw: requests.Session.post(session, base + url, **kw)  # type: ignore[method-assign]
    log_in(session, Site.password)
    overview = session.get("/").text
    pairings = set(re.findall(r'href="(/pairings/\d+/)[?"]', overview))
    for url in sorted(pairings)[:5]:  # province dashboards name their cities and counties
        pairings |= set(re.findall(r'href="(/pairings/\d+/)[?"]', session.get(url).text))
    Site.pairings = sorted(pairings)
    drills: set[str] = set()
    for url in [*Site.pairings[:: max(1, len(Site.pairings) // 15)][:15], "/"]:
        html = overview if url == "/" else session.get(url).text
        for href in re.findall(r'href="(/(?:funds|projects|postings|people)/\?[^"]+)"', html):
            drills.add(href.replace("&amp;", "&"))
    Site.drills = sorted(drills)
    Site.records = {kind: [] for kind in RECORDS}
    for url in LISTS[:-1]:
        for page in (1, 3):
            html = session.get(f"{url}?page={page}").text
            for kind, pattern in RECORDS.items():
                Site.records[kind] += re.findall(pattern, html)
    Site.records = {k: sorted(set(v)) for k, v in Site.records.items()}
    found = {k: len(v) for k, v in Site.records.items()}
    print(f"visiting {len(Site.pairings)} dashboards, {len(Site.drills)} drill-downs, {found}")


def report(environment: Environment, seconds: float) -> int:
    rows = sorted(environment.stats.entries.values(), key=lambda e: e.name)
    width = max(len(e.name) for e in rows)
    print(
        f"\n{'page':<{width}}  {'requests':>8} {'errors':>6} {'req/s':>6} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    )
    for entry in [*rows, environment.stats.total]:
        name = "all" if entry is environment.stats.total else entry.name
        print(
            f"{name:<{width}}  {entry.num_requests:>8} {entry.num_failures:>6} "
            f"{entry.num_requests / seconds:>6.1f} "
            f"{entry.get_response_time_percentile(0.5):>7.0f} "
            f"{entry.get_response_time_percentile(0.95):>7.0f} "
            f"{entry.get_response_time_percentile(0.99):>7.0f}"
        )
    for error in environment.stats.errors.values():
        print(f"error: {error.method} {error.name}: {error.error} ×{error.occurrences}")
    return 1 if environment.stats.total.num_failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("PAIRAID_DATABASE_URL"))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds (at most 600)")
    parser.add_argument("--spawn-rate", type=float, default=2, help="users starting a second")
    parser.add_argument("--server", default="gunicorn")
    parser.add_argument("--workers", type=int)
    parser.add_argument("--threads", type=int)
    args = parser.parse_args()
    if not args.database_url:
        raise SystemExit("--database-url (or PAIRAID_DATABASE_URL) is needed")
    duration = min(max(args.duration, 1), 600)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pairaid.settings",
        "PAIRAID_DATABASE_URL": args.database_url,
        "PAIRAID_DEBUG": "0",
    }
    # The login's password is made once and kept beside the data (var/), not reset.
    keep = ROOT / "var" / "bench-load-password"
    keep.parent.mkdir(exist_ok=True)
    if not keep.exists():
        keep.write_text(secrets.token_urlsafe(16))
    Site.password = keep.read_text().strip()
    pairaid(env, "createuser", USER, "--password", Site.password, "--superuser", "--exists-ok")
    port = free_port()
    options = ["--server", args.server]
    options += ["--workers", str(args.workers)] if args.workers else []
    options += ["--threads", str(args.threads)] if args.threads else []
    server = start_server(env, port, options)
    try:
        base = f"http://127.0.0.1:{port}"
        discover(base)
        Office.host = base
        environment = Environment(user_classes=[Office], events=events)
        runner = environment.create_local_runner()
        runner.start(args.users, spawn_rate=args.spawn_rate)
        # Logging in (argon2, once a day for a real user) is not what is measured: the
        # clock starts when every user has logged in.
        waited = time.monotonic()
        while Office.logged_in < args.users and time.monotonic() - waited < 600:
            gevent.sleep(0.5)
        print(f"{Office.logged_in} users logged in after {time.monotonic() - waited:.0f} s")
        environment.stats.reset_all()
        started = time.monotonic()
        gevent.sleep(duration)
        runner.quit()
        seconds = time.monotonic() - started
        print(
            f"{args.users} users, {seconds:.0f} s, pairaid serve {' '.join(options)} "
            f"on {os.cpu_count()} CPUs"
        )
        return report(environment, seconds)
    finally:
        server.terminate()
        server.wait(timeout=60)


if __name__ == "__main__":
    sys.exit(main())
