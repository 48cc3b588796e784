"""CSV exports written by PostgreSQL itself (`COPY (SELECT …) TO STDOUT WITH CSV`).

A csv export of a national ledger's fund flows is millions of rows: made in Python, row by
row through the importer's columns, it takes tens of times longer than PostgreSQL needs to
copy the same rows out. So on PostgreSQL each column says, as an SQL expression, the text it
would export — the same text `Column.export` and `exporters._csv_value` give: amounts in yuan
with two decimals from the fen, dates as YYYY-MM-DD, a choice by its label in the active
language, a pairing by its name or its two sides, a region by its name (with its code where
the name is shared), text without the characters XML cannot carry and with a quote before a
leading = + - @ tab or carriage return — and the database writes the file. A kind whose
columns cannot all be said in SQL (personal data shown masked, values computed in Python)
keeps the Python path; so does SQLite.

`tests/test_copy_export.py` reads both paths' files and compares them cell by cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import connection, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Case, CharField, F, QuerySet, Value, When
from django.db.models.expressions import Combinable, Expression
from django.db.models.functions import Cast
from django.db.models.sql.compiler import SQLCompiler

from pairaid.exchange.columns import (
    ChoiceColumn,
    CodeColumn,
    Column,
    ComputedColumn,
    DateColumn,
    IntColumn,
    MoneyColumn,
    RefColumn,
    TextColumn,
    YearColumn,
)
from pairaid.ledger.models import Organisation, Pairing, Project, Region
from pairaid.lib.text import FORMULA_START

# What `lib.text.xml_safe` drops (PostgreSQL text holds no NUL and no lone surrogate).
# What as_sql gives: the SQL and its parameters.
SqlAndParams = tuple[str, tuple[str | int, ...]]

NOT_XML = "".join(chr(c) for c in range(1, 32) if chr(c) not in "\t\n\r") + "\ufffe\uffff"
TEXT = CharField()


class OneSource(Expression):
    """An SQL expression around one other expression, always text."""

    output_field = TEXT

    def __init__(self, source: Any) -> None:
        super().__init__(output_field=TEXT)
        self.source = source

    def get_source_expressions(self) -> list[Any]:
        return [self.source]

    def set_source_expressions(self, exprs: Sequence[Combinable | Expression]) -> None:
        (self.source,) = exprs


class Neutralised(OneSource):
    """Text as `cells.neutralise` gives it: XML-unsafe characters dropped, a leading formula
    character quoted."""

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> SqlAndParams:
        sql, params = compiler.compile(self.source)
        clean = f"translate(({sql})::text, %s, '')"
        starts = ", ".join(["%s"] * len(FORMULA_START))
        return (
            f"(CASE WHEN left({clean}, 1) IN ({starts}) THEN '''' ELSE '' END || {clean})",
            (*params, NOT_XML, *FORMULA_START, *params, NOT_XML),
        )


class Yuan(OneSource):
    """Whole fen → yuan with two decimals, as text ("-1234.50")."""

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> SqlAndParams:
        sql, params = compiler.compile(self.source)
        return f"((({sql})::numeric / 100)::numeric(20, 2))::text", params


class IsoDate(OneSource):
    """A date as YYYY-MM-DD."""

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> SqlAndParams:
        sql, params = compiler.compile(self.source)
        return f"to_char({sql}, 'YYYY-MM-DD')", params


class SharedName(Expression):
    """A region's name, with its code where another region has the same name
    (`RegionColumn.export`); `shared` is the list of such names, read once."""

    output_field = TEXT

    def __init__(self, name: Any, code: Any, shared: list[str]) -> None:
        super().__init__(output_field=TEXT)
        self.name, self.code, self.shared = name, code, shared

    def get_source_expressions(self) -> list[Any]:
        return [self.name, self.code]

    def set_source_expressions(self, exprs: Sequence[Combinable | Expression]) -> None:
        self.name, self.code = exprs

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> SqlAndParams:
        name, name_params = compiler.compile(self.name)
        code, code_params = compiler.compile(self.code)
        sql = f"(CASE WHEN {name} = ANY(%s) THEN {name} || '（' || {code} || '）' ELSE {name} END)"
        params = (*name_params, self.shared, *name_params, *code_params, *name_params)
        # The names are one array parameter (psycopg adapts a list), which django-stubs'
        # parameter type (str | int) leaves out.
        return sql, params  # type: ignore[return-value]


def choice_label(field: str, choices: Any) -> Expression:
    """A choice field's label in the active language ("" when empty), as `ChoiceColumn`."""
    whens = [
        When(**{field: value}, then=Value(str(label)))
        for value, label in choices.choices
        if value  # an empty choice exports as empty, whatever its label
    ]
    return Case(*whens, default=Value(""), output_field=TEXT)


def pairing_label(path: str) -> Expression:
    """`str(pairing)`: its name, else its helper's and recipient's names joined by →."""

    def side(role: str) -> Any:
        return models.functions.Coalesce(
            F(f"{path}__{role}_region__name"),
            F(f"{path}__{role}_organisation__name"),
            Value(""),
            output_field=TEXT,
        )

    named = models.functions.NullIf(F(f"{path}__name"), Value(""))
    joined = models.functions.Concat(side("helper"), Value("→"), side("recipient"))
    return Neutralised(models.functions.Coalesce(named, joined, output_field=TEXT))


def _related_model(model: type[models.Model], name: str) -> Any:
    try:
        field = model._meta.get_field(name)
    except Exception:
        return None
    return field.related_model if field.is_relation else None


def _ref(column: RefColumn, model: type[models.Model]) -> Expression | None:
    target = _related_model(model, column.field)
    if target is Pairing:
        return pairing_label(column.field)
    if target is Region:
        shared = list(
            Region.objects.values("name")
            .annotate(n=models.Count("id"))
            .filter(n__gt=1)
            .values_list("name", flat=True)
        )
        return Neutralised(
            SharedName(F(f"{column.field}__name"), F(f"{column.field}__code"), shared)
        )
    if target is Organisation:
        return Neutralised(F(f"{column.field}__name"))
    if target is Project:
        return Neutralised(F(f"{column.field}__code"))
    return None


def sql_of(column: Column, model: type[models.Model]) -> Expression | None:
    """The text `column` exports, as an SQL expression on `model`'s rows (None: not
    expressible; the Python path then writes the file)."""
    sql: Callable[[], Expression] | None = getattr(column, "sql", None)
    if sql is not None:
        return sql()
    if isinstance(column, ComputedColumn):
        return None
    if isinstance(column, RefColumn):
        return _ref(column, model)
    if isinstance(column, MoneyColumn):
        return Yuan(F(column.field))
    if isinstance(column, DateColumn):
        return IsoDate(F(column.field))
    if isinstance(column, ChoiceColumn):
        return choice_label(column.field, column.choices)
    if isinstance(column, IntColumn | YearColumn):
        return Cast(F(column.field), TEXT)
    if type(column) in (Column, TextColumn, CodeColumn):
        return Neutralised(F(column.field))
    return None


def expressions(columns: list[Column], model: type[models.Model]) -> dict[str, Any] | None:
    found = {}
    for position, column in enumerate(columns):
        expression = sql_of(column, model)
        if expression is None:
            return None
        found[f"c{position}"] = expression
    return found


def copy_select(queryset: QuerySet[Any], columns: list[Column]) -> tuple[str, list[Any]] | None:
    """The SELECT of the export's cells, in column order, or None where it cannot be said in
    SQL (not PostgreSQL, or a column computed in Python)."""
    if connection.vendor != "postgresql":
        return None
    found = expressions(columns, queryset.model)
    if found is None:
        return None
    if queryset.query.distinct:
        # SELECT DISTINCT adds its ORDER BY columns to the SELECT, which would put cells
        # past the header: the same records, made distinct by their keys instead.
        ordering = queryset.query.order_by or queryset.model._meta.ordering
        queryset = queryset.model._default_manager.filter(
            pk__in=queryset.order_by().values("pk")
        ).order_by(*ordering)
    # select_related has no use here (the expressions join what they read), and would add
    # every related column to the SELECT.
    rows = queryset.select_related(None).annotate(**found).values_list(*found.keys())
    sql, params = rows.query.sql_with_params()
    return sql, list(params)


def copy_lines(
    header: list[str], select: tuple[str, list[Any]], counted: list[int]
) -> Iterator[bytes]:
    """The CSV (BOM and header first) as PostgreSQL writes it, in the chunks it sends;
    `counted` receives the number of rows."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(header)
    yield "\ufeff".encode() + buffer.getvalue().encode("utf-8")
    sql, params = select
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: COPY is not part of the DB-API
        bound = raw.mogrify(sql, params) if params else sql
        with raw.copy(f"COPY ({bound}) TO STDOUT WITH (FORMAT csv)") as copy:
            for data in copy:
                yield bytes(data)
        counted.append(raw.rowcount)
