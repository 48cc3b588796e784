"""Figures of whole trees and parts of trees (ledger/figures.py with ledger/subtree_reads.py and
ledger/figure_sets.py): a city's pairing with two districts' below it and a town's below one
of them. Money, projects implemented and persons dispatched of any window equal the records
the test drew, summed here over the pairings the figure covers: the whole tree for the
operator (read from the subtree rollups), a middle pairing's own tree, and only the pairings
a coordinator sees."""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.accounts.models import RoleAssignment
from pairaid.ledger import figure_sets, figures, services
from pairaid.ledger.models import Confirmation, FundFlow, Person, Project
from pairaid.ledger.money import ZERO, from_fen

PROPERTY = settings(
    deadline=None,
    max_examples=8,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TODAY = timezone.localdate()
KINDS = [k.value for k in FundFlow.Kind]
SOURCES = [s.value for s in FundFlow.Source]
_serial = itertools.count(1)


def make_tree(build):
    """city → (seen district → town) and (hidden district); `scoped` coordinates the city and
    the seen district, not the town nor the hidden district."""
    n = next(_serial)
    start = dt.date(2019, 1, 1)
    city = build.pairing(f"树市{n}", f"树州{n}", valid_from=start)
    seen = build.pairing(f"明区{n}", f"明县{n}", parent=city, valid_from=start)
    town = build.pairing(f"明镇{n}", f"明乡{n}", parent=seen, valid_from=start)
    hidden = build.pairing(f"暗区{n}", f"暗县{n}", parent=city, valid_from=start)
    scoped = get_user_model().objects.create_user(f"tree-coordinator-{n}", password="pass")
    for pairing in (city, seen):
        RoleAssignment.objects.create(user=scoped, role="coordinator", region=pairing.helper_region)
    pairings = [city, seen, town, hidden]
    projects = [build.project(p, start=dt.date(2019, 1, 2)) for p in pairings]
    return SimpleNamespace(
        city=city,
        seen=seen,
        town=town,
        hidden=hidden,
        pairings=pairings,
        projects=projects,
        scoped=scoped,
        people=[build.person(f"树人{n}-{i}") for i in range(4)],
    )


flows_drawn = st.lists(
    st.tuples(
        st.integers(0, 3),  # which pairing
        st.sampled_from(KINDS),
        st.sampled_from(SOURCES),
        st.integers(2019, 2023),
        st.integers(1, 12),
        st.integers(1, 10**10),
        st.booleans(),  # confirmed
    ),
    max_size=8,
)
projects_drawn = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.sampled_from([*Project.STARTED, Project.Status.APPROVED, Project.Status.CANCELLED]),
        st.dates(dt.date(2019, 1, 1), dt.date(2024, 12, 31)),
    ),
    max_size=6,
)
postings_drawn = st.lists(
    st.tuples(
        st.integers(0, 3),  # which pairing
        st.integers(0, 3),  # which person
        st.dates(dt.date(2019, 1, 1), dt.date(2024, 12, 31)),
    ),
    max_size=6,
)
windows_drawn = st.lists(
    st.tuples(
        st.integers(2019, 2024),
        st.one_of(st.just(TODAY), st.dates(dt.date(2019, 6, 1), dt.date(2025, 6, 30))),
        st.booleans(),  # confirmed only
    ),
    min_size=1,
    max_size=2,
)


def fill(build, tree, flows, projects, postings):
    made = SimpleNamespace(flows=[], projects=list(tree.projects), postings=[])
    for which, kind, source, year, month, fen, confirmed in flows:
        pairing = tree.pairings[which]
        flow = services.record_fund_flow(
            acting_user=None,
            via="test",
            pairing=pairing,
            kind=kind,
            source=source,
            fund_year=year,
            date=dt.date(year, month, 1),
            amount=from_fen(fen),
            project=tree.projects[which] if kind in FundFlow.NEEDS_PROJECT else None,
        )
        if confirmed:
            services.confirm_record(flow, acting_user=None, via="test", accept=True)
            flow.refresh_from_db()
        made.flows.append(flow)
    for which, status, start in projects:
        made.projects.append(build.project(tree.pairings[which], status=status, start=start))
    for which, who, start in postings:
        made.postings.append(build.posting(tree.people[who], tree.pairings[which], start))
    return made


def expected(made, ids, w):
    """Money by stage, projects implemented and persons dispatched of `ids`, in Python."""
    money = {}
    for kind in KINDS:
        money[kind] = sum(
            (
                f.amount
                for f in made.flows
                if f.pairing_id in ids
                and f.kind == kind
                and w.from_year <= f.fund_year <= w.to_year
                and f.date <= w.as_of
                and (not w.confirmed_only or f.confirmation == Confirmation.CONFIRMED)
            ),
            ZERO,
        )
    started = sum(
        1
        for p in made.projects
        if p.pairing_id in ids
        and p.status in Project.STARTED
        and p.start_date
        and w.start <= p.start_date <= w.end
    )
    postings = [
        p
        for p in made.postings
        if p.pairing_id in ids
        and w.start <= p.start_date <= w.end
        and not w.confirmed_only  # none of the drawn postings is confirmed
    ]
    return money, started, len({p.person_id for p in postings}), len(postings)


def check(made, w, ids):
    assert set(w.pairing_ids) == {p.pk for p in ids}
    money, started, persons, postings = expected(made, {p.pk for p in ids}, w)
    for kind in KINDS:
        assert figures.funds(w, kind).value == money[kind]
        assert figures.sum_amount(figures.funds(w, kind).records) == money[kind]
    assert figures.projects_implemented(w).value == started
    assert figures.persons_dispatched(w).value == persons
    assert figures.persons_dispatched(w, figures.POSTINGS).value == postings


@PROPERTY
@given(flows=flows_drawn, projects=projects_drawn, postings=postings_drawn, asked=windows_drawn)
def test_it_counts_whole_trees_and_parts_of_trees_as_their_records(
    build, flows, projects, postings, asked
):
    tree = make_tree(build)
    made = fill(build, tree, flows, projects, postings)
    for from_year, as_of, confirmed_only in asked:
        options = {"from_year": from_year, "as_of": as_of, "confirmed_only": confirmed_only}

        whole = figures.window_for(tree.city, include_children=True, **options)
        assert whole.whole_tree_of == tree.city.pk
        check(made, whole, tree.pairings)

        middle = figures.window_for(tree.seen, include_children=True, **options)
        assert middle.whole_tree_of == tree.seen.pk
        check(made, middle, [tree.seen, tree.town])

        leaf = figures.window_for(tree.town, include_children=True, **options)
        check(made, leaf, [tree.town])

        alone = figures.window_for(tree.city, **options)
        assert alone.whole_tree_of is None
        check(made, alone, [tree.city])

        scoped = figures.window_for(tree.city, include_children=True, user=tree.scoped, **options)
        assert scoped.whole_tree_of is None  # the coordinator does not see the whole tree
        check(made, scoped, [tree.city, tree.seen])


@settings(PROPERTY, max_examples=5)
@given(flows=flows_drawn, projects=projects_drawn, postings=postings_drawn)
def test_it_writes_each_pairings_sentence_from_the_records_of_its_tree(
    build, flows, projects, postings
):
    tree = make_tree(build)
    made = fill(build, tree, flows, projects, postings)

    for user, seen_below in ((None, None), (tree.scoped, [tree.city, tree.seen])):
        summaries = figure_sets.summaries(tree.pairings, as_of=TODAY, user=user)
        below = {
            tree.city.pk: seen_below or tree.pairings,
            tree.seen.pk: [tree.seen] if user else [tree.seen, tree.town],
            tree.town.pk: [tree.town],
            tree.hidden.pk: [tree.hidden],
        }
        for summary in summaries:
            ids = {p.pk for p in below[summary.pairing.pk]}
            w = summary.funds.window
            money, started, persons, _postings = expected(made, ids, w)
            assert set(w.pairing_ids) == ids
            assert summary.funds.value == money[FundFlow.Kind.TRANSFER]
            assert summary.projects.value == started
            assert summary.persons.value == persons


# --- one scene per test --------------------------------------------------------------------


def test_it_counts_a_person_posted_in_two_pairings_of_a_tree_once(build):
    tree = make_tree(build)
    person = build.person("两地干部", category=Person.Category.CADRE)
    build.posting(person, tree.seen, dt.date(2021, 3, 1))
    build.posting(person, tree.hidden, dt.date(2022, 3, 1))

    whole = figures.window_for(tree.city, include_children=True, as_of=TODAY)

    assert figures.persons_dispatched(whole).value == 1
    assert figures.persons_dispatched(whole, figures.POSTINGS).value == 2
    scoped = figures.window_for(tree.city, include_children=True, as_of=TODAY, user=tree.scoped)
    assert figures.persons_dispatched(scoped).value == 1
    assert figures.persons_dispatched(scoped, figures.POSTINGS).value == 1


def test_it_counts_a_person_first_posted_before_the_window_in_it_by_a_later_posting(build):
    tree = make_tree(build)
    person = build.person("连任干部")
    build.posting(person, tree.town, dt.date(2019, 3, 1))
    build.posting(person, tree.hidden, dt.date(2022, 3, 1))

    in_2022 = figures.window_for(
        tree.city, include_children=True, from_year=2022, to_year=2022, as_of=TODAY
    )
    in_2020 = figures.window_for(
        tree.city, include_children=True, from_year=2020, to_year=2021, as_of=TODAY
    )

    assert figures.persons_dispatched(in_2022).value == 1
    assert figures.persons_dispatched(in_2020).value == 0


def test_it_follows_a_pairing_moved_to_another_parent(build):
    tree = make_tree(build)
    build.flow(tree.town, "321.00", year=2021)
    before = figures.window_for(tree.city, include_children=True, as_of=TODAY)
    assert (
        figures.funds_invested(before).value
        == figures.funds_invested(figures.window_for(tree.town, as_of=TODAY)).value
    )

    services.update_record(tree.town, acting_user=None, via="test", parent=tree.hidden)

    moved = figures.window_for(tree.hidden, include_children=True, as_of=TODAY)
    left = figures.window_for(tree.seen, include_children=True, as_of=TODAY)
    city = figures.window_for(tree.city, include_children=True, as_of=TODAY)
    town_alone = figures.funds_invested(figures.window_for(tree.town, as_of=TODAY)).value
    assert figures.funds_invested(moved).value == town_alone
    assert figures.funds_invested(left).value == ZERO
    assert figures.funds_invested(city).value == town_alone


def test_it_counts_an_ended_child_in_its_parents_figure(build):
    tree = make_tree(build)
    build.flow(tree.hidden, "50.00", year=2020)
    services.update_record(tree.hidden, acting_user=None, via="test", valid_to=dt.date(2021, 1, 1))

    whole = figures.window_for(tree.city, include_children=True, as_of=TODAY)

    assert (
        figures.funds_invested(whole).value
        == figures.funds_invested(figures.window_for(tree.hidden, as_of=TODAY)).value
    )


def test_it_describes_the_window_of_a_tree_figure(build):
    tree = make_tree(build)
    w = figures.window_for(
        tree.city, include_children=True, from_year=2020, as_of=dt.date(2022, 12, 4)
    )

    assert w.describe() == "2020—2022年，截至2022-12-04，含待确认记录"
    confirmed = figures.window_for(tree.city, as_of=dt.date(2022, 12, 4), confirmed_only=True)
    assert confirmed.describe() == "2019—2022年，截至2022-12-04，仅已确认记录"
    assert figures.funds_invested(w).to_dict()["from_year"] == 2020
    assert figures.funds_invested(confirmed).to_dict()["confirmed_only"] is True
