"""Declarative import/export columns.

A column names its Chinese and English headers, the field it fills, whether it is
required, and `clean(cell, context, row)`: the cell as typed → the field's value, or a
`CellError` saying in Chinese why not. The same column gives the export its header and
value (`export(record)`), the template its notes and dropdown (`options(context)`).

Headers are matched loosely: full-width or half-width brackets, spaces, a leading * (the
template marks required columns), Chinese or English, and for money the unit in the
header — 金额（元） or 金额（万元） — which scales every cell of the column.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar, Protocol

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from pairaid.exchange import cells
from pairaid.exchange.cells import CellError
from pairaid.ledger.batch_clean import MEMO_LIMIT
from pairaid.ledger.money import WAN


class Context(Protocol):
    """What a column needs of the import's context (`exchange.specs.Context`, which builds on
    these columns): the units the headers gave. Lookups get the whole context passed on."""

    units: dict[str, Decimal]


# A cell left blank in a column that may not be cleared: keep what the record has (or the
# field's default for a new record).
KEEP = object()

_UNIT = re.compile(r"\((万元|元|万|yuan|10k yuan|wan yuan|wan)\)$", re.IGNORECASE)


def normalise_header(text: Any) -> str:
    header = cells.normalise(cells.parse_text(text)).lstrip("*").strip()
    return re.sub(r"\s+", " ", header).casefold()


def split_unit(header: str) -> tuple[str, Decimal | None]:
    """'金额(万元)' → ('金额', 10000); '金额(元)' → ('金额', 1); '金额' → ('金额', None)."""
    match = _UNIT.search(header)
    if match is None:
        return header, None
    unit = match.group(1).casefold()
    scale = WAN if unit in {"万元", "万", "10k yuan", "wan yuan", "wan"} else Decimal(1)
    return header[: match.start()].strip(), scale


@dataclass
class Column:
    field: str
    zh: str | Promise
    en: str
    required: bool = False
    note: str | Promise = ""
    example: Any = None
    importable: bool = True  # False: shown in exports only (e.g. a confirmation status)
    width: int = 14
    # The cleaned value depends on the cell alone (and the pass's units and language), not
    # on the rest of the row: an import cleans each distinct cell of the column once.
    pure: ClassVar[bool] = True

    @property
    def header(self) -> str:
        return str(self.zh)

    def names(self) -> frozenset[str]:
        """The headers that name this column, normalised once per language (a header row
        is matched cell by cell: each match must cost a set look-up, not a normalising)."""
        language = translation.get_language() or ""
        known: dict[str, frozenset[str]] = self.__dict__.setdefault("_names", {})
        found = known.get(language)
        if found is None:
            found = known[language] = frozenset(
                {normalise_header(self.zh), normalise_header(self.en), self.field.casefold()}
            )
        return found

    def accepts(self, header: str, names: frozenset[str] | None = None) -> bool:
        """Whether a (normalised) header names this column. `names`: this column's
        `names()`, when the caller matches many headers and asked for them once."""
        return header in (self.names() if names is None else names)

    def unit(self, header: str) -> Decimal | None:
        """The unit a header gives the column's cells (money only)."""
        return None

    def clean(self, cell: Any, context: Context, row: dict[str, Any]) -> Any:
        if cells.is_blank(cell):
            if self.required:
                raise CellError(_("必填，不能为空"))
            return self.blank()
        return self.parse(cell, context, row)

    def blank(self) -> Any:
        return ""

    def parse(self, cell: Any, context: Context, row: dict[str, Any]) -> Any:
        return cells.parse_text(cell)

    def prepare(self) -> None:
        """Called once before an export (a column may look something up for all rows)."""

    def export(self, record: Any) -> Any:
        value = getattr(record, self.field)
        return "" if value is None else value

    def options(self, context: Context) -> list[str] | None:
        """The dropdown of the template, if the column has one."""
        return None

    def describe(self) -> str:
        parts = [_("必填") if self.required else _("选填")]
        if self.note:
            parts.append(str(self.note))
        return "；".join(parts)


class TextColumn(Column):
    pass


@dataclass
class CodeColumn(Column):
    def parse(self, cell: Any, context: Context, row: dict[str, Any]) -> Any:
        return cells.parse_code(cell)


@dataclass
class KeptTextColumn(Column):
    """Text that a blank cell leaves as it is (personal data: the export leaves it out,
    so a blank means "not given", never "erase")."""

    def blank(self) -> Any:
        return KEEP


@dataclass
class MoneyColumn(Column):
    """Yuan; the header may say 元 or 万元. Blank is empty where the field may be empty."""

    nullable: bool = False
    width: int = 16

    @property
    def header(self) -> str:
        return f"{self.zh}（元）"

    def accepts(self, header: str, names: frozenset[str] | None = None) -> bool:
        return split_unit(header)[0] in (self.names() if names is None else names)

    def unit(self, header: str) -> Decimal | None:
        return split_unit(header)[1]

    def blank(self) -> Any:
        return None if self.nullable else KEEP

    def parse(self, cell: Any, context: Context, row: dict[str, Any]) -> Any:
        unit = context.units.get(self.field) or Decimal(1)
        return cells.parse_money(cell, unit=unit)

    def describe(self) -> str:
        return super().describe() + _("；单位为元，表头改为“%(zh)s（万元）”则按万元填写") % {
            "zh": self.zh
        }


@dataclass
class IntColumn(Column):
    minimum: int | None = 0
    maximum: int | None = None
    nullable: bool = False
    width: int = 10

    def blank(self) -> Any:
        return None if self.nullable else KEEP

    def parse(self, cell: Any, context: Context, row: dict[str, Any]) -> Any:
        return cells.parse_int(cell, minimum=self.minimum, maximum=self.maximum)


@dataclass
class YearColumn(Column):
    nullable: bool = False
    width: int = 10

    def blank(self) -> Any:
        return None if self.nullable else KEEP

    def parse(self, cell: Any, context: Context, row: dict[str, Any]) -> Any:
        return cells.parse_year(cell)


@dataclass
class DecimalColumn(Column):
    """A plain non-negative number with two places (a target's value)."""

    def blank(self) -> Any:
        return KEEP

    def parse(self, cell: Any, context: Context, row: dict[str, Any]) -> Any:
        return cells.parse_money(cell, unit=Decimal(1))


@dataclass
class DateColumn(Column):
    width: int = 13

    def blank(self) -> Any:
        return None

    def parse(self, cell: Any, context: Context, row: dict[str, Any]) -> Any:
        return cells.parse_date(cell)

    def describe(self) -> str:
        return super().describe() + _("；日期，如 %(hint)s") % {"hint": cells.DATE_HINT}


@dataclass
class ChoiceColumn(Column):
    choices: Any = None
    allow_blank: bool = False
    _index: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index = cells.choice_index(self.choices)

    def blank(self) -> Any:
        return "" if self.allow_blank else KEEP

    def parse(self, cell: Any, context: Context, row: dict[str, Any]) -> Any:
        return cells.parse_choice(cell, self.choices, self._index)

    def export(self, record: Any) -> Any:
        # `choices`: a TextChoices class, or anything with a `.choices` list of (value, label).
        value = getattr(record, self.field)
        return str(dict(self.choices.choices).get(value, value)) if value else ""

    def options(self, context: Context) -> list[str] | None:
        return [str(label) for value, label in self.choices.choices if value != ""]

    def describe(self) -> str:
        return super().describe() + _("；从下拉列表选择")


@dataclass
class YesNoColumn(Column):
    """是 or 否 (yes or no, true or false, 1 or 0); blank keeps what the record has."""

    width: int = 8

    def blank(self) -> Any:
        return KEEP

    def parse(self, cell: Any, context: Context, row: dict[str, Any]) -> Any:
        if isinstance(cell, bool):
            return cell
        text = cells.normalise(cells.parse_text(cell)).casefold()
        if text in {"是", "yes", "y", "true", "1", str(_("是")).casefold()}:
            return True
        if text in {"否", "no", "n", "false", "0", str(_("否")).casefold()}:
            return False
        raise CellError(_("应填“是”或“否”，不是“%(cell)s”") % {"cell": text})

    def export(self, record: Any) -> Any:
        return _("是") if getattr(record, self.field) else _("否")

    def options(self, context: Context) -> list[str] | None:
        return [_("是"), _("否")]

    def describe(self) -> str:
        return super().describe() + _("；填“是”或“否”")


@dataclass
class RefColumn(Column):
    """A reference to another record, by name (or code), looked up through the context.

    `lookup(context, text, row)` returns the record or raises CellError."""

    pure: ClassVar[bool] = False  # a lookup may depend on the row (a project: its pairing)
    lookup: Callable[..., Any] | None = None
    display: Callable[[Any], str] = str
    # called with the import's context (`specs.Context`, which holds more than `Context`)
    choose: Callable[..., list[str]] | None = None
    width: int = 20

    def blank(self) -> Any:
        return None

    def parse(self, cell: Any, context: Context, row: dict[str, Any]) -> Any:
        assert self.lookup is not None
        # Names are looked up as written (a title may hold full-width brackets).
        return self.lookup(context, cells.parse_text(cell).strip(), row)

    def export(self, record: Any) -> Any:
        value = getattr(record, self.field)
        return "" if value is None else self.display(value)

    def options(self, context: Context) -> list[str] | None:
        return self.choose(context) if self.choose else None


@dataclass
class ComputedColumn(Column):
    """Export only: a value computed from the record (e.g. the record's state)."""

    compute: Callable[[Any], Any] | None = None
    importable: bool = False
    # The same value as an SQL expression, for exports PostgreSQL writes itself
    # (`exchange/copy_export.py`); None: those exports go the Python way.
    sql: Callable[[], Any] | None = None

    def export(self, record: Any) -> Any:
        assert self.compute is not None
        return self.compute(record)


class CellMemo:
    """A column's cleaned value (or refusal) per distinct cell, for a column whose value
    depends on the cell alone (`Column.pure`): a ledger's kinds, sources, years and dates
    repeat from row to row."""

    def __init__(self) -> None:
        self.known: dict[tuple[type, Any], Any] = {}

    def clean(self, column: Column, cell: Any, context: Context, values: dict[str, Any]) -> Any:
        try:
            key = (type(cell), cell)
            found = self.known[key]
        except KeyError:
            if len(self.known) >= MEMO_LIMIT:
                self.known.clear()
            try:
                found = column.clean(cell, context, values)
            except CellError as exc:
                found = exc
            self.known[key] = found
        except TypeError:  # an unhashable cell: cleaned as it is
            return column.clean(cell, context, values)
        if isinstance(found, CellError):
            raise CellError(str(found))
        return found
