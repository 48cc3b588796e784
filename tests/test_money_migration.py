"""Migration 0004 converts stored amounts to whole fen exactly, on SQLite and PostgreSQL,
and converts them back when it is reversed. It runs on a database of its own (a file, or a
scratch database on the PostgreSQL server the suite uses), in a separate process. It climbs
only to 0004 and back, not to the latest: each migration further, and back, cost the process
seconds of Django's migration-state rendering (24.9 CPU s for the script before, 6.3 now)."""

from __future__ import annotations

from decimal import Decimal

from scratch_databases import MIGRATION_SCRIPT_START, run_in_scratch_database

BEFORE = ("ledger", "0003_review_lock_confirmation_audit_chain")
UNDER_TEST = ("ledger", "0004_money_in_fen")
SCRIPT = (
    MIGRATION_SCRIPT_START
    + f"BEFORE = {BEFORE!r}\nUNDER_TEST = {UNDER_TEST!r}\n"
    + r"""
AMOUNTS = [sys.argv[1], sys.argv[2], sys.argv[3]]

apps = historical_apps(BEFORE)
FundFlow = apps.get_model("ledger", "FundFlow")
Project = apps.get_model("ledger", "Project")
Agreement = apps.get_model("ledger", "Agreement")
pairing = one_pairing(apps, ("990101", "迁移甲区"), ("990102", "迁移乙县"))
for i, amount in enumerate(AMOUNTS):
    FundFlow.objects.create(
        pairing=pairing, kind="transfer", fund_year=2021, date=dt.date(2021, 6, 1),
        amount=Decimal(amount), source="fiscal", voucher=f"M-{i}",
    )
Project.objects.create(
    pairing=pairing, code="M-P", name="迁移项目", sector="other", mode="direct_aid",
    planned_budget=Decimal(AMOUNTS[0]),
)
Agreement.objects.create(pairing=pairing, title="无金额协议", kind="framework")

migrate(UNDER_TEST)
with connection.cursor() as cursor:
    cursor.execute("SELECT amount FROM ledger_fundflow ORDER BY voucher")
    fen = [row[0] for row in cursor.fetchall()]
    cursor.execute("SELECT planned_budget FROM ledger_project")
    budget = cursor.fetchone()[0]
    cursor.execute("SELECT amount FROM ledger_agreement")
    contract = cursor.fetchone()[0]
# read back through today's model (its amount and voucher columns are 0004's)
from pairaid.ledger.models import FundFlow as Current
yuan = [str(a) for a in Current.objects.order_by("voucher").values_list("amount", flat=True)]

migrate(BEFORE)
with connection.cursor() as cursor:
    cursor.execute("SELECT COUNT(*) FROM ledger_fundflow")
    back = cursor.fetchone()[0]
print(json.dumps({"fen": [int(f) for f in fen], "types": [type(f).__name__ for f in fen],
                  "budget": int(budget), "contract": contract, "yuan": yuan, "back": back}))
"""
)


def test_it_converts_stored_amounts_to_whole_fen_exactly_and_back(db, migration_points):
    amounts = ["12345678901234.56", "0.01", "1000.10"]
    answer = run_in_scratch_database(SCRIPT, *amounts, start=migration_points.get(".".join(BEFORE)))
    by_voucher = [amounts[i] for i in range(3)]  # vouchers M-0, M-1, M-2 sort in this order
    assert answer["fen"] == [int(Decimal(a) * 100) for a in by_voucher]
    assert set(answer["types"]) == {"int"}
    assert answer["yuan"] == by_voucher
    assert answer["budget"] == int(Decimal(amounts[0]) * 100)
    assert answer["contract"] is None
    assert answer["back"] == 3
