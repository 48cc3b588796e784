"""Two pairings under the same coordinating pairing write side by side: neither waits for the
other's commit on their ancestor's subtree rollups (money, projects, persons), and the
coordinating pairing's figures count both writes exactly.

On PostgreSQL the first writer records a fund flow, a project and a posting in one pairing and
leaves its transaction open; the second, with `SET LOCAL lock_timeout = '2s'`, writes the same
month, kind, source, status and person in the sibling pairing and must commit. (With the
subtree rollups of migration 0019, kept by adding to the ancestor's row, the second failed
with a lock timeout.) SQLite writes one transaction at a time: there the same writes run one
after the other and the figures are checked. Both run in a copy of the demo database, in a
separate process with connections of its own."""

from __future__ import annotations

from pathlib import Path

from scratch_databases import run_in_scratch_database

SCRIPT = r"""
import datetime as dt, io, json, sys, threading, traceback
sys.path.insert(0, sys.argv[1])
import django
django.setup()
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from builders import Builder
from pairaid.ledger import figures
from pairaid.ledger.models import FundFlow, Pairing, Posting, Project
from pairaid.ledger.moneyfield import MoneySum

build = Builder()
opened = dt.date(2019, 1, 1)
top = build.pairing("并行省", "并行受援省", valid_from=opened)
left = build.pairing("并行甲区", "并行甲县", valid_from=opened, parent=top)
right = build.pairing("并行乙区", "并行乙县", valid_from=opened, parent=top)
person = build.person("并行人")
DAY = dt.date(2021, 3, 5)  # the same month, kind, source, status and person on both sides


def write(pairing, amount, code):
    build.flow(pairing, amount, day=DAY)
    build.project(pairing, start=DAY, code=code)
    build.posting(person, pairing, DAY, post="挂职")


postgres = connection.vendor == "postgresql"
first_wrote, second_done = threading.Event(), threading.Event()
outcome = {}


def first():
    try:
        with transaction.atomic():
            write(left, "100.00", "BX-1")
            first_wrote.set()
            second_done.wait(30)  # open until the second writer is done
        outcome["first"] = "committed"
    except BaseException:
        outcome["first"] = traceback.format_exc()
    finally:
        first_wrote.set()
        if postgres:
            connections.close_all()


def second():
    try:
        first_wrote.wait(30)
        with transaction.atomic():
            if postgres:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
            write(right, "20.05", "BX-2")
        outcome["second"] = "committed"
    except BaseException as exc:
        outcome["second"] = f"{type(exc).__name__}: {exc}"
    finally:
        second_done.set()
        if postgres:
            connections.close_all()


if postgres:
    threads = [threading.Thread(target=work) for work in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
else:  # one writer at a time: the same writes, one after the other
    second_done.set()
    first()
    second()

pairings = [left.pk, right.pk]
window = figures.window_for(Pairing.objects.get(pk=top.pk), include_children=True)
out = io.StringIO()
try:
    call_command("rollups", "rebuild", "--check", stdout=out, stderr=out)
except CommandError as exc:
    out.write(str(exc))
started = Project.objects.filter(pairing__in=pairings, status__in=Project.STARTED)
flows = FundFlow.objects.filter(pairing__in=pairings).aggregate(t=MoneySum("amount"))["t"]
print(json.dumps({
    "outcome": outcome,
    "whole_tree": window.whole_tree_of == top.pk,
    "funds": str(figures.funds_invested(window).value),
    "flows": str(flows),
    "projects": figures.projects_implemented(window).value,
    "project_records": started.count(),
    "persons": figures.persons_dispatched(window).value,
    "posted": Posting.objects.filter(pairing__in=pairings).values("person").distinct().count(),
    "check": out.getvalue(),
}))
"""


def test_it_lets_two_sibling_pairings_write_without_waiting_for_each_other(db):
    answer = run_in_scratch_database(SCRIPT, str(Path(__file__).parent), migrated=True)
    assert answer["outcome"] == {"first": "committed", "second": "committed"}, answer
    assert answer["whole_tree"] is True
    assert answer["funds"] == answer["flows"]
    assert answer["projects"] == answer["project_records"] == 2
    assert answer["persons"] == answer["posted"] == 1
    assert "结对关系层级和下级汇总与记录一致" in answer["check"]
    assert "资金汇总与资金记录一致" in answer["check"]
