"""/api/v1/evidence/ and /api/v1/progress-updates/: evidence files and progress reports,
listed and read in the asking user's scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from evidence_files import pdf
from test_api_support import Api, demo_pairing

from pairaid.ledger import services
from pairaid.ledger.models import Evidence, ProgressUpdate, Project


def test_it_lists_a_projects_evidence_in_scope_only(personas):
    project = Project.objects.filter(pairing=demo_pairing("江阳区")).order_by("pk").first()
    kept = services.attach_evidence(
        project, pdf(), title="开工报告", acting_user=personas.jiangyang, via="test"
    )
    gone = services.attach_evidence(project, pdf(), acting_user=personas.jiangyang, via="test")
    services.remove_evidence(gone, reason="重复", acting_user=personas.jiangyang, via="test")

    body = Api.as_user(personas.jiangyang).get("/evidence/", project=project.pk).json()

    assert [item["id"] for item in body["items"]] == [kept.pk]
    item = body["items"][0]
    assert (item["title"], item["sha256"], item["size"]) == ("开工报告", kept.sha256, kept.size)
    assert item["download"].endswith(f"/evidence/{kept.pk}/file/")
    both = Api.as_user(personas.jiangyang).get("/evidence/", project=project.pk, removed=True)
    assert both.json()["count"] == 2
    assert Api.as_user(personas.longmatan).get(f"/evidence/{kept.pk}/").status_code == 404
    outside = Api.as_user(personas.longmatan).get("/evidence/", project=project.pk)
    assert outside.json()["count"] == 0


def test_it_lists_a_projects_progress_reports_with_their_dates(personas):
    project = Project.objects.filter(pairing=demo_pairing("江阳区")).order_by("pk").first()
    for day, progress in ((dt.date(2021, 5, 1), 20), (dt.date(2022, 5, 1), 60)):
        services.record_progress_update(
            project, date=day, progress=progress, text="进展", spent_to_date=Decimal("100.50"),
            acting_user=personas.yanyuan, via="test",
        )  # fmt: skip

    body = Api.as_user(personas.yanyuan).get("/progress-updates/", project=project.pk).json()

    expected = ProgressUpdate.objects.filter(project=project).order_by("pk")
    assert [(item["id"], item["date"]) for item in body["items"]] == [
        (u.pk, u.date.isoformat()) for u in expected
    ]
    assert body["items"][-1]["spent_to_date"] == "100.50"
    first = body["items"][0]["id"]
    assert Api.as_user(personas.puge).get(f"/progress-updates/{first}/").status_code == 404
    assert Evidence.objects.filter(update_id=first).count() == 0
