"""The batch validation of fund flows (ledger/batch_clean.py, used by the importer and by
`bulk_record_fund_flows`) refuses exactly the rows `full_clean` refuses, with the same
messages, and leaves the accepted ones as `full_clean` leaves them: random rows of every
kind of value a file or a caller may give (good and bad choices, years, dates, amounts with
too many places or out of range, text too long or with control characters), checked both
ways. Through the bulk service too: a batch is refused with the messages `full_clean` gives its
first bad row, and nothing of it is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.ledger import services
from pairaid.ledger.batch_clean import BatchCleaner
from pairaid.ledger.messages import FIRST_YEAR, LAST_YEAR
from pairaid.ledger.models import FundFlow
from pairaid.ledger.money import MAX_AMOUNT

TODAY = dt.date(2024, 6, 15)
EXCLUDE = ["pairing", "project", "reverses"]
ROWS = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

text = st.one_of(
    st.just(""),
    st.text(max_size=12),
    st.text(alphabet="凭证号ABC-0123\x00\x07\t\n\u202e ", max_size=12),
    st.text(alphabet="长", min_size=95, max_size=310),
)
amounts = st.one_of(
    st.decimals(min_value=Decimal("-5"), max_value=Decimal("99999999.99"), places=2),
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal("100"), places=3),
    st.sampled_from(
        [
            MAX_AMOUNT,
            MAX_AMOUNT + Decimal("0.01"),
            -MAX_AMOUNT - 1,
            Decimal("0"),
            Decimal("1.0"),
            Decimal("1.000"),
            Decimal("1E+3"),
        ]
    ),
    # (the importer and the services give decimals: the model's own clean() cannot compare
    # other types, with full_clean as without it)
    st.just(None),
)
years = st.one_of(
    st.integers(min_value=FIRST_YEAR - 3, max_value=LAST_YEAR + 3),
    st.sampled_from([None, "2020", 2020.0, True]),
)
days = st.one_of(
    st.dates(min_value=dt.date(FIRST_YEAR - 3, 1, 1), max_value=TODAY + dt.timedelta(days=40)),
    st.sampled_from([None, "2020-01-01", dt.datetime(2020, 1, 1, tzinfo=dt.UTC)]),
)


def choice(values: type) -> Any:
    return st.one_of(st.sampled_from([c for c, _label in values.choices]), text)


rows = st.fixed_dictionaries(
    {
        "kind": choice(FundFlow.Kind),
        "fund_year": years,
        "date": days,
        "amount": amounts,
        "source": choice(FundFlow.Source),
        "voucher": text,
        "note": text,
        "cross_year_reason": text,
        "confirmation": choice(FundFlow.Confirmation),
        "confirmation_note": text,
        "is_demo": st.sampled_from([False, True, None]),
    }
)


def flow(values: dict[str, Any]) -> FundFlow:
    made = FundFlow(pairing_id=1, **values)
    made.checked_on(TODAY)
    return made


def refusal(validate: Any) -> dict[str, list[str]] | None:
    try:
        validate()
    except ValidationError as exc:
        return exc.message_dict
    return None


def stored(made: FundFlow) -> dict[str, Any]:
    return {f.attname: (type(v := getattr(made, f.attname)), v) for f in FundFlow._meta.fields}


@ROWS
@given(batch=st.lists(rows, min_size=1, max_size=8))
def test_it_refuses_exactly_what_full_clean_refuses(batch: list[dict[str, Any]]) -> None:
    cleaner = BatchCleaner(FundFlow, exclude=EXCLUDE)
    fast = [flow(values) for values in batch]
    cleaner.prepare(fast)
    for index, values in enumerate(batch):
        slow = flow(values)
        expected = refusal(
            lambda slow=slow: slow.full_clean(
                exclude=EXCLUDE, validate_unique=False, validate_constraints=False
            )
        )
        got = refusal(lambda index=index: cleaner.validate(index, fast[index]))
        assert got == expected, values
        if expected is None:
            assert stored(fast[index]) == stored(slow)


@pytest.mark.django_db
def test_it_refuses_in_the_bulk_service_as_full_clean_does(build: Any) -> None:
    pairing = build.pairing()
    today = dt.date.today()  # noqa: DTZ011 - the service's today, as a date
    good = {
        "kind": FundFlow.Kind.TRANSFER,
        "fund_year": today.year,
        "date": today,
        "amount": Decimal("10.00"),
        "source": FundFlow.Source.FISCAL,
        "voucher": "BATCH-1",
    }
    bad = {**good, "voucher": "坏" * 101, "amount": Decimal("1.005"), "fund_year": FIRST_YEAR - 1}
    made = flow(bad)
    made.checked_on(today)
    expected = refusal(
        lambda: made.full_clean(exclude=EXCLUDE, validate_unique=False, validate_constraints=False)
    )
    assert expected is not None and len(expected) == 3
    before = FundFlow.objects.count()
    rows_ = [{"pairing": pairing, **values} for values in (good, bad, good)]
    got = refusal(lambda: services.bulk_record_fund_flows(rows_, acting_user=None, via="test"))
    assert got == expected
    assert FundFlow.objects.count() == before
    services.bulk_record_fund_flows([{"pairing": pairing, **good}], acting_user=None, via="test")
    assert FundFlow.objects.count() == before + 1
