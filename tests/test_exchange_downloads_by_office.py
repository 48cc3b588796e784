"""A list page's download, per office: each persona gets exactly the records of the
pairings it sees (an auditor reads them too), a filter matching nothing gives the header
alone, and the file is named after its kind and today's date."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone

from pairaid.ledger import access
from pairaid.ledger.models import FundFlow, Project

PERSONAS = ["jiangyang", "longmatan", "yanyuan", "puge", "luzhou", "sichuan_auditor"]


def download(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return response, list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize("name", PERSONAS)
def test_it_downloads_the_funds_of_the_pairings_an_office_sees(client, personas, name):
    user = getattr(personas, name)
    client.force_login(user)
    visible = access.visible_pairings(user)

    _response, rows = download(client, "/funds/?export=csv")

    pairing_column = rows[0].index("结对关系")
    assert len(rows) - 1 == FundFlow.objects.filter(pairing__in=visible).count()
    assert {row[pairing_column] for row in rows[1:]} <= {str(p) for p in visible}


@pytest.mark.parametrize("name", ["jiangyang", "yanyuan"])
def test_it_downloads_the_projects_of_a_year_for_an_office(client, personas, name):
    user = getattr(personas, name)
    client.force_login(user)
    visible = access.visible_pairings(user)
    wanted = Project.objects.filter(pairing__in=visible, start_date__year=2018)
    assert wanted.exists()

    _response, rows = download(client, "/projects/?year=2018&export=csv")

    code = rows[0].index("项目编号")
    assert sorted(row[code] for row in rows[1:]) == sorted(wanted.values_list("code", flat=True))


def test_it_downloads_the_header_alone_when_the_filter_matches_nothing(client, personas):
    client.force_login(personas.jiangyang)

    _response, rows = download(client, "/funds/?q=没有这样的凭证号&export=csv")

    assert len(rows) == 1
    assert "结对关系" in rows[0]


def test_it_names_the_file_after_its_kind_and_today(client, personas):
    client.force_login(personas.luzhou)

    response, _rows = download(client, "/projects/?export=csv")

    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert timezone.localdate().isoformat() in disposition
    assert response["Content-Type"].startswith("text/csv")
