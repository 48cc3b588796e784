"""The project breakdowns (ledger/breakdowns.py): projects implemented by sector and by status,
the cells of both, projects completed, projects not (yet) implemented, and funded projects
with no progress reported. Each part is counted here from the projects the test made."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.ledger import breakdowns, figures, services, status_history
from pairaid.ledger.models import FundFlow, Project

PROPERTY = settings(
    deadline=None,
    max_examples=8,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SECTORS = [Project.Sector.INDUSTRY, Project.Sector.EDUCATION, Project.Sector.INFRASTRUCTURE]
STATUSES = list(Project.Status.values)
TODAY = timezone.localdate()
_serial = itertools.count(1)


def fresh(build):
    n = next(_serial)
    return build.pairing(f"项目甲区{n}", f"项目乙县{n}", valid_from=dt.date(2019, 1, 1))


def window(pairing, **options):
    options.setdefault("as_of", TODAY)
    return figures.window_for(pairing, **options)


def make(build, pairing, sector, status, start, end=None):
    if status in Project.STARTED or start is not None:
        start = start or dt.date(2020, 1, 1)
    return build.project(pairing, status=status, start=start, sector=sector, end_date=end)


projects_drawn = st.lists(
    st.tuples(
        st.sampled_from(SECTORS),
        st.sampled_from(STATUSES),
        st.one_of(st.none(), st.dates(dt.date(2019, 1, 1), dt.date(2024, 12, 31))),
        st.integers(0, 900),  # days from the start to completion
    ),
    min_size=1,
    max_size=8,
)


@PROPERTY
@given(drawn=projects_drawn, from_year=st.integers(2019, 2024))
def test_it_splits_the_projects_implemented_into_sectors_and_statuses_that_add_up(
    build, drawn, from_year
):
    pairing = fresh(build)
    made = []
    for sector, status, start, days in drawn:
        end = start + dt.timedelta(days=days) if start and days else None
        made.append(make(build, pairing, sector, status, start, end))
    w = window(pairing, from_year=from_year)

    implemented = [
        p
        for p in made
        if p.status in Project.STARTED and p.start_date and p.start_date.year >= from_year
    ]
    figure = figures.projects_implemented(w)
    assert figure.value == len(implemented)

    by_sector = breakdowns.implemented_by(w, "sector")
    assert sum(f.value for f in by_sector.values()) == figure.value
    counted = Counter(p.sector for p in implemented)
    for sector, part in by_sector.items():
        assert part.value == counted[sector]
        assert part.records.count() == part.value

    by_status = breakdowns.implemented_by(w, "status")
    assert set(by_status) == set(Project.STARTED)
    assert sum(f.value for f in by_status.values()) == figure.value
    for status, part in by_status.items():
        assert part.value == sum(1 for p in implemented if p.status == status)

    cells = breakdowns.implemented_by_sector_and_status(w)
    assert sum(cells.values()) == figure.value
    assert cells == dict(Counter((p.sector, p.status) for p in implemented))


@PROPERTY
@given(drawn=projects_drawn, year=st.integers(2019, 2025))
def test_it_counts_the_projects_completed_in_a_year_whenever_they_started(build, drawn, year):
    pairing = fresh(build)
    made = []
    for sector, status, start, days in drawn:
        end = start + dt.timedelta(days=days) if start and days else None
        made.append(make(build, pairing, sector, status, start, end))
    w = window(pairing, from_year=year, to_year=year)

    finished = (Project.Status.COMPLETED, Project.Status.HANDED_OVER, Project.Status.OPERATING)
    expected = {
        p.pk for p in made if p.status in finished and p.end_date and w.start <= p.end_date <= w.end
    }
    completed = breakdowns.projects_completed(w)
    assert completed.value == len(expected)
    assert set(completed.records.values_list("pk", flat=True)) == expected


def test_it_counts_projects_not_yet_implemented_by_their_status(build):
    pairing = fresh(build)
    make(build, pairing, SECTORS[0], Project.Status.PLANNED, None)
    make(build, pairing, SECTORS[0], Project.Status.PLANNED, dt.date(2022, 3, 1))
    make(build, pairing, SECTORS[1], Project.Status.APPROVED, None)
    make(build, pairing, SECTORS[1], Project.Status.CANCELLED, dt.date(2021, 1, 1))
    make(build, pairing, SECTORS[2], Project.Status.IN_PROGRESS, dt.date(2021, 1, 1))
    # planned to start after the window's end: not yet a project of the window
    make(build, pairing, SECTORS[2], Project.Status.APPROVED, dt.date(2024, 1, 1))
    w = window(pairing, as_of=dt.date(2023, 6, 30))

    parts = breakdowns.projects_not_started(w)

    assert {status: part.value for status, part in parts.items()} == {
        Project.Status.PLANNED: 2,
        Project.Status.APPROVED: 1,
        Project.Status.CANCELLED: 1,
    }
    for status, part in parts.items():
        assert part.label == str(Project.Status(status).label)
        assert "2023-06-30" in part.rule
        assert set(part.records.values_list("status", flat=True)) <= {status}


def test_it_keeps_a_project_cancelled_after_the_as_of_date_in_the_past_figure(build):
    pairing = fresh(build)
    project = make(build, pairing, SECTORS[0], Project.Status.IN_PROGRESS, dt.date(2021, 4, 1))
    services.update_record(project, acting_user=None, via="test", status=Project.Status.CANCELLED)
    past = window(pairing, as_of=dt.date(2022, 12, 31))

    assert figures.projects_implemented(past).value == 1
    assert figures.projects_implemented(window(pairing)).value == 0
    by_sector = breakdowns.implemented_by(past, "sector")
    assert by_sector[SECTORS[0]].value == 1
    assert sum(f.value for f in by_sector.values()) == 1


def test_it_counts_a_project_started_in_the_window_by_its_start_date_not_its_year(build):
    pairing = fresh(build)
    make(build, pairing, SECTORS[0], Project.Status.IN_PROGRESS, dt.date(2020, 12, 31))
    make(build, pairing, SECTORS[0], Project.Status.IN_PROGRESS, dt.date(2021, 1, 1))
    make(build, pairing, SECTORS[0], Project.Status.IN_PROGRESS, dt.date(2021, 6, 30))
    make(build, pairing, SECTORS[0], Project.Status.IN_PROGRESS, dt.date(2021, 7, 1))
    w = window(pairing, from_year=2021, to_year=2021, as_of=dt.date(2021, 6, 30))

    assert figures.projects_implemented(w).value == 2
    assert breakdowns.implemented_by(w, "sector")[SECTORS[0]].value == 2
    assert "2021-01-01" in figures.projects_implemented(w).rule
    assert "2021-06-30" in figures.projects_implemented(w).rule


def test_it_labels_each_status_part_and_says_it_is_the_status_today(build):
    pairing = fresh(build)
    w = window(pairing)

    by_status = breakdowns.implemented_by(w, "status")

    for status, part in by_status.items():
        assert part.label == str(Project.Status(status).label)
        assert "当前状态" in part.rule
        assert part.key == f"projects_implemented_status_{status}"
        assert part.unit == "个"
        assert part.value == 0


def test_it_names_every_sector_in_the_sector_split(build):
    pairing = fresh(build)

    by_sector = breakdowns.implemented_by(window(pairing), "sector")

    assert list(by_sector) == list(Project.Sector.values)
    for sector, part in by_sector.items():
        assert str(Project.Sector(sector).label) in part.rule


# --- funded projects with no progress -------------------------------------------------------


def progress(project, day, percent):
    services.record_progress_update(
        project, date=day, progress=percent, text="进度", acting_user=None, via="test"
    )


def test_it_lists_funded_projects_that_reported_nothing_for_a_year(build):
    pairing = fresh(build)
    silent = make(build, pairing, SECTORS[0], Project.Status.IN_PROGRESS, dt.date(2021, 1, 1))
    reported_long_ago = make(
        build, pairing, SECTORS[1], Project.Status.IN_PROGRESS, dt.date(2021, 1, 1)
    )
    reported_lately = make(
        build, pairing, SECTORS[2], Project.Status.IN_PROGRESS, dt.date(2021, 1, 1)
    )
    unfunded = make(build, pairing, SECTORS[0], Project.Status.IN_PROGRESS, dt.date(2021, 1, 1))
    for project in (silent, reported_long_ago, reported_lately):
        build.flow(pairing, "10.00", kind=FundFlow.Kind.ALLOCATE, project=project, year=2022)
    progress(reported_long_ago, dt.date(2022, 1, 10), 30)
    progress(reported_lately, dt.date(2022, 11, 1), 40)
    w = window(pairing, as_of=dt.date(2023, 3, 1))

    listed = list(breakdowns.projects_with_money_but_no_progress(w))

    assert silent in listed and reported_long_ago in listed
    assert reported_lately not in listed and unfunded not in listed
    assert listed == sorted(listed, key=lambda p: (p.pairing_id, p.code))


def test_it_leaves_finished_and_cancelled_projects_off_the_no_progress_list(build):
    pairing = fresh(build)
    finished = make(build, pairing, SECTORS[0], Project.Status.IN_PROGRESS, dt.date(2021, 1, 1))
    cancelled = make(build, pairing, SECTORS[1], Project.Status.IN_PROGRESS, dt.date(2021, 1, 1))
    for project in (finished, cancelled):
        build.flow(pairing, "10.00", kind=FundFlow.Kind.ALLOCATE, project=project, year=2021)
    progress(finished, dt.date(2021, 5, 1), 100)
    services.update_record(cancelled, acting_user=None, via="test", status=Project.Status.CANCELLED)

    listed = list(breakdowns.projects_with_money_but_no_progress(window(pairing)))

    assert listed == []


def test_it_counts_an_allocation_reversed_in_full_as_funding_still_given(build):
    """The list asks which projects received an allocation record in the window, not which
    hold money now: a reversed allocation still named the project."""
    pairing = fresh(build)
    project = make(build, pairing, SECTORS[0], Project.Status.IN_PROGRESS, dt.date(2021, 1, 1))
    flow = build.flow(pairing, "10.00", kind=FundFlow.Kind.ALLOCATE, project=project)
    services.reverse_fund_flow(
        flow, acting_user=None, via="test", reason="错拨", on=dt.date(2021, 7, 1)
    )
    w = window(pairing)

    assert figures.funds(w, FundFlow.Kind.ALLOCATE).value == 0
    assert list(breakdowns.projects_with_money_but_no_progress(w)) == [project]


def test_it_reads_a_projects_status_on_a_past_day_from_its_history(build):
    pairing = fresh(build)
    project = make(build, pairing, SECTORS[0], Project.Status.APPROVED, None)
    services.update_record(
        project,
        acting_user=None,
        via="test",
        status=Project.Status.IN_PROGRESS,
        start_date=dt.date(2022, 5, 1),
    )
    projects = Project.objects.filter(pk=project.pk)

    assert status_history.started_on(projects, dt.date(2022, 4, 30)).count() == 0
    assert status_history.started_on(projects, dt.date(2022, 5, 1)).count() == 1
    assert figures.projects_implemented(window(pairing, as_of=dt.date(2022, 4, 30))).value == 0
    assert figures.projects_implemented(window(pairing, as_of=dt.date(2022, 5, 1))).value == 1
