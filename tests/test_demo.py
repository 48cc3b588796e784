"""The demo data set: the founding article's figures, computed from individual records.

conftest.py loads the demo once per session; these tests read it through the figures
module, as every page and report does."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models import Count, F, Sum

from pairaid.ledger import figure_specs, figures
from pairaid.ledger.models import (
    Agreement,
    Asset,
    AssetCheck,
    AuditEntry,
    Event,
    FundFlow,
    GuidedInvestment,
    Obligation,
    Pairing,
    Person,
    Posting,
    Project,
    Region,
    Target,
    Task,
    Team,
    WorkStatus,
)
from pairaid.ledger.money import format_published_wan, format_wan

AS_OF = dt.date(2022, 12, 4)  # the article's publication date
HANDOVER = dt.date(2022, 12, 1)
JIANGYANG_FUNDS = Decimal("146547300.00")


def pairing(helper_code: str) -> Pairing:
    return Pairing.objects.get(helper_region__code=helper_code)


@pytest.fixture
def jiangyang(db) -> Pairing:
    return pairing("510502")


@pytest.fixture
def longmatan(db) -> Pairing:
    return pairing("510504")


@pytest.fixture
def city(db) -> Pairing:
    return pairing("510500")


def window(of: Pairing, **options) -> figures.Window:
    options.setdefault("as_of", AS_OF)
    return figures.window_for(of, **options)


# --- the article's figures --------------------------------------------------------------


def test_it_reproduces_the_article_figures_for_jiangyang(jiangyang):
    summary = figures.pairing_summary(jiangyang, window(jiangyang))

    assert summary.funds.value == JIANGYANG_FUNDS
    assert format_wan(summary.funds.value) == "14654.73万元"
    assert summary.projects.value == 154
    assert summary.persons.value == 320


def test_it_reproduces_the_article_figures_for_longmatan(longmatan):
    summary = figures.pairing_summary(longmatan, window(longmatan))

    assert Decimal("95000000.00") <= summary.funds.value < Decimal("96000000.00")
    assert format_published_wan(summary.funds.value) == "9500余万元"
    assert summary.projects.value == 123
    assert summary.persons.value == 268


def test_it_keeps_the_figures_for_any_later_as_of_date(jiangyang, longmatan):
    for district, projects, persons in ((jiangyang, 154, 320), (longmatan, 123, 268)):
        today = figures.pairing_summary(district)  # the default window ends today
        at_article = figures.pairing_summary(district, window(district))
        assert today.funds.value == at_article.funds.value
        assert (today.projects.value, today.persons.value) == (projects, persons)


def test_it_counts_less_before_the_hand_over(jiangyang):
    before = figures.funds_invested(window(jiangyang, as_of=dt.date(2022, 11, 30)))

    assert Decimal("0.00") < before.value < JIANGYANG_FUNDS


# --- places and pairings ----------------------------------------------------------------

OFFICIAL = {
    "510000": ("四川省", Region.Level.PROVINCE, None),
    "510500": ("泸州市", Region.Level.PREFECTURE, "510000"),
    "510502": ("江阳区", Region.Level.COUNTY, "510500"),
    "510504": ("龙马潭区", Region.Level.COUNTY, "510500"),
    "510521": ("泸县", Region.Level.COUNTY, "510500"),
    "513400": ("凉山彝族自治州", Region.Level.PREFECTURE, "510000"),
    "513423": ("盐源县", Region.Level.COUNTY, "513400"),
    "513428": ("普格县", Region.Level.COUNTY, "513400"),
    "513428102000": ("螺髻山镇", Region.Level.TOWNSHIP, "513428"),
    "513423110000": ("润盐镇", Region.Level.TOWNSHIP, "513423"),
    "513423110202": ("龙口河村", Region.Level.VILLAGE, "513423110000"),
}


def test_it_gives_regions_their_official_codes_levels_and_parents(db):
    regions = Region.objects.select_related("parent").in_bulk(OFFICIAL, field_name="code")

    for code, (name, level, parent) in OFFICIAL.items():
        region = regions[code]
        assert (region.name, region.level) == (name, level)
        assert (region.parent.code if region.parent else None) == parent


def test_it_keeps_the_history_of_a_changed_code(db):
    old = Region.objects.get(code="513425")
    new = Region.objects.get(code="513402")

    assert (old.name, new.name) == ("会理县", "会理市")
    assert old.valid_to < new.valid_from
    assert old.valid_to.year == 2021
    assert old.valid_on(dt.date(2020, 1, 1)) and not new.valid_on(dt.date(2020, 1, 1))


def test_it_hangs_the_district_pairings_under_the_city(city, jiangyang, longmatan):
    assert set(city.children.all()) == {jiangyang, longmatan}
    for each in (city, jiangyang, longmatan):
        assert each.scheme == Pairing.Scheme.IN_PROVINCE
        assert each.valid_from == dt.date(2016, 1, 1)
    assert (jiangyang.recipient_region.code, longmatan.recipient_region.code) == (
        "513423",
        "513428",
    )


# --- projects ---------------------------------------------------------------------------

NAMED_PROJECTS = {
    "普格县螺髻山乌鸡选育基地项目": ("510504", Project.Sector.INDUSTRY, "513428102000"),
    "普格县螺髻山中学校建设项目": ("510504", Project.Sector.EDUCATION, "513428102000"),
    "盐源县龙口河村乡村振兴示范点": (
        "510502",
        Project.Sector.RURAL_REVITALISATION,
        "513423110202",
    ),
    "盐源县委党校迁建项目": ("510502", Project.Sector.PARTY_BUILDING, "513423"),
    "盐源县新型农民素质提升工程建设项目": ("510502", Project.Sector.TRAINING, "513423"),
    "盐源中学建设项目": ("510502", Project.Sector.EDUCATION, "513423"),
}


def test_it_places_the_six_projects_of_the_article(db):
    projects = Project.objects.select_related("pairing__helper_region", "location")

    for name, (helper, sector, location) in NAMED_PROJECTS.items():
        project = projects.get(name=name)
        assert project.pairing.helper_region.code == helper
        assert project.sector == sector
        assert project.location.code == location
        assert project.has_started


def test_it_does_not_count_planned_approved_or_cancelled_projects(jiangyang, longmatan):
    for district, started in ((jiangyang, 154), (longmatan, 123)):
        statuses = Counter(district.projects.values_list("status", flat=True))
        assert {Project.Status.PLANNED, Project.Status.APPROVED, Project.Status.CANCELLED} <= set(
            statuses
        )
        assert sum(statuses.values()) > started
        assert figures.projects_implemented(window(district)).value == started


def test_it_gives_each_project_a_code_unique_in_its_pairing(jiangyang, longmatan):
    for district, prefix in ((jiangyang, "JY"), (longmatan, "LMT")):
        codes = list(district.projects.values_list("code", flat=True))
        assert len(codes) == len(set(codes))
        assert all(re.fullmatch(rf"{prefix}-20\d\d-\d{{3}}", code) for code in codes)


def test_it_starts_projects_from_2016_to_2022_with_a_budget(jiangyang):
    started = figures.projects_implemented(window(jiangyang)).records

    years = {day.year for day in started.values_list("start_date", flat=True)}
    assert years == set(range(2016, 2023))
    assert not started.filter(planned_budget__lte=0).exists()
    assert not started.filter(status=Project.Status.IN_PROGRESS, progress=100).exists()


# --- money ------------------------------------------------------------------------------


def test_it_sums_transfers_from_several_sources(jiangyang):
    by_source = {
        source: figures.funds(window(jiangyang), FundFlow.Kind.TRANSFER, [source]).value
        for source in (FundFlow.Source.FISCAL, FundFlow.Source.SOCIAL_CASH, FundFlow.Source.IN_KIND)
    }

    assert all(amount > 0 for amount in by_source.values())
    assert sum(by_source.values(), Decimal("0.00")) == JIANGYANG_FUNDS


def test_it_corrects_a_mistaken_transfer_and_the_net_still_adds_up(jiangyang, longmatan):
    for district in (jiangyang, longmatan):
        invested = figures.funds_invested(window(district))
        reversals = invested.records.filter(reverses__isnull=False)
        assert reversals.exists()
        for reversal in reversals:
            assert reversal.amount == -reversal.reverses.amount
        untouched = invested.records.filter(reverses__isnull=True, reversed_by__isnull=True)
        assert untouched.aggregate(total=Sum("amount"))["total"] == invested.value

    assert figures.funds_invested(window(jiangyang)).value == JIANGYANG_FUNDS


def test_it_hands_over_the_2022_funds_on_the_first_day_of_the_visit(jiangyang, longmatan):
    for district in (jiangyang, longmatan):
        handed = district.fund_flows.filter(kind=FundFlow.Kind.TRANSFER, date=HANDOVER)
        assert handed.exists()
        assert set(handed.values_list("fund_year", flat=True)) == {2022}
        assert handed.filter(confirmation=FundFlow.Confirmation.UNCONFIRMED).exists()
        confirmed = figures.funds_invested(window(district, confirmed_only=True)).value
        assert Decimal("0.00") < confirmed < figures.funds_invested(window(district)).value


def test_it_transfers_about_what_was_planned_and_spends_most_of_what_was_allocated(
    jiangyang, longmatan
):
    for district in (jiangyang, longmatan):
        transfer_rate = figures.transfer_rate(window(district))
        usage_rate = figures.usage_rate(window(district))
        assert transfer_rate.percent is not None and usage_rate.percent is not None
        assert Decimal("95") <= transfer_rate.percent <= Decimal("105")
        assert Decimal("85") <= usage_rate.percent <= Decimal("95")
        transferred = figures.funds(window(district), FundFlow.Kind.TRANSFER).value
        allocated = figures.funds(window(district), FundFlow.Kind.ALLOCATE).value
        spent = figures.funds(window(district), FundFlow.Kind.SPEND).value
        assert spent < allocated < transferred


def test_it_allocates_and_spends_only_on_projects_of_the_same_pairing(db):
    project_flows = FundFlow.objects.filter(kind__in=FundFlow.NEEDS_PROJECT)

    assert project_flows.exists()
    assert not project_flows.filter(project__isnull=True).exists()
    assert not project_flows.exclude(project__pairing=F("pairing")).exists()
    for project in Project.objects.filter(fund_flows__isnull=False).distinct()[:50]:
        flows = project.fund_flows.values("kind").annotate(total=Sum("amount"))
        totals = {row["kind"]: row["total"] for row in flows}
        assert totals.get(FundFlow.Kind.SPEND, Decimal("0")) <= totals[FundFlow.Kind.ALLOCATE]


def test_it_keeps_enterprise_investment_apart(jiangyang, longmatan):
    for district in (jiangyang, longmatan):
        assert GuidedInvestment.objects.filter(pairing=district).exists()
    assert figures.funds_invested(window(jiangyang)).value == JIANGYANG_FUNDS


# --- people -----------------------------------------------------------------------------


def test_it_counts_a_person_with_two_postings_once(jiangyang, longmatan):
    for district, persons in ((jiangyang, 320), (longmatan, 268)):
        postings = figures.persons_dispatched(window(district), figures.POSTINGS).value
        twice = (
            Person.objects.filter(postings__pairing=district)
            .annotate(n=Count("postings"))
            .filter(n=2)
            .count()
        )
        assert 15 <= twice <= 25
        assert postings == persons + twice


def test_it_reports_cadres_and_professionals_separately(jiangyang):
    cadres = figures.persons_dispatched(window(jiangyang), category=Person.Category.CADRE)
    professionals = figures.persons_dispatched(
        window(jiangyang), category=Person.Category.PROFESSIONAL
    )

    assert cadres.value > 0 and professionals.value > 0
    assert cadres.value + professionals.value == 320
    professions = set(professionals.records.values_list("person__profession", flat=True))
    assert professions == {"teacher", "doctor", "agronomist", "other"}


def test_it_dispatches_in_batches_with_posts_and_statuses(jiangyang):
    postings = jiangyang.postings.all()

    assert set(postings.values_list("batch", flat=True)) == {1, 2, 3, 4}
    assert postings.filter(post="挂职县委常委、副县长").count() == 4  # one per batch
    assert postings.filter(post__startswith="支教教师").exists()
    assert postings.filter(status=Posting.Status.COMPLETED, start_date__year=2016).exists()
    assert postings.filter(status=Posting.Status.IN_POST, start_date__year=2022).exists()
    assert postings.filter(confirmation="confirmed").count() > postings.count() * 0.9
    ethnicities = set(Person.objects.values_list("ethnicity", flat=True))
    assert {"汉族", "彝族"} <= ethnicities


def test_it_gives_every_person_a_unique_number_and_no_personal_data(db):
    assert Person.objects.count() == 320 + 268 + 19
    assert Person.objects.values("number").distinct().count() == Person.objects.count()
    assert not Person.objects.exclude(id_number="", phone="").exists()


def test_it_sends_a_team_of_19_teachers_from_6_schools_to_3(city, jiangyang, longmatan):
    team = Team.objects.get()
    postings = team.postings.select_related("person")
    senders = team.from_organisations.select_related("region")
    receivers = team.to_organisations.select_related("region")

    assert team.pairing == city
    assert postings.count() == 19 and {p.pairing for p in postings} == {city}
    assert {p.person.profession for p in postings} == {Person.Profession.TEACHER}
    assert senders.count() == 6 and {s.region.name for s in senders} == {"江阳区", "泸县"}
    assert receivers.count() == 3 and {r.region.name for r in receivers} == {"盐源县", "普格县"}
    assert {p.host_organisation for p in postings} == set(receivers)
    team_people = {p.person_id for p in postings}
    assert not Posting.objects.filter(
        person_id__in=team_people, pairing__in=[jiangyang, longmatan]
    ).exists()
    everyone = figures.persons_dispatched(window(city, include_children=True)).value
    assert everyone == 320 + 268 + 19


# --- the visit, agreements, tasks, targets ------------------------------------------------


def test_it_records_the_visit_with_the_officials_of_the_article(city):
    events = {event.kind: event for event in city.events.prefetch_related("participants")}

    assert set(events) == {
        Event.Kind.VISIT,
        Event.Kind.JOINT_MEETING,
        Event.Kind.FORUM,
        Event.Kind.SIGNING,
        Event.Kind.FUND_HANDOVER,
    }
    visit = events[Event.Kind.VISIT]
    assert (visit.start_date, visit.end_date) == (HANDOVER, dt.date(2022, 12, 2))
    assert "螺髻山中学校" in visit.places and "龙口河村" in visit.places
    assert events[Event.Kind.JOINT_MEETING].start_date == HANDOVER
    assert events[Event.Kind.FORUM].start_date == dt.date(2022, 12, 2)
    titles = {p.name: p.title for p in visit.participants.all()}
    assert set(titles) == {
        "杨林兴",
        "段毅君",
        "阿石拉比",
        "郭宏川",
        "王斌达",
        "尹江涛",
        "苏正清",
        "王永贵",
    }
    assert titles["杨林兴"] == "泸州市委书记、市省内对口帮扶工作领导小组组长"
    assert titles["阿石拉比"] == "凉山彝族自治州委副书记、州长"
    assert titles["郭宏川"] == "泸州市委常委、江阳区委书记"


AGREEMENTS = {
    "深化干部人才培养交流工作框架协议": ("510502", Agreement.Kind.FRAMEWORK),
    "科研用高粱采购合同": ("510504", Agreement.Kind.PURCHASE),
    "乌鸡项目运营合作协议": ("510504", Agreement.Kind.OPERATION),
    "人才联盟协同发展协议": ("510504", Agreement.Kind.TALENT),
}


def test_it_records_the_four_agreements_signed_during_the_visit(db):
    agreements = Agreement.objects.select_related("pairing__helper_region", "event")

    assert {a.title for a in agreements} == set(AGREEMENTS)
    for agreement in agreements:
        helper, kind = AGREEMENTS[agreement.title]
        assert (agreement.pairing.helper_region.code, agreement.kind) == (helper, kind)
        assert agreement.signed_date == HANDOVER
        assert agreement.event.kind == Event.Kind.SIGNING
        roles = set(agreement.parties.values_list("role", flat=True))
        assert {"party_a", "party_b"} <= roles
        assert agreement.obligations.exists()
    assert agreements.get(kind=Agreement.Kind.PURCHASE).amount > 0


def test_it_has_obligations_done_and_overdue(db):
    assert Obligation.objects.filter(status=WorkStatus.DONE).exists()
    overdue = Obligation.objects.filter(due_date__lt=dt.date(2026, 1, 1)).exclude(
        status=WorkStatus.DONE
    )
    assert overdue.exists()


def test_it_lists_the_tasks_of_the_joint_meeting(db):
    tasks = Task.objects.select_related("event")

    assert 6 <= tasks.count() <= 10
    assert {task.event.kind for task in tasks} == {Event.Kind.JOINT_MEETING}
    assert {task.due_date.year for task in tasks} == {2023}
    assert not tasks.filter(owner__isnull=True).exists()
    assert len(set(tasks.values_list("status", flat=True))) >= 3


def test_it_sets_2022_targets_for_each_district(jiangyang, longmatan):
    for district in (jiangyang, longmatan):
        indicators = set(
            Target.objects.filter(pairing=district, year=2022).values_list("indicator", flat=True)
        )
        window = figures.window_for(
            district, from_year=2022, to_year=2022, as_of=dt.date(2022, 12, 31)
        )
        # an indicator of the assessment's other areas where the district kept records in 2022
        kept = {
            spec.indicator
            for spec in figure_specs.FIGURES.values()
            if spec.area and spec.indicator and spec.make(window, None).value > 0
        }
        assert kept >= {Target.Indicator.CONSUMPTION, Target.Indicator.JOBS}
        assert indicators == {
            Target.Indicator.FUNDS_TRANSFERRED,
            Target.Indicator.PROJECTS_STARTED,
            Target.Indicator.PERSONS_DISPATCHED,
            *kept,
        }


def test_it_sets_each_area_target_near_what_the_year_added_up_to(jiangyang):
    window = figures.window_for(
        jiangyang, from_year=2022, to_year=2022, as_of=dt.date(2022, 12, 31)
    )
    for spec in figure_specs.FIGURES.values():
        if not (spec.area and spec.indicator):
            continue
        done = Decimal(spec.make(window, None).value)
        target = Target.objects.filter(pairing=jiangyang, year=2022, indicator=spec.indicator)
        if done == 0:
            assert not target.exists()
            continue
        value = target.get().value
        assert done * Decimal("0.9") <= value <= done * Decimal("1.1"), spec.indicator


# --- how it was made --------------------------------------------------------------------


def demo_models():
    return [
        model
        for model in apps.get_app_config("ledger").get_models()
        if any(field.name == "is_demo" for field in model._meta.concrete_fields)
    ]


MADE = (
    Region,
    Pairing,
    Project,
    FundFlow,
    GuidedInvestment,
    Person,
    Posting,
    Team,
    Event,
    Agreement,
    Task,
    Target,
    Asset,
    AssetCheck,
)


def test_it_marks_every_record_it_made_as_demo_data(db):
    for model in MADE:
        assert model.objects.exists(), model
    for model in demo_models():
        assert not model.objects.filter(is_demo=False).exists(), model


def test_it_audits_every_record_it_made(db):
    audited = Counter(
        AuditEntry.objects.filter(actor="demo", action__endswith=".created")
        .values_list("record_type", flat=True)
        .iterator()
    )
    for model in (Region, Project, Person, Posting, Agreement, Task, Asset, AssetCheck):
        assert audited[model._meta.model_name] == model.objects.count(), model
    flows = AuditEntry.objects.filter(
        actor="demo", action__in=["fundflow.recorded", "fundflow.reversed"]
    )
    assert flows.count() == FundFlow.objects.count()


# --- the command ------------------------------------------------------------------------


def pairaid_script() -> str:
    return shutil.which("pairaid") or str(Path(sys.executable).parent / "pairaid")


def run_pairaid(db_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PAIRAID_DATABASE_URL": f"sqlite:///{db_file}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # the time limit finds a hung process, not a slow one: a busy machine takes minutes
    return subprocess.run(
        [pairaid_script(), *args], capture_output=True, text=True, env=env, timeout=3600
    )


def run_demo(db_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_pairaid(db_file, "demo", *args)


def fingerprint(db_file: Path) -> list:
    """What an invented detail would change: names, amounts, dates, codes."""
    with sqlite3.connect(db_file) as connection:
        return [
            connection.execute(query).fetchall()
            for query in (
                "SELECT number, name, ethnicity FROM ledger_person ORDER BY number",
                "SELECT kind, fund_year, date, amount, source FROM ledger_fundflow ORDER BY id",
                "SELECT code, name, planned_budget, status FROM ledger_project ORDER BY id",
            )
        ]


@pytest.mark.cli
def test_it_refuses_a_filled_database_and_reloads_the_same_data_with_reset(
    tmp_path: Path, demo_database
):
    # `pairaid demo` into a new database: made once per test run (conftest.py), and copied
    db_file = demo_database(tmp_path / "demo.sqlite3")
    first = demo_database.printed
    assert "已载入演示数据" in first and "14654.73万元" in first
    assert "createuser" in first  # the login hint: the demo makes no user
    loaded = fingerprint(db_file)

    # scripts/start makes the login next: nothing printed before may say it will not be made
    start = (
        "createuser",
        "demo",
        "--password",
        "demo",
        "--superuser",
        "--exists-ok",
        "--allow-weak-password",
    )
    made = run_pairaid(db_file, *start)
    assert made.returncode == 0 and "已创建用户 demo" in made.stdout
    assert "不创建用户" not in first and "请先" not in first
    kept_user = run_pairaid(db_file, *start)
    assert "已存在" in kept_user.stdout and "未作改动" in kept_user.stdout

    again = run_demo(db_file)
    assert again.returncode != 0
    assert "已有台账记录" in again.stderr and "--reset" in again.stderr
    assert "Traceback" not in again.stderr

    kept = run_demo(db_file, "--if-empty")
    assert kept.returncode == 0 and "未载入" in kept.stdout

    reset = run_demo(db_file, "--reset")
    assert reset.returncode == 0, reset.stderr
    assert "重新载入" in reset.stdout
    assert fingerprint(db_file) == loaded
