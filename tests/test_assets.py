"""Assets projects leave behind (帮扶项目资产) and their yearly checks: written through the
services with their audit entries and rules, counted by the figures of the assets area
(formed, handed over, in use, needing attention, income), measured against their targets and
locked with their year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from assets_records import asset, asset_fields, check, finished_project, handed
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pairaid.ledger import (
    figure_sets,
    figure_specs_areas,
    figures,
    figures_assets,
    messages,
    record_types,
    services,
)
from pairaid.ledger.models import Asset, AssetCheck, AuditEntry, Pairing, Project, Target
from pairaid.ledger.models.assets import FINISHED
from pairaid.web.drilldown import Scope

IDLE, DAMAGED, DISPOSED, IN_USE = (
    AssetCheck.State.IDLE,
    AssetCheck.State.DAMAGED,
    AssetCheck.State.DISPOSED,
    AssetCheck.State.IN_USE,
)
GRACE = dt.timedelta(days=figures_assets.HANDOVER_GRACE_DAYS)


def refusal(make) -> str:
    """The words a user is shown when `make` is refused."""
    with pytest.raises(ValidationError) as caught:
        make()
    return " ".join(messages.readable(caught.value).messages)


def figure(key: str, pairing: Pairing, as_of: dt.date, **window) -> figures.Figure:
    return figure_sets.FIGURES[key].make(figures.window_for(pairing, as_of=as_of, **window), None)


def audit_actions(record) -> list[str]:
    return list(
        AuditEntry.objects.filter(record_type=record._meta.model_name, record_id=str(record.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- the services ------------------------------------------------------------------------


def test_it_records_changes_and_deletes_an_asset_with_its_audit_entries(build):
    project = finished_project(build, build.pairing())
    made = asset(project, name="村道")

    changed = services.update_record(
        made, acting_user=None, via="test", expected_version=1, **handed(dt.date(2021, 3, 1))
    )
    pk = made.pk
    services.delete_record(changed, acting_user=None, via="test")

    assert changed.version == 2
    assert not Asset.objects.filter(pk=pk).exists()
    made.pk = pk
    assert audit_actions(made) == ["asset.created", "asset.updated", "asset.deleted"]
    update = AuditEntry.objects.get(record_type="asset", record_id=str(pk), action="asset.updated")
    assert set(update.changes) == {"handed_over_on", "handed_over_to", "ownership"}


def test_it_records_changes_and_deletes_a_yearly_check_with_its_audit_entries(build):
    made = asset(finished_project(build, build.pairing()))
    yearly = check(made, 2022, IN_USE, income=Decimal("3000.00"), income_sharing="村集体30%")

    services.update_record(yearly, acting_user=None, via="test", state=IDLE)
    services.delete_record(yearly, acting_user=None, via="test")

    assert audit_actions(yearly) == [
        "assetcheck.created",
        "assetcheck.updated",
        "assetcheck.deleted",
    ]


def test_it_keeps_an_asset_that_has_checks(build):
    made = asset(finished_project(build, build.pairing()))
    check(made, 2022)

    assert "仍被其他记录引用" in refusal(
        lambda: services.delete_record(made, acting_user=None, via="test")
    )


# --- the rules ---------------------------------------------------------------------------


def test_it_refuses_a_project_of_another_pairing(build):
    one, other = build.pairing("资一区", "资一县"), build.pairing("资二区", "资二县")
    foreign = finished_project(build, other)

    assert "项目不属于该结对关系" in refusal(lambda: asset(foreign, pairing=one))


def test_it_refuses_an_asset_of_a_project_that_has_not_finished(build):
    pairing = build.pairing()
    running = build.project(pairing, status=Project.Status.IN_PROGRESS)

    assert "项目尚未完工" in refusal(lambda: asset(running))
    for status in (Project.Status.HANDED_OVER, Project.Status.OPERATING):
        assert asset(finished_project(build, pairing, status=status)).pk


def test_it_refuses_an_asset_formed_before_its_project_started(build):
    project = finished_project(build, build.pairing())

    assert "形成日期不能早于项目开工日期" in refusal(
        lambda: asset(project, formed_on=project.start_date - dt.timedelta(days=1))
    )
    assert asset(project, formed_on=project.start_date).pk


def test_it_refuses_a_hand_over_before_the_asset_was_formed(build):
    project = finished_project(build, build.pairing())
    formed = dt.date(2021, 1, 10)

    assert "移交日期不能早于形成日期" in refusal(
        lambda: asset(project, formed_on=formed, **handed(formed - dt.timedelta(days=1)))
    )
    assert asset(project, formed_on=formed, **handed(formed)).pk


def test_it_refuses_a_hand_over_without_its_date_or_its_receiver(build):
    project = finished_project(build, build.pairing())

    assert "同时填写" in refusal(lambda: asset(project, handed_over_to="某村"))
    assert "同时填写" in refusal(lambda: asset(project, handed_over_on=dt.date(2021, 2, 1)))


def test_it_refuses_dates_after_today(build):
    project = finished_project(build, build.pairing())
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    assert "形成日期不能晚于今天" in refusal(lambda: asset(project, formed_on=tomorrow))
    assert "移交日期不能晚于今天" in refusal(lambda: asset(project, **handed(tomorrow)))


def test_it_refuses_a_second_asset_with_the_same_code_in_a_pairing(build):
    project = finished_project(build, build.pairing())
    asset(project, code="ZC-重复")

    assert "已有相同编号的资产" in refusal(lambda: asset(project, code="ZC-重复"))


def test_it_refuses_a_negative_value(build):
    project = finished_project(build, build.pairing())

    assert "资产价值不能为负数" in refusal(lambda: asset(project, value=Decimal("-1.00")))


def test_it_refuses_a_check_of_another_pairings_asset(build):
    other = build.pairing("资三区", "资三县")
    made = asset(finished_project(build, build.pairing("资四区", "资四县")))

    assert "资产不属于该结对关系" in refusal(
        lambda: services.create_record(
            AssetCheck,
            acting_user=None,
            via="test",
            pairing=other,
            asset=made,
            year=2022,
            state=IN_USE,
        )
    )


def test_it_refuses_two_checks_of_an_asset_for_one_year(build):
    made = asset(finished_project(build, build.pairing()))
    check(made, 2022)

    assert "该资产在这一年度已有状态记录" in refusal(lambda: check(made, 2022, IDLE))


def test_it_refuses_a_check_of_a_year_before_the_asset_was_formed(build):
    made = asset(finished_project(build, build.pairing()), formed_on=dt.date(2021, 1, 10))

    assert "年度不能早于资产形成的年度" in refusal(lambda: check(made, 2020))


def test_it_refuses_a_negative_income(build):
    made = asset(finished_project(build, build.pairing()))

    assert "收益不能为负数" in refusal(lambda: check(made, 2022, income=Decimal("-0.01")))


# --- the year lock -----------------------------------------------------------------------


def approve(pairing: Pairing, year: int) -> None:
    for step in ("submitted", "approved"):
        services.move_year(pairing, year, step, acting_user=None, via="test")


def test_it_locks_an_asset_with_the_year_it_was_formed_but_lets_its_hand_over_go_on(build):
    pairing = build.pairing()
    made = asset(finished_project(build, pairing), formed_on=dt.date(2021, 1, 10))
    approve(pairing, 2021)

    assert "已审核锁定" in refusal(
        lambda: services.update_record(made, acting_user=None, via="test", value=Decimal("1.00"))
    )
    assert "已审核锁定" in refusal(lambda: asset(made.project, formed_on=dt.date(2021, 6, 1)))
    stored = Asset.objects.get(pk=made.pk)
    services.update_record(stored, acting_user=None, via="test", **handed(dt.date(2022, 3, 1)))
    assert Asset.objects.get(pk=made.pk).handed_over_on == dt.date(2022, 3, 1)
    assert check(made, 2022).pk  # a later year's check is not locked
    assert "已审核锁定" in refusal(lambda: check(made, 2021))


# --- the figures -------------------------------------------------------------------------


@pytest.fixture
def ledger(build):
    """A pairing with assets formed and handed over in 2021 and 2022, checked in both years."""
    pairing = build.pairing()
    project = finished_project(build, pairing)
    made = {
        "road": asset(project, value=Decimal("120000.50"), **handed(dt.date(2021, 5, 1))),
        "shed": asset(
            project,
            kind=Asset.Kind.OPERATING,
            value=Decimal("80000.25"),
            formed_on=dt.date(2021, 9, 1),
            **handed(dt.date(2022, 2, 1)),
        ),
        "pump": asset(project, value=Decimal("30000.00"), formed_on=dt.date(2022, 3, 1)),
    }
    checks = [
        check(made["road"], 2021, IN_USE),
        check(made["road"], 2022, DAMAGED),
        check(made["shed"], 2021, IDLE, income=Decimal("0.00")),
        check(made["shed"], 2022, IN_USE, income=Decimal("4000.10"), income_sharing="分红"),
    ]
    return pairing, made, checks


def test_it_sums_the_value_of_assets_formed_and_handed_over_in_the_window(ledger):
    pairing, made, _checks = ledger
    day = dt.date(2022, 12, 31)
    both, first = {"as_of": day}, {"as_of": day, "from_year": 2021, "to_year": 2021}

    assert figure("assets_formed", pairing, **both).value == sum(a.value for a in made.values())
    assert figure("assets_formed_count", pairing, **both).value == len(made)
    assert figure("assets_formed", pairing, **first).value == (
        made["road"].value + made["shed"].value
    )
    assert figure("assets_handed_over", pairing, **both).value == (
        made["road"].value + made["shed"].value
    )
    assert figure("assets_handed_over", pairing, **first).value == made["road"].value
    assert figure("assets_handed_over", pairing, as_of=dt.date(2022, 1, 31)).value == (
        made["road"].value
    )


def test_it_counts_assets_in_use_by_their_latest_check_up_to_the_as_of_year(ledger):
    pairing, made, _checks = ledger

    in_2021 = figure("assets_in_use", pairing, as_of=dt.date(2021, 12, 31))
    in_2022 = figure("assets_in_use", pairing, as_of=dt.date(2022, 12, 31))

    assert set(in_2021.records) == {made["road"]} and in_2021.value == 1
    assert set(in_2022.records) == {made["shed"]} and in_2022.value == 1


def test_it_sums_the_income_of_the_windows_years(ledger):
    pairing, _made, checks = ledger

    both = figure("asset_income", pairing, as_of=dt.date(2022, 12, 31))
    first = figure("asset_income", pairing, as_of=dt.date(2021, 12, 31))

    assert both.value == sum(c.income for c in checks)
    assert first.value == sum(c.income for c in checks if c.year == 2021)
    assert set(both.records) == set(checks)


def test_each_figure_is_the_sum_of_its_records(ledger):
    pairing = ledger[0]
    window = figures.window_for(pairing, as_of=dt.date(2022, 12, 31))
    for key, spec in figure_specs_areas.ASSET_FIGURES.items():
        found = spec.make(window, None)
        rows = list(found.records)
        if spec.summed:
            assert found.value == sum((getattr(r, spec.summed) for r in rows), Decimal("0.00"))
        else:
            assert found.value == len(rows), key
        assert found.unit == ("元" if spec.summed else "个"), key
        assert spec.area == "assets" and spec.api and spec.records, key


def test_it_counts_for_many_pairings_as_for_each_alone_in_as_many_queries(build, ledger):
    pairing = ledger[0]
    others = [build.pairing(f"资{n}区", f"资{n}县") for n in range(3)]
    for other in others:
        made = asset(finished_project(build, other), **handed(dt.date(2021, 2, 1)))
        check(made, 2022, IDLE, income=Decimal("10.00"))
    keys = list(figure_specs_areas.ASSET_FIGURES)
    day = dt.date(2022, 12, 31)

    def queries(pairings) -> int:
        subjects = [figure_sets.Subject(p) for p in pairings]
        with CaptureQueriesContext(connection) as captured:
            computed = figure_sets.compute(keys, subjects, as_of=day)
        for subject in subjects:
            for key in keys:
                alone = figure(key, subject.pairing, as_of=day)
                assert computed[subject][key].value == alone.value, (subject, key)
        return len(captured)

    assert queries([pairing]) == queries([pairing, *others])


# --- needing attention -------------------------------------------------------------------


def attention(pairing: Pairing, day: dt.date) -> set[Asset]:
    found = figure("assets_attention", pairing, as_of=day)
    assert found.value == len(set(found.records))
    assert figure_sets.FIGURES["assets_attention"].attention
    return set(found.records)


def test_it_lets_an_asset_wait_for_its_hand_over_through_the_grace_period(build):
    pairing = build.pairing()
    formed = dt.date(2021, 1, 10)
    waiting = asset(finished_project(build, pairing), formed_on=formed)

    assert attention(pairing, formed + GRACE) == set()
    assert attention(pairing, formed + GRACE + dt.timedelta(days=1)) == {waiting}


def test_it_stops_counting_an_asset_once_it_is_handed_over(build):
    pairing = build.pairing()
    formed = dt.date(2021, 1, 10)
    later = formed + GRACE + dt.timedelta(days=30)
    late = asset(finished_project(build, pairing), formed_on=formed, **handed(later))

    assert attention(pairing, later - dt.timedelta(days=1)) == {late}
    assert attention(pairing, later) == set()


def test_it_reads_only_the_latest_check_up_to_the_as_of_year(build):
    pairing = build.pairing()
    project = finished_project(build, pairing)
    recovered = asset(project, **handed(dt.date(2021, 2, 1)))
    check(recovered, 2021, IDLE)
    check(recovered, 2022, IN_USE)
    broken = asset(project, **handed(dt.date(2021, 2, 1)))
    check(broken, 2021, IN_USE)
    check(broken, 2022, DAMAGED)

    assert attention(pairing, dt.date(2021, 12, 31)) == {recovered}
    assert attention(pairing, dt.date(2022, 12, 31)) == {broken}


def test_it_leaves_out_an_asset_disposed_of_before_it_was_handed_over(build):
    pairing = build.pairing()
    gone = asset(finished_project(build, pairing), formed_on=dt.date(2021, 1, 10))
    check(gone, 2022, DISPOSED)

    assert attention(pairing, dt.date(2021, 12, 31)) == {gone}
    assert attention(pairing, dt.date(2022, 12, 31)) == set()


# --- targets -----------------------------------------------------------------------------


def test_it_measures_the_assets_handed_over_target_by_the_years_hand_overs(ledger):
    pairing, made, _checks = ledger
    target = services.create_record(
        Target,
        acting_user=None,
        via="test",
        pairing=pairing,
        year=2022,
        indicator=Target.Indicator.ASSETS_HANDED_OVER,
        value=Decimal("100000.00"),
    )
    window = figures.window_for(pairing, as_of=dt.date(2022, 12, 31))

    (item,) = figure_sets.targets_against_actuals(window, 2022)

    assert item.target == target and item.actual is not None
    assert item.actual.key == "assets_handed_over"
    assert item.actual.value == made["shed"].value  # handed over in 2022; the road in 2021
    assert item.percent == figures.ratio(made["shed"].value, target.value)


# --- the demo ----------------------------------------------------------------------------


def test_the_demo_leaves_assets_of_finished_projects_in_both_district_pairings(db):
    for helper in ("江阳区", "龙马潭区"):
        pairing = Pairing.objects.get(helper_region__name=helper, is_demo=True)
        assets = Asset.objects.filter(pairing=pairing).select_related("project")
        assert assets.exists() and all(a.is_demo for a in assets)
        assert {a.kind for a in assets} == set(Asset.Kind.values)
        assert all(a.project.status in FINISHED for a in assets)
        projects = {a.project for a in assets}
        for project in projects:
            formed = sum((a.value for a in assets if a.project == project), Decimal("0.00"))
            assert formed < project.planned_budget, project
        handed_over = [a for a in assets if a.handed_over_on]
        assert len(handed_over) > len(assets) / 2 and len(handed_over) < len(assets)
        states = AssetCheck.objects.filter(pairing=pairing).values_list("state", flat=True)
        assert list(states).count(IDLE) == 1 and list(states).count(DAMAGED) == 1
        assert figure("assets_attention", pairing, as_of=dt.date(2022, 12, 4)).value >= 2


def test_it_makes_an_asset_from_the_fields_a_page_or_a_file_gives(build):
    project = finished_project(build, build.pairing())
    fields = asset_fields(
        project, quantity=Decimal("2.5"), unit="公里", **handed(dt.date(2021, 3, 1))
    )

    made = services.create_record(Asset, acting_user=None, via="test", **fields)

    assert str(made) == f"{fields['code']} 测试资产"
    assert made.quantity == Decimal("2.5") and made.ownership == Asset.Ownership.VILLAGE


def test_it_drills_each_figure_down_to_the_list_of_its_records_type(ledger):
    pairing = ledger[0]
    scope = Scope(pairing=pairing, as_of=dt.date(2022, 12, 31))
    for key, spec in figure_specs_areas.ASSET_FIGURES.items():
        drill = scope.drill(key)
        declared = record_types.by_slug(spec.records)
        assert declared is not None and declared.pages.area == "assets", key
        assert drill.spec.list_name == declared.list_name == f"web:{spec.records}", key
        rows = list(drill.rows())
        assert all(isinstance(row, declared.model) for row in rows), key
        if spec.summed:
            assert (
                sum((getattr(r, spec.summed) for r in rows), Decimal("0.00")) == drill.figure.value
            )
        else:
            assert len(rows) == drill.figure.value, key
