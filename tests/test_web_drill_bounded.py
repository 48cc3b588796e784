"""Drill-downs and lists whose cost is their page's: a stage's fund drill-down lists the same
rows in the same order on its first and a later page (read through the index of its kind in
date order); the event and agreement lists count each row's tasks, agreements, participants
and obligations as before, with the same number of queries for more records; a drill-down of
the dispatched persons or postings shows the figure's number as its count without counting
again, and counts when a filter narrows it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pairaid.ledger import services
from pairaid.ledger.models import (
    Agreement,
    Event,
    EventParticipant,
    FundFlow,
    Obligation,
    Person,
    Posting,
    Task,
    WorkStatus,
)
from pairaid.web.listing import PER_PAGE

AS_OF = dt.date(2024, 12, 31)


def create(model: type, **fields):
    return services.create_record(model, acting_user=None, via="test", **fields)


def get(client, url: str, params: dict) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, (url, params)
    return response.content.decode(), [q["sql"] for q in captured.captured_queries]


def queries_with_more(
    client, url: str, params: dict, add: Callable[[int], None], few: int, more: int
) -> tuple[int, int]:
    """The page's number of queries with `few` records added, then with `more` added to them."""
    add(few)
    before = len(get(client, url, params)[1])
    add(more)
    return before, len(get(client, url, params)[1])


def shown_count(page: str) -> int:
    return int(re.search(r'data-count="(\d+)"', page).group(1))


def fund_ids(page: str) -> list[int]:
    return list(dict.fromkeys(int(pk) for pk in re.findall(r'href="/funds/(\d+)/"', page)))


# --- 1. a stage's fund drill-down ----------------------------------------------------------


@pytest.fixture
def funds_tree(build):
    """A province pairing with two counties below, each with flows of every kind on many
    days (ties on a day included), and flows of another province that the drill leaves out."""
    province = build.pairing("甲省", "乙省")
    counties = [build.pairing(f"甲{n}区", f"乙{n}县", parent=province) for n in range(2)]
    other = build.pairing("丙省", "丁省")
    made: dict[str, list[FundFlow]] = {kind: [] for kind in FundFlow.Kind.values}
    projects = {p.pk: build.project(p) for p in (province, *counties, other)}

    def flow(pairing, amount: str, kind: str, day: dt.date) -> FundFlow:
        project = projects[pairing.pk] if kind in FundFlow.NEEDS_PROJECT else None
        return build.flow(pairing, amount, kind, year=2024, day=day, project=project)

    for n in range(70):
        day = dt.date(2024, 1, 1) + dt.timedelta(days=n % 40)
        for pairing in (province, *counties):
            kind = FundFlow.Kind.values[n % 4]
            made[kind].append(flow(pairing, f"{100 + n}.00", kind, day))
        flow(other, "5.00", FundFlow.Kind.values[n % 4], day)
    return province, counties, made


def drill(key: str, pairing, children: bool) -> dict[str, str]:
    params = {"figure": key, "pairing": str(pairing.pk), "as_of": AS_OF.isoformat()}
    if children:
        params["children"] = "1"
    return params


@pytest.mark.parametrize("kind", FundFlow.Kind.values)
def test_a_stage_drill_down_lists_its_kind_newest_first_on_every_page(
    admin_client, funds_tree, kind
):
    province, _counties, made = funds_tree
    expected = sorted(made[kind], key=lambda f: (f.date, f.pk), reverse=True)

    first, _q = get(admin_client, reverse("web:funds"), drill(f"funds_{kind}", province, True))
    second, _q = get(
        admin_client, reverse("web:funds"), {**drill(f"funds_{kind}", province, True), "page": 2}
    )

    assert fund_ids(first) == [f.pk for f in expected[:PER_PAGE]]
    assert fund_ids(second) == [f.pk for f in expected[PER_PAGE : 2 * PER_PAGE]]
    assert shown_count(first) == len(expected)
    assert shown_total(first) == sum((f.amount for f in expected), Decimal("0"))


def shown_total(page: str) -> Decimal:
    return Decimal(re.search(r'data-total="([-\d.]+)"', page).group(1))


def sums_of_flows(queries: list[str]) -> list[str]:
    return [
        q
        for q in queries
        if "SUM(" in q.upper() and q.startswith('SELECT "ledger_fundflow"."kind"')
    ]


def test_a_stage_drill_down_takes_its_total_from_the_figure_until_a_filter_narrows_it(
    admin_client, funds_tree
):
    province, _counties, made = funds_tree
    kind = FundFlow.Kind.PLAN
    params = drill(f"funds_{kind}", province, True)

    page, queries = get(admin_client, reverse("web:funds"), params)
    narrowed, narrowed_queries = get(
        admin_client, reverse("web:funds"), {**params, "q": "no such voucher"}
    )
    by_year, _q = get(admin_client, reverse("web:funds"), {**params, "year": 2024})

    assert shown_total(page) == sum((f.amount for f in made[kind]), Decimal("0"))
    assert sums_of_flows(queries) == []
    assert shown_count(narrowed) == 0 and shown_total(narrowed) == 0
    assert len(sums_of_flows(narrowed_queries)) == 1
    # every flow here is of fund year 2024: the year's filter sums them all again
    assert shown_total(by_year) == shown_total(page)


def test_a_county_stage_drill_down_lists_the_county_alone(admin_client, funds_tree):
    _province, counties, made = funds_tree
    county = counties[0]
    kind = FundFlow.Kind.TRANSFER
    expected = sorted(
        (f for f in made[kind] if f.pairing_id == county.pk),
        key=lambda f: (f.date, f.pk),
        reverse=True,
    )

    page, _q = get(admin_client, reverse("web:funds"), drill(f"funds_{kind}", county, False))

    assert fund_ids(page) == [f.pk for f in expected[:PER_PAGE]]
    assert shown_count(page) == len(expected)


def test_a_stage_drill_down_runs_the_same_queries_for_more_flows(admin_client, build):
    province = build.pairing("甲省", "乙省")
    county = build.pairing("甲区", "乙县", parent=province)
    params = drill("funds_plan", province, True)

    def add(n: int) -> None:
        for i in range(n):
            build.flow(county, "10.00", FundFlow.Kind.PLAN, year=2024, day=dt.date(2024, 3, 1 + i))

    before, after = queries_with_more(admin_client, reverse("web:funds"), params, add, 3, 27)

    assert after == before


# --- 2. the event and agreement lists' counts ----------------------------------------------


def event_rows(page: str) -> dict[int, str]:
    """{event pk: its row's html} of an event list page."""
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S)
    found = {}
    for row in rows:
        match = re.search(r'href="/events/(\d+)/"', row)
        if match:
            found[int(match.group(1))] = row
    return found


def cells(row: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]


def make_events(build, pairing, n: int, start: int = 0) -> list[Event]:
    events = []
    for i in range(start, start + n):
        event = create(
            Event,
            pairing=pairing,
            kind=Event.Kind.VISIT,
            title=f"调研{i}",
            start_date=dt.date(2024, 1, 1) + dt.timedelta(days=i),
        )
        for p in range(i % 3):
            create(EventParticipant, event=event, name=f"参加人{i}-{p}")
        for a in range(i % 2):
            create(
                Agreement,
                pairing=pairing,
                title=f"协议{i}-{a}",
                kind=Agreement.Kind.FRAMEWORK,
                event=event,
            )
        for t in range(i % 4):
            create(
                Task,
                pairing=pairing,
                title=f"清单{i}-{t}",
                due_date=dt.date(2024, 6, 1),
                event=event,
            )
        events.append(event)
    return events


def test_the_event_list_counts_each_rows_participants_agreements_and_tasks(admin_client, build):
    pairing = build.pairing()
    events = make_events(build, pairing, 60)
    newest = sorted(events, key=lambda e: (e.start_date, e.pk), reverse=True)

    for number, shown in ((1, newest[:PER_PAGE]), (2, newest[PER_PAGE:])):
        page, _q = get(admin_client, reverse("web:events"), {"pairing": pairing.pk, "page": number})
        rows = event_rows(page)
        assert list(rows) == [e.pk for e in shown]
        for event in shown:
            expected = [
                str(EventParticipant.objects.filter(event=event).count()),
                str(Agreement.objects.filter(event=event).count()),
                str(Task.objects.filter(event=event).count()),
            ]
            row = cells(rows[event.pk])
            assert row[-3:] == expected, (event.title, row)
    assert shown_count(page) == len(events)


def test_the_event_and_agreement_lists_run_the_same_queries_for_more_records(admin_client, build):
    pairing = build.pairing()
    make_events(build, pairing, 4)
    urls = [reverse("web:events"), reverse("web:agreements")]
    before = [len(get(admin_client, url, {})[1]) for url in urls]
    before += [len(get(admin_client, url, {"pairing": pairing.pk})[1]) for url in urls]
    make_events(build, pairing, 36, start=4)
    after = [len(get(admin_client, url, {})[1]) for url in urls]
    after += [len(get(admin_client, url, {"pairing": pairing.pk})[1]) for url in urls]

    assert after == before


def test_the_event_lists_count_query_groups_nothing(admin_client, build):
    pairing = build.pairing()
    make_events(build, pairing, 3)

    _page, queries = get(admin_client, reverse("web:events"), {"pairing": pairing.pk})

    counts = [q for q in queries if q.startswith("SELECT COUNT(*)") and "ledger_event" in q]
    assert len(counts) == 1
    assert "GROUP BY" not in counts[0].upper() and "ledger_task" not in counts[0]


def test_the_agreement_list_counts_each_rows_obligations_and_open_ones(admin_client, build):
    pairing = build.pairing()
    statuses = list(WorkStatus.values)
    agreements = []
    for i in range(55):
        agreement = create(
            Agreement,
            pairing=pairing,
            title=f"协议{i:02d}",
            kind=Agreement.Kind.FRAMEWORK,
            signed_date=dt.date(2023, 1, 1) + dt.timedelta(days=i),
        )
        for o in range(i % 4):
            create(
                Obligation,
                agreement=agreement,
                deliverable=f"事项{i}-{o}",
                due_date=dt.date(2030, 1, 1),
                status=statuses[(i + o) % len(statuses)],
            )
        agreements.append(agreement)
    newest = sorted(agreements, key=lambda a: (a.signed_date, a.pk), reverse=True)
    open_ = (WorkStatus.OPEN, WorkStatus.IN_PROGRESS)

    for number, shown in ((1, newest[:PER_PAGE]), (2, newest[PER_PAGE:])):
        page, _q = get(
            admin_client, reverse("web:agreements"), {"pairing": pairing.pk, "page": number}
        )
        pks = list(dict.fromkeys(int(pk) for pk in re.findall(r'href="/agreements/(\d+)/"', page)))
        assert pks == [a.pk for a in shown]
        for agreement in shown:
            obligations = Obligation.objects.filter(agreement=agreement)
            n_open = obligations.filter(status__in=open_).count()
            row = re.search(rf'href="/agreements/{agreement.pk}/".*?</tr>', page, re.S).group(0)
            text = re.sub(r"<[^>]+>", " ", row)
            shown_counts = f"{obligations.count()}（{n_open}）"
            assert shown_counts in text or obligations.count() == 0, (agreement.title, text)
    assert shown_count(page) == len(agreements)


# --- 3. the persons drill-downs' counts ----------------------------------------------------


@pytest.fixture
def persons_tree(build):
    province = build.pairing("甲省", "乙省")
    counties = [build.pairing(f"甲{n}区", f"乙{n}县", parent=province) for n in range(2)]
    for n in range(60):
        person = build.person(
            f"人{n}", Person.Category.CADRE if n % 2 else Person.Category.PROFESSIONAL
        )
        build.posting(person, counties[n % 2], dt.date(2023, 1, 1) + dt.timedelta(days=n))
        if n % 3 == 0:  # posted twice: one person, two postings
            build.posting(person, counties[(n + 1) % 2], dt.date(2024, 1, 1) + dt.timedelta(days=n))
    return province, counties


def person_pks(page: str) -> list[int]:
    return list(dict.fromkeys(int(pk) for pk in re.findall(r'href="/people/(\d+)/"', page)))


def test_the_persons_drill_down_shows_the_figures_number_without_counting_again(
    admin_client, persons_tree
):
    province, counties = persons_tree
    postings = Posting.objects.filter(pairing__in=counties)
    persons = Person.objects.filter(pk__in=postings.values("person_id"))

    first, queries = get(
        admin_client, reverse("web:persons"), drill("persons_dispatched_persons", province, True)
    )
    second, _q = get(
        admin_client,
        reverse("web:persons"),
        {**drill("persons_dispatched_persons", province, True), "page": 2},
    )

    assert shown_count(first) == persons.count() == 60
    assert len(person_pks(first)) == PER_PAGE
    assert sorted(person_pks(first) + person_pks(second)) == sorted(p.pk for p in persons)
    person_counts = [q for q in queries if "COUNT(" in q.upper() and "ledger_person" in q]
    assert len(person_counts) <= 1  # the figure's own (or none: read from the rollups)


def test_the_postings_drill_down_shows_the_number_of_postings_and_of_persons(
    admin_client, persons_tree
):
    province, counties = persons_tree
    postings = Posting.objects.filter(pairing__in=counties)

    page, queries = get(
        admin_client, reverse("web:postings"), drill("persons_dispatched_postings", province, True)
    )

    assert shown_count(page) == postings.count() == 80
    counts = [q for q in queries if "COUNT(" in q.upper() and "ledger_posting" in q]
    # the figure's number of postings and the distinct persons of the total, not a third
    assert len(counts) == 2


def test_a_filter_on_a_persons_drill_down_counts_the_narrowed_rows(admin_client, persons_tree):
    province, counties = persons_tree
    params = {**drill("persons_dispatched_persons", province, True), "q": "人1"}
    expected = Person.objects.filter(
        pk__in=Posting.objects.filter(pairing__in=counties).values("person_id"),
        name__contains="人1",
    ).count()

    page, _q = get(admin_client, reverse("web:persons"), params)

    assert shown_count(page) == expected < 60


def test_a_persons_drill_down_of_one_county_counts_its_own(admin_client, persons_tree):
    _province, counties = persons_tree
    county = counties[1]
    expected = Person.objects.filter(
        pk__in=Posting.objects.filter(pairing=county).values("person_id")
    ).count()

    page, _q = get(
        admin_client, reverse("web:persons"), drill("persons_dispatched_persons", county, False)
    )

    assert shown_count(page) == expected


def test_the_persons_drill_down_runs_the_same_queries_for_more_postings(admin_client, build):
    province = build.pairing("甲省", "乙省")
    county = build.pairing("甲区", "乙县", parent=province)
    params = drill("persons_dispatched_persons", province, True)

    def add(n: int) -> None:
        for i in range(n):
            build.posting(build.person(f"人{i}"), county, dt.date(2023, 2, 1 + i))

    before, after = queries_with_more(admin_client, reverse("web:persons"), params, add, 3, 25)

    assert after == before
