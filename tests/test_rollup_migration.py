"""Migration 0010 creates the money rollups and fills them from the fund flows already
recorded, on SQLite and PostgreSQL, and is reversed by dropping them. It runs on a database
of its own, in a separate process (as tests/test_money_migration.py), climbing only to 0010
and back: the migrations after it cost seconds each of Django's migration-state rendering."""

from __future__ import annotations

from decimal import Decimal

from scratch_databases import MIGRATION_SCRIPT_START, run_in_scratch_database

BEFORE = ("ledger", "0009_search_keys")
UNDER_TEST = ("ledger", "0010_fund_rollups")
SCRIPT = (
    MIGRATION_SCRIPT_START
    + f"BEFORE = {BEFORE!r}\nUNDER_TEST = {UNDER_TEST!r}\n"
    + r"""

apps = historical_apps(BEFORE)
FundFlow = apps.get_model("ledger", "FundFlow")
pairing = one_pairing(apps, ("990101", "迁移甲区"), ("990102", "迁移乙县"))
made = []
for day, amount, confirmation in [
    (dt.date(2021, 6, 1), "1000.10", "confirmed"),
    (dt.date(2021, 6, 30), "0.01", "confirmed"),
    (dt.date(2021, 7, 1), "12345678901234.56", "unconfirmed"),
]:
    made.append(FundFlow.objects.create(
        pairing=pairing, kind="transfer", fund_year=2021, date=day, amount=Decimal(amount),
        source="fiscal", confirmation=confirmation,
    ))
FundFlow.objects.create(
    pairing=pairing, kind="transfer", fund_year=2021, date=dt.date(2021, 7, 2),
    amount=-made[0].amount, source="fiscal", reverses=made[0],
)

migrate(UNDER_TEST)
# read through today's rollup code and models (their columns are 0010's)
from pairaid.ledger import rollups
from pairaid.ledger.models import FundRollup
rows = sorted(
    [str(r.month), r.confirmation, str(r.amount), r.flow_count] for r in FundRollup.objects.all()
)
differences = rollups.differences()[0]
total = rollups.money_by_pairing(
    [pairing.pk], kind="transfer", from_year=2021, to_year=2021, as_of=dt.date(2021, 12, 31)
)[pairing.pk]

migrate(BEFORE)
tables = connection.introspection.table_names()
print(json.dumps({"rows": rows, "differences": differences, "total": str(total),
                  "dropped": "ledger_fundrollup" not in tables}))
"""
)


def test_it_fills_the_rollups_from_the_records_and_drops_them_when_reversed(db, migration_points):
    answer = run_in_scratch_database(SCRIPT, start=migration_points.get(".".join(BEFORE)))
    june = Decimal("1000.10") + Decimal("0.01")  # both confirmed
    july = Decimal("12345678901234.56") - Decimal("1000.10")  # with the reversal, unconfirmed
    assert answer["rows"] == [
        ["2021-06-01", "confirmed", str(june), 2],
        ["2021-07-01", "unconfirmed", str(july), 2],
    ]
    assert answer["differences"] == 0
    assert answer["total"] == str(june + july)
    assert answer["dropped"] is True
