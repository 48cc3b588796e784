"""Every page at a phone's width (390 px), in both languages: nothing scrolls sideways — not
the page, not a table inside its box (lists become cards) — the menu and the list filters
fold into one control each, and the header holds one search box. Screenshots of each page
are saved (test-artifacts/screenshots/phone-*) to be looked at."""

from __future__ import annotations

import pytest
from conftest import open_page
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WIDTH = 390

# Pages reached directly; record pages are reached from their lists (first row's link).
PAGES = [
    ("/", "overview"),
    ("/inbox/", "inbox"),
    ("/search/?q=wuji", "search"),
    ("/projects/", "projects"),
    ("/funds/", "funds"),
    ("/people/", "persons"),
    ("/postings/", "postings"),
    ("/agreements/", "agreements"),
    ("/obligations/", "obligations"),
    ("/events/", "events"),
    ("/tasks/", "tasks"),
    ("/projects/new/", "project-form"),
    ("/funds/new/", "fund-form"),
    ("/audit/", "audit"),
    ("/reports/", "reports"),
    ("/exchange/", "exchange"),
    ("/bulletin/", "bulletin"),
    ("/api/tokens/", "tokens"),
]
RECORDS = [
    ("/projects/", "main tbody a[href^='/projects/']", "project"),
    ("/funds/", "tbody a[href^='/funds/']", "fund"),
    ("/people/", "tbody a[href^='/people/']", "person"),
    ("/agreements/", "tbody a[href^='/agreements/']", "agreement"),
    ("/events/", "tbody a[href^='/events/']", "event"),
    ("/tasks/", "tbody a[href^='/tasks/']", "task"),
    ("/", "main a[href^='/pairings/']", "pairing"),
    ("/bulletin/", "main a[href^='/bulletin/']", "bulletin-result"),
]

OVERFLOW = """() => {
  const page = document.documentElement.scrollWidth - window.innerWidth;
  const boxes = [...document.querySelectorAll('main table')].map(t => t.parentElement)
    .filter(box => box.scrollWidth > box.clientWidth + 1)
    .map(box => box.className || box.tagName);
  const wide = page <= 0 ? [] : [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(-4).map(el => `${el.tagName}.${el.className}#${el.id}`);
  return {page, boxes, wide};
}"""


def fits(page) -> dict:
    return page.evaluate(OVERFLOW)


@pytest.fixture(params=["zh", "en"])
def phone_in(request, browser, product):
    opened = open_page(browser, product, width=WIDTH, height=844)
    if request.param == "en":
        opened.goto("/inbox/")
        with opened.expect_navigation():
            opened.click("button[data-lang-switch]")
        assert opened.locator("html").get_attribute("lang") == "en"
    yield request.param, opened
    opened.context.close()


def test_every_page_fits_a_phone(phone_in, screenshot):
    language, page = phone_in
    visited = []
    for path, name in PAGES:
        page.goto(path)
        found = fits(page)
        assert found["page"] <= 0 and not found["boxes"], (path, language, found)
        visited.append(path)
        screenshot(page, f"phone-{language}-{name}")
    for path, selector, name in RECORDS:
        page.goto(path)
        link = page.locator(selector).first
        assert link.count(), (path, selector)
        page.goto(link.get_attribute("href"))
        found = fits(page)
        assert found["page"] <= 0 and not found["boxes"], (page.url, language, found)
        visited.append(page.url)
        screenshot(page, f"phone-{language}-{name}")
    assert len(visited) >= len(PAGES)


def test_the_menu_and_filters_fold_into_one_control_each(phone_in):
    _language, page = phone_in
    page.goto("/projects/")
    assert page.locator("details.menu").get_attribute("open") is None
    assert not page.locator("nav.main a").first.is_visible()
    page.locator("details.menu > summary").click()
    assert page.locator("nav.main a").first.is_visible()
    assert page.locator("details.fold").get_attribute("open") is None
    assert page.locator("input[type=search][name=q]").first.is_visible()


def test_a_list_reads_as_cards_with_their_column_names(phone_in):
    _language, page = phone_in
    page.goto("/funds/")
    cell = page.locator("table.list tbody tr").first.locator("td").first
    assert cell.get_attribute("data-label")
    assert page.locator("table.list thead").is_hidden()


def test_the_search_box_opens_the_results_on_enter(page):
    page.fill("header input[type=search]", "youganlan")
    with page.expect_navigation():
        page.press("header input[type=search]", "Enter")
    assert "/search/?q=youganlan" in page.url


def test_a_chooser_searches_as_one_types(page):
    page.goto("/projects/")
    box = page.locator(".filter-pairing input.chooser-search")
    assert box.count() == 1
    box.fill("longmatan")
    # the answer replaces the select's choices and picks the first; the list follows it
    expect(page.locator("#id_pairing option:checked")).to_contain_text("龙马潭区")
    expect(page.locator("#results tbody tr").first).to_contain_text("龙马潭区")
