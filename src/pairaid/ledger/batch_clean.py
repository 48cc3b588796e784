"""`full_clean` for many records of one model at once, column by column.

`Model.full_clean(exclude=…, validate_unique=False, validate_constraints=False)` does two
things: `clean_fields` (each field's `clean`: its `to_python`, its checks of choices, null
and blank, and its validators, for every record) and the model's `clean()`. For tens of
thousands of rows most of that is the same few values checked again and again (a kind, a
source, a fund year) or a string's length. `BatchCleaner` checks each field once per column
of a batch instead, with what it already knows:

- a value of a field that may be blank and is empty is skipped, as `clean_fields` skips it;
- a string of a plain `CharField` (no choices, only its length limit and the ledger's check
  of its characters, `lib.text.check_line`/`check_lines`) is checked by its type, length and
  one search for a refused character;
- a money value that is Decimal yuan with exactly two places within the ledger's range is
  taken as its `MoneyField` would give it back (any other goes to the field's `clean`);
- any other value is given to the field's own `clean` once per distinct value (kept for the
  batch): the answer depends on the value alone for every field Django itself defines, and
  on fields whose `clean` and `validate` are Django's;
- relations, and fields that define their own `clean` or `validate`, are not checked here.

A record passes when every value passed *and* the field's `clean` would give back the same
value of the same type (so `clean_fields` would change nothing). Then its `full_clean` is
just its `clean()`, which `validate` runs as `full_clean` would, and raises what `full_clean`
would raise. Every other record goes through `full_clean` itself, so a refusal's messages
are always the model's own (`tests/test_batch_clean.py` checks that both refuse exactly the
same records, with the same messages, for random rows).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from operator import attrgetter
from typing import Any

from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models

from pairaid.ledger.money import MAX_AMOUNT, MAX_DIGITS
from pairaid.ledger.moneyfield import MoneyField
from pairaid.lib import text

Check = Callable[[Any], bool]
MEMO_LIMIT = 50_000  # distinct values remembered per field before the memory starts again


def _django_defines(field: models.Field[Any, Any], *names: str) -> bool:
    return all(getattr(type(field), name).__module__.startswith("django.") for name in names)


def _plain_text(field: models.Field[Any, Any]) -> re.Pattern[str] | None:
    """For a CharField that checks nothing but its length and, as every text field of the
    ledger (`lib.text.attach_validators`), its characters (no choices, Django's own class):
    the pattern of the characters it refuses (one that matches nothing if it checks only
    its length); None for any other field."""
    if type(field) is not models.CharField or field.choices or not field.validators:
        return None
    length, *rest = field.validators
    if not (
        isinstance(length, validators.MaxLengthValidator) and length.limit_value == field.max_length
    ):
        return None
    if not rest:
        return _NOTHING
    if rest == [text.check_line]:
        return text.ONE_LINE_REFUSED
    if rest == [text.check_lines]:
        return text.MULTI_LINE_REFUSED
    return None


_NOTHING = re.compile(r"(?!)")


def _money_check(field: models.Field[Any, Any]) -> Check | None:
    """A money field's values that its `clean` surely gives back as they are: Decimal yuan
    with exactly two places, within the ledger's range (every other value goes to the
    field's own `clean`, once per distinct value)."""
    if type(field) is not MoneyField or field._validators or field.choices:
        return None
    digits = MAX_DIGITS

    def money(value: Any) -> bool:
        if type(value) is not Decimal:
            return False
        _sign, figures, exponent = value.as_tuple()
        return exponent == -2 and len(figures) <= digits and -MAX_AMOUNT <= value <= MAX_AMOUNT

    return money


def _memo_key(value: Any) -> Any:
    """What makes two values the same for a field's checks: the type and, for decimals, the
    digits and exponent too (1.0 == 1.000, but one may have too many places)."""
    if isinstance(value, Decimal):
        return (Decimal, value.as_tuple())
    return (type(value), value)


class _Memo:
    """A field's own `clean`, once per distinct value."""

    def __init__(self, field: models.Field[Any, Any]) -> None:
        self.field = field
        self.known: dict[Any, bool] = {}

    def __call__(self, value: Any) -> bool:
        try:
            key = _memo_key(value)
            return self.known[key]
        except KeyError:
            pass
        except TypeError:  # unhashable: not checked here
            return False
        try:
            cleaned = self.field.clean(value, None)
        except Exception:  # refused, or worse (NaN): full_clean says what, when it does
            ok = False
        else:
            ok = type(cleaned) is type(value) and cleaned == value
            if isinstance(value, Decimal):
                ok = ok and cleaned.as_tuple() == value.as_tuple()
        if len(self.known) >= MEMO_LIMIT:
            self.known.clear()
        self.known[key] = ok
        return ok


def _check(field: models.Field[Any, Any]) -> Check | None:
    """How a value of `field` is checked here, or None: not here (full_clean does it)."""
    if field.is_relation or not _django_defines(field, "clean", "validate"):
        return None
    blank, empty = field.blank, field.empty_values
    refused = _plain_text(field)
    if refused is not None:
        limit = field.max_length or 0
        search = refused.search

        def text(value: Any) -> bool:
            if blank and value in empty:
                return True
            return type(value) is str and 0 < len(value) <= limit and search(value) is None

        return text
    memo = _Memo(field)
    money = _money_check(field)

    def any_value(value: Any) -> bool:
        if blank and value in empty:
            return True
        if money is not None and money(value):
            return True
        return memo(value)

    return any_value


class BatchCleaner:
    """`full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)` for
    the records of one model, a batch at a time: `validate(i, obj)` after `prepare(objs)`."""

    def __init__(self, model: type[models.Model], exclude: Iterable[str] = ()) -> None:
        self.model = model
        self.exclude = frozenset(exclude)
        self.columns: list[tuple[Callable[[Any], Any], Check]] = []
        self.checks: list[tuple[str, Check]] = []  # the same checks, by attname
        self.unchecked = False  # some field has no check here: every record gets full_clean
        for field in model._meta.fields:
            if field.name in self.exclude or field.generated:
                continue
            check = _check(field)
            if check is None:
                self.unchecked = True
            else:
                self.columns.append((attrgetter(field.attname), check))
                self.checks.append((field.attname, check))
        self.suspects: set[int] = set()

    def prepare(self, objs: Sequence[models.Model]) -> None:
        """Check the batch column by column: the records that need `full_clean` itself."""
        if self.unchecked:
            self.suspects = set(range(len(objs)))
            return
        suspects: set[int] = set()
        for read, check in self.columns:
            for index, value in enumerate(map(read, objs)):
                if not check(value):
                    suspects.add(index)
        self.suspects = suspects

    def validate(self, index: int, obj: models.Model) -> None:
        """What `full_clean` would do to the record at `index` of the prepared batch."""
        if index in self.suspects:
            obj.full_clean(exclude=self.exclude, validate_unique=False, validate_constraints=False)
            return
        try:
            obj.clean()
        except ValidationError as exc:
            raise ValidationError(exc.update_error_dict({})) from None

    def column_suspects(self, values: Mapping[str, Sequence[Any]], count: int) -> set[int]:
        """`prepare` for records never made: `count` new records given a column at a time
        (a field's values by attname; a field not given has its default in every row). The
        rows whose field checks may refuse them; the model's `clean()` rules are the model's
        own `clean_columns` (FundFlow's), which the caller adds."""
        if self.unchecked:
            return set(range(count))
        blank = self.model()
        suspects: set[int] = set()
        for attname, check in self.checks:
            column = values.get(attname)
            if column is None:
                if not check(getattr(blank, attname)):
                    return set(range(count))
                continue
            refused = _refused_values(column, check)
            if refused is None:  # values a set cannot tell apart (decimals): each checked
                suspects.update(index for index, value in enumerate(column) if not check(value))
            elif refused:
                suspects.update(
                    index
                    for index, key in enumerate(zip(map(type, column), column, strict=True))
                    if key in refused
                )
        return suspects


# Types whose equal values of the same type are the same value for every field check.
_DISTINCT = frozenset({str, int, bool, type(None), dt.date, dt.datetime})


def _refused_values(column: Sequence[Any], check: Check) -> set[Any] | None:
    """The (type, value) pairs of a column that `check` refuses, each distinct one checked
    once; None when the column holds a type whose equal values may differ (a Decimal's
    places, a float's sign of zero) or cannot be hashed."""
    try:
        distinct = set(zip(map(type, column), column, strict=True))
    except TypeError:
        return None
    if not {kind for kind, _value in distinct} <= _DISTINCT:
        return None
    return {key for key in distinct if not check(key[1])}
