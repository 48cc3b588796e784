"""The column-wise validation (ledger/batch_clean.py) of every importable record type, not only
fund flows: for random rows of each type's own fields — good and bad choices, numbers,
decimals with too many places, dates and text of the wrong type, too long, empty or missing —
`BatchCleaner` refuses exactly what `full_clean` refuses, with the same messages (or fails the
same way), and leaves an accepted record as `full_clean` leaves it. The importer validates
every type this way (`exchange/services/validation.py`), with its relations excluded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.ledger import record_types
from pairaid.ledger.batch_clean import BatchCleaner
from pairaid.ledger.models import Pairing

ROWS = settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TODAY = dt.date(2024, 6, 15)
IMPORTED = [t.model for t in record_types.all_types() if t.kind]


def text_for(field: models.Field) -> st.SearchStrategy[Any]:
    limit = getattr(field, "max_length", None) or 40
    return st.one_of(
        st.just(""),
        st.text(max_size=10),
        st.text(alphabet="项目甲乙\x00\t\n ", max_size=8),
        st.sampled_from(["长" * limit, "长" * (limit + 1)]),
    )


def values_for(field: models.Field) -> st.SearchStrategy[Any]:
    """Values a file, a form or a caller may give for `field`, good and bad."""
    if field.choices:
        return st.one_of(st.sampled_from([c for c, _label in field.flatchoices]), text_for(field))
    if isinstance(field, models.BooleanField):
        return st.sampled_from([True, False, None, "yes"])
    if isinstance(field, models.DecimalField):
        return st.one_of(
            st.decimals(min_value=Decimal("-5"), max_value=Decimal("9999999.99"), places=2),
            st.decimals(min_value=Decimal("0.001"), max_value=Decimal("10"), places=3),
            st.sampled_from([None, Decimal("0"), Decimal("1.0"), Decimal("1E+3")]),
        )
    if isinstance(field, models.IntegerField):
        return st.one_of(
            st.integers(-3, 3000), st.integers(-(10**10), 10**10), st.sampled_from([None, "12"])
        )
    if isinstance(field, models.DateTimeField):
        return st.sampled_from([None, dt.datetime(2021, 1, 1, tzinfo=dt.UTC)])
    if isinstance(field, models.DateField):
        return st.one_of(
            st.dates(dt.date(2010, 1, 1), TODAY + dt.timedelta(days=40)),
            st.sampled_from([None, "2021-01-01"]),
        )
    return text_for(field)  # CharField, TextField and the encrypted text fields


def own_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if not f.is_relation and not f.primary_key and not f.generated
    ]


def relations(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if f.is_relation]


def make(model: type[models.Model], values: dict[str, Any], pairing: Pairing | None):
    made = model(**values)
    if pairing is not None and any(f.name == "pairing" for f in model._meta.concrete_fields):
        made.pairing = pairing
    if hasattr(made, "checked_on"):
        made.checked_on(TODAY)
    return made


def outcome(validate: Any) -> Any:
    try:
        validate()
    except ValidationError as exc:
        return ("refused", exc.message_dict)
    except Exception as exc:  # e.g. a rule reading a relation the row does not have
        return ("failed", type(exc))
    return None


def kept(made: models.Model) -> dict[str, Any]:
    return {
        f.attname: (type(value := getattr(made, f.attname)), value) for f in own_fields(type(made))
    }


@pytest.fixture(scope="module")
def pairing(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return Pairing.objects.order_by("pk").first()


@pytest.mark.parametrize("model", IMPORTED, ids=lambda m: m.__name__)
def test_it_refuses_exactly_what_full_clean_refuses_for_each_type(db, pairing, model):
    exclude = relations(model)
    rows = st.fixed_dictionaries({f.attname: values_for(f) for f in own_fields(model)})

    @ROWS
    @given(batch=st.lists(rows, min_size=1, max_size=5))
    def check(batch: list[dict[str, Any]]) -> None:
        cleaner = BatchCleaner(model, exclude=exclude)
        fast = [make(model, values, pairing) for values in batch]
        cleaner.prepare(fast)
        for index, values in enumerate(batch):
            slow = make(model, values, pairing)
            expected = outcome(
                lambda slow=slow: slow.full_clean(
                    exclude=exclude, validate_unique=False, validate_constraints=False
                )
            )
            got = outcome(lambda index=index: cleaner.validate(index, fast[index]))
            assert got == expected, values
            if expected is None:
                assert kept(fast[index]) == kept(slow)

    check()


@pytest.mark.parametrize("model", IMPORTED, ids=lambda m: m.__name__)
def test_it_checks_every_own_field_of_each_type_column_by_column(model):
    cleaner = BatchCleaner(model, exclude=relations(model))

    assert not cleaner.unchecked, model.__name__
    assert len(cleaner.columns) == len(own_fields(model)) + 1  # and the primary key


def test_it_gives_every_row_full_clean_when_a_relation_is_not_excluded():
    model = IMPORTED[0]
    cleaner = BatchCleaner(model)
    cleaner.prepare([model(), model()])

    assert cleaner.unchecked
    assert cleaner.suspects == {0, 1}


def test_it_refuses_a_row_that_only_looked_right_by_its_type(db, pairing):
    model = next(m for m in IMPORTED if m.__name__ == "Task")
    exclude = relations(model)
    cleaner = BatchCleaner(model, exclude=exclude)
    good = make(model, {"title": "事项", "status": "open"}, pairing)
    as_text = make(model, {"title": "事项", "status": "open", "plan_year": "2022"}, pairing)
    cleaner.prepare([good, as_text])

    assert cleaner.suspects == {1}  # "2022" cleans to 2022: full_clean would change it
    cleaner.validate(0, good)
    cleaner.validate(1, as_text)
    assert as_text.plan_year == 2022
