"""The project page's money (allocated to it, spent on it) is the sum of the project's own
records of each stage, read in one query each: the pairing's whole total is not summed
alongside for nothing."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pairaid.ledger.models import FundFlow, Project

# The project page's queries (session, user, roles, the project, its money, flows, progress,
# evidence, history …): two fewer than when each stage's figure summed its pairing too.
PROJECT_PAGE_QUERIES = 12


def test_it_shows_each_stage_as_the_sum_of_the_projects_records(admin_client):
    project = (
        Project.objects.annotate(n=Count("fund_flows")).filter(n__gt=1).order_by("-n", "pk")
    ).first()
    assert project is not None
    admin_client.get(f"/projects/{project.pk}/")  # warm
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(f"/projects/{project.pk}/")
    assert response.status_code == 200
    shown = {drill.key: drill.figure for drill in response.context["money"]}
    for kind in (FundFlow.Kind.ALLOCATE, FundFlow.Kind.SPEND):
        flows = FundFlow.objects.filter(project=project, kind=kind, date__lte=timezone.localdate())
        expected = sum((f.amount for f in flows), Decimal("0.00"))
        assert shown[f"funds_{kind}"].value == expected
        assert set(shown[f"funds_{kind}"].records) == set(flows)
    assert len(captured) <= PROJECT_PAGE_QUERIES, [q["sql"][:80] for q in captured]
