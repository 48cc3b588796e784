"""Migration 0004 converts stored amounts to whole fen exactly, on SQLite and PostgreSQL,
and converts them back when it is reversed. It runs on a database of its own (a file, or a
scratch database on the PostgreSQL server the suite uses), in a separate process."""

from __future__ import annotations

from decimal import Decimal

from scratch_databases import run_in_scratch_database

SCRIPT = r"""
import datetime as dt, json, sys
from decimal import Decimal
import django
django.setup()
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("ledger", "0003_review_lock_confirmation_audit_chain")
AMOUNTS = [sys.argv[1], sys.argv[2], sys.argv[3]]

def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target] if target else executor.loader.graph.leaf_nodes())
    return executor

executor = migrate(BEFORE)
apps = executor.loader.project_state([BEFORE]).apps
Region = apps.get_model("ledger", "Region")
Pairing = apps.get_model("ledger", "Pairing")
FundFlow = apps.get_model("ledger", "FundFlow")
Project = apps.get_model("ledger", "Project")
Agreement = apps.get_model("ledger", "Agreement")
helper = Region.objects.create(code="990101", name="迁移甲区", level="county")
recipient = Region.objects.create(code="990102", name="迁移乙县", level="county")
pairing = Pairing.objects.create(
    helper_region=helper, recipient_region=recipient, scheme="other",
    valid_from=dt.date(2020, 1, 1),
)
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

migrate(None)
with connection.cursor() as cursor:
    cursor.execute("SELECT amount FROM ledger_fundflow ORDER BY voucher")
    fen = [row[0] for row in cursor.fetchall()]
    cursor.execute("SELECT planned_budget FROM ledger_project")
    budget = cursor.fetchone()[0]
    cursor.execute("SELECT amount FROM ledger_agreement")
    contract = cursor.fetchone()[0]
from pairaid.ledger.models import FundFlow as Current
yuan = [str(a) for a in Current.objects.order_by("voucher").values_list("amount", flat=True)]

migrate(BEFORE)
with connection.cursor() as cursor:
    cursor.execute("SELECT COUNT(*) FROM ledger_fundflow")
    back = cursor.fetchone()[0]
print(json.dumps({"fen": [int(f) for f in fen], "types": [type(f).__name__ for f in fen],
                  "budget": int(budget), "contract": contract, "yuan": yuan, "back": back}))
"""


def test_it_converts_stored_amounts_to_whole_fen_exactly_and_back(db):
    amounts = ["12345678901234.56", "0.01", "1000.10"]
    answer = run_in_scratch_database(SCRIPT, *amounts)
    by_voucher = [amounts[i] for i in range(3)]  # vouchers M-0, M-1, M-2 sort in this order
    assert answer["fen"] == [int(Decimal(a) * 100) for a in by_voucher]
    assert set(answer["types"]) == {"int"}
    assert answer["yuan"] == by_voucher
    assert answer["budget"] == int(Decimal(amounts[0]) * 100)
    assert answer["contract"] is None
    assert answer["back"] == 3
