"""No lost update: an edit carries the version it was read at, and an edit of a record that
another user changed since is refused with what they changed (pages: the form again, with a
Chinese message; API: 412 with If-Match). An answered confirmation changes only through an
explicit, audited re-opening."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from scratch_databases import run_in_scratch_database
from test_api_support import Api

from pairaid.ledger import services
from pairaid.ledger.models import AuditEntry, Confirmation, FundFlow, Pairing, Project
from pairaid.ledger.services import StaleRecord

# --- the service ----------------------------------------------------------------------------


def test_it_counts_versions(build):
    project = build.project(build.pairing("版本甲区", "版本乙县"), name="旧名")
    assert project.version == 1

    services.update_record(project, acting_user=None, via="test", name="新名", expected_version=1)

    stored = Project.objects.get(pk=project.pk)
    assert (stored.name, stored.version, project.version) == ("新名", 2, 2)
    # Saving what is already stored makes no version.
    services.update_record(project, acting_user=None, via="test", name="新名", expected_version=2)
    assert Project.objects.get(pk=project.pk).version == 2


def test_it_refuses_an_edit_made_on_an_older_version(build):
    project = build.project(build.pairing("旧版甲区", "旧版乙县"), name="原名", progress=10)
    mine = Project.objects.get(pk=project.pk)
    theirs = Project.objects.get(pk=project.pk)
    services.update_record(theirs, acting_user=None, via="test", progress=60, expected_version=1)

    with pytest.raises(StaleRecord) as refused:
        services.update_record(
            mine, acting_user=None, via="test", name="我的名", expected_version=1
        )

    stored = Project.objects.get(pk=project.pk)
    assert (stored.name, stored.progress, stored.version) == ("原名", 60, 2)
    assert refused.value.current_version == 2
    assert refused.value.changed == {"progress": ("进度（%）", "60")}
    assert "进度（%）：60" in refused.value.messages[0]


def test_an_edit_without_a_version_still_applies_and_counts(build):
    project = build.project(build.pairing("无版甲区", "无版乙县"))
    services.update_record(project, acting_user=None, via="test", progress=30)
    services.update_record(
        Project.objects.get(pk=project.pk), acting_user=None, via="t", progress=40
    )
    assert Project.objects.get(pk=project.pk).version == 3


# --- the pages ------------------------------------------------------------------------------


def form_data(client: Client, url: str) -> dict:
    """What the edit form shows, as a browser would post it back unchanged."""
    form = client.get(url).context["form"]
    data = {}
    for field in form:
        value = field.value()
        if value is not None:
            data[field.html_name] = value
    return data


def test_the_second_of_two_saves_is_refused_and_shows_what_changed(client, personas):
    project = Project.objects.filter(
        pairing__helper_region__name="江阳区", status="in_progress"
    ).first()
    url = f"/projects/{project.pk}/edit/"
    first, second = Client(), Client()
    first.force_login(personas.jiangyang)
    second.force_login(personas.jiangyang)
    theirs, mine = form_data(first, url), form_data(second, url)
    assert mine["version"] == project.version

    assert first.post(url, {**theirs, "progress": "77"}).status_code == 302
    response = second.post(url, {**mine, "name": mine["name"] + "（改）"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "其他用户已修改了此记录" in page
    assert "进度（%）：77" in page
    stored = Project.objects.get(pk=project.pk)
    assert (stored.progress, stored.name) == (77, project.name)
    # The form kept what was typed and now carries the current version: saving again,
    # knowing what changed, goes through.
    again = {**form_data_from(response), "progress": "77"}
    assert second.post(url, again).status_code == 302
    stored = Project.objects.get(pk=project.pk)
    assert (stored.progress, stored.name) == (77, project.name + "（改）")


def form_data_from(response) -> dict:
    form = response.context["form"]
    return {f.html_name: f.value() for f in form if f.value() is not None}


# --- the API --------------------------------------------------------------------------------


def test_the_api_answers_an_etag_and_refuses_a_stale_if_match(personas):
    project = Project.objects.filter(pairing__helper_region__name="江阳区").first()
    api = Api.as_user(personas.jiangyang)
    path = f"/projects/{project.pk}/"

    etag = api.get(path)["ETag"]
    assert etag == f'"{project.version}"'
    changed = api.patch(path, {"progress": 41}, headers={"If-Match": etag})
    assert changed.status_code == 200, changed.content
    assert changed["ETag"] == f'"{project.version + 1}"'

    stale = api.patch(path, {"name": "过时的修改"}, headers={"If-Match": etag})

    assert stale.status_code == 412
    assert stale.json()["changed"] == {"progress": "41"}
    assert stale["ETag"] == changed["ETag"]
    stored = Project.objects.get(pk=project.pk)
    assert (stored.name, stored.progress) == (project.name, 41)
    # Without If-Match an edit still applies (last write wins: the schema says so).
    assert api.patch(path, {"progress": 42}).status_code == 200


def test_the_schema_documents_if_match_and_412(personas):
    schema = Api.as_user(personas.admin).get("/openapi.json").json()
    operation = schema["paths"]["/api/v1/projects/{id}/"]["patch"]
    assert "412" in operation["responses"]
    assert "If-Match" in [p["name"] for p in operation["parameters"]]
    assert "If-Match" in operation["description"]


# --- confirmations --------------------------------------------------------------------------


def yanyuan_transfer(build) -> FundFlow:
    pairing = Pairing.objects.get(recipient_region__name="盐源县")
    today = timezone.localdate()
    return build.flow(pairing, "1000.00", year=today.year, day=today)


def test_an_answer_is_given_once_and_changed_only_by_reopening(build, personas):
    flow = yanyuan_transfer(build)
    services.confirm_record(flow, acting_user=personas.yanyuan, via="test", accept=True)

    with pytest.raises(ValidationError):
        services.confirm_record(
            flow, acting_user=personas.yanyuan, via="test", accept=False, note="不对"
        )
    with pytest.raises(ValidationError):
        services.confirm_record(flow, acting_user=personas.yanyuan, via="test", accept=True)
    with pytest.raises(PermissionDenied):
        services.reopen_confirmation(flow, personas.jiangyang, "想改")
    with pytest.raises(ValidationError):
        services.reopen_confirmation(flow, personas.yanyuan, " ")

    services.reopen_confirmation(flow, personas.yanyuan, "到账金额核对有误", via="test")

    stored = FundFlow.objects.get(pk=flow.pk)
    assert stored.confirmation == Confirmation.UNCONFIRMED
    entry = AuditEntry.objects.get(action="fundflow.confirmation_reopened", record_id=str(flow.pk))
    assert entry.changes["confirmation"] == ["confirmed", "unconfirmed"]
    assert "到账金额核对有误" in entry.changes["confirmation_note"][1]
    services.confirm_record(
        stored, acting_user=personas.yanyuan, via="test", accept=False, note="少到账"
    )
    assert FundFlow.objects.get(pk=flow.pk).confirmation == Confirmation.DISPUTED


def test_the_page_offers_reopening_to_the_recipient_side(client, build, personas):
    flow = yanyuan_transfer(build)
    client.force_login(personas.yanyuan)
    client.post(f"/funds/{flow.pk}/confirm/", {"decision": "confirm"})
    page = client.get(f"/funds/{flow.pk}/").content.decode()
    assert f"/funds/{flow.pk}/reopen/" in page

    client.post(f"/funds/{flow.pk}/confirm/", {"decision": "dispute", "note": "再答一次"})
    assert FundFlow.objects.get(pk=flow.pk).confirmation == Confirmation.CONFIRMED

    client.post(f"/funds/{flow.pk}/reopen/", {"reason": "核对后重新确认"})
    assert FundFlow.objects.get(pk=flow.pk).confirmation == Confirmation.UNCONFIRMED

    helper = Client()
    helper.force_login(personas.jiangyang)
    assert f"/funds/{flow.pk}/reopen/" not in helper.get(f"/funds/{flow.pk}/").content.decode()
    assert helper.post(f"/funds/{flow.pk}/reopen/", {"reason": "x"}).status_code == 403


def test_the_api_reopens_a_confirmation_and_refuses_answering_twice(build, personas):
    flow = yanyuan_transfer(build)
    api = Api.as_user(personas.yanyuan)
    assert api.post(f"/fund-flows/{flow.pk}/confirm/", {}).status_code == 200
    assert api.post(f"/fund-flows/{flow.pk}/dispute/", {"note": "改主意"}).status_code == 422

    reopened = api.post(f"/fund-flows/{flow.pk}/reopen-confirmation/", {"reason": "重新核对"})

    assert reopened.status_code == 200, reopened.content
    assert reopened.json()["confirmation"] == "unconfirmed"
    assert api.post(f"/fund-flows/{flow.pk}/dispute/", {"note": "少到账"}).status_code == 200
    helper = Api.as_user(personas.jiangyang)
    assert (
        helper.post(f"/fund-flows/{flow.pk}/reopen-confirmation/", {"reason": "x"}).status_code
        == 403
    )


def test_an_obligation_refuses_a_stale_if_match(build, personas):
    from pairaid.ledger.models import Agreement, Obligation

    pairing = Pairing.objects.get(helper_region__name="江阳区", recipient_region__name="盐源县")
    agreement = services.create_record(
        Agreement, acting_user=None, via="test", pairing=pairing, title="履约测试", kind="annual"
    )
    obligation = services.create_record(
        Obligation, acting_user=None, via="test", agreement=agreement, deliverable="交付"
    )
    api = Api.as_user(personas.jiangyang)
    path = f"/agreements/{agreement.pk}/obligations/{obligation.pk}/"

    first = api.patch(path, {"evidence": "验收单"}, headers={"If-Match": '"1"'})
    assert first.status_code == 200, first.content
    assert first["ETag"] == '"2"'
    stale = api.patch(path, {"evidence": "旧的"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert Obligation.objects.get(pk=obligation.pk).evidence == "验收单"


CONCURRENT = r"""
import datetime as dt, json, threading
import django
django.setup()
from django.core.management import call_command
from django.db import connection, connections
call_command("migrate", verbosity=0)
from pairaid.ledger import services
from pairaid.ledger.models import Pairing, Project, Region
from pairaid.ledger.services import StaleRecord

helper = Region.objects.create(code="990201", name="并发甲区", level="county")
recipient = Region.objects.create(code="990202", name="并发乙县", level="county")
pairing = Pairing.objects.create(
    helper_region=helper, recipient_region=recipient, scheme="other",
    valid_from=dt.date(2020, 1, 1),
)
outcomes = []
for round_ in range(8):
    project = services.create_record(
        Project, acting_user=None, via="test", pairing=pairing, code=f"C-{round_}",
        name="并发", sector="other", mode="direct_aid",
    )
    start = threading.Barrier(2)
    results = []

    def save(progress):
        mine = Project.objects.get(pk=project.pk)  # both read version 1
        start.wait()
        try:
            services.update_record(
                mine, acting_user=None, via="test", progress=progress, expected_version=1
            )
            results.append("saved")
        except StaleRecord:
            results.append("stale")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(p,)) for p in (30, 70)]
    for t in threads: t.start()
    for t in threads: t.join()
    stored = Project.objects.get(pk=project.pk)
    outcomes.append({"results": sorted(results), "version": stored.version})
print(json.dumps(outcomes))
"""


def test_two_concurrent_saves_cannot_both_win(db):
    outcomes = run_in_scratch_database(CONCURRENT, migrated=True)
    assert outcomes == [{"results": ["saved", "stale"], "version": 2}] * 8
