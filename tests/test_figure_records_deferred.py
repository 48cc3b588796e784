"""A stored figure's records are made only when something reads them: a second view of the
overview or of a dashboard makes as many record querysets for a tree of ten pairings as for
one of three (`FigureSpec.shown`), and each figure still drills down to records that count
to it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from builders import Builder
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse
from django.utils.timezone import localdate
from pairing_trees import Tree, tree

from pairaid.ledger import figure_sets, figures
from pairaid.ledger.figure_spec_types import Made
from pairaid.ledger.models import FundFlow, Obligation, Posting, Project, Task

RECORDS = {m._meta.label for m in (FundFlow, Project, Posting, Task, Obligation)}


@contextmanager
def querysets_made(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """How many querysets of each kind of record are made (clones included) in the block."""
    made: Counter[str] = Counter()
    original = QuerySet.__init__

    def counting(self: QuerySet, model: object = None, *args: object, **kwargs: object) -> None:
        original(self, model, *args, **kwargs)  # type: ignore[arg-type]
        label = getattr(getattr(model, "_meta", None), "label", "")
        if label in RECORDS:
            made[label] += 1

    with monkeypatch.context() as patched:
        patched.setattr(QuerySet, "__init__", counting)
        yield made


def second_view(client: Client, url: str, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    params = {"as_of": localdate().isoformat()}
    assert client.get(url, params).status_code == 200  # computes and stores the figures
    with querysets_made(monkeypatch) as made:
        assert client.get(url, params).status_code == 200
    return made


def test_it_makes_as_many_record_querysets_for_more_pairings_on_a_second_view(
    admin_client, build: Builder, monkeypatch
):
    found = tree(build, cities=1, counties=1)
    small = {
        "overview": second_view(admin_client, "/", monkeypatch),
        "province": second_view(admin_client, f"/pairings/{found.province.pk}/", monkeypatch),
    }
    found.grow(cities=2, counties=3)
    large = {
        "overview": second_view(admin_client, "/", monkeypatch),
        "province": second_view(admin_client, f"/pairings/{found.province.pk}/", monkeypatch),
    }
    assert large == small


def test_it_drills_each_row_to_records_that_count_to_its_figure(admin_client, build: Builder):
    found = tree(build, cities=1, counties=2)
    params = {"as_of": localdate().isoformat()}
    admin_client.get("/", params)
    response = admin_client.get("/", params)  # read back from the store
    rows = [row for _root, rows in response.context["groups"] for row in rows]
    mine = [row for row in rows if row.pairing.pk in {p.pk for p in found.pairings}]
    assert {row.kind for row in mine} == {"pairing", "own", "total"}
    for row in mine:
        funds = row.drills["funds_transfer"].figure
        assert figures.sum_amount(funds.records) == funds.value
        projects = row.drills["projects_implemented"].figure
        assert projects.records.count() == projects.value
        persons = row.drills["persons_dispatched_persons"].figure
        assert persons.records.values("person").distinct().count() == persons.value
        assert row.href.startswith(reverse("web:pairing", args=[row.pairing.pk]) + "?")
        for drill in row.drills.values():
            assert drill.url.startswith(reverse(drill.spec.list_name) + "?figure=")


def test_it_gives_every_figure_the_words_it_would_have_made_itself(build: Builder):
    found: Tree = tree(build, cities=1, counties=1)
    first = figures.window_for(found.counties[0], as_of=localdate(), from_year=2020)
    second = figures.window_for(found.cities[0], as_of=localdate(), from_year=2020)
    for key, spec in figure_sets.FIGURES.items():
        made: Made = {}
        value = spec.make(second, None).value
        spec.shown(first, spec.make(first, None).value, made)
        shared = spec.shown(second, value, made)
        own = spec.make(second, value)
        assert (shared.key, shared.label, shared.unit, shared.rule) == (
            own.key,
            own.label,
            own.unit,
            own.rule,
        ), key
        assert shared.value == value and shared.window == second
        assert str(shared.records.query) == str(own.records.query), key
