"""Every kind the exporter writes reads back: a pairing's records exported with `pairaid
export`, the file moved to a fresh pairing (only the 结对关系 column changes) and imported
with `pairaid import`, make records that carry the same values, in xlsx and in csv. The file
read back into its own pairing changes nothing. References to a pairing's own records
(a fund's project, an agreement's event) travel by code or title, so the kinds they name
are moved first, as a clerk moving a ledger would do."""

from __future__ import annotations

from typing import Any

import exchange_files as files
import pytest

from pairaid.exchange.specs import KINDS
from pairaid.ledger import record_types
from pairaid.ledger.models import (
    AuditEntry,
    FundFlow,
    Person,
)
from pairaid.ledger.money import MAX_AMOUNT


def natural_person(monkeypatch: pytest.MonkeyPatch) -> None:
    """A posting moved with renumbered persons names the renumbered copy: compare persons
    by what they are, not by their row."""
    plain = files.natural

    def by_person(value: Any) -> Any:
        if isinstance(value, Person):
            return ("Person", value.name, value.category, value.gender)
        return plain(value)

    monkeypatch.setattr(files, "natural", by_person)


# --- the tests ------------------------------------------------------------------------------


def test_it_knows_how_to_fill_every_kind_the_exporter_writes():
    for kind in KINDS:
        declared = record_types.by_kind(kind)
        assert kind in files.MAKERS or (declared is not None and declared.pages is not None), kind


# Every kind in a workbook; in csv the kinds with importers of their own (a kind declared
# with pages reads csv as tests/test_exchange_generic.py shows).
MOVES = [(kind, "xlsx") for kind in KINDS] + [(kind, "csv") for kind in files.MAKERS]


@pytest.mark.parametrize(("kind", "fmt"), MOVES)
def test_it_moves_every_kind_to_a_fresh_pairing_with_the_same_values(
    kind, fmt, build, tmp_path, monkeypatch
):
    source = build.pairing(f"往返{kind}甲区", f"往返{kind}乙县")
    files.fill(kind, source, build)
    target = files.fresh_pairing(build, source, f"往返{kind}丙区")
    if kind == "postings":
        # The moved postings are of renumbered copies of the persons, as a new office has.
        natural_person(monkeypatch)
        files.move("persons", source, target, tmp_path, fmt)
        exported = files.export(kind, tmp_path / f"p.{fmt}", "--pairing", str(source))
        sheet, rows = files.read_rows(exported)
        rows = files.replace_column(rows, "结对关系", lambda _c: str(target))
        rows = files.replace_column(
            rows, "人员编号", lambda number: files.prefix(target) + str(number)
        )
        summary = files.import_(files.write_rows(tmp_path / f"p-in.{fmt}", rows, sheet))
    else:
        summary = files.move(kind, source, target, tmp_path, fmt)

    before = files.stored(kind, source)
    assert before, f"no {kind} to move"
    assert files.counts(summary) == {
        "added": len(before),
        "changed": 0,
        "unchanged": 0,
        "rejected": 0,
    }
    assert files.stored(kind, target) == before


@pytest.mark.parametrize("kind", list(files.MAKERS))
def test_it_reads_its_own_export_back_as_unchanged(kind, build, tmp_path):
    """(The kinds declared with pages: tests/test_exchange_generic.py.)"""
    fmt = "xlsx"  # csv: the move above, and tests/test_exchange_import.py
    pairing = build.pairing(f"自返{kind}甲区", f"自返{kind}乙县")
    files.fill(kind, pairing, build)
    before = files.stored(kind, pairing)
    audit = AuditEntry.objects.count()
    exported = files.export(kind, tmp_path / f"{kind}.{fmt}", "--pairing", str(pairing))

    summary = files.import_(exported)

    declared = record_types.by_kind(kind)
    keyless = declared is not None and declared.pages is not None and not declared.pages.key
    if keyless:
        # Without a key every row is a new record: the same values once more.
        assert files.counts(summary)["added"] == len(before)
        assert files.stored(kind, pairing) == sorted(before + before, key=repr)
    else:
        assert files.counts(summary) == {
            "added": 0,
            "changed": 0,
            "unchanged": len(before),
            "rejected": 0,
        }
        assert files.stored(kind, pairing) == before
        assert AuditEntry.objects.count() == audit


@pytest.mark.parametrize("fmt", files.FORMATS)
def test_it_moves_a_fund_ledger_without_its_reversed_entries(build, tmp_path, fmt):
    source = build.pairing("冲销往返甲区", "冲销往返乙县")
    files.funds(source, build)
    target = files.fresh_pairing(build, source, "冲销往返丙区")
    exported = files.export("funds", tmp_path / f"f.{fmt}", "--pairing", str(source))
    _sheet, rows = files.read_rows(exported)
    states = [row[files.column_of(rows[0], "记录状态")] for row in rows[1:]]
    assert states.count("冲销记录") == states.count("已冲销") == 1

    summary = files.move("funds", source, target, tmp_path, fmt)

    live = FundFlow.objects.filter(pairing=source, reverses__isnull=True, reversed_by__isnull=True)
    assert files.counts(summary)["added"] == live.count()
    moved = FundFlow.objects.filter(pairing=target)
    assert sorted(moved.values_list("amount", flat=True)) == sorted(
        live.values_list("amount", flat=True)
    )
    assert not moved.filter(reverses__isnull=False).exists()


@pytest.mark.parametrize("fmt", files.FORMATS)
def test_it_keeps_a_leading_formula_sign_as_text_both_ways(build, tmp_path, fmt):
    pairing = build.pairing("公式往返甲区", "公式往返乙县")
    project = files.projects(pairing, build)[0]
    exported = files.export("projects", tmp_path / f"p.{fmt}", "--pairing", str(pairing))
    _sheet, rows = files.read_rows(exported)
    written = rows[1][files.column_of(rows[0], "成效")]
    assert written == "'" + project.outcomes  # a spreadsheet shows it, never runs it

    files.import_(exported)

    project.refresh_from_db()
    assert project.outcomes.startswith("=")


def test_it_reads_back_an_amount_beyond_a_spreadsheet_numbers_precision(build, tmp_path):
    pairing = build.pairing("大额往返甲区", "大额往返乙县")
    build.flow(pairing, str(MAX_AMOUNT), voucher="BIG-1")
    target = files.fresh_pairing(build, pairing, "大额往返丙区")
    exported = files.export("funds", tmp_path / "big.xlsx", "--pairing", str(pairing))
    _sheet, rows = files.read_rows(exported)
    assert rows[1][files.column_of(rows[0], "金额（元）")] == format(MAX_AMOUNT, "f")

    files.import_(files.moved_to(exported, tmp_path / "big-in.xlsx", target))

    assert FundFlow.objects.get(pairing=target).amount == MAX_AMOUNT
