"""The pages and commands that show figures for many pairings run as many queries for ten
times the pairings and records: the overview (administrator, province coordinator), a
province, city and county dashboard (with figures of several assessment areas), `pairaid
summary --json` for all pairings, the annual report of a province pairing and the API's
figures (`ledger/figure_sets.py`)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from area_figures import declare
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pairing_trees import Tree, coordinator, tree
from test_api_support import Api

from pairaid.ledger import figures

YEAR = "2021"


def queries(action: Any) -> int:
    action()  # once to warm what any first request fetches (content types, sessions …)
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ok(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, url


def measure(found: Tree, admin: Any, office: Any, tmp_path: Path) -> dict[str, int]:
    as_admin, as_office = logged_in(admin), logged_in(office)
    province, city, county = found.province, found.cities[0], found.counties[0]
    api = Api.as_user(office, "read")
    code = found.helper.code

    def summary() -> None:
        out = StringIO()
        call_command("summary", "--json", stdout=out)
        assert json.loads(out.getvalue())["pairings"]

    def annual() -> None:
        path = tmp_path / "annual.xlsx"
        args = ("--pairing", code, "--year", YEAR, "--format", "xlsx", "-o", str(path))
        call_command("report", "annual", *args, stdout=StringIO())

    def api_figures() -> None:
        assert api.get("/figures/", pairing=province.pk).status_code == 200

    return {
        "overview (administrator)": queries(lambda: ok(as_admin, "/")),
        "overview (province coordinator)": queries(lambda: ok(as_office, "/")),
        "province dashboard": queries(
            lambda: ok(as_office, f"/pairings/{province.pk}/?year={YEAR}")
        ),
        "city dashboard": queries(lambda: ok(as_office, f"/pairings/{city.pk}/?year={YEAR}")),
        "county dashboard": queries(lambda: ok(as_office, f"/pairings/{county.pk}/?year={YEAR}")),
        "summary --json": queries(summary),
        "annual report": queries(annual),
        "API figures": queries(api_figures),
    }


@pytest.mark.django_db(transaction=False)
def test_it_runs_as_many_queries_for_ten_times_the_pairings(build, tmp_path, capsys, monkeypatch):
    declare(monkeypatch)  # figures of several assessment areas (the dashboard's 协作考核)
    users = get_user_model()
    admin = users.objects.create_superuser("root", password="pass-root")
    found = tree(build, cities=1, counties=2)  # 4 pairings
    office = coordinator(users, "province", found.helper)
    small = measure(found, admin, office, tmp_path)

    found.grow(cities=3, counties=11)  # 40 pairings, ten times the records
    assert len(found.pairings) == 10 * 4
    large = measure(found, admin, office, tmp_path)

    with capsys.disabled():
        print("\nqueries (4 pairings → 40 pairings):")
        for name in small:
            print(f"  {name}: {small[name]} → {large[name]}")
    assert large == small


def test_it_counts_the_grown_tree_as_its_records_add_up(build):
    found = tree(build, cities=2, counties=3)
    window = figures.window_for(found.province, include_children=True)
    assert figures.funds_invested(window).value == len(found.pairings) * figures.Decimal("800.50")
    assert figures.projects_implemented(window).value == len(found.pairings)
    # Every pairing's own person, and the person posted in all of them once.
    assert figures.persons_dispatched(window).value == len(found.pairings) + 1
