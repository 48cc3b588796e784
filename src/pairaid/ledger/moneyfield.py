"""Money columns that keep every fen on every database.

`MoneyField` stores whole fen in a 64-bit integer column (`bigint` on PostgreSQL, INTEGER
on SQLite, which SQLite never turns into a float) while Python sees `Decimal` yuan with
two places, as before. Lookups take yuan (`amount__gte=Decimal("100.00")`).

Sums: `Sum("amount")` over a `MoneyField` keeps the field as its output and comes back as
yuan. For the usual "zero when there is nothing" use `MoneySum("amount")`; do not coalesce
with `Value(ZERO)` (that is yuan in a fen column, and Django refuses the mixed types).
`Avg` over money would be a float: compute an average from `MoneySum` and a count instead.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django import forms
from django.core import exceptions, validators
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.money import CENT, MAX_AMOUNT, MAX_DIGITS, from_fen, to_fen

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable

_ST = TypeVar("_ST")
_GT = TypeVar("_GT")


class MoneyField(models.BigIntegerField[_ST, _GT]):
    """Decimal yuan in Python, integer fen in the database."""

    # What django-stubs reads for the attribute of a model instance: Decimal yuan.
    # (IntegerField's set types hold no Decimal: the stubs cannot know that it converts.)
    _pyi_private_set_type: Decimal | int | str | Combinable  # type: ignore[assignment]
    # (IntegerField's is int: this field converts fen to yuan.)
    _pyi_private_get_type: Decimal  # type: ignore[assignment]
    _validators: list[Any]  # Field.__init__ keeps the validators given to it there

    description = _("金额（元，按分存为整数）")
    default_error_messages = {
        "invalid": _("“%(value)s”不是有效的金额"),
    }

    @cached_property
    def validators(self) -> list[Any]:
        # Not IntegerField's limits (the database's integer range, in fen): the ledger's.
        return [
            *self.default_validators,
            *self._validators,
            validators.MinValueValidator(-MAX_AMOUNT),
            validators.MaxValueValidator(MAX_AMOUNT),
            validators.DecimalValidator(MAX_DIGITS, 2),
        ]

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        return None if value is None else from_fen(value)

    def to_python(self, value: Any) -> Decimal | None:
        if value is None:
            return value
        if isinstance(value, float):
            raise exceptions.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            )
        if not isinstance(value, Decimal):
            try:
                value = Decimal(str(value).strip())
            except InvalidOperation as exc:
                raise exceptions.ValidationError(
                    self.error_messages["invalid"], code="invalid", params={"value": value}
                ) from exc
        return to_the_fen(value)

    def get_prep_value(self, value: Any) -> int | None:
        value = models.Field.get_prep_value(self, value)
        if value is None:
            return None
        try:
            return to_fen(cast(Decimal, self.to_python(value)))  # not None: value is not
        except (ValueError, TypeError) as exc:
            raise ValueError(f"Field '{self.name}' cannot store {value!r} in whole fen") from exc

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        return "" if value is None else str(value)

    def formfield(self, **kwargs: Any) -> Any:
        defaults = {
            "form_class": forms.DecimalField,
            "max_digits": MAX_DIGITS,
            "decimal_places": 2,
            "max_value": MAX_AMOUNT,
            "min_value": -MAX_AMOUNT,
            **kwargs,
        }
        return models.Field.formfield(self, **defaults)


def to_the_fen(value: Decimal) -> Decimal:
    """An amount written with fewer than two places (`3.5`) as the fen it is (`3.50`), so that
    a record validated by `full_clean` carries, to its audit entry and its caller, the amount
    as stored; never rounded (more than two places stay, for the validators to refuse)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2 and abs(value) <= MAX_AMOUNT:
        return value.quantize(CENT)
    return value  # beyond the largest amount too: refused as typed, in the same words


def MoneySum(expression: Any, **extra: Any) -> Coalesce:
    """`Sum` of a money column as Decimal yuan, `0.00` when there are no rows. Exact: the
    database adds whole fen (integers), never floats."""
    return Coalesce(models.Sum(expression, **extra), models.Value(0), output_field=MoneyField())
