"""The labour-cooperation figures (`ledger/figures_labour.py`, declared in `figure_specs.FIGURES`
under the area "labour"): each is the sum (or count) of the records the test made, a confirmed-
only window counts only what the recipient side confirmed, stable work follows
PAIRAID_STABLE_JOB_MONTHS, figures for many pairings equal each alone, and targets of the new
indicators are measured against them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from labour_records import SUMMED, enrolment, offices, placement, training, workshop

from pairaid.ledger import figure_sets, figures, figures_labour, services
from pairaid.ledger.figure_specs import FIGURES
from pairaid.ledger.models import Placement, Target, Workshop

AS_OF = dt.date(2022, 6, 30)
D = Placement.Destination
LABOUR_KEYS = [key for key, spec in FIGURES.items() if spec.area == "labour"]


@pytest.fixture
def office(build):
    return offices(build)


def window(pairing, **options):
    return figures.window_for(pairing, as_of=options.pop("as_of", AS_OF), **options)


def made(office):
    """Placements, training, workshops and enrolments of 2021, some answered."""
    p, helper = office.pairing, office.helper
    records = {
        "placements": [
            placement(p, helper, persons=20, poor_persons=15, destination=D.HELPER),
            placement(p, helper, persons=12, poor_persons=5, destination=D.IN_PROVINCE),
            placement(p, helper, persons=7, poor_persons=7, destination=D.ELSEWHERE),
            placement(p, helper, persons=9, poor_persons=2, destination=D.HELPER, stable_months=3),
            placement(p, helper, persons=4, poor_persons=0, destination=D.HELPER, stable_months=2),
        ],
        "trainings": [
            training(p, helper, attendance=80, poor_attendance=50, certificates=60),
            training(p, helper, attendance=35, poor_attendance=0, certificates=0),
        ],
        "workshops": [
            workshop(p, helper, jobs=40, poor_jobs=30),
            workshop(p, helper, jobs=25, poor_jobs=10),
            workshop(p, helper, jobs=18, poor_jobs=9, status=Workshop.Status.CLOSED),
        ],
        "vocational": [enrolment(p, helper, students=30), enrolment(p, helper, students=22)],
    }
    # outside the window: a placement after the as-of date, an enrolment of a later year
    placement(p, helper, persons=100, date=dt.date(2022, 7, 5))
    enrolment(p, helper, students=500, year=2022)
    workshop(p, helper, jobs=70, established=dt.date(2022, 8, 1))
    return records


def test_it_sums_the_records_the_test_made(office):
    records = made(office)
    w = window(office.pairing, to_year=2021)
    placed = records["placements"]
    expected = {
        "persons_placed": sum(r.persons for r in placed),
        "persons_placed_poor": sum(r.poor_persons for r in placed),
        "persons_placed_stable": sum(r.persons for r in placed if (r.stable_months or 0) >= 3),
        "persons_placed_helper": sum(r.persons for r in placed if r.destination == D.HELPER),
        "persons_placed_in_province": sum(
            r.persons for r in placed if r.destination == D.IN_PROVINCE
        ),
        "persons_placed_elsewhere": sum(r.persons for r in placed if r.destination == D.ELSEWHERE),
        "trained": sum(r.attendance for r in records["trainings"]),
        "trained_poor": sum(r.poor_attendance for r in records["trainings"]),
        "certificates": sum(r.certificates for r in records["trainings"]),
        "workshops": sum(1 for r in records["workshops"] if r.status == Workshop.Status.OPERATING),
        "workshop_jobs": sum(
            r.jobs for r in records["workshops"] if r.status == Workshop.Status.OPERATING
        ),
        "workshop_jobs_poor": sum(
            r.poor_jobs for r in records["workshops"] if r.status == Workshop.Status.OPERATING
        ),
        "vocational_students": sum(r.students for r in records["vocational"]),
    }
    assert set(expected) == set(LABOUR_KEYS)
    for key in LABOUR_KEYS:
        figure = FIGURES[key].make(w, None)
        assert figure.key == key
        assert figure.value == expected[key], key
        recount = [getattr(r, SUMMED[key]) if key in SUMMED else 1 for r in figure.records]
        assert sum(recount) == figure.value, key
        assert figure.label and figure.rule and figure.unit in {"人", "人次", "个"}
    parts = ("helper", "in_province", "elsewhere")
    assert sum(expected[f"persons_placed_{part}"] for part in parts) == expected["persons_placed"]
    assert FIGURES["trained"].make(w, None).unit == "人次"


def test_it_counts_only_what_the_recipient_side_confirmed_in_a_confirmed_only_window(office):
    records = made(office)
    first, second, third = records["placements"][:3]
    services.confirm_record(first, acting_user=office.recipient, via="test", accept=True)
    services.confirm_record(
        second, acting_user=office.recipient, via="test", accept=False, note="人数不符"
    )
    shop = records["workshops"][0]
    services.confirm_record(shop, acting_user=office.recipient, via="test", accept=True)
    everything = window(office.pairing, to_year=2021)
    confirmed = window(office.pairing, to_year=2021, confirmed_only=True)
    placed = figures_labour.persons_placed(confirmed)
    assert placed.value == first.persons
    assert list(placed.records) == [first]
    assert "仅计受援方已确认" in placed.rule
    assert "含受援方待确认和有异议" in figures_labour.persons_placed(everything).rule
    assert figures_labour.persons_placed(everything).value > placed.value + third.persons
    assert figures_labour.workshops(confirmed, "workshop_jobs").value == shop.jobs
    # training and enrolments are not witnessed: the same in both windows
    for key in ("trained", "vocational_students"):
        assert FIGURES[key].make(confirmed, None).value == FIGURES[key].make(everything, None).value


def test_it_counts_stable_work_by_the_setting(office):
    made(office)
    w = window(office.pairing, to_year=2021)
    placed = Placement.objects.filter(pairing=office.pairing, date__lte=AS_OF)
    for months in (2, 3, 6):
        with override_settings(PAIRAID_STABLE_JOB_MONTHS=months):
            figure = figures_labour.persons_placed(w, figures_labour.STABLE)
            expected = sum(r.persons for r in placed if (r.stable_months or 0) >= months)
            assert figure.value == expected
            assert f"满{months}个月" in figure.rule
            stable = [r for r in placed if r.is_stable]
            assert sum(r.persons for r in stable) == expected


def test_it_counts_many_pairings_at_once_as_each_alone(office, build):
    made(office)
    other = offices(build, "劳务丙区", "劳务丁县")
    placement(other.pairing, other.helper, persons=33)
    training(other.pairing, other.helper, attendance=44)
    subjects = [figure_sets.Subject(office.pairing), figure_sets.Subject(other.pairing)]
    for confirmed_only in (False, True):
        computed = figure_sets.compute(
            LABOUR_KEYS, subjects, as_of=AS_OF, confirmed_only=confirmed_only
        )
        for subject in subjects:
            alone = window(subject.pairing, confirmed_only=confirmed_only)
            for key in LABOUR_KEYS:
                found = computed[subject][key]
                single = FIGURES[key].make(alone, None)
                assert (found.value, found.rule) == (single.value, single.rule), key


def test_it_measures_the_new_targets_against_their_figures(office):
    made(office)
    pairing = office.pairing
    indicators = {
        Target.Indicator.JOBS: "persons_placed",
        Target.Indicator.JOBS_POOR: "persons_placed_poor",
        Target.Indicator.TRAINED: "trained",
        Target.Indicator.WORKSHOP_JOBS: "workshop_jobs",
    }
    for indicator in indicators:
        services.create_record(
            Target,
            acting_user=None,
            via="test",
            pairing=pairing,
            year=2021,
            indicator=indicator,
            value=Decimal("40"),
        )
    items = figure_sets.targets_against_actuals(window(pairing), 2021)
    assert {item.target.indicator for item in items} == set(indicators)
    year = window(pairing, from_year=2021, to_year=2021)
    for item in items:
        key = indicators[item.target.indicator]
        assert item.actual is not None and item.actual.key == key
        assert item.actual.value == FIGURES[key].make(year, None).value
        assert item.percent == figures.ratio(Decimal(item.actual.value), Decimal("40"))


def test_it_declares_each_labour_figure_for_the_area_its_list_and_the_api():
    slugs = {"placements", "trainings", "workshops", "vocational"}
    for key in LABOUR_KEYS:
        spec = FIGURES[key]
        assert spec.records in slugs and spec.api and spec.in_sets, key
    assert figure_sets.INDICATOR_FIGURES[Target.Indicator.JOBS] == "persons_placed"
    assert figure_sets.INDICATOR_FIGURES[Target.Indicator.TRAINED] == "trained"
