"""Subtree rollups (`ledger/subtree_rollups.py`): the pairing tree's links, the money and the
projects of every pairing below a pairing, kept through every write (services, bulk
services, import and rollback, reversals, confirmations, project triggers, a pairing moved
to another parent) as deltas compacted at any point (`pairaid rollups compact`, or after a
write once an ancestor has many), and a coordinating pairing's figures read from them equal
to summing and counting the records."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.ledger import figures, services, subtree_compaction, subtree_reads, subtree_rollups
from pairaid.ledger.models import (
    FundFlow,
    Pairing,
    PairingTreeLink,
    Person,
    Posting,
    Project,
    SubtreeFundDelta,
    SubtreeFundRollup,
    SubtreePerson,
    SubtreePersonDelta,
    SubtreeProjectDelta,
    SubtreeProjectRollup,
)
from pairaid.ledger.money import from_fen
from pairaid.ledger.moneyfield import MoneySum

PROPERTY = settings(
    deadline=None,
    max_examples=15,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TODAY = timezone.localdate()
_serial = itertools.count(1)
KINDS = [k.value for k in FundFlow.Kind]
SOURCES = [s.value for s in FundFlow.Source]
STATUSES = [s.value for s in Project.Status]


def check() -> str:
    out = StringIO()
    call_command("rollups", "rebuild", "--check", stdout=out, stderr=out)
    return out.getvalue()


def compact() -> str:
    out = StringIO()
    call_command("rollups", "compact", stdout=out, stderr=out)
    return out.getvalue()


def tree(build) -> dict[str, Pairing]:
    """top → mid → (left, right), and top → other: five pairings, each with a project."""
    n = next(_serial)
    start = dt.date(2019, 1, 1)
    top = build.pairing(f"树省{n}", f"树受援省{n}", valid_from=start)
    mid = build.pairing(f"树市{n}", f"树州{n}", valid_from=start, parent=top)
    other = build.pairing(f"树市乙{n}", f"树州乙{n}", valid_from=start, parent=top)
    left = build.pairing(f"树区{n}", f"树县{n}", valid_from=start, parent=mid)
    right = build.pairing(f"树区乙{n}", f"树县乙{n}", valid_from=start, parent=mid)
    return {"top": top, "mid": mid, "other": other, "left": left, "right": right}


def summed(window: figures.Window, kind: str = FundFlow.Kind.TRANSFER, sources=None) -> Decimal:
    """What a money figure must answer: the records summed."""
    total = figures.fund_flows(window, kind, sources).aggregate(t=MoneySum("amount"))["t"]
    return Decimal(total).quantize(Decimal("0.01"))


def counted(window: figures.Window) -> int:
    return Project.objects.filter(
        pairing_id__in=window.pairing_ids,
        status__in=Project.STARTED,
        start_date__gte=window.start,
        start_date__lte=window.end,
    ).count()


def persons(window: figures.Window) -> int:
    """What the persons dispatched must answer: the postings' distinct persons."""
    return (
        Posting.objects.filter(
            pairing_id__in=window.pairing_ids,
            start_date__gte=window.start,
            start_date__lte=window.end,
        )
        .values("person_id")
        .distinct()
        .count()
    )


def whole(pairing: Pairing, **window) -> figures.Window:
    found = figures.window_for(pairing, include_children=True, **window)
    assert found.whole_tree_of == pairing.pk  # the system sees every pairing below
    return found


def assert_exact(pairings: dict[str, Pairing]) -> None:
    for pairing in pairings.values():
        for as_of in (dt.date(2021, 3, 19), dt.date(2021, 12, 31), TODAY):
            for confirmed_only in (False, True):
                window = whole(pairing, as_of=as_of, confirmed_only=confirmed_only)
                for kind in (FundFlow.Kind.TRANSFER, FundFlow.Kind.SPEND):
                    assert figures.funds(window, kind).value == summed(window, kind)
        window = whole(pairing)
        assert figures.projects_implemented(window).value == counted(window)
        assert figures.persons_dispatched(window).value == persons(window)
    assert "结对关系层级和下级汇总与记录一致" in check()


def test_it_finds_the_demo_in_step_with_its_records(db):
    assert PairingTreeLink.objects.exists()
    assert SubtreeFundRollup.objects.exists()
    assert "结对关系层级和下级汇总与记录一致" in check()


def test_it_keeps_tree_totals_through_every_write(build):
    t = tree(build)
    project = build.project(t["left"], start=dt.date(2021, 3, 5))
    kept = build.flow(t["left"], "1000.00", day=dt.date(2021, 3, 5))
    mistyped = build.flow(t["right"], "99999.99", day=dt.date(2021, 3, 20))
    build.flow(t["mid"], "300.00", kind="spend", project=build.project(t["mid"]))
    build.flow(t["top"], "12.34", day=dt.date(2021, 4, 2))
    build.flow(t["other"], "56.78", day=dt.date(2021, 4, 2))
    services.confirm_record(kept, acting_user=None, via="test", accept=True)
    services.confirm_record(mistyped, acting_user=None, via="test", accept=False, note="未到账")
    services.reopen_confirmation(mistyped, None, "重新核对")
    services.correct_fund_flow(
        mistyped, acting_user=None, via="test", reason="多录", on=dt.date(2021, 4, 1), amount=999
    )
    bulk = services.bulk_record_fund_flows(
        [
            {
                "pairing": t["right"],
                "kind": "transfer",
                "source": "social_cash",
                "fund_year": 2022,
                "date": dt.date(2022, 5, 6),
                "amount": Decimal("77.70"),
            }
        ],
        acting_user=None,
        via="test",
    )
    services.bulk_reverse_fund_flows(bulk, acting_user=None, via="test", reason="重复")
    services.update_record(project, acting_user=None, via="test", status="completed")
    services.update_record(project, acting_user=None, via="test", start_date=dt.date(2020, 2, 1))
    build.project(t["right"], status=Project.Status.PLANNED, start=dt.date(2022, 1, 1))
    assert_exact(t)
    window = whole(t["top"])
    assert figures.funds_invested(window).value == Decimal("1000.00") + Decimal("999.00") + Decimal(
        "12.34"
    ) + Decimal("56.78")
    assert figures.projects_implemented(window).value == 2


def test_it_moves_a_pairing_with_its_totals_to_another_parent(build):
    t = tree(build)
    build.flow(t["left"], "100.00")
    build.project(t["left"], start=dt.date(2021, 1, 5))
    below_left = build.pairing("树区下", "树村下", valid_from=dt.date(2019, 1, 1), parent=t["left"])
    build.flow(below_left, "7.00")
    mid_before = figures.funds_invested(whole(t["mid"])).value
    assert mid_before == Decimal("107.00")

    services.update_record(t["left"], acting_user=None, via="test", parent=t["other"])
    assert figures.funds_invested(whole(t["mid"])).value == Decimal("0.00")
    assert figures.funds_invested(whole(t["other"])).value == Decimal("107.00")
    assert figures.funds_invested(whole(t["top"])).value == Decimal("107.00")
    assert figures.projects_implemented(whole(t["other"])).value == 1
    assert set(
        PairingTreeLink.objects.filter(descendant=below_left).values_list("ancestor_id", "depth")
    ) == {(below_left.pk, 0), (t["left"].pk, 1), (t["other"].pk, 2), (t["top"].pk, 3)}
    assert_exact(t)

    services.update_record(t["left"], acting_user=None, via="test", parent=None)
    assert figures.funds_invested(whole(t["top"])).value == Decimal("0.00")
    assert figures.funds_invested(whole(t["left"])).value == Decimal("107.00")
    assert_exact(t)


def test_it_counts_the_records_when_the_user_sees_only_part_of_the_tree(build):
    t = tree(build)
    build.flow(t["left"], "100.00")
    build.flow(t["right"], "20.00")
    pairing_ids = (t["mid"].pk, t["left"].pk)  # as for a user who does not see `right`
    window = figures.Window(pairing_ids, 2019, TODAY.year, TODAY)
    assert window.whole_tree_of is None
    assert figures.funds_invested(window).value == Decimal("100.00") == summed(window)


def test_it_stays_in_step_through_an_import_and_its_rollback(build, tmp_path):
    from openpyxl import Workbook

    from pairaid.exchange import services as exchange

    t = tree(build)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "资金记录"
    sheet.append(["结对关系", "类型", "资金年度", "日期", "金额（元）", "资金来源", "凭证或文号"])
    sheet.append([str(t["left"]), "拨付", 2021, "2021年6月1日", "1234.56", "财政援助资金", "S-1"])
    sheet.append([str(t["right"]), "拨付", 2021, "2021年1月5日", "5000", "社会帮扶资金", "S-2"])
    workbook.save(tmp_path / "funds.xlsx")

    batch, report = exchange.import_file(tmp_path / "funds.xlsx")
    assert report.counts()["added"] == 2
    assert figures.funds_invested(whole(t["top"])).value == Decimal("6234.56")
    assert_exact(t)
    exchange.rollback_batch(batch)
    assert figures.funds_invested(whole(t["top"])).value == Decimal("0.00")
    assert_exact(t)


def test_it_reports_rows_changed_behind_the_services_back_and_rebuilds_them(build):
    t = tree(build)
    build.flow(t["left"], "100.00")
    build.project(t["right"], start=dt.date(2021, 5, 5))
    assert "下级汇总：已合并" in compact()  # the changes are in the rows, not in deltas
    SubtreeFundRollup.objects.filter(ancestor=t["top"]).update(amount=F("amount") + 1)
    SubtreeProjectRollup.objects.filter(ancestor=t["mid"]).delete()
    PairingTreeLink.objects.filter(descendant=t["right"], depth=2).delete()

    with pytest.raises(CommandError, match="下级汇总与记录有 4 处不一致"):
        check()
    out = StringIO()
    call_command("rollups", "rebuild", stdout=out, stderr=out)
    assert "发现 4 处不一致，已按记录重建" in out.getvalue()
    assert_exact(t)


def test_it_reads_the_as_of_month_from_either_side_of_the_day(build):
    """Early in a month the days up to the as-of day come from the records; late in it the
    whole month comes from the rollups less the records dated after the day: every day of
    the month gives the records' sum and count."""
    t = tree(build)
    for which, day, amount in (
        ("left", 1, "1.01"),
        ("right", 9, "20.00"),
        ("top", 16, "300.00"),
        ("mid", 24, "4000.00"),
        ("left", 31, "50000.00"),
    ):
        build.flow(t[which], amount, day=dt.date(2021, 3, day))
        build.project(t[which], start=dt.date(2021, 3, day))
    build.project(t["right"], status=Project.Status.PLANNED, start=dt.date(2021, 3, 30))
    for day in range(1, 32):
        as_of = dt.date(2021, 3, day)
        window = whole(t["top"], as_of=as_of)
        assert figures.funds(window).value == summed(window)
        for root in ("top", "mid"):
            found = subtree_reads.started_in_trees(
                [t[root].pk, t["other"].pk], start=dt.date(2019, 1, 1), end=as_of
            )
            assert found[t[root].pk] == counted(whole(t[root], as_of=as_of))
            assert found[t["other"].pk] == 0


def test_it_counts_persons_first_posted_before_the_window_from_their_later_postings(build):
    t = tree(build)
    again, once = build.person("先派后又派"), build.person("只派一次")
    later, fresh = build.person("后派"), build.person("又一人后派")
    for person, where, start in (
        (again, "left", dt.date(2019, 5, 1)),
        (again, "right", dt.date(2022, 6, 1)),
        (once, "other", dt.date(2019, 7, 1)),
        (later, "mid", dt.date(2021, 2, 1)),
        (fresh, "left", dt.date(2021, 8, 1)),
    ):
        build_posting(person, t[where], start)
    for from_year in (2019, 2020, 2021, 2022, 2023):
        window = whole(t["top"], from_year=from_year)
        assert figures.persons_dispatched(window).value == persons(window)
    # 2021 on: two persons first posted in it, two before it (one posted again in it): the
    # tree's rows and the postings of those two; 2022 on: none first posted in it, the
    # postings of the window count
    assert subtree_reads.persons_in_tree(t["top"].pk, start=dt.date(2022, 1, 1), end=TODAY) is None
    assert subtree_reads.persons_in_tree(t["top"].pk, start=dt.date(2021, 1, 1), end=TODAY) == 3


# --- random writes, moves and windows -----------------------------------------------------------

writes = st.lists(
    st.one_of(
        st.tuples(
            st.just("record"),
            st.sampled_from(["top", "mid", "other", "left", "right"]),
            st.sampled_from(KINDS),
            st.sampled_from(SOURCES),
            st.integers(2019, 2023),
            st.integers(0, 1),  # dated in the fund year or the next
            st.integers(1, 12),
            st.integers(1, 28),
            st.integers(1, 10**9),  # fen
        ),
        st.tuples(st.just("reverse"), st.integers(0, 50)),
        st.tuples(st.just("confirm"), st.integers(0, 50), st.booleans()),
        st.tuples(
            st.just("project"),
            st.sampled_from(["top", "mid", "left", "right"]),
            st.sampled_from(STATUSES),
            st.dates(dt.date(2019, 1, 1), TODAY),
        ),
        st.tuples(st.just("status"), st.integers(0, 30), st.sampled_from(STATUSES)),
        st.tuples(
            st.just("move"), st.sampled_from(["left", "right"]), st.sampled_from(["mid", "other"])
        ),
        st.tuples(st.just("compact")),
    ),
    min_size=1,
    max_size=12,
)
windows = st.lists(
    st.tuples(
        st.sampled_from(["top", "mid", "other"]),
        st.sampled_from(KINDS),
        st.integers(2019, 2024),  # from year
        st.integers(0, 3),  # years after the first
        st.dates(dt.date(2019, 1, 1), TODAY),  # as of
        st.one_of(st.none(), st.lists(st.sampled_from(SOURCES), min_size=1, max_size=2)),
        st.booleans(),
    ),
    min_size=1,
    max_size=5,
)


def apply(write, t, flows, projects) -> None:
    op, *args = write
    if op == "compact":
        compact()
    elif op == "record":
        which, kind, source, year, later, month, day, fen = args
        date = min(dt.date(year + later, month, day), TODAY)
        if date.year - year > 1 or date.year < year:
            return
        project = None
        if kind in FundFlow.NEEDS_PROJECT:
            project = build_project(t[which])
        flows.append(
            services.record_fund_flow(
                acting_user=None,
                via="test",
                pairing=t[which],
                kind=kind,
                source=source,
                fund_year=year,
                date=date,
                amount=from_fen(fen),
                project=project,
            )
        )
    elif op == "project":  # written around the services: the triggers keep the rollups
        which, status, start = args
        projects.append(
            Project.objects.create(
                pairing=t[which],
                code=f"SR-{next(_serial):06d}",
                name="随机项目",
                sector=Project.Sector.INDUSTRY,
                mode=Project.Mode.CAPACITY_BUILDING,
                status=status,
                start_date=start,
            )
        )
    elif op == "move":
        moved, parent = args
        services.update_record(
            Pairing.objects.get(pk=t[moved].pk), acting_user=None, via="test", parent=t[parent]
        )
    elif op == "status" and projects:
        Project.objects.filter(pk=projects[args[0] % len(projects)].pk).update(status=args[1])
    elif flows:
        flow = FundFlow.objects.get(pk=flows[args[0] % len(flows)].pk)
        open_ = not flow.is_reversal and not FundFlow.objects.filter(reverses=flow).exists()
        if op == "reverse" and open_:
            flows.append(
                services.reverse_fund_flow(flow, acting_user=None, via="test", reason="冲")
            )
        elif op == "confirm" and flow.confirmation == "unconfirmed":
            services.confirm_record(flow, acting_user=None, via="test", accept=args[1], note="核")


def build_project(pairing: Pairing, **fields) -> Project:
    fields.setdefault("status", Project.Status.IN_PROGRESS)
    fields.setdefault("start_date", dt.date(2020, 1, 1))
    return services.create_record(
        Project,
        acting_user=None,
        via="test",
        pairing=pairing,
        code=f"ST-{next(_serial):06d}",
        name="随机项目",
        sector=Project.Sector.INDUSTRY,
        mode=Project.Mode.CAPACITY_BUILDING,
        **fields,
    )


@PROPERTY
@given(sequence=writes, asked=windows)
def test_it_sums_and_counts_what_the_records_do_after_any_writes(build, sequence, asked):
    t = tree(build)
    flows: list[FundFlow] = []
    projects: list[Project] = []
    for write in sequence:
        apply(write, t, flows, projects)
    for which, kind, from_year, span, as_of, sources, confirmed_only in asked:
        window = whole(
            Pairing.objects.get(pk=t[which].pk),
            as_of=as_of,
            from_year=from_year,
            to_year=from_year + span,
            confirmed_only=confirmed_only,
        )
        assert figures.funds(window, kind, sources).value == summed(window, kind, sources)
        today = whole(Pairing.objects.get(pk=t[which].pk), from_year=from_year)
        assert figures.projects_implemented(today).value == counted(today)
    found = subtree_rollups.differences()
    assert all(count == 0 for count, _rows in found.values()), found


# --- persons: random postings and windows ------------------------------------------------------

postings = st.lists(
    st.one_of(
        st.tuples(
            st.just("post"),
            st.integers(0, 3),  # which person
            st.sampled_from(["top", "mid", "other", "left", "right"]),
            st.dates(dt.date(2019, 1, 1), TODAY),
        ),
        st.tuples(st.just("start"), st.integers(0, 30), st.dates(dt.date(2019, 1, 1), TODAY)),
        st.tuples(st.just("pairing"), st.integers(0, 30), st.sampled_from(["mid", "right"])),
        st.tuples(st.just("person"), st.integers(0, 30), st.integers(0, 3)),
        st.tuples(st.just("delete"), st.integers(0, 30)),
        st.tuples(
            st.just("move"), st.sampled_from(["left", "right"]), st.sampled_from(["mid", "other"])
        ),
        st.tuples(st.just("compact")),
    ),
    min_size=1,
    max_size=14,
)
person_windows = st.lists(
    st.tuples(
        st.sampled_from(["top", "mid", "other", "left"]),
        st.one_of(st.none(), st.integers(2018, 2025)),  # from year (None: the pairing's)
        st.dates(dt.date(2019, 1, 1), TODAY),  # as of
    ),
    min_size=1,
    max_size=6,
)


def post(write, t, people, made) -> None:
    op, *args = write
    if op == "compact":
        compact()
    elif op == "post":
        who, where, start = args
        made.append(build_posting(people[who], t[where], start))
    elif op == "move":
        moved, parent = args
        services.update_record(
            Pairing.objects.get(pk=t[moved].pk), acting_user=None, via="test", parent=t[parent]
        )
    elif made:  # written around the services: the triggers keep the rows
        posting = made[args[0] % len(made)]
        same = Posting.objects.filter(pk=posting.pk)
        if op == "start":
            same.update(start_date=args[1])
        elif op == "pairing":
            same.update(pairing=t[args[1]])
        elif op == "person":
            same.update(person=people[args[1]])
        elif op == "delete":
            same.delete()
            made.remove(posting)


def build_posting(person: Person, pairing: Pairing, start: dt.date) -> Posting:
    return services.create_record(
        Posting,
        acting_user=None,
        via="test",
        person=person,
        pairing=pairing,
        start_date=start,
        post="挂职",
    )


@PROPERTY
@given(sequence=postings, asked=person_windows)
def test_it_counts_the_persons_the_postings_count_after_any_writes(build, sequence, asked):
    t = tree(build)
    people = [build.person(f"树人{n}") for n in range(4)]
    made: list[Posting] = []
    for write in sequence:
        post(write, t, people, made)
    for which, from_year, as_of in asked:
        window = whole(Pairing.objects.get(pk=t[which].pk), as_of=as_of, from_year=from_year)
        assert figures.persons_dispatched(window).value == persons(window)
    found = subtree_rollups.differences()
    assert all(count == 0 for count, _rows in found.values()), found


# --- deltas and their compaction -----------------------------------------------------------


def test_it_writes_deltas_that_a_compaction_folds_in_without_changing_a_figure(build):
    t = tree(build)
    people = [build.person(f"增量人{n}") for n in range(2)]
    build.flow(t["left"], "100.00", day=dt.date(2021, 3, 5))
    build.flow(t["right"], "20.05", day=dt.date(2021, 3, 6))
    project = build.project(t["left"], start=dt.date(2021, 3, 5))
    build.project(t["right"], start=dt.date(2021, 3, 9))
    first = build_posting(people[0], t["left"], dt.date(2021, 3, 1))
    build_posting(people[0], t["right"], dt.date(2020, 5, 1))
    build_posting(people[1], t["other"], dt.date(2021, 6, 1))
    # every write added rows of its own above its pairing; none made a compacted row
    top = {"ancestor": t["top"]}
    assert SubtreeFundDelta.objects.filter(**top).count() == 2
    assert SubtreeProjectDelta.objects.filter(**top).count() == 2
    assert SubtreePersonDelta.objects.filter(**top).count() == 3
    assert not SubtreeFundRollup.objects.filter(**top).exists()
    assert not SubtreePerson.objects.filter(**top).exists()
    assert_exact(t)
    before = figures.funds_invested(whole(t["top"])).value

    assert "下级汇总：已合并" in compact()
    for model in (SubtreeFundDelta, SubtreeProjectDelta, SubtreePersonDelta):
        assert not model.objects.exists()
    assert figures.funds_invested(whole(t["top"])).value == before
    assert SubtreePerson.objects.filter(**top).count() == 2
    assert_exact(t)

    # after the compaction: a project cancelled, a posting gone, a flow reversed
    services.update_record(project, acting_user=None, via="test", status="cancelled")
    Posting.objects.filter(pk=first.pk).delete()
    assert SubtreeProjectDelta.objects.filter(**top, project_count=-1).exists()
    assert_exact(t)
    compact()
    assert_exact(t)


def test_it_compacts_after_the_write_that_makes_an_ancestor_due(
    build, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(subtree_compaction, "DUE", 2)
    with django_capture_on_commit_callbacks(execute=True):  # as if each write committed
        t = tree(build)
        for day in (1, 2):
            build.flow(t["left"], "1.00", day=dt.date(2021, 4, day), source="fiscal")
    assert SubtreeFundDelta.objects.filter(ancestor=t["top"]).count() == 2  # not yet due
    with django_capture_on_commit_callbacks(execute=True):
        build.flow(t["right"], "1.00", day=dt.date(2021, 4, 3), source="social_cash")
    # the third delta of `mid` and `top` made them due: compacted after the commit
    assert not SubtreeFundDelta.objects.filter(ancestor__in=[t["top"], t["mid"]]).exists()
    assert SubtreeFundRollup.objects.filter(ancestor=t["top"]).exists()
    assert_exact(t)
