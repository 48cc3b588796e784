"""The pages in a real browser: log in, open the dashboard, follow a figure to its records
and check their sum, create a project and a fund transfer through the forms and see the
dashboard figures change, switch the language, and read the pages at phone width."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.browser


def figure_text(page, key: str) -> str:
    return page.locator(f'.main-figures [data-figure="{key}"] a.value').inner_text().strip()


def open_jiangyang(page) -> None:
    page.goto("/")
    with page.expect_navigation():
        page.get_by_role("link", name="江阳区→盐源县").first.click()


def test_it_logs_in_and_shows_the_figures_pairaid_summary_prints(page, product, screenshot):
    summary = {p["pairing"]["name"]: p for p in product.summary()["pairings"]}

    assert page.url.endswith("/")
    assert page.locator("h1").inner_text() == "概览"
    table = page.locator("table.compare")
    for name in ("江阳区→盐源县", "龙马潭区→普格县"):
        row = table.locator(f'tr[data-kind="pairing"]:has-text("{name}")')
        money, projects, persons = (f["value"] for f in summary[name]["figures"])
        assert row.locator('[data-figure="funds_transfer"]').inner_text() == (
            f"{(Decimal(money) / 10000).quantize(Decimal('0.01'))}万元"
        )
        assert row.locator('[data-figure="projects_implemented"]').inner_text() == f"{projects}个"
        assert row.locator('[data-figure="persons_dispatched_persons"]').inner_text() == (
            f"{persons}人"
        )
    # Chinese renders with the machine's own CJK font, nothing fetched.
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '帮扶')")
    screenshot(page, "01-overview")


def test_a_figure_opens_its_records_and_they_add_up(page, screenshot):
    open_jiangyang(page)
    shown = figure_text(page, "funds_transfer")
    assert page.locator(".main-figures").get_by_text("口径").count() == 3
    screenshot(page, "02-dashboard-jiangyang")

    with page.expect_navigation():
        page.locator('.main-figures [data-figure="funds_transfer"] a.value').click()

    assert "/funds/?figure=funds_transfer" in page.url
    assert page.locator(".total .sum").inner_text() == shown
    assert page.locator(".drill").get_by_text(shown).count() == 1
    screenshot(page, "03-funds-behind-a-figure")

    page.go_back()
    with page.expect_navigation():
        page.locator('.main-figures [data-figure="projects_implemented"] a.value').click()
    count = int(page.locator(".total").get_attribute("data-count"))
    banner = page.locator(".drill").inner_text()
    assert int(re.search(r"”(\d+)个", banner)[1]) == count, banner
    screenshot(page, "04-projects-behind-a-figure")


def test_creating_a_project_and_a_transfer_changes_the_dashboard(page, screenshot):
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the product's time zone
    open_jiangyang(page)
    dashboard = page.url
    projects_before = int(figure_text(page, "projects_implemented").removesuffix("个"))
    funds_before = Decimal(figure_text(page, "funds_transfer").removesuffix("万元"))

    with page.expect_navigation():
        page.get_by_role("link", name="新建项目").last.click()
    page.fill("#id_code", "JY-WEB-001")
    page.fill("#id_name", "浏览器测试新建的乌鸡养殖基地")
    page.select_option("#id_sector", "industry")
    page.select_option("#id_mode", "capacity_building")
    page.fill("#id_planned_budget", "800000.00")
    page.fill("#id_start_date", today.isoformat())
    page.select_option("#id_status", "in_progress")
    page.fill("#id_progress", "10")
    screenshot(page, "05-project-form")
    with page.expect_navigation():
        page.click("form.record-form button[type=submit]")
    assert page.locator("h1").inner_text() == "浏览器测试新建的乌鸡养殖基地"
    assert page.get_by_text("已新建帮扶项目").count() == 1
    screenshot(page, "06-project-page")

    page.goto(dashboard)
    with page.expect_navigation():
        page.get_by_role("link", name="登记拨付资金").click()
    page.fill("#id_fund_year", str(today.year))
    page.fill("#id_date", today.isoformat())
    page.fill("#id_amount", "1000000.00")
    page.select_option("#id_source", "fiscal")
    page.fill("#id_voucher", "JYCZ-WEB-01")
    with page.expect_navigation():
        page.click("form.record-form button[type=submit]")
    assert page.get_by_text("已登记资金记录").count() == 1

    page.goto(dashboard)
    assert int(figure_text(page, "projects_implemented").removesuffix("个")) == (
        projects_before + 1
    )
    assert Decimal(figure_text(page, "funds_transfer").removesuffix("万元")) == (
        funds_before + Decimal("100.00")
    )


def test_a_wrong_amount_is_explained_in_chinese(page, screenshot):
    page.goto("/funds/new/")
    page.fill("#id_fund_year", "2024")
    page.fill("#id_date", "2024-01-01")
    page.fill("#id_amount", "-5")
    page.select_option("#id_source", "fiscal")
    page.click("form.record-form button[type=submit]")
    page.wait_for_load_state()

    assert page.get_by_text("金额必须大于0；更正请使用冲销").count() >= 1
    screenshot(page, "07-fund-form-error")


def test_the_filters_update_the_list_in_place(page, screenshot):
    page.goto("/projects/")
    page.evaluate("window.stillHere = true")
    total = page.locator(".total").get_attribute("data-count")

    page.select_option("#id_sector", "education")
    page.wait_for_url(re.compile(r"sector=education"))
    page.wait_for_function(f"document.querySelector('.total').dataset.count !== '{total}'")

    assert page.evaluate("window.stillHere") is True  # no page load: htmx swapped the rows
    assert page.locator("tbody tr").first.locator("td").nth(3).inner_text() == "教育"
    screenshot(page, "08-projects-filtered")


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/people/", "09-persons"),
        ("/postings/?status=in_post", "10-postings"),
        ("/agreements/", "11-agreements"),
        ("/events/", "12-events"),
        ("/tasks/", "13-tasks"),
        ("/obligations/", "14-obligations"),
    ],
)
def test_the_lists_open(page, screenshot, path, name):
    page.goto(path)
    assert page.locator(".total").count() == 1
    screenshot(page, name)


def test_the_record_pages_open(page, screenshot):
    page.goto("/agreements/")
    with page.expect_navigation():
        page.get_by_role("link", name="科研用高粱采购合同").click()
    assert page.get_by_text("当事方").count() >= 1
    assert page.get_by_text("履约事项").count() >= 1
    screenshot(page, "15-agreement")

    with page.expect_navigation():
        page.locator("dl.facts a[href^='/events/']").click()
    assert page.get_by_text("参加人员").count() >= 1
    screenshot(page, "16-event")

    page.goto("/people/?category=professional&profession=teacher")
    with page.expect_navigation():
        page.locator("tbody tr td a").first.click()
    assert page.get_by_text("选派记录").count() == 1
    screenshot(page, "17-person")


def test_it_switches_to_english_and_back(page, screenshot):
    open_jiangyang(page)
    with page.expect_navigation():
        page.click("button[data-lang-switch]")

    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("nav.main").get_by_text("Overview").count() == 1
    assert page.get_by_text("Assistance funds invested (all sources)").count() >= 1
    assert figure_text(page, "funds_transfer").endswith("× 10,000 yuan")
    screenshot(page, "18-dashboard-english")

    with page.expect_navigation():
        page.click("button[data-lang-switch]")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("nav.main").get_by_text("概览").count() == 1


def test_the_pages_fit_a_phone(phone, screenshot):
    open_jiangyang(phone)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # wide tables and charts scroll inside their own boxes
    screenshot(phone, "19-phone-dashboard")

    phone.goto("/funds/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "20-phone-funds")
