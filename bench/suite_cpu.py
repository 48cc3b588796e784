"""CPU seconds per test module, for finding where the suite's minutes go: a pytest plugin.

    PYTHONPATH=bench PAIRAID_SUITE_CPU=/tmp/cpu.tsv \
        .venv/bin/pytest -p suite_cpu -p no:xdist -q -m "not browser" tests/

Appends one line per module as it ends: module, tests, CPU seconds of the test process
(user + sys, with the subprocesses it waited for), CPU seconds of the PostgreSQL server (all its
processes, when PAIRAID_SUITE_PG_DIR names the folder `scripts/postgres start` was given;
else 0), wall seconds. A module's share starts when its first test's setup starts and ends
when the next module's does (its module fixtures' teardown included); the session's
setup (the test database) goes to the first module that asks for it.
Run it with one worker (`-p no:xdist`), on a server of its own: the server's CPU is all
this run's then.
"""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path

import pytest

TICKS = os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def server_cpu() -> float:
    """The PostgreSQL server's CPU seconds: the postmaster's own and its ended children's,
    and each live child's."""
    folder = os.environ.get("PAIRAID_SUITE_PG_DIR")
    if not folder:
        return 0.0
    postmaster = int(Path(folder, "data", "postmaster.pid").read_text().split()[0])
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        pid, parent = int(entry.name), int(fields[1])
        if pid == postmaster:  # utime stime cutime cstime
            ticks += sum(int(f) for f in fields[11:15])
        elif parent == postmaster:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / TICKS


class Meter:
    def __init__(self) -> None:
        self.module: str | None = None
        self.count = 0
        self.start = (0.0, 0.0, 0.0)

    def now(self) -> tuple[float, float, float]:
        return own_cpu(), server_cpu(), time.monotonic()

    def close(self) -> None:
        if self.module is None:
            return
        end = self.now()
        own, server, wall = (b - a for a, b in zip(self.start, end, strict=True))
        out = os.environ.get("PAIRAID_SUITE_CPU", "suite-cpu.tsv")
        with open(out, "a", encoding="utf-8") as file:  # as it goes: a long run may be stopped
            file.write(f"{self.module}\t{self.count}\t{own:.1f}\t{server:.1f}\t{wall:.1f}\n")

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        module = item.nodeid.split("::", 1)[0]
        if module != self.module:
            self.close()
            self.module, self.count, self.start = module, 0, self.now()
        self.count += 1

    def pytest_sessionfinish(self) -> None:
        self.close()

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """PAIRAID_SUITE_FIRST: modules (names, comma-separated) to measure first."""
        first = [n for n in os.environ.get("PAIRAID_SUITE_FIRST", "").split(",") if n]

        def rank(item: pytest.Item) -> int:
            name = item.nodeid.split("::", 1)[0].rsplit("/", 1)[-1].removesuffix(".py")
            return first.index(name) if name in first else len(first)

        items.sort(key=rank)  # stable: the rest keep their order


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(Meter(), "suite_cpu_meter")
