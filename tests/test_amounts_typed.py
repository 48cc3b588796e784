"""Amounts as people type them at every door: in 元, with the 万元 equivalent shown while
typing, and never read from scientific notation (1e5, 1E5, 1e-2) — forms, API, importer."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command
from test_api_support import Api, demo_pairing

from pairaid.exchange import cells
from pairaid.ledger.models import Agreement, FundFlow, Project

SCIENTIFIC = ["1e5", "1E5", "1e-2", "2.5e+3"]


@pytest.fixture
def pair(build):
    return build.pairing("甲区", "乙县")


def flow_data(pair, **fields):
    return {
        "pairing": pair.pk,
        "kind": "transfer",
        "fund_year": "2023",
        "date": "2023-05-01",
        "amount": "500000.00",
        "source": "fiscal",
        **fields,
    }


@pytest.mark.parametrize("typed", SCIENTIFIC)
def test_it_refuses_scientific_notation_in_the_fund_form(admin_client, pair, typed):
    response = admin_client.post("/funds/new/", flow_data(pair, amount=typed))
    assert response.status_code == 400
    assert "不接受 1e5 这样的科学计数法" in response.content.decode()
    assert not FundFlow.objects.filter(pairing=pair).exists()


def test_it_refuses_scientific_notation_for_budgets_and_contracts(admin_client, pair):
    project = {
        "pairing": pair.pk,
        "code": "SCI-1",
        "name": "科学计数法",
        "sector": "industry",
        "mode": "capacity_building",
        "planned_budget": "1E5",
        "status": "planned",
        "progress": "0",
        "beneficiary_households": "0",
        "beneficiary_persons": "0",
    }
    response = admin_client.post("/projects/new/", project)
    assert response.status_code == 400 and "科学计数法" in response.content.decode()
    assert not Project.objects.filter(code="SCI-1").exists()
    agreement = {"pairing": pair.pk, "title": "合同", "kind": "purchase", "status": "draft"}
    response = admin_client.post("/agreements/new/", {**agreement, "amount": "1e-2"})
    assert response.status_code == 400 and "科学计数法" in response.content.decode()
    assert not Agreement.objects.filter(pairing=pair).exists()


def test_it_says_the_unit_and_shows_wan_while_typing(admin_client, pair):
    page = admin_client.get("/funds/new/").content.decode()
    field = re.search(r'<input[^>]*name="amount"[^>]*>', page).group(0)
    assert 'data-money="yuan"' in field and 'data-unit="万元"' in field
    assert "单位：元" in page
    assert re.search(r'<script src="[^"]*web/money\.js" defer></script>', page)
    script = Path(finders.find("web/money.js")).read_text(encoding="utf-8")
    # Under a strict Content-Security-Policy: no inline handlers, nothing fetched from afar.
    assert "addEventListener" in script and "http" not in script
    assert not re.search(r"\son[a-z]+=", page)
    budget = admin_client.get("/projects/new/").content.decode()
    assert re.search(r'<input[^>]*name="planned_budget"[^>]*data-money="yuan"', budget)
    assert "计划投资（元）" in budget


@pytest.mark.parametrize("typed", SCIENTIFIC)
def test_it_refuses_scientific_notation_in_the_api(personas, typed):
    pairing = demo_pairing("江阳区")
    response = Api.as_user(personas.jiangyang).post(
        "/projects/",
        {
            "pairing_id": pairing.pk,
            "code": "API-SCI-1",
            "name": "科学计数法",
            "sector": "industry",
            "mode": "capacity_building",
            "planned_budget": typed,
        },
    )
    assert response.status_code == 422
    assert "金额应为字符串形式的元" in response.json()["errors"]["planned_budget"][0]


@pytest.mark.parametrize("typed", SCIENTIFIC)
def test_it_refuses_scientific_notation_in_a_cell(typed):
    for parse in (cells.parse_money, cells.parse_decimal):
        with pytest.raises(cells.CellError, match="科学计数法"):
            parse(typed)


def test_it_still_reads_a_spreadsheets_own_numbers():
    """A number the spreadsheet stored (a float) is not text in scientific notation."""
    assert str(cells.parse_money(1e5)) == "100000.00"
    assert cells.parse_code(5.13423110202e11) == "513423110202"


def test_it_refuses_scientific_notation_in_an_import(pair, tmp_path):
    path = tmp_path / "projects.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["结对关系", "项目编号", "项目名称", "领域", "帮扶方式", "计划投资"])
        writer.writerow([pair.name, "CSV-SCI", "科学计数法", "产业", "造血", "1e5"])
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_records", str(path), "--no-progress", stderr=errors, stdout=io.StringIO()
        )
    assert "科学计数法" in errors.getvalue()
    assert not Project.objects.filter(code="CSV-SCI").exists()
