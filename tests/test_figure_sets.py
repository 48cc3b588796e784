"""`figure_sets.compute`: every figure for many pairings at once equals the same figure
computed for each pairing alone (`figures.window_for` and the single-pairing functions) and
the sum or count of its records, on the article's demo and the national set, for the
system and for a user who does not see every pairing below a coordinating one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from labour_records import SUMMED
from pairing_trees import coordinator, fill, tree

from pairaid.accounts.models import Role
from pairaid.ledger import access, figure_sets, figures
from pairaid.ledger.models import FundFlow, Pairing

ARTICLE_DAY = dt.date(2022, 12, 4)
MONEY_KEYS = {f"funds_{kind}" for kind in FundFlow.Kind.values}


@pytest.fixture(scope="module")
def national(django_db_setup, django_db_blocker):
    """The national set at its smallest scale beside the demo, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", "--national", "0.001", verbosity=0)
        yield
        transaction.set_rollback(True)


# The amount a money figure sums, where it is not `amount` and the figure does not say.
AMOUNT_FIELDS = {"investment_agreed": "agreed_amount"}


def recount(figure: figures.Figure, summed: str = "") -> Decimal | int:
    """The figure from its records, one by one (`summed`: the field it sums). Each record's
    counted fields are read as values (with its id, so that no two records merge), not as
    model instances: the same rows, without building thousands of objects."""

    def each(*fields: str) -> list[tuple]:
        return [row[1:] for row in figure.records.values_list("pk", *fields)]

    if summed:
        zero = Decimal("0.00") if figure.unit == "元" else 0
        return sum((value for (value,) in each(summed)), zero)
    if figure.key in MONEY_KEYS or figure.unit == "元":
        field = AMOUNT_FIELDS.get(figure.key, "amount")
        return sum((value for (value,) in each(field)), Decimal("0.00"))
    if figure.key == "enterprises_landed":  # each enterprise once per pairing
        return len(set(each("pairing_id", "enterprise")))
    if figure.key in SUMMED:
        return sum(value for (value,) in each(SUMMED[figure.key]))
    if figure.unit == "人":
        return len({person for (person,) in each("person_id")})
    return len(each())


def check_all(user, pairings, **window) -> int:
    subjects = [figure_sets.Subject(p, children) for p in pairings for children in (False, True)]
    keys = [key for key, spec in figure_sets.FIGURES.items() if spec.in_sets]
    computed = figure_sets.compute(keys, subjects, user=user, **window)
    checked = 0
    for subject in subjects:
        single = figures.window_for(
            subject.pairing,
            include_children=subject.children,
            user=user,
            as_of=window.get("as_of"),
            confirmed_only=window.get("confirmed_only", False),
        )
        for key in keys:
            rule = figure_sets.FIGURES[key]
            found = computed[subject][key]
            alone = rule.make(single, None)
            assert set(found.window.pairing_ids) == set(single.pairing_ids)
            assert (found.value, found.rule, found.label) == (alone.value, alone.rule, alone.label)
            assert found.value == recount(found, rule.summed), (subject, key)
            checked += 1
    return checked


def test_it_equals_each_pairing_alone_on_the_national_set(national):
    pairings = list(Pairing.objects.all())
    assert len(pairings) > 5
    for window in ({"as_of": ARTICLE_DAY}, {"as_of": dt.date(2025, 6, 30)}, {}):
        assert check_all(None, pairings, **window)
    assert check_all(None, pairings, as_of=ARTICLE_DAY, confirmed_only=True)


def test_it_keeps_the_founding_figures(national):
    jiangyang = Pairing.objects.get(helper_region__name="江阳区", is_demo=True)
    subject = figure_sets.Subject(jiangyang)
    found = figure_sets.compute(
        ["funds_transfer", "projects_implemented", "persons_dispatched_persons"],
        [subject],
        as_of=ARTICLE_DAY,
    )[subject]
    assert format(found["funds_transfer"].value) == "146547300.00"
    assert found["projects_implemented"].value == 154
    assert found["persons_dispatched_persons"].value == 320


def test_it_leaves_out_a_child_the_user_does_not_see(build):
    found = tree(build, cities=2, counties=2)
    city = found.cities[0]
    stray = build.pairing("别处区", "别处县", parent=city)  # helped from outside the city
    fill(build, stray, found)
    office = coordinator(get_user_model(), "city", city.helper_region, Role.COORDINATOR)
    seen = list(access.visible_pairings(office))
    assert city in seen and stray not in seen
    assert check_all(office, seen)
    subject = figure_sets.Subject(city, True)
    computed = figure_sets.compute(["funds_transfer"], [subject], user=office)[subject]
    assert stray.pk not in computed["funds_transfer"].window.pairing_ids
    assert check_all(None, [*found.pairings, stray])


def test_it_measures_targets_as_each_target_alone(build):
    found = tree(build, cities=2, counties=2)
    window = figures.window_for(found.province, include_children=True)
    items = figure_sets.targets_against_actuals(window, 2021)
    assert len(items) == 3 * len(found.pairings)
    for item in items:
        single = figures.window_for(
            item.target.pairing,
            from_year=2021,
            to_year=2021,
            include_children=item.target.pairing.children.exists(),
        )
        key = figure_sets.INDICATOR_FIGURES[item.target.indicator]
        assert item.actual is not None
        assert item.actual.value == figure_sets.FIGURES[key].make(single, None).value


SUBTREE_TABLES = ("ledger_subtreefundrollup", "ledger_subtreeprojectrollup", "ledger_subtreeperson")


def test_it_reads_whole_trees_from_the_subtree_tables_and_equals_the_records(build):
    found = tree(build, cities=2, counties=2)
    late = build.person("后来又派")  # first posted before 2022, posted again in it
    build.posting(late, found.counties[0], dt.date(2020, 2, 1))
    build.posting(late, found.counties[3], dt.date(2022, 3, 1))
    build.flow(found.counties[1], "66.60", FundFlow.Kind.TRANSFER, day=dt.date(2021, 3, 30))
    subjects = [
        figure_sets.Subject(found.province, True),
        *(figure_sets.Subject(city, True) for city in found.cities),
        figure_sets.Subject(found.cities[0], False),
        figure_sets.Subject(found.province, True, 2022, 2022),
    ]
    keys = [*sorted(MONEY_KEYS), "projects_implemented", "persons_dispatched_persons"]
    for as_of in (None, dt.date(2021, 3, 29), dt.date(2022, 3, 1)):
        with CaptureQueriesContext(connection) as queries:
            computed = figure_sets.compute(keys, subjects, as_of=as_of)
        read = " ".join(query["sql"] for query in queries.captured_queries)
        for table in SUBTREE_TABLES[: 3 if as_of is None else 1]:
            assert table in read, (as_of, table)
        for subject in subjects:
            for key in keys:
                figure = computed[subject][key]
                assert figure.value == recount(figure), (subject, key, as_of)
