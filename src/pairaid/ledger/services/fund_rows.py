"""Many new fund flows given a column at a time, written without a model instance per row
(the fund ledger's import): the same checks, rows, audit entries and rollups as
`bulk_record_fund_flows`, at the cost of the columns.

What it does for a batch, as `bulk_record_fund_flows` does for its flows: the field checks
and `FundFlow.clean()` (column-wise: `BatchCleaner.column_suspects`, `FundFlow.clean_columns`;
a row either may refuse is made as a `FundFlow` and its own `full_clean` raises what it
raises), unless the caller has just run them on the same columns (`validated`); the
references exist; access and year locks once per pairing and fund year (`_guard`, on the
first entry of each, made as a `FundFlow`); the rows stored by COPY (PostgreSQL) or one
prepared INSERT (`bulkinsert.insert_rows`), one audit entry each (`audit.log_prepared`:
the values `record_values` keeps of a stored flow, its `str()`), the rollups
(`rollups.add`). `tests/test_import_columnar.py` holds its rows and entries equal to the
per-row path's.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pairaid.ledger import rollups
from pairaid.ledger.batch_clean import BatchCleaner
from pairaid.ledger.models import FundFlow, Pairing, Project
from pairaid.ledger.money import from_fen
from pairaid.ledger.services.audit import changes_text, log_prepared, record_values
from pairaid.ledger.services.bulkinsert import collector_paused, insert_rows, new_ids
from pairaid.ledger.services.guards import _guard

# The columns a batch gives, in this order; every other field keeps its default.
GIVEN = (
    "pairing_id",
    "kind",
    "fund_year",
    "date",
    "amount",
    "source",
    "project_id",
    "voucher",
    "note",
    "cross_year_reason",
)
_REFERENCES = ["pairing", "project", "reverses"]


@dataclass
class FlowColumns:
    """New fund flows, one list per field of `GIVEN` (amounts as whole fen), row by row in
    the same order."""

    pairing_id: list[int] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    fund_year: list[int] = field(default_factory=list)
    date: list[dt.date] = field(default_factory=list)
    amount: list[int] = field(default_factory=list)  # fen
    source: list[str] = field(default_factory=list)
    project_id: list[int | None] = field(default_factory=list)
    voucher: list[str] = field(default_factory=list)
    note: list[str] = field(default_factory=list)
    cross_year_reason: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.pairing_id)

    def values(self) -> dict[str, Sequence[Any]]:
        """The columns by attname, amounts as Decimal yuan (as a flow holds them)."""
        found: dict[str, Sequence[Any]] = {name: getattr(self, name) for name in GIVEN}
        found["amount"] = [from_fen(fen) for fen in self.amount]
        return found

    def flow(self, index: int) -> FundFlow:
        """The row at `index` as the unsaved fund flow the per-row path would make."""
        values = {name: getattr(self, name)[index] for name in GIVEN}
        values["amount"] = from_fen(values["amount"])
        return FundFlow(**values)


def check_columns(
    flows: FlowColumns, values: dict[str, Sequence[Any]], today: dt.date, projects: dict[int, int]
) -> set[int]:
    """The rows whose `full_clean` may refuse them (field checks and `clean()`), as
    `BatchCleaner.prepare` and `validate` would find them; `projects`: project id → its
    pairing's id."""
    count = len(flows)
    cleaner = BatchCleaner(FundFlow, exclude=_REFERENCES)
    return cleaner.column_suspects(values, count) | FundFlow.clean_columns(
        values, count, today=today, project_pairings=projects
    )


@collector_paused()
@transaction.atomic
def bulk_record_fund_flow_columns(
    flows: FlowColumns, *, acting_user: Any, via: str, validated: bool = False
) -> list[int]:
    """Record the new fund flows of `flows` (none a reversal); all or none, one audit entry
    each. Returns their ids, in the rows' order. With `validated` the caller has just found
    no row `check_columns` suspects (the importer's check of the file) and it is not run
    again — the access, year-lock and reference checks still are."""
    count = len(flows)
    if not count:
        return []
    today = timezone.localdate()
    project_ids = {pk for pk in flows.project_id if pk is not None}
    projects = dict(Project.objects.filter(pk__in=project_ids).values_list("pk", "pairing_id"))
    pairing_ids = set(flows.pairing_id)
    if Pairing.objects.filter(pk__in=pairing_ids).count() != len(pairing_ids):
        raise ValidationError({"pairing": _("引用的记录不存在")})
    if len(projects) != len(project_ids):
        raise ValidationError({"project": _("引用的记录不存在")})
    if not validated:
        for index in sorted(check_columns(flows, flows.values(), today, projects)):
            flow = flows.flow(index)
            flow.checked_on(today)
            flow.full_clean(exclude=_REFERENCES, validate_unique=False, validate_constraints=False)
    guarded: set[tuple[int, int]] = set()
    for index, pair in enumerate(zip(flows.pairing_id, flows.fund_year, strict=True)):
        if pair not in guarded:
            _guard(acting_user, flows.flow(index))
            guarded.add(pair)
    ids = new_ids(FundFlow, count)
    now = timezone.now()
    _store(flows, ids, now)
    _log(flows, ids, acting_user, via, now)
    _count(flows)
    return ids


def _store(flows: FlowColumns, ids: list[int], now: dt.datetime) -> None:
    """The rows in the database's form: every field of `GIVEN` as it is (money as fen, dates
    as the connection takes them), every other one its default, prepared once."""
    blank = FundFlow(recorded_at=now)
    fields = [f for f in FundFlow._meta.concrete_fields if not f.primary_key]
    constants = {
        f.attname: f.get_db_prep_save(getattr(blank, f.attname), connection)
        for f in fields
        if f.attname not in GIVEN
    }
    prepare_date = FundFlow._meta.get_field("date").get_db_prep_save
    dates = {day: prepare_date(day, connection) for day in set(flows.date)}
    columns: list[Any] = [ids]
    for f in fields:
        if f.attname == "date":
            columns.append([dates[day] for day in flows.date])
        elif f.attname in GIVEN:
            columns.append(getattr(flows, f.attname))
        else:
            columns.append(itertools.repeat(constants[f.attname]))
    rows = list(zip(*columns, strict=False))  # (the constants repeat without end)
    insert_rows(FundFlow, ["id", *(f.attname for f in fields)], rows)


def _log(flows: FlowColumns, ids: list[int], acting_user: Any, via: str, at: dt.datetime) -> None:
    """One `fundflow.recorded` entry per row: the values `record_values` keeps of the stored
    flow, its `str()`. The JSON of the values is put together from its parts in the form
    `changes_text` writes (keys sorted, compact); the first row is also made the long way
    and, should they ever differ, every row is."""
    base = record_values(FundFlow())
    labels = {kind: FundFlow(kind=kind).get_kind_display() for kind in set(flows.kind)}
    fixed = {name: changes_text(value) for name, value in base.items()}
    made: list[tuple[int | None, str, str, str]] = []
    rows = zip(
        ids,
        flows.pairing_id,
        flows.kind,
        flows.fund_year,
        flows.date,
        flows.amount,
        flows.source,
        flows.project_id,
        flows.voucher,
        flows.note,
        flows.cross_year_reason,
        strict=True,
    )
    quick = sorted(base) == _SORTED
    for pk, pairing, kind, year, day, fen, source, project, voucher, note, reason in rows:
        amount = f"{fen // 100}.{fen % 100:02d}" if fen >= 0 else str(from_fen(fen))
        if quick:
            text = (
                f'{{"amount":"{amount}","confirmation":{fixed["confirmation"]},'
                f'"confirmation_note":{fixed["confirmation_note"]},'
                f'"confirmed_at":{fixed["confirmed_at"]},'
                f'"cross_year_reason":{_text(reason)},"date":"{day.isoformat()}",'
                f'"fund_year":{int(year)},"is_demo":{fixed["is_demo"]},"kind":{_text(kind)},'
                f'"note":{_text(note)},"pairing":{int(pairing)},'
                f'"project":{"null" if project is None else int(project)},'
                f'"reverses":{fixed["reverses"]},"source":{_text(source)},'
                f'"voucher":{_text(voucher)}}}'
            )
        if not quick or not made:
            values = dict(base)
            values.update(
                pairing=pairing,
                kind=kind,
                fund_year=year,
                date=day.isoformat(),
                amount=amount,
                source=source,
                project=project,
                voucher=voucher,
                note=note,
                cross_year_reason=reason,
            )
            slow = changes_text(values)
            quick = quick and slow == text
            text = slow
        made.append((pairing, str(pk), f"{labels[kind]} {year} {amount}元"[:300], text))
    log_prepared("fundflow", made, "fundflow.recorded", acting_user, via, at)


# The keys of a fund flow's audit values, in the order `changes_text` writes them.
_SORTED = sorted(
    [
        "amount", "confirmation", "confirmation_note", "confirmed_at", "cross_year_reason",
        "date", "fund_year", "is_demo", "kind", "note", "pairing", "project", "reverses",
        "source", "voucher",
    ]
)  # fmt: skip
_text = json.encoder.encode_basestring  # (C) JSON of a str, as changes_text writes it


def _count(flows: FlowColumns) -> None:
    """The rows counted into the fund rollups, as `rollups.add_flows` counts flows."""
    deltas: dict[rollups.Key, list[int]] = defaultdict(lambda: [0, 0])
    confirmation = FundFlow().confirmation
    months: dict[dt.date, dt.date] = {}
    for pairing, kind, source, year, day, fen in zip(
        flows.pairing_id,
        flows.kind,
        flows.source,
        flows.fund_year,
        flows.date,
        flows.amount,
        strict=True,
    ):
        month = months.get(day)
        if month is None:
            month = months[day] = day.replace(day=1)
        delta = deltas[(pairing, kind, source, year, month, confirmation)]
        delta[0] += fen
        delta[1] += 1
    rollups.add(deltas)
