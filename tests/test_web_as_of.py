"""An `as_of` (截至日期) in an address that is not a date is said to the user with status
400 — on the dashboard, on a list opened from a figure and in reports — never silently
replaced by today."""

from __future__ import annotations

import pytest
from test_api_support import demo_pairing

from pairaid.ledger.models import Pairing

BAD = ["2022-13-45", "yesterday", "2022/12/04"]


@pytest.fixture
def admin_client(client, personas):
    client.force_login(personas.admin)
    return client


@pytest.mark.parametrize("bad", BAD)
def test_it_says_a_bad_date_on_the_overview(admin_client, bad):
    response = admin_client.get("/", {"as_of": bad})
    assert response.status_code == 400
    assert f"截至日期“{bad}”不是有效日期" in response.content.decode()


def test_it_says_a_bad_date_on_a_pairings_page(admin_client):
    pairing = demo_pairing("江阳区")
    response = admin_client.get(f"/pairings/{pairing.pk}/", {"as_of": "2022-02-30"})
    assert response.status_code == 400
    assert "截至日期“2022-02-30”不是有效日期" in response.content.decode()
    good = admin_client.get(f"/pairings/{pairing.pk}/", {"as_of": "2022-12-04"})
    assert good.status_code == 200 and "不是有效日期" not in good.content.decode()


def test_it_keeps_the_bad_date_when_one_pairing_is_in_view(client, personas):
    client.force_login(personas.jiangyang)
    response = client.get("/", {"as_of": "2022-13-01"}, follow=True)
    assert response.status_code == 400
    assert "截至日期“2022-13-01”不是有效日期" in response.content.decode()


def test_it_says_a_bad_date_on_a_list_opened_from_a_figure(admin_client):
    pairing = demo_pairing("江阳区")
    query = {"figure": "funds_transfer", "pairing": pairing.pk, "as_of": "2022-12-99"}
    response = admin_client.get("/funds/", query)
    assert response.status_code == 400
    assert "截至日期“2022-12-99”不是有效日期" in response.content.decode()
    assert admin_client.get("/funds/", {**query, "as_of": "2022-12-04"}).status_code == 200


def test_it_says_a_bad_date_in_reports(admin_client):
    pairing = Pairing.objects.filter(is_demo=True).first()
    response = admin_client.get(
        "/reports/download/",
        {
            "pairing": pairing.pk,
            "year": 2022,
            "as_of": "2022-13-01",
            "kind": "briefing",
            "format": "docx",
            "style": "exact",
            "person_rule": "persons",
        },
    )
    assert response.status_code == 400
    assert "截至日期" in response.content.decode()
