"""The `pairaid` console script. The tests marked `cli` run it as a user runs it, a separate
process on its own SQLite file; the others call the same entry point (`cli.main`) or the
command in this process, on the test database, where a new process would add nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pairaid.cli import main

PAIRAID = Path(sys.executable).parent / "pairaid"


def run(*args: str, db: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PAIRAID_DATABASE_URL": f"sqlite:///{db}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # the time limit finds a hung process, not a slow one: a busy machine takes minutes
    return subprocess.run(
        [str(PAIRAID), *args], capture_output=True, text=True, env=env, check=check, timeout=3600
    )


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory, demo_database) -> Path:
    """A database `pairaid demo` filled (once per test run, see conftest), this module's own."""
    return demo_database(tmp_path_factory.mktemp("cli") / "pairaid.sqlite3")


def in_process(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """What `pairaid ARGS` prints, run through the console script's entry point."""
    try:
        main(["pairaid", *args])
    except SystemExit as stop:
        assert stop.code in (0, None)
    return capsys.readouterr().out


def command(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.cli
def test_it_lists_the_product_commands(tmp_path: Path):
    out = run("--help", db=tmp_path / "x.sqlite3").stdout
    for command in ("demo", "serve", "summary", "createuser", "migrate", "shell"):
        assert f"  {command}" in out


def test_it_shows_a_command_help(capsys):
    out = in_process(capsys, "help", "summary")
    assert "--as-of" in out and "--style" in out and "--json" in out


@pytest.mark.cli
def test_it_passes_django_commands_through(tmp_path: Path):
    db = tmp_path / "fresh.sqlite3"
    # Django's migrate reads the new database's history and plans every migration (applying
    # them on a new file is `pairaid demo`'s first step: conftest's `demo_database`)
    out = run("migrate", "--plan", db=db).stdout
    assert "Planned operations" in out and "ledger.0001_ledger_records" in out
    assert "No changes detected" in run("makemigrations", "--check", "--dry-run", db=db).stdout


def test_it_prints_the_article_figures_from_a_demo_database(db):
    out = command("summary", "--as-of", "2022-12-04", "--style", "published")
    assert "龙马潭区累计投入各类帮扶资金9500余万元，实施帮扶项目123个，选派干部人才268人" in out
    exact = command("summary", "--pairing", "江阳区", "--as-of", "2022-12-04")
    assert exact.startswith(
        "江阳区累计投入各类帮扶资金14654.73万元，实施帮扶项目154个，选派干部人才320人"
    )


def test_it_creates_a_user_once(db):
    first = command("createuser", "office", "--password", "s3cret-pw")
    assert "已创建用户 office" in first
    with pytest.raises(CommandError, match="已存在"):
        command("createuser", "office", "--password", "x")
    command("createuser", "office", "--password", "x", "--exists-ok")


@pytest.mark.cli
def test_it_reports_an_error_without_a_traceback(demo_db: Path):
    result = run("summary", "--pairing", "不存在区", db=demo_db, check=False)
    assert result.returncode == 1
    assert "找不到结对关系" in result.stderr and "Traceback" not in result.stderr


def test_it_has_a_command_behind_every_name_in_its_help():
    from django.core.management import get_commands

    from pairaid.cli import ALIASES, PRODUCT_COMMANDS

    known = get_commands()
    missing = [name for name in PRODUCT_COMMANDS if ALIASES.get(name, name) not in known]
    assert missing == []


def test_it_documents_every_product_command_in_the_readme():
    from pairaid.cli import PRODUCT_COMMANDS

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    undocumented = [name for name in PRODUCT_COMMANDS if f"pairaid {name}" not in readme]
    assert undocumented == []


def test_it_runs_a_hyphenated_command(capsys):
    out = in_process(capsys, "help", "check-bulletin")
    assert "--json" in out
