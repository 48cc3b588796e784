"""Export → import round trips over drawn records (hypothesis): whatever projects, fund flows
and annual targets a pairing holds — any sector, mode and status, any budget to the fen, any
dates, counts and names an office types — `pairaid export` of the pairing, moved to a fresh
pairing, and `pairaid import` leave the fresh pairing with the same values, in xlsx and csv;
and the export read back into its own pairing changes nothing.

Two live fund flows of one pairing, kind and source under the same voucher are accepted by
the ledger but cannot travel by file (the importer takes the voucher for the flow's key and
refuses the second row as a duplicate): the drawn vouchers are made distinct.

Records the ledger's rules refuse are not drawn twice: a combination `services` refuses
(an end before the start, a finished project without an end…) is skipped with `assume`."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path
from typing import Any

import exchange_files as files
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from pairaid.ledger import services
from pairaid.ledger.models import FundFlow, Pairing, Project, Target
from pairaid.ledger.money import CENT, MAX_AMOUNT

EXAMPLES = settings(
    max_examples=5,
    derandomize=True,
    deadline=None,
    # each example writes records and files: a failure is reported as drawn, not shrunk
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
_serial = itertools.count(1)

# What offices type into names and notes: Chinese, Latin letters, digits, punctuation; no
# control characters (refused at every door), no leading or trailing blanks (trimmed).
WORDS = "帮扶产业园花椒乌鸡中学医院乡村振兴示范基地一期二期（）、，ABCxyz0123456789-_/·"
names = st.text(alphabet=WORDS, min_size=1, max_size=40)
days = st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2022, 12, 31))
money = st.decimals(min_value=Decimal("0.00"), max_value=MAX_AMOUNT, places=2)
positive = st.decimals(min_value=CENT, max_value=Decimal("9999999999.99"), places=2)
counts = st.integers(min_value=0, max_value=10**6)
formats = st.sampled_from(files.FORMATS)


def pairings(build: Any, what: str) -> tuple[Pairing, Pairing]:
    n = next(_serial)
    source = build.pairing(f"往返抽样{what}{n}甲区", f"往返抽样{what}{n}乙县")
    return source, files.fresh_pairing(build, source, f"往返抽样{what}{n}丙区")


def folder(tmp_path: Path) -> Path:
    made = tmp_path / f"example-{next(_serial)}"
    made.mkdir()
    return made


def made(make: Any) -> Any:
    """A record the ledger accepts, or the example is skipped."""
    try:
        return make()
    except ValidationError:
        assume(False)


def moved_and_reread(kind: str, source: Pairing, target: Pairing, here: Path, fmt: str) -> None:
    files.move(kind, source, target, here, fmt)
    assert files.stored(kind, target) == files.stored(kind, source)
    again = files.export(kind, here / f"again.{fmt}", "--pairing", str(target))
    summary = files.counts(files.import_(again))
    assert summary["added"] == summary["changed"] == summary["rejected"] == 0


project_fields = st.fixed_dictionaries(
    {
        "name": names,
        "sector": st.sampled_from(Project.Sector.values),
        "mode": st.sampled_from(Project.Mode.values),
        "status": st.sampled_from(Project.Status.values),
        "planned_budget": money,
        "start": st.one_of(st.none(), days),
        "length": st.integers(min_value=0, max_value=900),
        "progress": st.integers(min_value=0, max_value=100),
        "beneficiary_households": counts,
        "beneficiary_persons": counts,
        "outcomes": st.one_of(st.just(""), names),
    }
)


@EXAMPLES
@given(drawn=st.lists(project_fields, min_size=1, max_size=3), fmt=formats)
def test_it_moves_any_projects_with_every_value(build, tmp_path, drawn, fmt):
    source, target = pairings(build, "项目")
    for number, fields in enumerate(drawn):
        fields = dict(fields)
        start, length = fields.pop("start"), fields.pop("length")
        end = (
            start + dt.timedelta(days=length)
            if start
            and fields["status"]
            in (
                Project.Status.COMPLETED,
                Project.Status.HANDED_OVER,
                Project.Status.OPERATING,
            )
            else None
        )
        made(
            lambda fields=fields, start=start, end=end, number=number: build.project(
                source,
                code=f"抽样-{number}",
                start=start,
                end_date=end,
                location=source.recipient_region,
                **fields,
            )
        )

    moved_and_reread("projects", source, target, folder(tmp_path), fmt)


flow_fields = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(FundFlow.Kind.values),
        "source": st.sampled_from(FundFlow.Source.values),
        "amount": positive,
        "year": st.integers(min_value=2016, max_value=2022),
        "day": st.integers(min_value=0, max_value=364),
        "voucher": st.one_of(st.just(""), names),
        "note": st.one_of(st.just(""), names),
    }
)


@EXAMPLES
@given(drawn=st.lists(flow_fields, min_size=1, max_size=4), fmt=formats)
def test_it_moves_any_fund_ledger_to_the_fen(build, tmp_path, drawn, fmt):
    source, target = pairings(build, "资金")
    project = build.project(source, code="抽样资金项目")
    for number, fields in enumerate(drawn):
        fields = dict(fields)
        # A file names a flow by its voucher within pairing, kind and source: two live
        # flows under one voucher cannot travel by file (see the module's note).
        fields["voucher"] = f"{fields['voucher']}#{number}"
        year = fields.pop("year")
        day = dt.date(year, 1, 1) + dt.timedelta(days=fields.pop("day"))
        amount = str(fields.pop("amount"))
        if fields["kind"] in (FundFlow.Kind.ALLOCATE, FundFlow.Kind.SPEND):
            fields["project"] = project
        made(
            lambda fields=fields, year=year, day=day, amount=amount: build.flow(
                source, amount, year=year, day=day, **fields
            )
        )

    moved_and_reread("funds", source, target, folder(tmp_path), fmt)
    moved = FundFlow.objects.filter(pairing=target)
    kept = FundFlow.objects.filter(pairing=source)
    assert sorted(moved.values_list("amount", flat=True)) == sorted(
        kept.values_list("amount", flat=True)
    )


target_fields = st.dictionaries(
    st.sampled_from(Target.Indicator.values),
    st.tuples(
        st.integers(min_value=2016, max_value=2030),
        st.decimals(min_value=Decimal("0.00"), max_value=Decimal("99999999999.99"), places=2),
    ),
    min_size=1,
)


@EXAMPLES
@given(drawn=target_fields, fmt=formats)
def test_it_moves_any_annual_targets(build, tmp_path, drawn, fmt):
    source, target = pairings(build, "目标")
    for indicator, (year, value) in drawn.items():
        made(
            lambda indicator=indicator, year=year, value=value: services.create_record(
                Target,
                acting_user=None,
                via="test",
                pairing=source,
                year=year,
                indicator=indicator,
                value=value,
            )
        )

    moved_and_reread("targets", source, target, folder(tmp_path), fmt)
