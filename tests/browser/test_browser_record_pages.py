"""The generic record pages in a real browser, for every type declared with `Pages`: the
协作考核 page from the menu, the type's list, a record made through its form (each field
filled by what the form shows: the first choice of a select, a date, an amount, a year, a
text) and seen on its page; the list and the record's page at a phone's width."""

from __future__ import annotations

import pytest
from conftest import open_page

from pairaid.ledger import record_types

pytestmark = pytest.mark.browser

TYPES = record_types.with_pages()
DAY = "2024-06-01"


def fill_generically(page, marker: str) -> None:
    """Every field of the record form: the first text box gets `marker`."""
    marked = False
    for field in page.locator("form.record-form .fields [name]").all():
        name = field.get_attribute("name") or ""
        tag = field.evaluate("el => el.tagName.toLowerCase()")
        kind = (field.get_attribute("type") or "").lower()
        if field.is_disabled() or kind in ("hidden", "checkbox"):
            continue
        if tag == "select":
            values = [v for v in field.locator("option").evaluate_all("os => os.map(o => o.value)")]
            chosen = next((v for v in values if v), None)
            if chosen is not None and not field.input_value():
                field.select_option(chosen)
        elif kind == "date":
            field.fill(DAY)
        elif field.get_attribute("data-money") == "yuan":
            field.fill("123456.78")
        elif kind == "number":
            field.fill(DAY[:4] if "year" in name else "1")
        elif tag == "textarea" or kind in ("text", ""):
            if not marked:
                field.fill(marker)
                marked = True
            elif field.get_attribute("required") is not None:
                field.fill(f"{marker}-{name}")
    assert marked, "the form has no text box to mark the record by"


# The form is filled here by what it shows (first choice, one amount, one date), which each
# type's own rules may refuse (an asset wants a finished project, an origin must lie in the
# recipient's region): every type is made through its form over HTTP with valid values in
# tests/test_record_pages.py; the browser walks the path once, with a type of plain fields.
IN_BROWSER = [record_types.by_slug("vocational")]


@pytest.mark.parametrize("declared", IN_BROWSER, ids=[rt.pages.slug for rt in IN_BROWSER])
def test_a_record_is_made_from_the_assessment_page(page, screenshot, declared):
    slug = declared.pages.slug
    plural = str(declared.model._meta.verbose_name_plural)
    marker = f"浏览器新建{slug}"

    page.goto("/")
    with page.expect_navigation():
        page.locator("nav.main").get_by_role("link", name="协作考核").click()
    assert page.locator("nav.main a[aria-current=page]").inner_text() == "协作考核"
    assert page.locator(f'[data-area="{declared.pages.area}"] h2').count() == 1
    screenshot(page, "record-pages-01-assessment")

    with page.expect_navigation():
        page.locator(f'li[data-slug="{slug}"] a').first.click()
    assert page.locator("h1").inner_text() == plural
    screenshot(page, f"record-pages-02-{slug}-list")

    with page.expect_navigation():
        page.locator(".page-actions").get_by_role("link", name="新建").click()
    fill_generically(page, marker)
    screenshot(page, f"record-pages-03-{slug}-form")
    with page.expect_navigation():
        page.click("form.record-form button[type=submit]")

    assert page.get_by_text(f"已新建{declared.model._meta.verbose_name}").count() == 1
    assert marker in page.locator("dl.facts").inner_text()
    assert page.locator("details.history").count() == 1
    screenshot(page, f"record-pages-04-{slug}-detail")

    page.goto(f"/{slug}/?q={marker}")
    assert page.locator("table.list tbody tr").count() == 1


FITS = """() => ({
  page: document.documentElement.scrollWidth - window.innerWidth,
  boxes: [...document.querySelectorAll('main table')].map(t => t.parentElement)
    .filter(box => box.scrollWidth > box.clientWidth + 1).length,
})"""


@pytest.mark.parametrize("declared", TYPES, ids=[rt.pages.slug for rt in TYPES])
def test_the_generic_pages_fit_a_phone(browser, product, screenshot, declared):
    slug = declared.pages.slug
    phone = open_page(browser, product, width=390, height=844)
    try:
        for path, name in (("/assessment/", "assessment"), (f"/{slug}/", slug)):
            phone.goto(path)
            assert phone.evaluate(FITS) == {"page": 0, "boxes": 0}, path
            screenshot(phone, f"phone-record-pages-{name}")
        first = phone.locator(f"main tbody a[href^='/{slug}/']").first
        if first.count():
            with phone.expect_navigation():
                first.click()
            assert phone.evaluate(FITS) == {"page": 0, "boxes": 0}
            screenshot(phone, f"phone-record-pages-{slug}-detail")
    finally:
        phone.context.close()
