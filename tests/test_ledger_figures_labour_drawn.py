"""The labour figures (ledger/figures_labour.py) over drawn records: persons helped into work
(all, 脱贫劳动力, stable work, each destination), training in 人次 and certificates, operating
workshops and their jobs, vocational students — each equal to the records the test drew,
summed here in Python, for windows of years, as-of dates and confirmed-only, and each
figure's per-pairing twin (`figure_specs`) equal to it."""

from __future__ import annotations

import datetime as dt
import itertools

from django.conf import settings as django_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from labour_records import enrolment, placement, training, workshop

from pairaid.ledger import figure_specs, figures, figures_labour, services
from pairaid.ledger.models import Confirmation, Placement, Workshop

PROPERTY = settings(
    deadline=None,
    max_examples=8,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TODAY = timezone.localdate()
DESTINATIONS = list(Placement.Destination.values)
_serial = itertools.count(1)
dates = st.dates(dt.date(2019, 1, 1), dt.date(2025, 12, 31))


def fresh(build):
    n = next(_serial)
    return build.pairing(f"劳务抽样甲区{n}", f"劳务抽样乙县{n}", valid_from=dt.date(2019, 1, 1))


def additive(key, w):
    spec = figure_specs.FIGURES[key]
    assert spec.additive is not None, key
    return spec.additive(w).get(w.pairing_ids[0], spec.zero)


@PROPERTY
@given(
    placed=st.lists(
        st.tuples(
            dates,
            st.integers(1, 500),
            st.integers(0, 500),  # poor persons, at most the persons
            st.sampled_from(DESTINATIONS),
            st.one_of(st.none(), st.integers(0, 24)),  # months in work at the last visit
            st.booleans(),  # confirmed
        ),
        max_size=6,
    ),
    trained=st.lists(
        st.tuples(dates, st.integers(1, 300), st.integers(0, 300), st.integers(0, 300)),
        max_size=4,
    ),
    built=st.lists(
        st.tuples(dates, st.integers(0, 80), st.integers(0, 80), st.booleans(), st.booleans()),
        max_size=4,
    ),
    enrolled=st.lists(st.tuples(st.integers(2019, 2025), st.integers(1, 90)), max_size=4),
    asked=st.lists(
        st.tuples(st.integers(2019, 2025), st.integers(0, 2), dates, st.booleans()),
        min_size=1,
        max_size=3,
    ),
)
def test_it_counts_each_labour_figure_as_the_records_drawn(
    build, placed, trained, built, enrolled, asked
):
    pairing = fresh(build)
    placements = []
    for day, persons, poor, destination, months, confirmed in placed:
        made = placement(
            pairing,
            date=day,
            persons=persons,
            poor_persons=min(poor, persons),
            destination=destination,
            stable_months=months,
        )
        if confirmed:
            services.confirm_record(made, acting_user=None, via="test", accept=True)
            made.refresh_from_db()
        placements.append(made)
    sessions = [
        training(
            pairing,
            start_date=day,
            attendance=attendance,
            poor_attendance=min(poor, attendance),
            certificates=min(certified, attendance),
        )
        for day, attendance, poor, certified in trained
    ]
    workshops = []
    for day, jobs, poor, operating, confirmed in built:
        made = workshop(
            pairing,
            established=day,
            jobs=jobs,
            poor_jobs=min(poor, jobs),
            status=Workshop.Status.OPERATING if operating else Workshop.Status.CLOSED,
        )
        if confirmed:
            services.confirm_record(made, acting_user=None, via="test", accept=True)
            made.refresh_from_db()
        workshops.append(made)
    enrolments = [
        enrolment(pairing, year=year, students=students, poor_students=0)
        for year, students in enrolled
    ]
    stable = django_settings.PAIRAID_STABLE_JOB_MONTHS

    for from_year, span, as_of, confirmed_only in asked:
        w = figures.window_for(
            pairing,
            from_year=from_year,
            to_year=from_year + span,
            as_of=as_of,
            confirmed_only=confirmed_only,
        )

        def witnessed(record, confirmed_only=confirmed_only):
            return not confirmed_only or record.confirmation == Confirmation.CONFIRMED

        dated = [p for p in placements if w.start <= p.date <= w.end and witnessed(p)]
        parts = {
            "": dated,
            figures_labour.STABLE: [
                p for p in dated if p.stable_months is not None and p.stable_months >= stable
            ],
            **{d: [p for p in dated if p.destination == d] for d in DESTINATIONS},
        }
        for part, mine in parts.items():
            for poor in (False, True):
                expected = sum(p.poor_persons if poor else p.persons for p in mine)
                figure = figures_labour.persons_placed(w, part, poor=poor)
                assert figure.value == expected, (part, poor)
                key = figures_labour.placed_key(part, poor)
                if key in figure_specs.FIGURES:
                    assert additive(key, w) == expected

        began = [s for s in sessions if w.start <= s.start_date <= w.end]
        for key, (field, *_rest) in figures_labour.TRAINING_FIGURES.items():
            expected = sum(getattr(s, field) for s in began)
            assert figures_labour.training(w, key).value == expected
            assert additive(key, w) == expected

        running = [
            s
            for s in workshops
            if s.established <= w.end and s.status == Workshop.Status.OPERATING and witnessed(s)
        ]
        for key, (field, *_rest) in figures_labour.WORKSHOP_FIGURES.items():
            expected = sum(getattr(s, field) for s in running) if field else len(running)
            assert figures_labour.workshops(w, key).value == expected
            assert additive(key, w) == expected

        last = min(w.to_year, w.end.year)
        students = sum(e.students for e in enrolments if w.from_year <= e.year <= last)
        assert figures_labour.vocational_students(w).value == students
        assert additive("vocational_students", w) == students


def test_it_says_in_each_rule_whether_unconfirmed_records_count(build):
    pairing = fresh(build)
    everything = figures.window_for(pairing, as_of=TODAY)
    confirmed = figures.window_for(pairing, as_of=TODAY, confirmed_only=True)

    assert "含受援方待确认和有异议的记录" in figures_labour.persons_placed(everything).rule
    assert "仅计受援方已确认的记录" in figures_labour.persons_placed(confirmed).rule
    assert "仅计受援方已确认的记录" in figures_labour.workshops(confirmed).rule
    assert "一人参加多期计多人次" in figures_labour.training(confirmed).rule


def test_it_names_stable_work_after_the_months_it_takes(build):
    pairing = fresh(build)
    w = figures.window_for(pairing, as_of=TODAY)

    stable = figures_labour.persons_placed(w, figures_labour.STABLE, poor=True)

    months = django_settings.PAIRAID_STABLE_JOB_MONTHS
    assert f"连续在岗满{months}个月" in stable.rule
    assert stable.key == "persons_placed_stable_poor"
    assert stable.label == "稳定就业（其中脱贫劳动力）"
    assert stable.unit == "人"
