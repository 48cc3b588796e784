"""The side-by-side rows of a coordinating pairing's dashboard and of the overview come a page
at a time (`dashboard.ROWS_PER_PAGE`, here 3), in the tree's order, each page with the
pairing's own and total lines, whose figures are those of the whole tree; the number of
queries is the same on every page and for more pairings; a county's dashboard is as before."""

from __future__ import annotations

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pairing_trees import tree

from pairaid.ledger.models import FundFlow, Posting
from pairaid.web.views import dashboard

PER_PAGE = 3


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(dashboard, "ROWS_PER_PAGE", PER_PAGE)


def get(client, url: str, **params) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, (url, params)
    return response.content.decode(), len(captured.captured_queries)


def rows(page: str) -> list[tuple[int, str]]:
    """(pairing pk, kind) of each side-by-side row, in order."""
    return [
        (int(pk), kind)
        for pk, kind in re.findall(
            r'<tr class="row-\w+" data-pairing="(\d+)" data-kind="(\w+)">', page
        )
    ]


def total_row(page: str) -> str:
    return re.search(r'data-kind="total">.*?</tr>', page, re.S).group(0)


def link(row: str, figure: str) -> str:
    return html.unescape(re.search(rf'href="([^"]+)" data-figure="{figure}"', row).group(1))


def test_a_province_dashboard_pages_its_cities_in_the_trees_order(admin_client, build):
    found = tree(build, cities=7, counties=1)
    url = reverse("web:pairing", args=[found.province.pk])
    cities = [c.pk for c in found.cities]
    province = found.province.pk
    own_and_total = [(province, "own"), (province, "total")]

    for n in (1, 2, 3):
        get(admin_client, url, page=n)  # warm: figures stored
    pages = [get(admin_client, url, page=n) for n in (1, 2, 3)]

    for number, (page, _q) in enumerate(pages):
        shown = cities[number * PER_PAGE : (number + 1) * PER_PAGE]
        assert rows(page) == [(pk, "pairing") for pk in shown] + own_and_total
        assert ("下一页" in page) == (number < 2) and ("上一页" in page) == (number > 0)
    # the total is the whole tree's on every page
    totals = {total_row(page) for page, _q in pages}
    assert len(totals) == 1
    transfers = FundFlow.objects.filter(
        pairing__in=found.pairings, kind=FundFlow.Kind.TRANSFER
    ).count()
    listed, _q = get(admin_client, link(totals.pop(), "funds_transfer"))
    assert f'data-count="{transfers}"' in listed
    # one query count for every page
    assert len({q for _page, q in pages}) == 1


def test_the_persons_of_the_total_are_the_trees_distinct_persons_on_every_page(admin_client, build):
    found = tree(build, cities=5, counties=0)
    url = reverse("web:pairing", args=[found.province.pk])
    persons = (
        Posting.objects.filter(pairing__in=found.pairings).values("person_id").distinct().count()
    )

    for number in (1, 2):
        page, _q = get(admin_client, url, page=number)
        listed, _q = get(admin_client, link(total_row(page), "persons_dispatched_persons"))
        assert f'data-count="{persons}"' in listed


def test_a_province_dashboard_runs_the_same_queries_for_more_cities(admin_client, build):
    found = tree(build, cities=4, counties=1)
    url = reverse("web:pairing", args=[found.province.pk])
    get(admin_client, url)  # warm
    _page, before = get(admin_client, url)
    found.grow(cities=8, counties=1)
    get(admin_client, url)
    _page, after = get(admin_client, url)

    assert after == before


def test_the_overview_pages_the_pairings_below_the_top_ones(admin_client, build):
    """Besides any pairings already in the ledger, two provinces of four cities each: every
    pairing below a top one is shown once, in order, at most three to a page, each group
    with its own and total lines."""
    first = tree(build, cities=4, counties=0)
    second = tree(build, cities=4, counties=0)
    made = [c.pk for c in first.cities] + [c.pk for c in second.cities]

    seen: list[int] = []
    counts = set()
    number, more = 1, True
    while more:
        get(admin_client, reverse("web:overview"), page=number)  # warm: figures stored
        page, queries = get(admin_client, reverse("web:overview"), page=number)
        counts.add(queries)
        shown = rows(page)
        below = [pk for pk, kind in shown if kind == "pairing"]
        assert 0 < len(below) <= PER_PAGE
        totals = [pk for pk, kind in shown if kind == "total"]
        owns = [pk for pk, kind in shown if kind == "own"]
        assert totals == owns and len(totals) == len(set(totals))
        seen += below
        more = "下一页" in page
        number += 1
    assert [pk for pk in seen if pk in made] == made
    assert len(seen) == len(set(seen))
    assert len(counts) == 1


def test_a_county_dashboard_shows_no_side_by_side_rows_nor_their_pages(admin_client, build):
    found = tree(build, cities=1, counties=4)

    page, _q = get(admin_client, reverse("web:pairing", args=[found.counties[0].pk]))

    assert rows(page) == []
    assert "下一页" not in page
