"""Two imports, each changing records of the same two pairings but in opposite orders, both
finish: the chunk locks the audit chains of every pairing it touches at once and in order
(`ledger.audit_chain.lock_chains`), so neither can hold one chain while waiting for the
other. Before, each change locked its pairing's chain as it came, and PostgreSQL failed one
of the two with a deadlock.

The two imports are made to meet half-way: after its first change each waits (a while, at
most) for the other to have made its first change too. They commit for real, on
connections of their own (a transactional test; the demo is loaded again after it)."""

from __future__ import annotations

import contextlib
import io
import threading
import traceback
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections

from pairaid.exchange import services as exchange_services
from pairaid.exchange.models import ImportBatch
from pairaid.ledger import services
from pairaid.ledger.models import Project

HEADER = "结对关系,项目编号,项目名称,领域,帮扶方式"
MEET = 5  # seconds one import waits for the other half-way, when the other cannot come


@pytest.fixture
def demo_restored(django_db_blocker):
    """Requested before `transactional_db`, so it loads the demo again after the flush."""
    yield
    from pairaid.ledger.demo import load_demo

    with django_db_blocker.unblock():
        load_demo()


def projects_file(path: Path, projects: list[Project], name: str) -> Path:
    lines = [HEADER]
    lines += [f"{p.pairing},{p.code},{name}{p.code},产业,造血" for p in projects]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_it_lets_two_imports_touch_two_pairings_in_opposite_orders(
    demo_restored, transactional_db, tmp_path, monkeypatch
):
    from builders import Builder

    build = Builder()
    first, second = build.pairing("锁序甲区", "锁序乙县"), build.pairing("锁序丙区", "锁序丁县")
    a1, a2 = build.project(first), build.project(first)
    b1, b2 = build.project(second), build.project(second)
    forward = projects_file(tmp_path / "forward.csv", [a1, b1], "正序")
    backward = projects_file(tmp_path / "backward.csv", [b2, a2], "倒序")

    halfway = threading.Barrier(2)
    original = services.update_record
    met: set[int] = set()

    def update_then_meet(*args, **kwargs):
        result = original(*args, **kwargs)
        me = threading.get_ident()
        if me not in met:
            met.add(me)
            # Broken: the other import waits for this one's locks, so go on alone.
            with contextlib.suppress(threading.BrokenBarrierError):
                halfway.wait(MEET)
        return result

    monkeypatch.setattr(services, "update_record", update_then_meet)
    errors: list[str] = []

    def run(path: Path) -> None:
        try:
            exchange_services.import_file(path, path.name, via="import")
        except BaseException:
            errors.append(traceback.format_exc())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(path,)) for path in (forward, backward)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == [], "\n".join(errors)
    for project, name in ((a1, "正序"), (b1, "正序"), (b2, "倒序"), (a2, "倒序")):
        assert Project.objects.get(pk=project.pk).name == f"{name}{project.code}"
    imported = ImportBatch.objects.filter(file_name__in=["forward.csv", "backward.csv"])
    assert sorted(imported.values_list("status", flat=True)) == [ImportBatch.Status.IMPORTED] * 2
    out = io.StringIO()
    call_command("audit", "verify", stdout=out, stderr=out)
    assert "哈希链完整" in out.getvalue()
