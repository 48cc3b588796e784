"""Project rollups (ProjectRollup, kept by triggers; `pairaid rollups rebuild [--check]`): in
step with every project write, and the count of projects started (实施项目) read from them
equals counting the records."""

from __future__ import annotations

import datetime as dt
import itertools
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.ledger import figures, rollups, services
from pairaid.ledger.demo import national as national_loader
from pairaid.ledger.demo import national_records as national
from pairaid.ledger.models import Project, ProjectRollup

PROPERTY = settings(
    deadline=None,
    max_examples=20,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_serial = itertools.count(1)
STATUSES = [s.value for s in Project.Status]
TODAY = timezone.localdate()


def check() -> str:
    out = StringIO()
    call_command("rollups", "rebuild", "--check", stdout=out, stderr=out)
    return out.getvalue()


def counted(ids, start, end) -> int:
    """What the figure must answer: the project records counted."""
    return Project.objects.filter(
        pairing_id__in=ids,
        status__in=Project.STARTED,
        start_date__gte=start,
        start_date__lte=end,
    ).count()


def fresh(build):
    n = next(_serial)
    return build.pairing(f"项目汇总甲区{n}", f"项目汇总乙县{n}", valid_from=dt.date(2019, 1, 1))


def test_it_finds_the_demo_in_step_with_its_records(db):
    assert ProjectRollup.objects.exists()
    assert "项目汇总与项目记录一致" in check()


def test_it_keeps_counts_through_every_project_write(build):
    pairing, other = fresh(build), fresh(build)
    started = build.project(pairing, start=dt.date(2021, 3, 5))
    planned = build.project(pairing, status=Project.Status.PLANNED, start=None)
    moved = build.project(pairing, start=dt.date(2021, 3, 20))
    window = figures.window_for(pairing, as_of=TODAY)
    assert figures.projects_implemented(window).value == 2

    services.update_record(
        planned,
        acting_user=None,
        via="test",
        status=Project.Status.IN_PROGRESS,
        start_date=dt.date(2022, 1, 9),
    )
    services.update_record(started, acting_user=None, via="test", status="cancelled")
    services.update_record(moved, acting_user=None, via="test", start_date=dt.date(2020, 7, 1))
    services.update_record(moved, acting_user=None, via="test", name="改名不改口径")
    assert "项目汇总与项目记录一致" in check()
    assert (
        figures.projects_implemented(window).value
        == 2
        == counted([pairing.pk], window.start, TODAY)
    )

    services.delete_record(Project.objects.get(pk=started.pk), acting_user=None, via="test")
    Project.objects.filter(pk=moved.pk).update(pairing=other)  # even around the services
    assert "项目汇总与项目记录一致" in check()
    assert figures.projects_implemented(window).value == 1
    assert figures.projects_implemented(figures.window_for(other)).value == 1


# --- random writes and windows -----------------------------------------------------------------

writes = st.lists(
    st.one_of(
        st.tuples(
            st.just("add"),
            st.integers(0, 1),  # which pairing
            st.sampled_from(STATUSES),
            st.dates(dt.date(2019, 1, 1), TODAY),
        ),
        st.tuples(st.just("status"), st.integers(0, 30), st.sampled_from(STATUSES)),
        st.tuples(st.just("start"), st.integers(0, 30), st.dates(dt.date(2019, 1, 1), TODAY)),
        st.tuples(st.just("move"), st.integers(0, 30), st.integers(0, 1)),
        st.tuples(st.just("delete"), st.integers(0, 30)),
    ),
    min_size=1,
    max_size=14,
)
windows = st.lists(
    st.tuples(
        st.dates(dt.date(2018, 1, 1), TODAY),  # start
        st.integers(0, 1500),  # days to the end, from the start
    ),
    min_size=1,
    max_size=6,
)


def apply(write, pairings, projects) -> None:
    op, *args = write
    if op == "add":
        which, status, start = args
        projects.append(
            Project.objects.create(
                pairing=pairings[which],
                code=f"H-{next(_serial):06d}",
                name="随机项目",
                sector=Project.Sector.INDUSTRY,
                mode=Project.Mode.CAPACITY_BUILDING,
                status=status,
                start_date=start,
            )
        )
        return
    if not projects:
        return
    project = projects[args[0] % len(projects)]
    same = Project.objects.filter(pk=project.pk)
    if op == "status":
        same.update(status=args[1])
    elif op == "start":
        same.update(start_date=args[1])
    elif op == "move":
        same.update(pairing=pairings[args[1]])
    elif op == "delete":
        same.delete()
        projects.remove(project)


@PROPERTY
@given(sequence=writes, asked=windows)
def test_it_counts_what_the_records_count_after_any_writes(build, sequence, asked):
    pairings = [fresh(build), fresh(build)]
    projects: list[Project] = []
    for write in sequence:
        apply(write, pairings, projects)
    ids = [pairing.pk for pairing in pairings]
    for start, days in asked:
        end = start + dt.timedelta(days=days)
        answer = rollups.started_by_pairing(ids, start=start, end=end)
        assert answer == {pk: counted([pk], start, end) for pk in ids}
    assert rollups.project_differences() == (0, [])


# --- the command ------------------------------------------------------------------------------


def test_it_reports_a_count_changed_behind_the_triggers_back(build):
    pairing = fresh(build)
    build.project(pairing, start=dt.date(2021, 5, 5))
    row = ProjectRollup.objects.get(pairing=pairing, status=Project.Status.IN_PROGRESS)
    assert (row.project_count, row.month) == (1, dt.date(2021, 5, 1))
    ProjectRollup.objects.filter(pk=row.pk).update(project_count=F("project_count") + 2)

    with pytest.raises(CommandError, match="项目汇总与项目记录有 1 处不一致"):
        check()
    count, found = rollups.project_differences()
    assert count == 1
    assert (found[0].key, found[0].table_count, found[0].records_count) == (
        (pairing.pk, Project.Status.IN_PROGRESS, dt.date(2021, 5, 1)),
        3,
        1,
    )
    out = StringIO()
    call_command("rollups", "rebuild", stdout=out, stderr=out)
    assert "已按项目记录重建项目汇总" in out.getvalue()
    assert "项目汇总与项目记录一致" in check()
    assert ProjectRollup.objects.get(pairing=pairing).project_count == 1


def test_it_stays_in_step_through_an_import_and_its_rollback(build, tmp_path):
    from openpyxl import Workbook

    from pairaid.exchange import services as exchange

    pairing = fresh(build)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "帮扶项目"
    sheet.append(["结对关系", "项目编号", "项目名称", "领域", "帮扶方式", "状态", "开工日期"])
    sheet.append([str(pairing), "IMP-1", "导入项目一", "产业", "造血", "实施中", "2021年6月1日"])
    sheet.append([str(pairing), "IMP-2", "导入项目二", "教育", "输血", "实施中", "2022年2月3日"])
    workbook.save(tmp_path / "projects.xlsx")

    batch, report = exchange.import_file(tmp_path / "projects.xlsx")
    assert report.counts()["added"] == 2, report
    assert "项目汇总与项目记录一致" in check()
    window = figures.window_for(pairing)
    assert figures.projects_implemented(window).value == 2

    exchange.rollback_batch(batch)
    assert "项目汇总与项目记录一致" in check()
    assert figures.projects_implemented(window).value == 0


# --- a bulk load: triggers suspended, the table filled once at the end ------------------------


def test_it_puts_the_triggers_back_and_the_counts_right_when_a_national_load_fails(
    build, monkeypatch
):
    """`demo --national` loads without the rollup's triggers and rebuilds it at the end; when
    the load fails after its first county, the counties it committed are counted, the
    triggers are back as they were, and a later project write is counted by them."""
    triggers = rollups.PROJECTS.triggers()
    assert triggers
    loaded: list[int] = []

    def fail_on_the_second(bulk, leaf, rng):
        if loaded:
            assert rollups.PROJECTS.triggers() == []  # suspended during the load
            raise RuntimeError("the load fails midway")
        national.load_leaf(bulk, leaf, rng)
        loaded.append(leaf.pairing.pk)

    monkeypatch.setattr(national_loader, "load_leaf", fail_on_the_second)
    with pytest.raises(RuntimeError, match="midway"):
        call_command("demo", "--national", "0.001", stdout=StringIO(), verbosity=0)

    assert len(loaded) == 1
    first = Project.objects.filter(pairing_id=loaded[0])
    assert first.filter(status__in=Project.STARTED).exists()
    assert "项目汇总与项目记录一致" in check()
    assert rollups.PROJECTS.triggers() == triggers
    window = figures.window_for(first[0].pairing, as_of=TODAY)
    assert figures.projects_implemented(window).value == counted([loaded[0]], window.start, TODAY)

    pairing = fresh(build)
    build.project(pairing, start=dt.date(2021, 5, 5))
    assert ProjectRollup.objects.get(pairing=pairing).project_count == 1
    assert "项目汇总与项目记录一致" in check()
