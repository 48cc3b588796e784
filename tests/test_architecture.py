"""The shape of the code: no import cycles between pairaid's modules, and the domain (ledger)
never reaches out to the surfaces built on it.

Imports are read from the source with `ast`: those at module level, inside functions and
under `if TYPE_CHECKING:` alike — an import moved into a function to dodge a cycle is still
a cycle, only a later one.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pairaid

PACKAGE = Path(pairaid.__file__).resolve().parent
SURFACES = ("web", "api", "exchange", "reports", "bulletin")


def module_name(path: Path) -> str:
    parts = ["pairaid", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.relative_to(PACKAGE).parts
    }


def imported(name: str, path: Path, known: set[str]) -> Iterator[str]:
    """The pairaid modules that `name` imports, wherever in the file the import is."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from pairaid.web.views import people` imports the module people
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]  # `import a.b.C` or a name in a module
            if target and target != name and target.startswith("pairaid"):
                yield target


@cache
def import_graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: set(imported(name, path, known)) for name, path in found.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_it_reads_the_imports_it_is_meant_to_check():
    graph = import_graph()
    assert "pairaid.ledger.services" in graph["pairaid.ledger.demo.base"]
    assert "pairaid.exchange.columns" in graph["pairaid.exchange.specs"]
    assert "pairaid.web.views.people" in graph["pairaid.web.urls"]


def test_it_finds_a_cycle_when_there_is_one():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_no_two_modules_import_each_other_even_indirectly():
    found = cycles(import_graph())
    assert found == [], "import cycles: " + "; ".join(" ↔ ".join(c) for c in found)


def test_the_ledger_never_imports_the_surfaces_built_on_it():
    surfaces = tuple(f"pairaid.{app}" for app in SURFACES)
    wrong = sorted(
        f"{name} → {target}"
        for name, targets in import_graph().items()
        if name == "pairaid.ledger" or name.startswith("pairaid.ledger.")
        for target in targets
        if target in surfaces or target.startswith(tuple(f"{s}." for s in surfaces))
    )
    assert wrong == []


def test_commands_about_the_whole_product_live_outside_the_ledger():
    from django.core.management import get_commands, load_command_class

    commands = get_commands()
    assert commands["serve"] == commands["demo"] == "pairaid.ops"
    assert commands["createuser"] == "pairaid.accounts"
    for name, options in {
        "serve": ["--host", "--port"],
        "demo": ["--reset", "--if-empty"],
        "createuser": ["--password", "--superuser", "--exists-ok"],
    }.items():
        help_text = load_command_class(commands[name], name).create_parser("pairaid", name)
        assert all(option in help_text.format_help() for option in options), name
