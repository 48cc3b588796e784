"""/audit/: the audit trail reads like a ledger — labels, record names and values as pages
show them — with its action and record type chosen from lists, at a fixed query cost."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pairaid.ledger import services
from pairaid.ledger.models import AuditEntry, FundFlow, Project, Region


@pytest.fixture
def ledger(build):
    pairing = build.pairing("甲区", "乙县")
    county = Region.objects.get(pk=pairing.recipient_region_id)
    town = build.region("乙县润和镇", Region.Level.TOWNSHIP, parent=county)
    school = build.organisation("乙县中学", county, kind="school")
    project = build.project(
        pairing,
        code="AUD-1",
        name="乙县中学教学楼",
        status=Project.Status.PLANNED,
        start=None,
        location=town,
        implementing_organisation=school,
        planned_budget=Decimal("1200000.00"),
    )
    services.update_record(
        project,
        acting_user=None,
        via="test",
        status=Project.Status.IN_PROGRESS,
        start_date=dt.date(2023, 4, 1),
        planned_budget=Decimal("1500000.50"),
    )
    flow = build.flow(pairing, "80000.00", year=2023, project=project)
    return pairing, project, flow, town, school


def audit_page(client, **query):
    return client.get("/audit/", query).content.decode()


def changes_cells(page: str) -> str:
    return " ".join(re.findall(r'<td class="audit-changes">(.*?)</td>', page, re.S))


def test_it_shows_labels_names_and_values_as_pages_do(admin_client, ledger):
    pairing, project, _flow, town, school = ledger
    page = audit_page(admin_client, pairing=pairing.pk, record_type="project")
    cells = changes_cells(page)

    # Labels, not field names.
    for label in ("计划投资（元）", "实施地点", "实施单位", "状态", "演示数据", "开工日期"):
        assert f"<dt>{label}</dt>" in cells
    assert "planned_budget" not in cells and "implementing_organisation" not in cells
    # Values as pages show them.
    assert "1,200,000.00元" in cells
    assert "1,200,000.00元 → 1,500,000.50元" in cells
    assert "计划 → 实施中" in cells
    assert "— → 2023-04-01" in cells
    assert f"<dd>{town.name}</dd>" in cells and f"<dd>{school.name}</dd>" in cells
    assert "<dd>否</dd>" in cells
    for raw in ("True", "False", "None", "{", "[", "'"):
        assert raw not in cells
    # The record by its name and kind, not "project #6".
    assert f"帮扶项目</span> {project}" in page
    assert f"project #{project.pk}" not in page


def test_it_shows_money_and_references_of_a_fund_flow(admin_client, ledger):
    pairing, project, _flow, _town, _school = ledger
    cells = changes_cells(audit_page(admin_client, pairing=pairing.pk, record_type="fundflow"))
    assert "<dd>80,000.00元</dd>" in cells
    assert f"<dd>{project}</dd>" in cells
    assert f"<dd>{pairing}</dd>" in cells
    assert f"<dd>{FundFlow.Kind.TRANSFER.label}</dd>" in cells
    assert "<dd>2023-06-01</dd>" in cells


def test_it_offers_actions_and_record_types_to_choose_from(admin_client, ledger):
    pairing, project, _flow, _town, _school = ledger
    page = audit_page(admin_client)
    assert re.search(
        r'<select name="action"[^>]*>.*?<option value="updated">修改</option>', page, re.S
    )
    assert re.search(
        r'<select name="record_type"[^>]*>.*?<option value="project">帮扶项目</option>', page, re.S
    )
    updated = audit_page(admin_client, pairing=pairing.pk, action="updated")
    entry = AuditEntry.objects.get(record_id=str(project.pk), action="project.updated")
    assert f'data-entry="{entry.pk}"' in updated
    assert updated.count("data-entry=") == 1


def test_it_costs_the_same_queries_for_more_entries(admin_client, build):
    def queries_for(count: int) -> tuple[int, int]:
        pairing = build.pairing()
        county = Region.objects.get(pk=pairing.recipient_region_id)
        for n in range(count):
            town = build.region(f"镇{n}", Region.Level.TOWNSHIP, parent=county)
            body = build.organisation(f"单位{n}", county)
            project = build.project(pairing, location=town, implementing_organisation=body)
            build.flow(pairing, f"{n + 1}.00", project=project)
        with CaptureQueriesContext(connection) as captured:
            page = audit_page(admin_client, pairing=pairing.pk)
        return len(captured), page.count("data-entry=")

    small, shown_small = queries_for(2)
    large, shown_large = queries_for(12)
    # The pairing's own entry, and each project's and fund flow's.
    assert (shown_small, shown_large) == (1 + 2 * 2, 1 + 2 * 12)
    assert small == large
