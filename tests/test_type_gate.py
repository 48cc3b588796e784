"""Types as a gate: `scripts/test` runs `mypy --strict` with django-stubs on the apps that
pass it, and what mypy is told to overlook is named and explained.

mypy itself runs in the lint stage (it takes a while: not here); these tests keep the gate
from being loosened quietly.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pairaid

PACKAGE = Path(pairaid.__file__).resolve().parent
ROOT = PACKAGE.parent.parent
IGNORE = re.compile(r"#\s*type:\s*ignore(?P<codes>\[[^\]]*\])?(?P<after>.*)$")


def gated_apps() -> list[str]:
    """The apps `scripts/test` type-checks, from its `mypy src/pairaid/<app>/ …` line."""
    script = (ROOT / "scripts" / "test").read_text(encoding="utf-8")
    lines = [line for line in script.splitlines() if line.strip().startswith("mypy ")]
    assert len(lines) == 1, lines
    return re.findall(r"src/pairaid/(\w+)/", lines[0])


def mypy_config() -> dict[str, object]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mypy: dict[str, object] = config["tool"]["mypy"]
    return mypy


def ignores(paths: list[Path]) -> list[tuple[Path, int, re.Match[str], str]]:
    found = []
    for path in paths:
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            match = IGNORE.search(line)
            if match:
                above = lines[number - 2].strip() if number > 1 else ""
                found.append((path, number, match, above))
    return found


def test_it_runs_mypy_on_the_ledger_in_the_lint_stage() -> None:
    script = (ROOT / "scripts" / "test").read_text(encoding="utf-8")
    assert script.index("mypy src/pairaid/") < script.index("== tests on SQLite")
    assert "ledger" in gated_apps()


def test_it_keeps_checking_every_app_that_passed() -> None:
    # Once an app passes, it stays in the gate (the order: the ledger first, then
    # the reports and the API, then every app).
    passed = {"ledger", "accounts", "lib", "ops", "bulletin", "reports", "api", "web", "exchange"}
    assert passed <= set(gated_apps())


def test_it_checks_strictly_with_django_stubs() -> None:
    config = mypy_config()
    assert config["strict"] is True
    assert config["plugins"] == ["mypy_django_plugin.main"]
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert settings["tool"]["django-stubs"]["django_settings_module"] == "pairaid.settings"


def test_it_leaves_out_no_whole_app_that_it_checks() -> None:
    overrides = mypy_config().get("overrides", [])
    assert isinstance(overrides, list)
    for override in overrides:
        modules = override["module"]
        for module in [modules] if isinstance(modules, str) else modules:
            for app in gated_apps():
                assert module not in {f"pairaid.{app}", f"pairaid.{app}.*"}, module
            if override.get("ignore_missing_imports"):
                # only what is not ours, and the optional local settings
                assert not module.startswith("pairaid.") or module == "pairaid.local_settings"


def test_it_names_the_error_of_every_type_ignore() -> None:
    unnamed = [
        f"{path.relative_to(ROOT)}:{number}"
        for path, number, match, _above in ignores(sorted(PACKAGE.rglob("*.py")))
        if not match["codes"]
    ]
    assert unnamed == []


def test_it_says_why_of_every_type_ignore_in_the_checked_apps() -> None:
    paths = [path for app in gated_apps() for path in sorted((PACKAGE / app).rglob("*.py"))]
    overlooked = {
        f"{path.relative_to(ROOT)}:{number}"
        for path, number, match, above in ignores(paths)
        if not match["after"].strip().lstrip("#").strip() and not above.startswith("#")
    }
    # The services are typed next (pyproject.toml's overrides); their ignores go then.
    assert {place for place in overlooked if "/ledger/services/" not in place} == set()
