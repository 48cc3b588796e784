"""The Content-Security-Policy holds in a real browser: the main pages, their htmx
filters and the progress bars work, and chromium reports no violation."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

MAIN_PAGES = [
    "/",
    "/projects/",
    "/funds/",
    "/people/",
    "/postings/",
    "/agreements/",
    "/events/",
    "/tasks/",
    "/obligations/",
    "/reports/",
    "/exchange/",
    "/bulletin/",
    "/review/audit/",
    "/api/tokens/",
    "/api/v1/docs",
]

WATCH = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.cspViolations.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile);
});
"""


@pytest.fixture
def watched(page):
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(WATCH)
    page.console_violations = console
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.cspViolations || []") + page.console_violations


def test_the_main_pages_report_no_policy_violation(watched):
    for path in MAIN_PAGES:
        response = watched.goto(path)
        assert response.status in (200, 404), path
        watched.wait_for_load_state("networkidle")
        assert violations(watched) == [], path


def test_the_bars_and_htmx_work_under_the_policy(watched):
    watched.goto("/projects/?status=in_progress")
    with watched.expect_navigation():
        watched.locator("tbody tr td a").first.click()
    widths = watched.eval_on_selector_all("[data-width]", "els => els.map(el => el.style.width)")
    assert widths and all(re.fullmatch(r"[0-9.]+%", width) for width in widths)

    watched.goto("/projects/")
    watched.evaluate("window.stillHere = true")
    watched.select_option("#id_sector", "education")
    watched.wait_for_url(re.compile(r"sector=education"))
    assert watched.evaluate("window.stillHere") is True
    assert violations(watched) == []
