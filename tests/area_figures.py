"""Figures of the assessment areas declared for the length of one test (`declare`), so the
dashboard, targets, reports and API can be checked for several areas and several figures per
area before the areas' own records exist: done tasks (in 件) and planned funds (in 元) under
消费帮扶, overdue tasks under 资产管护 as records that need attention; the areas' own figures
are set aside for the test, so 产业合作 and 劳务协作 have none."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from pairaid.ledger import figure_specs
from pairaid.ledger.figure_specs import FigureSpec, grouped_count
from pairaid.ledger.figures import Figure, Window
from pairaid.ledger.models import Pairing, Target, Task, WorkStatus
from pairaid.web import drilldown

DONE, PLANNED, OVERDUE = "area_tasks_done", "area_funds_planned", "area_tasks_overdue"


def tasks_done(window: Window) -> Any:
    return Task.objects.filter(
        pairing_id__in=window.pairing_ids,
        due_date__gte=window.start,
        due_date__lte=window.end,
        status=WorkStatus.DONE,
    )


def tasks_done_figure(window: Window, value: int | None = None) -> Figure:
    records = tasks_done(window)
    return Figure(
        key=DONE,
        label="已完成事项",
        value=records.count() if value is None else value,
        unit="件",
        rule=f"{window.from_year}—{window.to_year}年完成时限内已完成的清单事项",
        window=window,
        records=records,
    )


def specs() -> dict[str, FigureSpec]:
    figures = figure_specs.FIGURES
    return {
        DONE: FigureSpec(
            make=lambda w, v: tasks_done_figure(w, v),
            additive=lambda w: grouped_count(tasks_done(w)),
            records="tasks",
            indicator=Target.Indicator.TRAINED,
            api=True,
            area="consumption",
        ),
        PLANNED: dataclasses.replace(
            figures["funds_plan"], area="consumption", indicator=None, bulletin=(), api=False
        ),
        OVERDUE: dataclasses.replace(figures["tasks_overdue"], area="assets", attention=True),
    }


def declare(monkeypatch: Any) -> dict[str, FigureSpec]:
    """Declare the test's area figures (undone after the test), with their drill-downs."""
    declared = specs()
    # The areas' own figures step aside: the test's figures are the only ones of their areas.
    for key in [k for k, spec in figure_specs.FIGURES.items() if spec.area]:
        monkeypatch.delitem(figure_specs.FIGURES, key)
    for key, spec in declared.items():
        monkeypatch.setitem(figure_specs.FIGURES, key, spec)
        monkeypatch.setitem(drilldown.SPECS, key, drilldown.listed(key, spec))
    return declared


def task(build: Any, pairing: Pairing, due: dt.date, status: str = WorkStatus.DONE) -> Task:
    return build._create(Task, pairing=pairing, title="测试事项", due_date=due, status=status)
