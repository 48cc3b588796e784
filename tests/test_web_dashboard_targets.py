"""The dashboard's targets through HTTP: each target and its actual in the unit of the figure
that measures its indicator (`FigureSpec.indicator`), whichever indicator it is, measured
whether or not that figure is counted in sets; an indicator no figure measures shows "—"."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import pytest
from area_figures import DONE, declare, task
from pairing_trees import tree

from pairaid.ledger import figure_sets, figure_specs, figures
from pairaid.ledger.models import Target
from pairaid.ledger.money import format_wan

AS_OF = dt.date(2022, 12, 31)
TRAINED, WORKSHOP_JOBS = Target.Indicator.TRAINED, Target.Indicator.WORKSHOP_JOBS


@pytest.fixture
def declared(monkeypatch):
    found = declare(monkeypatch)  # done tasks (件) measure the 培训 target
    for key, spec in list(figure_specs.FIGURES.items()):
        if spec.indicator == WORKSHOP_JOBS:  # measured by nothing in these tests
            monkeypatch.delitem(figure_specs.FIGURES, key)
    return found


@pytest.fixture
def made(build):
    pairing = build.pairing("目标甲区", "目标乙县")
    task(build, pairing, dt.date(2021, 3, 1))
    task(build, pairing, dt.date(2021, 9, 1))
    task(build, pairing, dt.date(2022, 5, 1))
    for indicator, value in (
        (TRAINED, "5"),
        (WORKSHOP_JOBS, "30"),
        (Target.Indicator.FUNDS_TRANSFERRED, "1000000.00"),
    ):
        build._create(Target, pairing=pairing, year=2021, indicator=indicator, value=Decimal(value))
    return pairing


def row(body: str, indicator: str) -> list[str]:
    label = Target.Indicator(indicator).label
    found = re.search(rf"<td>{re.escape(str(label))}</td>(.*?)</tr>", body, re.S)
    assert found, label
    return re.findall(r'<td class="num">(.*?)</td>', found[1], re.S)


def page(client, pairing) -> str:
    response = client.get(f"/pairings/{pairing.pk}/?as_of={AS_OF}&year=2021")
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_a_new_indicators_target_and_actual_in_its_figures_unit(
    admin_client, declared, made
):
    target, actual, percent = row(page(admin_client, made), TRAINED)

    assert target == "5件"
    link = re.search(rf'<a href="([^"]+)" data-figure="{DONE}">2件</a>', actual)
    assert link  # two tasks done in 2021
    listed = admin_client.get(link[1].replace("&amp;", "&")).content.decode()
    assert 'data-count="2"' in listed
    assert f"{figures.ratio(Decimal(2), Decimal(5))}%" in percent


def test_it_shows_money_targets_in_wan(admin_client, declared, made):
    target, _actual, _percent = row(page(admin_client, made), Target.Indicator.FUNDS_TRANSFERRED)

    assert target == format_wan(Decimal("1000000.00"))


def test_an_indicator_no_figure_measures_shows_a_dash(admin_client, declared, made):
    target, actual, percent = row(page(admin_client, made), WORKSHOP_JOBS)

    assert target == "30"
    assert "暂无记录" in actual
    assert percent == "—"


def test_it_measures_an_indicator_whose_figure_is_counted_one_window_at_a_time(
    admin_client, declared, made, monkeypatch
):
    alone = dataclasses.replace(declared[DONE], additive=None, indicator=WORKSHOP_JOBS)
    monkeypatch.setitem(figure_specs.FIGURES, "area_tasks_done_alone", alone)
    window = figures.window_for(made, as_of=AS_OF)

    measured = {
        item.target.indicator: item.actual
        for item in figure_sets.targets_against_actuals(window, 2021)
    }
    target, actual, _percent = row(page(admin_client, made), WORKSHOP_JOBS)

    assert measured[WORKSHOP_JOBS].value == measured[TRAINED].value == 2
    assert measured[WORKSHOP_JOBS].window == measured[TRAINED].window
    assert target == "30件"
    assert re.search(r'<span data-figure="area_tasks_done_alone">2件</span>', actual)


def test_it_lists_the_targets_of_the_pairing_and_those_side_by_side_below_it(admin_client, build):
    """A province's page lists its own and its cities' targets, each measured on the city's
    whole subtree, not every county's: the county's are on the city's page."""
    found = tree(build, cities=1, counties=2)
    shown = {}
    for pairing in (found.province, found.cities[0]):
        response = admin_client.get(f"/pairings/{pairing.pk}/?as_of={AS_OF}&year=2021")
        assert response.status_code == 200
        shown[pairing.pk] = response.context["targets"]
    city, counties = found.cities[0], {p.pk for p in found.counties}
    listed = {row.target.pairing_id for row in shown[found.province.pk]}
    assert listed == {found.province.pk, city.pk}
    assert {row.target.pairing_id for row in shown[city.pk]} == {city.pk, *counties}
    # the city's targets are measured alike on both pages (the city with its counties)
    window = figures.window_for(
        city, as_of=AS_OF, from_year=2021, to_year=2021, include_children=True
    )
    for rows in shown.values():
        for row in rows:
            if row.target.pairing_id == city.pk and row.drill is not None:
                assert row.drill.figure.window.pairing_ids == window.pairing_ids
