"""`pairaid demo --national SCALE`: the synthetic national data set, at a tiny scale.

The article's demo is already in the test database (conftest.py); the national set loads
beside it, and each test's transaction is rolled back."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import F

from pairaid.ledger import figures, rollups, search
from pairaid.ledger.demo.national import NATIONAL_PREFIXES
from pairaid.ledger.models import (
    Agreement,
    AuditEntry,
    Event,
    FundFlow,
    GuidedInvestment,
    Pairing,
    Person,
    Posting,
    Project,
    Region,
    SearchKey,
    Target,
    Task,
)

SCALE = "0.001"
AS_OF = dt.date(2022, 12, 4)


def load(*more: str) -> str:
    out = StringIO()
    call_command("demo", "--national", SCALE, *more, stdout=out, verbosity=0)
    return out.getvalue()


@pytest.fixture(scope="module")
def national(django_db_setup, django_db_blocker):
    """One load for the module, rolled back at its end; each test runs inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        before = {m: m.objects.count() for m in DEMO_MODELS}
        load()
        yield {m: m.objects.count() - n for m, n in before.items()}
        transaction.set_rollback(True)


DEMO_MODELS = (
    Region, Pairing, Project, FundFlow, GuidedInvestment, Person, Posting, Event, Agreement, Task,
    Target,
)  # fmt: skip


def national_pairings():
    return Pairing.objects.filter(helper_region__code__regex=r"^9[1-4]")


def leaves():
    return national_pairings().filter(parent__parent__isnull=False).order_by("id")


def fingerprint() -> list[tuple]:
    """Each national pairing's figures and record counts, keyed by its regions' codes."""
    rows = []
    for pairing in national_pairings().select_related("helper_region", "recipient_region"):
        window = figures.window_for(pairing, include_children=True)
        summary = figures.pairing_summary(pairing, window)
        rows.append(
            (
                pairing.helper_region.code,
                pairing.recipient_region.code,
                summary.funds.value,
                summary.projects.value,
                summary.persons.value,
                pairing.fund_flows.count(),
                pairing.postings.count(),
            )
        )
    return sorted(rows)


def test_it_builds_a_province_city_county_tree(national, db):
    pairings = national_pairings().select_related("helper_region", "recipient_region", "parent")
    tops = [p for p in pairings if p.parent_id is None]
    assert len(tops) == 4
    assert national[Pairing] == pairings.count()
    depth = {p.pk: 0 for p in tops}
    for pairing in sorted(pairings, key=lambda p: p.pk):
        if pairing.parent_id is None:
            continue
        depth[pairing.pk] = depth[pairing.parent_id] + 1
        # each side sits inside the region of the same side one level up
        assert pairing.helper_region.parent_id == pairing.parent.helper_region_id
        assert pairing.recipient_region.parent_id == pairing.parent.recipient_region_id
    levels = {0: Region.Level.PROVINCE, 1: Region.Level.PREFECTURE, 2: Region.Level.COUNTY}
    for pairing in pairings:
        assert pairing.helper_region.level == levels[depth[pairing.pk]]
        assert pairing.recipient_region.level == levels[depth[pairing.pk]]
    assert set(depth.values()) == {0, 1, 2}
    # records hang off the county pairings; invented codes never clash with real ones
    assert Project.objects.filter(pairing__in=leaves()).count() > 0
    codes = Region.objects.filter(code__regex=r"^9[1-8]").values_list("code", flat=True)
    assert {code[:2] for code in codes} == set(NATIONAL_PREFIXES)
    assert all(len(code) in (6, 12) for code in codes)
    # the article's demo is still there beside it
    assert Pairing.objects.filter(helper_region__code="510502").exists()


def test_it_marks_every_record_it_makes_as_demo_data(national, db):
    for model, made in national.items():
        assert made > 0, model
        assert model.objects.filter(is_demo=True).count() >= made, model
    non_demo = national_pairings().filter(is_demo=False).count()
    non_demo += Project.objects.filter(pairing__in=national_pairings(), is_demo=False).count()
    non_demo += FundFlow.objects.filter(pairing__in=national_pairings(), is_demo=False).count()
    non_demo += Posting.objects.filter(pairing__in=national_pairings(), is_demo=False).count()
    non_demo += Person.objects.filter(number__startswith="N", is_demo=False).count()
    assert non_demo == 0


def test_it_keeps_every_rule_of_the_records(national, db):
    pairing = leaves().first()
    # Each record's fields and clean(); its database rules (unique and check constraints)
    # held when it was written, which Django's validation would only ask again, a query each.
    stored = {"validate_unique": False, "validate_constraints": False}
    for model in (Project, FundFlow, Posting, Event, Agreement, Task, Target):
        records = model.objects.filter(pairing=pairing)
        assert records.exists(), model
        for record in records:
            record.full_clean(**stored)
    for person in Person.objects.filter(postings__pairing=pairing).distinct():
        person.full_clean(**stored)
    flows = FundFlow.objects.filter(pairing__in=national_pairings())
    assert not flows.filter(project__isnull=False).exclude(project__pairing=F("pairing")).exists()
    reversals = flows.filter(reverses__isnull=False)
    assert reversals.exists()
    assert not reversals.filter(date__lt=F("reverses__date")).exists()
    assert not reversals.exclude(amount=-F("reverses__amount")).exists()
    # some persons are posted more than once
    assert (
        Posting.objects.filter(pairing=pairing).count()
        > Person.objects.filter(postings__pairing=pairing).distinct().count()
    )


def test_it_writes_one_audit_entry_per_batch_and_the_chain_verifies(national, db):
    written = AuditEntry.objects.filter(action__endswith=".bulk_loaded").count()
    records = sum(
        model.objects.filter(pairing__in=leaves()).count() for model in (Project, FundFlow, Posting)
    )
    assert 0 < written < records / 50
    batch = AuditEntry.objects.filter(action="fundflow.bulk_loaded", pairing__in=leaves())
    assert batch.exists()
    assert (
        sum(entry.changes["count"] for entry in batch)
        == FundFlow.objects.filter(pairing__in=leaves()).count()
    )
    out = StringIO()
    call_command("audit", "verify", stdout=out, stderr=out)
    assert "完整" in out.getvalue()


def test_it_gives_the_same_data_when_loaded_again_alone(national, db):
    first = fingerprint()
    if connection.vendor == "postgresql":
        # The module's load is still uncommitted here: check its deferred foreign keys now,
        # as a commit would, so that the wipe may TRUNCATE (a real --reset runs on its own).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert "已清空台账" in load("--reset")
    assert not Pairing.objects.filter(helper_region__code="510502").exists()
    assert fingerprint() == first
    out = StringIO()
    call_command("audit", "verify", stdout=out, stderr=out)
    assert "完整" in out.getvalue()


def test_it_adds_up_each_figure_from_its_records(national, db):
    for pairing in [*leaves()[:2], national_pairings().filter(parent__isnull=True).first()]:
        window = figures.window_for(pairing, as_of=AS_OF, include_children=True)
        summary = figures.pairing_summary(pairing, window)
        ids = window.pairing_ids
        transfers = FundFlow.objects.filter(
            pairing_id__in=ids, kind="transfer", fund_year__gte=2016, fund_year__lte=2022
        ).filter(date__lte=AS_OF)
        assert summary.funds.value == sum(transfers.values_list("amount", flat=True), Decimal(0))
        assert summary.funds.value > 0
        started = Project.objects.filter(
            pairing_id__in=ids, status__in=Project.STARTED, start_date__lte=AS_OF
        )
        assert summary.projects.value == started.count() > 0
        persons = set(
            Posting.objects.filter(pairing_id__in=ids, start_date__lte=AS_OF).values_list(
                "person_id", flat=True
            )
        )
        assert summary.persons.value == len(persons) > 0


def test_it_makes_its_pairings_and_projects_findable(national, db):
    pairings = list(national_pairings().values_list("pk", flat=True))
    projects = list(
        Project.objects.filter(pairing__in=national_pairings()).values_list("pk", flat=True)
    )
    keys = SearchKey.objects.filter(kind=SearchKey.Kind.PAIRING, record_id__in=pairings)
    assert keys.count() == len(pairings)
    keys = SearchKey.objects.filter(kind=SearchKey.Kind.PROJECT, record_id__in=projects)
    assert keys.count() == len(projects) > 0


def test_it_refuses_to_load_twice_without_reset(national, db):
    with pytest.raises(CommandError):
        load()
    assert "未重复载入" in load("--if-empty")


def test_it_refuses_a_scale_out_of_range(db):
    for scale in ("0", "1.5", "-0.1"):
        with pytest.raises(CommandError):
            call_command("demo", "--national", scale, stdout=StringIO(), verbosity=0)


def test_it_keeps_the_money_rollups_in_step_with_its_records(national, db):
    out = StringIO()
    call_command("rollups", "rebuild", "--check", stdout=out, stderr=out)
    assert "一致" in out.getvalue()
    ids = list(leaves().values_list("id", flat=True))
    got = rollups.money_by_pairing(ids, kind="spend", from_year=2016, to_year=2026, as_of=AS_OF)
    for pk in ids[:3]:
        spent = FundFlow.objects.filter(pairing_id=pk, kind="spend", date__lte=AS_OF)
        assert got[pk] == sum(spent.values_list("amount", flat=True), Decimal("0.00")) > 0


def test_it_gives_projects_and_persons_the_search_keys_the_services_give(national, db):
    pairing = leaves().first()
    projects = list(Project.objects.filter(pairing=pairing))
    persons = list(Person.objects.filter(postings__pairing=pairing).distinct())
    assert projects and persons
    for record in [*projects, *persons]:
        kind, label, key, pairing_id = search.describe(record)
        stored = SearchKey.objects.get(kind=kind, record_id=record.pk)
        assert (stored.label, stored.key, stored.pairing_id) == (label[:300], key, pairing_id)


# Run as the console script runs it (`pairaid.cli.main`), saying afterwards whether the URL
# configuration was imported.
REPORTING_IMPORTS = (
    "import sys\n"
    "from pairaid.cli import main\n"
    "try:\n"
    "    main(['pairaid', *sys.argv[1:]])\n"
    "finally:\n"
    "    print('urls imported:', 'pairaid.urls' in sys.modules)\n"
)


def console(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", REPORTING_IMPORTS, *args], capture_output=True, text=True, env=env
    )


@pytest.fixture(scope="module")
def loaded_by_the_console(tmp_path_factory, demo_database):
    """`pairaid demo --national SCALE --reset` once for the module's console tests, in a
    process of its own on a copy of the demo database: its environment and what it printed
    (one load answers what both tests ask of it)."""
    path = demo_database(tmp_path_factory.mktemp("national-console") / "pairaid.sqlite3")
    env = {**os.environ, "PAIRAID_DATABASE_URL": f"sqlite:///{path}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = console(env, "demo", "--national", SCALE, "--reset")
    assert done.returncode == 0, done.stderr
    return path, env, done.stdout


@pytest.mark.cli
def test_it_loads_as_a_user_runs_it_and_leaves_a_sound_wal_database(loaded_by_the_console):
    """`pairaid demo --national` in a process of its own, outside any transaction, where the
    load sets its own SQLite settings (statement journals in memory, a large page cache):
    the file stays in WAL mode and whole, its money rollups and audit chains check clean."""
    path, env, _printed = loaded_by_the_console
    pairaid = Path(sys.executable).parent / "pairaid"
    for args in (("rollups", "rebuild", "--check"), ("audit", "verify")):
        subprocess.run([str(pairaid), *args], capture_output=True, text=True, env=env, check=True)
    with sqlite3.connect(path) as raw:
        # the records' CHECK constraints call REGEXP, which Django gives its connections
        raw.create_function("REGEXP", 2, regexp)
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        (flows,) = raw.execute("SELECT COUNT(*) FROM ledger_fundflow").fetchone()
        (rolled,) = raw.execute("SELECT SUM(flow_count) FROM ledger_fundrollup").fetchone()
        assert flows == rolled > 0


@pytest.mark.cli
def test_it_loads_without_building_the_pages_and_the_api_first(loaded_by_the_console):
    """A national load runs the system checks but the URL configuration's, which would import
    every page and build the API's schemas before the first row; `pairaid check` runs them
    all, as before."""
    _path, env, printed = loaded_by_the_console
    assert "urls imported: False" in printed
    done = console(env, "check")
    assert done.returncode == 0, done.stderr
    assert "urls imported: True" in done.stdout


def regexp(pattern: str, text: object) -> bool | None:
    """SQLite's REGEXP as Django defines it on its connections (NULL stays NULL)."""
    return None if text is None else bool(re.search(pattern, str(text)))
