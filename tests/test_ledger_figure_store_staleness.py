"""Stored figures (ledger/figure_store.py) and when they go stale: values kept exactly (money
as text, never a float), read back while nothing they count changed, and never read again
after a write to a pairing they count — over drawn sequences of writes and reads, each read
checked against the records summed here in Python."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.ledger import figure_sets, figure_store, figures, services
from pairaid.ledger.figure_sets import Subject
from pairaid.ledger.models import Pairing, Project, StoredFigures
from pairaid.ledger.money import ZERO, from_fen

PROPERTY = settings(
    deadline=None,
    max_examples=8,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TODAY = timezone.localdate()
KEYS = ["funds_transfer", "projects_implemented", "persons_dispatched_persons"]
_serial = itertools.count(1)


# --- values kept exactly ----------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**18), 10**18),
    st.integers(-(10**16), 10**16).map(from_fen),
    st.text(max_size=8),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=4), st.integers(0, 99)), inner, max_size=4),
    ),
    max_leaves=12,
)


def same(left, right):
    """Equal and of the same types all the way down (True is not 1, 1 is not Decimal 1)."""
    if isinstance(left, list | tuple):
        return (
            isinstance(right, list)
            and len(left) == len(right)
            and all(same(a, b) for a, b in zip(left, right, strict=True))
        )
    if isinstance(left, dict):
        return (
            isinstance(right, dict)
            and left.keys() == right.keys()
            and all(same(v, right[k]) for k, v in left.items())
        )
    if isinstance(left, Decimal):
        return isinstance(right, Decimal) and str(left) == str(right)
    return type(left) is type(right) and left == right


@settings(deadline=None, max_examples=50)
@given(value=values)
def test_it_decodes_exactly_what_it_encoded(value):
    assert same(value, figure_store.decode(figure_store.encode(value)))


@pytest.mark.parametrize("value", [1.5, float("nan"), {"a": 0.1}, [Decimal("1.00"), 2.0], object()])
def test_it_refuses_to_keep_a_float_or_anything_it_cannot_give_back(value):
    with pytest.raises(figure_store.Unstorable):
        figure_store.encode(value)


# --- a small tree and an unrelated pairing ---------------------------------------------------


def scene(build):
    n = next(_serial)
    start = dt.date(2019, 1, 1)
    city = build.pairing(f"存市{n}", f"存州{n}", valid_from=start)
    east = build.pairing(f"东区{n}", f"东县{n}", parent=city, valid_from=start)
    west = build.pairing(f"西区{n}", f"西县{n}", parent=city, valid_from=start)
    apart = build.pairing(f"外区{n}", f"外县{n}", valid_from=start)
    pairings = [city, east, west, apart]
    return SimpleNamespace(
        pairings=pairings,
        below={city.pk: {city.pk, east.pk, west.pk}},
        subjects=[Subject(city, True), Subject(east), Subject(west), Subject(apart)],
        flows=[],
        projects=[],
        postings=[],
    )


def expected(made, subject):
    ids = (
        made.below.get(subject.pairing.pk, {subject.pairing.pk})
        if subject.children
        else {subject.pairing.pk}
    )
    money = sum((f.amount for f in made.flows if f.pairing_id in ids), ZERO)
    started = sum(
        1
        for p in made.projects
        if p.pairing_id in ids and Project.objects.get(pk=p.pk).status in Project.STARTED
    )
    persons = len({p.person_id for p in made.postings if p.pairing_id in ids})
    return {"funds_transfer": money, "projects_implemented": started, KEYS[2]: persons}


writes = st.lists(
    st.one_of(
        st.tuples(st.just("flow"), st.integers(0, 3), st.integers(1, 10**10)),
        st.tuples(st.just("reverse"), st.integers(0, 20)),
        st.tuples(st.just("project"), st.integers(0, 3)),
        st.tuples(st.just("cancel"), st.integers(0, 20)),
        st.tuples(st.just("posting"), st.integers(0, 3)),
        st.tuples(st.just("person"), st.integers(0, 20)),
        st.tuples(
            st.just("read"),
        ),
    ),
    min_size=1,
    max_size=10,
)


def apply(build, made, write):
    op, *args = write
    if op == "flow":
        pairing = made.pairings[args[0]]
        made.flows.append(build.flow(pairing, str(from_fen(args[1])), year=2022))
    elif op == "reverse" and made.flows:
        flow = made.flows[args[0] % len(made.flows)]
        if not flow.is_reversal and not hasattr(flow, "reversed_by_done"):
            flow.reversed_by_done = True
            made.flows.append(
                services.reverse_fund_flow(
                    flow, acting_user=None, via="test", reason="冲销", on=flow.date
                )
            )
    elif op == "project":
        made.projects.append(build.project(made.pairings[args[0]], start=dt.date(2022, 3, 1)))
    elif op == "cancel" and made.projects:
        project = Project.objects.get(pk=made.projects[args[0] % len(made.projects)].pk)
        services.update_record(
            project, acting_user=None, via="test", status=Project.Status.CANCELLED
        )
    elif op == "posting":
        person = build.person(f"存人{next(_serial)}")
        made.postings.append(build.posting(person, made.pairings[args[0]], dt.date(2022, 4, 1)))
    elif op == "person" and made.postings:
        person = made.postings[args[0] % len(made.postings)].person
        services.update_record(person, acting_user=None, via="test", ethnicity="彝族")


def read_and_check(made):
    for _twice in range(2):  # computed (or read) once, then read back from the store
        found = figure_store.compute(KEYS, made.subjects, as_of=TODAY)
        for subject in made.subjects:
            shown = {key: figure.value for key, figure in found[subject].items()}
            assert shown == expected(made, subject), subject


@PROPERTY
@given(sequence=writes)
def test_it_never_shows_a_figure_a_write_has_changed(build, sequence):
    made = scene(build)
    read_and_check(made)
    for write in sequence:
        apply(build, made, write)
        read_and_check(made)


# --- one scene per test --------------------------------------------------------------------


def stored_rows():
    return StoredFigures.objects.count()


def test_it_reads_a_stored_set_back_until_a_write_to_a_pairing_it_counts(build):
    made = scene(build)
    city, _east, west, apart = made.pairings
    figure_store.compute(KEYS, made.subjects, as_of=TODAY)
    kept = stored_rows()

    figure_store.compute(KEYS, made.subjects, as_of=TODAY)
    assert stored_rows() == kept  # all read back

    build.flow(apart, "1.00", year=2022)
    figure_store.compute(KEYS, made.subjects, as_of=TODAY)
    assert stored_rows() == kept + 1  # only the unrelated pairing's set is counted anew

    build.flow(west, "1.00", year=2022)
    found = figure_store.compute(KEYS, made.subjects, as_of=TODAY)
    assert stored_rows() == kept + 3  # the city's tree and the west district's
    assert found[made.subjects[0]]["funds_transfer"].value == Decimal("1.00")
    assert city.pk in found[made.subjects[0]]["funds_transfer"].window.pairing_ids


def test_it_keys_each_window_apart(build):
    made = scene(build)
    city = made.pairings[0]
    chain = figure_store.heads([p.pk for p in made.pairings])
    base = figures.window_for(city, include_children=True, as_of=TODAY)

    keys = {
        figure_store.digest("x", base, chain),
        figure_store.digest("y", base, chain),
        figure_store.digest("x", figures.window_for(city, as_of=TODAY), chain),
        figure_store.digest(
            "x", figures.window_for(city, include_children=True, as_of=TODAY, from_year=2020), chain
        ),
        figure_store.digest(
            "x", figures.window_for(city, include_children=True, as_of=dt.date(2024, 1, 1)), chain
        ),
        figure_store.digest(
            "x", figures.window_for(city, include_children=True, confirmed_only=True), chain
        ),
    }

    assert len(keys) == 6
    assert figure_store.digest("x", base, chain) == figure_store.digest("x", base, chain)


def test_it_refuses_a_key_for_pairings_whose_heads_it_did_not_read(build):
    made = scene(build)
    window = figures.window_for(made.pairings[0], include_children=True, as_of=TODAY)
    only_one = figure_store.heads([made.pairings[0].pk])

    with pytest.raises(ValueError, match="heads"):
        figure_store.digest("x", window, only_one)


def test_it_remembers_values_until_a_write_and_makes_them_again_after(build):
    made = scene(build)
    east = made.pairings[1]
    window = figures.window_for(east, as_of=TODAY)
    calls = []

    def make():
        calls.append(1)
        return {"total": figures.funds_invested(window).value, "rows": [1, 2]}

    first = figure_store.remember("page", window, make)
    again = figure_store.remember("page", window, make)
    assert len(calls) == 1
    assert same(first, again)

    build.flow(east, "2.50", year=2022)
    after = figure_store.remember("page", window, make)
    assert len(calls) == 2
    assert after["total"] == Decimal("2.50")


def test_it_counts_again_after_a_change_of_a_person_outside_any_pairing(build):
    made = scene(build)
    posting = build.posting(build.person("外人"), made.pairings[1], dt.date(2022, 4, 1))
    made.postings.append(posting)
    figure_store.compute(KEYS, made.subjects, as_of=TODAY)
    kept = stored_rows()

    services.update_record(posting.person, acting_user=None, via="test", ethnicity="藏族")
    figure_store.compute(KEYS, made.subjects, as_of=TODAY)

    assert stored_rows() == kept + len(made.subjects)


def test_it_keeps_the_first_of_two_sets_stored_under_one_key_and_prunes_old_ones(build):
    made = scene(build)
    window = figures.window_for(made.pairings[3], as_of=TODAY)
    key = figure_store.digest("twice", window, figure_store.heads(window.pairing_ids))
    figure_store.store({key: (TODAY, {"v": Decimal("1.00")})})
    figure_store.store({key: (TODAY, {"v": Decimal("2.00")})})
    assert figure_store.decode(figure_store.fetch([key])[key]["v"]) == Decimal("1.00")

    StoredFigures.objects.filter(key=key).update(
        stored_at=timezone.now() - figure_store.KEEP - dt.timedelta(minutes=1)
    )
    figure_store.store({"another": (TODAY, {"v": 1})})

    assert not StoredFigures.objects.filter(key=key).exists()
    assert StoredFigures.objects.filter(key="another").exists()


def test_it_leaves_out_of_the_store_a_set_it_cannot_keep(build):
    before = stored_rows()

    figure_store.store({"floaty": (TODAY, {"v": 0.5})})

    assert stored_rows() == before


def test_it_forgets_every_set_and_counts_anew(build):
    made = scene(build)
    figure_store.compute(KEYS, made.subjects, as_of=TODAY)
    assert stored_rows() >= len(made.subjects)

    assert figure_store.forget_all() >= len(made.subjects)
    assert stored_rows() == 0
    found = figure_store.compute(KEYS, made.subjects, as_of=TODAY)
    fresh = figure_sets.compute(KEYS, made.subjects, as_of=TODAY)
    for subject in made.subjects:
        assert {k: f.value for k, f in found[subject].items()} == {
            k: f.value for k, f in fresh[subject].items()
        }
    assert Pairing.objects.filter(pk__in=[p.pk for p in made.pairings]).count() == 4
