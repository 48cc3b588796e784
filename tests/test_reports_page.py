"""The reports page: download a report in the user's scope, freeze a briefing, compare it."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.shortcuts import resolve_url
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from pairaid.ledger import figures
from pairaid.ledger.models import AuditEntry, Pairing
from pairaid.reports.models import FrozenBriefing

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def web_shell(settings, tmp_path):
    """Stand in for the web app's base template and login page while they do not exist
    yet; once they do, the pages are tested inside the real ones."""
    try:
        get_template("web/base.html")
    except TemplateDoesNotExist:
        (tmp_path / "web").mkdir()
        (tmp_path / "web" / "base.html").write_text(
            "<title>{% block title %}{% endblock %}</title>{% block content %}{% endblock %}"
        )
        settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    try:
        reverse(settings.LOGIN_URL)
    except NoReverseMatch:
        settings.LOGIN_URL = "/login/"


def pairing(helper: str) -> Pairing:
    return Pairing.objects.get(helper_region__name=helper)


def query(pairing: Pairing, **options: str) -> dict[str, str]:
    return {
        "kind": "annual",
        "pairing": str(pairing.pk),
        "year": "2022",
        "as_of": "2022-12-04",
        "style": "exact",
        "person_rule": "persons",
        "format": "xlsx",
        **options,
    }


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, settings):
    response = client.get(reverse("reports:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_it_offers_only_the_pairings_the_user_may_see(client, personas):
    client.force_login(personas.jiangyang)

    page = client.get(reverse("reports:index")).content.decode()

    assert "江阳区→盐源县" in page
    assert "龙马潭区→普格县" not in page


def test_it_downloads_an_annual_report_as_excel_with_the_figures(client, admin_user):
    client.force_login(admin_user)
    jiangyang = pairing("江阳区")

    response = client.get(reverse("reports:download"), query(jiangyang))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content))["资金按来源"]
    total = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "合计")
    window = figures.window_for(
        jiangyang, as_of=figures.dt.date(2022, 12, 4), from_year=2022, to_year=2022
    )
    assert Decimal(str(total[2])).quantize(Decimal("0.01")) == figures.funds(window).value


def test_it_downloads_a_briefing_as_word(client, personas):
    client.force_login(personas.luzhou)

    response = client.get(
        reverse("reports:download"),
        query(pairing("泸州市"), kind="briefing", format="docx", style="published"),
    )

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX


def test_it_hides_another_office_s_pairing_as_not_found(client, personas):
    client.force_login(personas.jiangyang)

    response = client.get(reverse("reports:download"), query(pairing("龙马潭区")))

    assert response.status_code == 404


def test_it_answers_a_bad_form_with_the_form_and_its_errors(client, admin_user):
    client.force_login(admin_user)

    response = client.get(
        reverse("reports:download"), query(pairing("江阳区"), year="2023", format="exe")
    )

    assert response.status_code == 400
    assert "年度不能晚于截至日期所在年" in response.content.decode()


def test_it_freezes_a_briefing_and_compares_it_now(client, personas, build):
    client.force_login(personas.luzhou)
    city = pairing("泸州市")

    response = client.post(
        reverse("reports:freeze"),
        {"pairing": city.pk, "as_of": "2022-12-04", "style": "exact", "person_rule": "persons"},
    )

    frozen = FrozenBriefing.objects.get(pairing=city)
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:compare", args=[frozen.pk])
    assert frozen.created_by == personas.luzhou
    entry = AuditEntry.objects.get(action="briefing.frozen", record_id=str(frozen.pk))
    assert entry.user == personas.luzhou and entry.actor == "web"
    flow = build.flow(pairing("龙马潭区"), "321.00", year=2022)
    page = client.get(response["Location"]).content.decode()
    assert f"资金记录#{flow.pk}" in page
    assert "321.00元" in page
    download = client.get(response["Location"], {"format": "xlsx"})
    assert download["Content-Type"] == XLSX


def test_it_lets_a_viewer_read_but_not_freeze(client, personas):
    client.force_login(personas.viewer)
    city = pairing("泸州市")

    assert client.get(reverse("reports:download"), query(city)).status_code == 200
    response = client.post(
        reverse("reports:freeze"),
        {"pairing": city.pk, "style": "exact", "person_rule": "persons"},
    )

    assert response.status_code == 403
    assert not FrozenBriefing.objects.exists()


def test_it_hides_a_frozen_briefing_outside_the_user_s_scope(client, personas):
    client.force_login(personas.luzhou)
    client.post(
        reverse("reports:freeze"),
        {"pairing": pairing("泸州市").pk, "style": "exact", "person_rule": "persons"},
    )
    frozen = FrozenBriefing.objects.get()

    client.force_login(personas.jiangyang)

    assert client.get(reverse("reports:compare", args=[frozen.pk])).status_code == 404
    assert str(frozen.title) not in client.get(reverse("reports:index")).content.decode()


def test_it_lists_frozen_briefings_in_a_fixed_number_of_queries(
    client, personas, django_assert_max_num_queries
):
    client.force_login(personas.luzhou)
    for helper in ("泸州市", "江阳区", "龙马潭区"):
        client.post(
            reverse("reports:freeze"),
            {"pairing": pairing(helper).pk, "style": "exact", "person_rule": "persons"},
        )
    assert FrozenBriefing.objects.count() == 3

    with django_assert_max_num_queries(12):
        page = client.get(reverse("reports:index")).content.decode()

    assert page.count("与现在对照") == 3
