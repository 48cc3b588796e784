"""The dashboards through HTTP: the figures of the figures module (the same numbers
`pairaid summary` prints) with their rule and as-of date, targets against actuals, charts,
and every number a link to a list that sums or counts to it."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from pairaid.ledger import breakdowns as report_breakdowns
from pairaid.ledger import figure_sets, figure_specs, figures
from pairaid.ledger.models import FundFlow, Pairing, Project, Target
from pairaid.ledger.money import format_wan, to_wan

AS_OF = dt.date(2022, 12, 4)  # the founding article's date


class Links(HTMLParser):
    """Every link on a page that opens the records behind a figure, with its text."""

    def __init__(self, in_charts: bool = False) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []
        self._in_svg = False
        self.in_charts = in_charts

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") or ""
        if tag == "svg":
            self._in_svg = True
        if tag == "a" and "figure=" in href and self._in_svg == self.in_charts:
            self._href, self._text = href, []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "svg":
            self._in_svg = False
        if tag == "a" and self._href is not None:
            self.found.append((self._href.replace("&amp;", "&"), "".join(self._text).strip()))
            self._href = None


def figure_links(html: str, in_charts: bool = False) -> list[tuple[str, str]]:
    """The figure links of a page (outside its charts, or only those in its charts)."""
    parser = Links(in_charts)
    parser.feed(html)
    return parser.found


def pairing(helper: str) -> Pairing:
    return Pairing.objects.get(helper_region__name=helper)


def listed(client, url: str, page: list[str] | None = None) -> tuple[int, Decimal | None]:
    """What a list opened from a figure says: its row count and, for money, its sum (the
    page itself is appended to `page` when given)."""
    response = client.get(url)
    assert response.status_code == 200, url
    body = response.content.decode()
    if page is not None:
        page.append(body)
    count = int(re.search(r'class="total" data-count="(\d+)"', body)[1])
    total = re.search(r'data-total="(-?[\d.]+)"', body)
    return count, Decimal(total[1]) if total else None


def assert_list_matches(client, url: str, shown: str) -> None:
    """The list behind a number sums (money) or counts (the rest) to that number."""
    page: list[str] = []
    count, total = listed(client, url, page)
    summed = re.search(r'data-sum="(\d+)"', page[0])
    if summed is not None:  # a list of records whose field the figure sums (persons placed)
        assert int(re.match(r"\d+", shown)[0]) == int(summed[1]), url
    elif total is not None and shown.endswith("万元"):
        assert format_wan(total) == shown, url
    elif total is not None:  # a table whose heading says 万元
        assert to_wan(total) == Decimal(shown), url
    else:
        assert int(re.match(r"\d+", shown)[0]) == count, url


def test_it_shows_the_founding_figures_side_by_side_with_totals(admin_client):
    response = admin_client.get(f"/?as_of={AS_OF}")
    body = response.content.decode()

    assert response.status_code == 200
    for text in ("14654.73万元", "154个", "320人", "9537.28万元", "123个", "268人"):
        assert text in body
    # The total row is the coordinating pairing with everything below it: `pairaid summary`.
    city = pairing("泸州市")
    summary = figures.pairing_summary(
        city, figures.window_for(city, as_of=AS_OF, include_children=True)
    )
    total_row = body[body.index('data-kind="total"') :]
    assert format_wan(summary.funds.value) in total_row
    assert f"{summary.projects.value}个" in total_row
    assert f"{summary.persons.value}人" in total_row


def test_it_shows_each_figure_with_its_rule_and_as_of_date(admin_client):
    jiangyang = pairing("江阳区")
    body = admin_client.get(f"/pairings/{jiangyang.pk}/?as_of={AS_OF}").content.decode()
    window = figures.window_for(jiangyang, as_of=AS_OF)

    assert "14654.73万元" in body and "154个" in body and "320人" in body
    assert figures.funds_invested(window).rule in body
    assert figures.projects_implemented(window).rule in body
    assert figures.persons_dispatched(window).rule in body
    assert "截至2022-12-04" in body


@pytest.mark.parametrize("helper", ["泸州市", "江阳区", "龙马潭区"])
def test_every_number_opens_a_list_that_adds_up_to_it(admin_client, helper):
    url = f"/pairings/{pairing(helper).pk}/?as_of={AS_OF}"
    links = figure_links(admin_client.get(url).content.decode())

    assert len(links) > 30
    for href, shown in dict.fromkeys(links):  # a number shown twice opens its list once
        assert_list_matches(admin_client, href, shown)


def test_every_number_of_the_overview_opens_a_list_that_adds_up_to_it(admin_client):
    links = figure_links(admin_client.get(f"/?as_of={AS_OF}").content.decode())

    assert len(links) == 4 * 6  # four rows (two districts, the city's own, total) × six
    for href, shown in links:
        assert_list_matches(admin_client, href, shown)


def test_the_main_figures_lists_equal_the_figures_module_exactly(admin_client):
    jiangyang = pairing("江阳区")
    window = figures.window_for(jiangyang, as_of=AS_OF)
    query = f"pairing={jiangyang.pk}&as_of={AS_OF}"

    count, total = listed(admin_client, f"/funds/?figure=funds_transfer&{query}")
    assert total == figures.funds_invested(window).value == Decimal("146547300.00")
    assert count == figures.funds_invested(window).records.count()

    count, _ = listed(admin_client, f"/projects/?figure=projects_implemented&{query}")
    assert count == figures.projects_implemented(window).value == 154

    count, _ = listed(admin_client, f"/people/?figure=persons_dispatched_persons&{query}")
    assert count == figures.persons_dispatched(window).value == 320

    count, _ = listed(admin_client, f"/postings/?figure=persons_dispatched_postings&{query}")
    assert count == figures.persons_dispatched(window, figures.POSTINGS).value


def test_the_chart_parts_open_lists_that_add_up_to_them(admin_client):
    """Each part of the funds-by-year chart (a year and a source) links to its records;
    their sum is the figure for that year and source."""
    city = pairing("泸州市")
    body = admin_client.get(f"/pairings/{city.pk}/?as_of={AS_OF}").content.decode()
    parts = [h for h, _ in figure_links(body, in_charts=True) if "source=" in h]

    assert len(parts) >= 7 * 2
    for href in parts:
        params = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
        year = int(params["year"])
        window = figures.window_for(city, as_of=AS_OF, include_children=True)
        window = figures.Window(window.pairing_ids, year, year, AS_OF)
        expected = figures.funds(window, FundFlow.Kind.TRANSFER, [params["source"]]).value
        _, total = listed(admin_client, href)
        assert total == expected
        assert f"{year} {FundFlow.Source(params['source']).label} {format_wan(expected)}" in body


def test_the_sector_and_status_charts_add_up_to_projects(admin_client):
    jiangyang = pairing("江阳区")
    body = admin_client.get(f"/pairings/{jiangyang.pk}/?as_of={AS_OF}").content.decode()
    charted = figure_links(body, in_charts=True)
    sectors = [h for h, _ in charted if "sector=" in h]
    statuses = [h for h, _ in charted if "figure=projects_status" in h]

    assert sum(listed(admin_client, h)[0] for h in sectors) == 154
    assert (
        sum(listed(admin_client, h)[0] for h in statuses)
        == Project.objects.filter(pairing=jiangyang, start_date__lte=AS_OF).count()
        + Project.objects.filter(pairing=jiangyang, start_date__isnull=True).count()
    )


def test_the_charts_are_inline_svg_with_a_chinese_font(admin_client):
    body = admin_client.get(f"/pairings/{pairing('江阳区').pk}/?as_of={AS_OF}").content.decode()

    assert body.split('id="areas"')[0].count('<svg class="chart"') == 3  # before 协作考核
    assert "Noto Sans CJK SC" in body
    assert "财政援助资金" in body  # the legend
    scripts = re.findall(r'<script[^>]* src="([^"]*)"', body)
    # every script comes from the product itself, never from another host (a CDN)
    assert scripts and all(src.startswith("/") and not src.startswith("//") for src in scripts)


def test_it_measures_this_years_targets_as_the_reports_do(admin_client):
    city = pairing("泸州市")
    body = admin_client.get(f"/pairings/{city.pk}/?as_of={AS_OF}").content.decode()
    window = figures.window_for(city, as_of=AS_OF, include_children=True)
    expected = figure_sets.targets_against_actuals(window, 2022)

    assert "2022年度目标与完成情况" in body
    set_for = Target.objects.filter(year=2022, pairing_id__in=window.pairing_ids)
    assert len(expected) == set_for.count() > 6  # the areas' indicators besides the three
    for row in expected:
        assert row.actual is not None
        shown = (
            format_wan(row.actual.value)
            if isinstance(row.actual.value, Decimal)
            else f"{row.actual.value}{row.actual.unit}"
        )
        assert shown in body
        assert f"{row.percent}%" in body


def test_it_says_when_a_year_has_no_targets(admin_client):
    body = admin_client.get(f"/pairings/{pairing('江阳区').pk}/?year=2030").content.decode()
    assert "2030年度尚未设定目标" in body


def test_it_lists_overdue_tasks_and_obligations(admin_client):
    longmatan = pairing("龙马潭区")
    body = admin_client.get(f"/pairings/{longmatan.pk}/").content.decode()
    window = figures.window_for(longmatan)

    overdue = report_breakdowns.obligations_overdue(window)
    assert overdue.value > 0
    for obligation in overdue.records:
        assert obligation.deliverable in body


def test_it_shows_a_coordinating_pairing_its_pairings_side_by_side(admin_client):
    body = admin_client.get(f"/pairings/{pairing('泸州市').pk}/?as_of={AS_OF}").content.decode()

    assert "各结对关系对比" in body
    assert "江阳区→盐源县" in body and "龙马潭区→普格县" in body
    assert "24192.01万元" in body


def test_a_helper_office_goes_straight_to_its_pairing(client, personas):
    client.force_login(personas.jiangyang)
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == f"/pairings/{pairing('江阳区').pk}/"


def test_a_pairing_outside_the_users_view_is_not_found(client, personas):
    client.force_login(personas.jiangyang)
    longmatan = pairing("龙马潭区")

    assert client.get(f"/pairings/{longmatan.pk}/").status_code == 404
    assert client.get(f"/funds/?figure=funds_transfer&pairing={longmatan.pk}").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "figure=no_such_figure&pairing={pk}",
        "figure=projects_implemented&pairing={pk}",  # a project figure on the funds list
        "figure=funds_transfer&pairing={pk}&source=gold",
        "figure=funds_transfer&pairing={pk}&from_year=1066",
        "figure=funds_transfer&pairing=999999",
    ],
)
def test_a_malformed_figure_is_not_found(admin_client, query):
    pk = pairing("江阳区").pk
    assert admin_client.get("/funds/?" + query.format(pk=pk)).status_code == 404


def test_a_coordinator_drills_into_the_whole_city(client, personas):
    client.force_login(personas.luzhou)
    city = pairing("泸州市")
    window = figures.window_for(city, as_of=AS_OF, include_children=True)

    count, total = listed(
        client, f"/funds/?figure=funds_transfer&pairing={city.pk}&as_of={AS_OF}&children=1"
    )
    assert total == figures.funds_invested(window).value
    count, _ = listed(
        client,
        f"/people/?figure=persons_dispatched_persons&pairing={city.pk}&as_of={AS_OF}&children=1",
    )
    assert count == figures.persons_dispatched(window).value == 607


def test_changing_a_filter_on_a_figure_list_changes_the_figure_with_it(admin_client):
    """The list's year filter and the figure's year are one parameter: the list is the
    records of the figure for the year shown, and says so."""
    jiangyang = pairing("江阳区")
    url = f"/funds/?figure=funds_transfer&pairing={jiangyang.pk}&as_of={AS_OF}&year=2019"
    window = figures.window_for(jiangyang, as_of=AS_OF, from_year=2019, to_year=2019)
    response = admin_client.get(url)
    body = response.content.decode()

    assert listed(admin_client, url)[1] == figures.funds_invested(window).value
    assert "已另加筛选条件" not in body
    narrowed = admin_client.get(url + "&source=fiscal").content.decode()
    assert "已另加筛选条件" not in narrowed  # source is also the figure's own parameter
    further = admin_client.get(url + "&q=第1批").content.decode()
    assert "已另加筛选条件" in further


def test_the_dashboard_takes_a_bounded_number_of_queries(
    admin_client, django_assert_max_num_queries
):
    # one grouped query per figure of the assessment areas, whatever the number of pairings
    # (tests/test_figure_query_counts.py compares two data sizes)
    declared = sum(1 for spec in figure_specs.FIGURES.values() if spec.area)
    # a first view also reads the chain heads, looks for and stores its figure sets
    # (tests/test_figure_store.py: the second view reads them back)
    with django_assert_max_num_queries(70 + declared):
        admin_client.get(f"/pairings/{pairing('泸州市').pk}/?as_of={AS_OF}")
    with django_assert_max_num_queries(40):
        admin_client.get(f"/?as_of={AS_OF}")


def test_a_figure_with_the_pairings_below_keeps_them_when_a_filter_changes(admin_client):
    """The filter form sends its checkbox as children=on: still the same figure."""
    city = pairing("泸州市")
    link = f"/projects/?figure=projects_implemented&pairing={city.pk}&as_of={AS_OF}"

    from_link = listed(admin_client, link + "&children=1")[0]
    from_form = listed(admin_client, link + "&children=on&sector=&status=")[0]

    assert from_link == from_form == 277


def test_it_links_each_target_to_the_list_its_figure_declares(admin_client):
    city = pairing("泸州市")
    body = admin_client.get(f"/pairings/{city.pk}/?as_of={AS_OF}").content.decode()
    window = figures.window_for(city, as_of=AS_OF, include_children=True)
    for row in figure_sets.targets_against_actuals(window, 2022):
        key, fixed = figure_sets.FIGURES[row.actual.key].drill_to(row.actual.key)
        links = [
            html.unescape(href)
            for href in re.findall(r'href="([^"]*figure=' + key + r'[^"]*)"', body)
        ]
        assert any(all(f"{k}={v}" in link for k, v in fixed.items()) for link in links), key
        link = next(link for link in links if all(f"{k}={v}" in link for k, v in fixed.items()))
        assert admin_client.get(link).status_code == 200
