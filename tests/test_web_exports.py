"""Every list downloads its rows — the same filters, drill-down and scope as the page."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from pairaid.ledger import figures
from pairaid.ledger.models import Pairing, Project

LISTS = ["/projects/", "/funds/", "/people/", "/postings/", "/agreements/", "/events/", "/tasks/"]


def download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize("url", LISTS)
def test_it_offers_both_downloads_on_every_list(admin_client, url):
    body = admin_client.get(url).content.decode()
    assert "export=xlsx" in body and "export=csv" in body


def test_it_downloads_the_filtered_rows_not_one_page(admin_client):
    jiangyang = Pairing.objects.get(helper_region__name="江阳区")
    wanted = Project.objects.filter(pairing=jiangyang, sector="education").count()

    rows = csv_rows(
        download(
            admin_client, f"/projects/?pairing={jiangyang.pk}&sector=education&page=2&export=csv"
        )
    )

    assert len(rows) - 1 == wanted
    assert "项目编号" in rows[0]


def test_it_downloads_a_figures_records_as_numbers(admin_client):
    jiangyang = Pairing.objects.get(helper_region__name="江阳区")
    figure = figures.funds_invested(figures.window_for(jiangyang))
    url = f"/funds/?figure=funds_transfer&pairing={jiangyang.pk}&export=xlsx"

    sheet = load_workbook(io.BytesIO(download(admin_client, url)), read_only=True).active
    header, *rows = list(sheet.values)
    amounts = [row[header.index(next(h for h in header if h.startswith("金额")))] for row in rows]

    assert len(rows) == figure.records.count()
    assert sum(Decimal(str(a)) for a in amounts) == figure.value


def test_it_keeps_other_pairings_out_of_a_download(client, personas):
    client.force_login(personas.jiangyang)

    rows = csv_rows(download(client, "/projects/?export=csv"))

    pairing_column = rows[0].index("结对关系")
    assert {row[pairing_column] for row in rows[1:]} == {"江阳区→盐源县"}
