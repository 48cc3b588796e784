"""The dashboard's 协作考核 section through HTTP: each assessment area with figures, in the
registry's order, its figures with their units linking to the records behind them, a chart
of them by year, zeros for an area with no records, nothing for an area with no figures, and
figures that need attention highlighted (`web/views/dashboard_areas.py`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import pytest
from area_figures import DONE, OVERDUE, PLANNED, declare, task
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pairaid.ledger import areas, figure_specs, record_types
from pairaid.ledger.models import FundFlow, StoredFigures, WorkStatus
from pairaid.ledger.money import format_wan

AS_OF = dt.date(2022, 12, 31)
YEARS = (2020, 2021, 2022)  # the built pairing's years up to AS_OF


@pytest.fixture
def declared(monkeypatch):
    return declare(monkeypatch)


@pytest.fixture
def made(build):
    """A pairing with three tasks done (two due in 2021, one in 2022), one overdue and a
    planned 500 元 in 2021."""
    pairing = build.pairing("考核甲区", "考核乙县")
    task(build, pairing, dt.date(2021, 3, 1))
    task(build, pairing, dt.date(2021, 9, 1))
    task(build, pairing, dt.date(2022, 5, 1))
    task(build, pairing, dt.date(2021, 6, 1), WorkStatus.OPEN)
    build.flow(pairing, "500.00", kind=FundFlow.Kind.PLAN, year=2021, day=dt.date(2021, 2, 1))
    return pairing


def page(client, pairing) -> str:
    response = client.get(f"/pairings/{pairing.pk}/?as_of={AS_OF}")
    assert response.status_code == 200
    return response.content.decode()


def section(body: str) -> str:
    return body.split('id="areas"', 1)[1].split('class="quick"', 1)[0]


def area_block(body: str, key: str) -> str:
    return section(body).split(f'data-area="{key}"', 1)[1].split("data-area=", 1)[0]


def card(body: str, key: str) -> re.Match:
    found = re.search(
        rf'<div class="figure[^"]*" data-figure="{key}">.*?class="value"(?: href="([^"]+)")?>'
        r"([^<]+)<",
        section(body),
        re.S,
    )
    assert found, key
    return found


def listed(client, url: str) -> tuple[int, Decimal | None]:
    body = client.get(url.replace("&amp;", "&")).content.decode()
    count = int(re.search(r'class="total" data-count="(\d+)"', body)[1])
    total = re.search(r'data-total="(-?[\d.]+)"', body)
    return count, Decimal(total[1]) if total else None


def test_it_shows_every_area_with_figures_in_the_registrys_order(admin_client, declared, made):
    body = page(admin_client, made)

    assert "<h2>协作考核</h2>" in body
    shown = re.findall(r'<section class="area" data-area="(\w+)">', body)
    assert shown == [area.key for area in areas.areas()]
    assert shown == [key for key in record_types.AREAS if key in shown]
    assert {"consumption", "assets"} <= set(shown)
    for key in shown:
        assert f"<h3>{record_types.AREAS[key]}</h3>" in area_block(body, key)
    assert f'data-figure="{DONE}"' in area_block(body, "consumption")
    assert f'data-figure="{OVERDUE}"' in area_block(body, "assets")


def test_it_leaves_out_an_area_with_no_figures(admin_client, declared, made, monkeypatch):
    for key, spec in list(figure_specs.FIGURES.items()):
        if spec.area == "labour":
            monkeypatch.delitem(figure_specs.FIGURES, key)

    body = page(admin_client, made)

    assert 'data-area="labour"' not in body
    assert 'data-area="consumption"' in body


def test_it_shows_each_figure_with_its_unit_and_the_records_behind_it(admin_client, declared, made):
    body = page(admin_client, made)

    href, value = card(body, DONE).groups()
    assert value == "3件"
    assert listed(admin_client, href) == (3, None)
    href, value = card(body, PLANNED).groups()
    assert value == format_wan(Decimal("500.00"))
    assert listed(admin_client, href)[1] == Decimal("500.00")
    href, value = card(body, OVERDUE).groups()
    assert value == "1项"
    assert listed(admin_client, href)[0] == 1


def test_it_shows_zeros_for_an_area_without_records(admin_client, declared, build):
    empty = build.pairing("考核丙区", "考核丁县")

    body = page(admin_client, empty)

    assert card(body, DONE).group(2) == "0件"
    assert card(body, PLANNED).group(2) == format_wan(Decimal("0.00"))
    assert 'class="note attention"' not in body  # nothing needs attention


def test_it_highlights_what_needs_attention_one_click_from_its_list(admin_client, declared, made):
    body = page(admin_client, made)

    assert re.search(rf'<div class="figure attention" data-figure="{OVERDUE}">', body)
    notice = re.search(
        rf'<p class="note attention" data-figure="{OVERDUE}">.*?<a href="([^"]+)">1项</a>', body
    )
    assert notice
    assert listed(admin_client, notice[1])[0] == 1
    assert not re.search(rf'<div class="figure attention" data-figure="{DONE}">', body)


def test_it_charts_each_areas_figures_in_chinese(admin_client, declared, made):
    body = page(admin_client, made)
    block = area_block(body, "consumption")

    charts = re.findall(r'<svg class="chart".*?</svg>', block, re.S)
    assert len(charts) == 2  # one per unit: 件 and 元 (in 万元)
    assert "已完成事项" in charts[0] and "Noto Sans CJK SC" in charts[0]
    assert ">万元</text>" in charts[1]
    rows = re.findall(r"<tr><td>([^<]+)</td><td class=\"num\">(.*?)</td></tr>", block)
    period, cell = rows[0]
    assert period == f"{min(YEARS)}—{max(YEARS)}年"
    link, shown = re.match(r'<a href="([^"]+)">(\d+)件</a>', cell).groups()
    assert (int(shown), listed(admin_client, link)) == (3, (3, None))


def queries(client, pairing) -> int:
    """The queries of a view that computes its figures (none stored yet)."""
    page(client, pairing)
    StoredFigures.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        page(client, pairing)
    return len(captured)


def test_a_figure_costs_one_grouped_query(admin_client, declared, made, monkeypatch):
    before = queries(admin_client, made)
    monkeypatch.setitem(
        figure_specs.FIGURES, "area_tasks_done_again", dataclasses.replace(declared[DONE])
    )

    after = queries(admin_client, made)

    assert after - before == 1  # its chart draws what the page computed
