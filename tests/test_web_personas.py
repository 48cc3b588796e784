"""Issue 4 through the pages, as the offices of DESIGN.md: scope (江阳区's editor and
龙马潭区's records), the recipient side's confirmation, review and lock, personal data,
the change history and the audit list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from pairaid.ledger import services
from pairaid.ledger.models import (
    AuditEntry,
    Confirmation,
    FundFlow,
    Pairing,
    PairingYear,
    Person,
    Posting,
    Project,
)

ID_NUMBER = "513428199001011234"
PHONE = "13812345678"


def as_(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def longmatan() -> Pairing:
    return Pairing.objects.get(helper_region__name="龙马潭区", parent__isnull=False)


def jiangyang() -> Pairing:
    return Pairing.objects.get(helper_region__name="江阳区", parent__isnull=False)


def unconfirmed_transfer(pairing: Pairing) -> FundFlow:
    return services.record_fund_flow(
        acting_user=None,
        via="test",
        pairing=pairing,
        kind=FundFlow.Kind.TRANSFER,
        fund_year=2024,
        date="2024-03-01",
        amount=Decimal("123456.78"),
        source=FundFlow.Source.FISCAL,
    )


def person_with_personal_data(pairing: Pairing) -> Person:
    posting = Posting.objects.filter(pairing=pairing).order_by("id").first()
    person = posting.person
    services.update_record(person, acting_user=None, via="test", id_number=ID_NUMBER, phone=PHONE)
    return person


# --- 江阳区's helper editor and 龙马潭区's records -------------------------------------------


@pytest.mark.django_db
def test_it_hides_longmatans_records_from_jiangyangs_editor(personas):
    client = as_(personas.jiangyang)
    pairing = longmatan()
    project = Project.objects.filter(pairing=pairing).first()
    flow = FundFlow.objects.filter(pairing=pairing).first()
    posting = Posting.objects.filter(pairing=pairing).first()

    for url in [
        f"/pairings/{pairing.pk}/",
        f"/pairings/{pairing.pk}/years/",
        f"/projects/{project.pk}/",
        f"/projects/{project.pk}/edit/",
        f"/funds/{flow.pk}/",
        f"/people/{posting.person_id}/",
        f"/people/{posting.person_id}/edit/",
        f"/postings/{posting.pk}/edit/",
    ]:
        assert client.get(url).status_code == 404, url
    response = client.post(f"/funds/{flow.pk}/reverse/", {"reason": "误录"})
    assert response.status_code == 404
    assert not FundFlow.objects.filter(reverses=flow).exists()
    response = client.post(f"/projects/{project.pk}/edit/", {"name": "改名"})
    assert response.status_code == 404

    listed = client.get("/funds/", {"q": flow.voucher or ""}).content.decode()
    assert f"/funds/{flow.pk}/" not in listed
    listed = client.get("/projects/", {"q": project.code}).content.decode()
    assert f"/projects/{project.pk}/" not in listed
    assert str(pairing) not in client.get("/").content.decode()


# --- the recipient side's confirmation ---------------------------------------------------


@pytest.mark.django_db
def test_puge_confirms_longmatans_transfer_but_cannot_change_it(personas):
    client = as_(personas.puge)
    flow = unconfirmed_transfer(longmatan())
    page = client.get(f"/funds/{flow.pk}/").content.decode()
    assert f'action="/funds/{flow.pk}/confirm/"' in page
    assert "冲销该记录" not in page

    response = client.post(f"/funds/{flow.pk}/confirm/", {"decision": "confirm"})

    assert response.status_code == 302
    flow.refresh_from_db()
    assert flow.confirmation == Confirmation.CONFIRMED
    entry = AuditEntry.objects.filter(record_type="fundflow", record_id=str(flow.pk)).first()
    assert (entry.action, entry.actor, entry.user) == ("fundflow.confirmed", "web", personas.puge)
    # Answered: the buttons are gone.
    assert (
        f'action="/funds/{flow.pk}/confirm/"'
        not in client.get(f"/funds/{flow.pk}/").content.decode()
    )

    # Not the amount: no reversal, no new entry, no form.
    count = FundFlow.objects.count()
    response = client.post(f"/funds/{flow.pk}/reverse/", {"reason": "金额不对"})
    assert response.status_code == 403
    assert client.get("/funds/new/").status_code == 403
    data = {
        "pairing": flow.pairing_id,
        "kind": "transfer",
        "fund_year": 2024,
        "date": "2024-03-02",
        "amount": "1.00",
        "source": "fiscal",
    }
    assert client.post("/funds/new/", data).status_code == 403
    assert FundFlow.objects.count() == count
    flow.refresh_from_db()
    assert flow.amount == Decimal("123456.78")


@pytest.mark.django_db
def test_a_dispute_needs_a_reason(personas):
    client = as_(personas.puge)
    flow = unconfirmed_transfer(longmatan())

    response = client.post(f"/funds/{flow.pk}/confirm/", {"decision": "dispute"}, follow=True)
    flow.refresh_from_db()
    assert flow.confirmation == Confirmation.UNCONFIRMED
    assert "有异议时请说明原因" in response.content.decode()

    client.post(f"/funds/{flow.pk}/confirm/", {"decision": "dispute", "note": "未到账"})
    flow.refresh_from_db()
    assert (flow.confirmation, flow.confirmation_note) == (Confirmation.DISPUTED, "未到账")


@pytest.mark.django_db
def test_the_helper_side_cannot_confirm_its_own_transfer(personas):
    flow = unconfirmed_transfer(longmatan())
    client = as_(personas.longmatan)

    assert 'name="decision"' not in client.get(f"/funds/{flow.pk}/").content.decode()
    assert client.post(f"/funds/{flow.pk}/confirm/", {"decision": "confirm"}).status_code == 403
    flow.refresh_from_db()
    assert flow.confirmation == Confirmation.UNCONFIRMED


@pytest.mark.django_db
def test_puge_confirms_a_posting_on_the_persons_page(personas, build):
    posting = build.posting(build.person(), longmatan(), dt.date(2024, 3, 1))
    assert posting.confirmation == Confirmation.UNCONFIRMED
    client = as_(personas.puge)
    page = client.get(f"/people/{posting.person_id}/").content.decode()
    assert f'action="/postings/{posting.pk}/confirm/"' in page

    response = client.post(f"/postings/{posting.pk}/confirm/", {"decision": "confirm"})

    assert response.status_code == 302
    posting.refresh_from_db()
    assert posting.confirmation == Confirmation.CONFIRMED
    assert as_(personas.puge).get(f"/postings/{posting.pk}/edit/").status_code == 403


@pytest.mark.django_db
def test_lists_filter_by_confirmation(personas, django_assert_max_num_queries):
    client = as_(personas.luzhou)
    flow = unconfirmed_transfer(longmatan())
    wanted = FundFlow.objects.filter(confirmation=Confirmation.UNCONFIRMED).count()

    with django_assert_max_num_queries(25):
        response = client.get("/funds/", {"confirmation": "unconfirmed"})

    assert f'data-count="{wanted}"' in response.content.decode()
    confirmed = client.get("/funds/", {"confirmation": "confirmed"}).content.decode()
    assert f"/funds/{flow.pk}/" not in confirmed
    postings = client.get("/postings/", {"confirmation": "disputed"})
    disputed = Posting.objects.filter(confirmation=Confirmation.DISPUTED).count()
    assert f'data-count="{disputed}"' in postings.content.decode()


@pytest.mark.django_db
def test_the_dashboard_counts_confirmed_records_only_when_asked(personas):
    client = as_(personas.luzhou)
    pairing = longmatan()
    unconfirmed_transfer(pairing)

    everything = client.get(f"/pairings/{pairing.pk}/", {"as_of": "2024-12-31"})
    confirmed = client.get(f"/pairings/{pairing.pk}/", {"as_of": "2024-12-31", "confirmed": "1"})

    assert "含待确认记录" in everything.content.decode()
    page = confirmed.content.decode()
    assert "仅已确认记录" in page
    assert "confirmed=1" in page  # the drill-down links carry the flag
    main = next(d for d in confirmed.context["main"] if d.key == "funds_transfer")
    assert main.scope.confirmed
    listed = client.get(main.url.replace("&amp;", "&"))
    assert f'data-total="{main.figure.value}"' in listed.content.decode()


# --- review and lock -----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_approved_year_is_locked_in_the_forms(personas):
    pairing = jiangyang()
    editor, coordinator = as_(personas.jiangyang), as_(personas.luzhou)

    years = editor.get(f"/pairings/{pairing.pk}/years/").content.decode()
    assert f'action="/pairings/{pairing.pk}/years/2024/submitted/"' in years
    assert "审核通过并锁定" not in years
    editor.post(f"/pairings/{pairing.pk}/years/2024/submitted/")
    assert coordinator.post(f"/pairings/{pairing.pk}/years/2024/approved/").status_code == 302
    assert PairingYear.objects.get(pairing=pairing, year=2024).status == "approved"
    assert 'data-locked-year="2024"' in editor.get(f"/pairings/{pairing.pk}/").content.decode()

    count = FundFlow.objects.count()
    response = editor.post(
        "/funds/new/",
        {
            "pairing": pairing.pk,
            "kind": "transfer",
            "fund_year": 2024,
            "date": "2024-06-01",
            "amount": "1000.00",
            "source": "fiscal",
        },
    )

    assert response.status_code == 400
    assert "已审核锁定" in response.content.decode()
    assert FundFlow.objects.count() == count

    # Reopening needs a reason; with one the year is open again, and it is audited.
    coordinator.post(f"/pairings/{pairing.pk}/years/2024/reopened/")
    assert PairingYear.objects.get(pairing=pairing, year=2024).status == "approved"
    coordinator.post(f"/pairings/{pairing.pk}/years/2024/reopened/", {"comment": "补录"})
    year = PairingYear.objects.get(pairing=pairing, year=2024)
    assert (year.status, year.comment) == ("draft", "补录")
    assert AuditEntry.objects.filter(action="pairingyear.reopened", actor="web").exists()


@pytest.mark.django_db
def test_only_a_coordinator_approves_and_a_return_needs_a_comment(personas):
    pairing = jiangyang()
    as_(personas.yanyuan).post(f"/pairings/{pairing.pk}/years/2023/submitted/")
    assert PairingYear.objects.get(pairing=pairing, year=2023).status == "submitted"

    assert (
        as_(personas.jiangyang).post(f"/pairings/{pairing.pk}/years/2023/approved/").status_code
        == 403
    )
    response = as_(personas.luzhou).post(
        f"/pairings/{pairing.pk}/years/2023/returned/", follow=True
    )
    assert "请填写意见或原因" in response.content.decode()
    as_(personas.luzhou).post(
        f"/pairings/{pairing.pk}/years/2023/returned/", {"comment": "数据不全"}
    )
    page = as_(personas.jiangyang).get(f"/pairings/{pairing.pk}/years/").content.decode()
    assert "数据不全" in page


# --- personal data -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_viewer_sees_masked_personal_data_only(personas):
    person = person_with_personal_data(longmatan())
    client = as_(personas.viewer)

    page = client.get(f"/people/{person.pk}/").content.decode()

    assert "513428********1234" in page and "138****5678" in page
    assert ID_NUMBER not in page and PHONE not in page
    assert "显示完整信息" not in page
    assert client.post(f"/people/{person.pk}/reveal/").status_code == 403
    assert not AuditEntry.objects.filter(action="person.personal_data_viewed").exists()


@pytest.mark.django_db
def test_a_role_that_needs_them_sees_the_numbers_once_and_it_is_audited(personas):
    person = person_with_personal_data(longmatan())
    client = as_(personas.puge)

    assert "显示完整信息" in client.get(f"/people/{person.pk}/").content.decode()
    page = client.post(f"/people/{person.pk}/reveal/").content.decode()

    assert ID_NUMBER in page and PHONE in page
    entry = AuditEntry.objects.get(action="person.personal_data_viewed")
    assert (entry.user, entry.actor, entry.record_id) == (personas.puge, "web", str(person.pk))
    assert ID_NUMBER not in client.get(f"/people/{person.pk}/").content.decode()


@pytest.mark.django_db
def test_lists_and_exports_never_show_personal_data(personas):
    person = person_with_personal_data(longmatan())
    client = as_(personas.admin)

    listed = client.get("/people/", {"q": person.name}).content.decode()
    assert person.name in listed
    assert ID_NUMBER not in listed and PHONE not in listed
    exported = client.get("/exchange/export/persons/", {"format": "csv"})
    body = b"".join(exported.streaming_content) if exported.streaming else exported.content
    assert exported.status_code == 200
    assert person.number.encode() in body
    assert ID_NUMBER.encode() not in body and PHONE.encode() not in body
    assert b"138****5678" not in body  # not even masked: the column is not exported


# --- the change history and the audit list ---------------------------------------------------


@pytest.mark.django_db
def test_the_change_history_is_for_auditors_and_the_records_editors(personas):
    flow = unconfirmed_transfer(longmatan())
    url = f"/funds/{flow.pk}/"

    for name in ("longmatan", "luzhou", "sichuan_auditor", "admin"):
        assert "修改记录" in as_(getattr(personas, name)).get(url).content.decode(), name
    for name in ("viewer", "puge"):
        assert "修改记录" not in as_(getattr(personas, name)).get(url).content.decode(), name


@pytest.mark.django_db
def test_the_audit_list_shows_entries_in_scope_only(personas, build, django_assert_max_num_queries):
    inside = unconfirmed_transfer(longmatan())
    outside = build.pairing("外区", "外县")  # not under 泸州市
    elsewhere = build.flow(outside, "1000.00")
    client = as_(personas.luzhou)

    with django_assert_max_num_queries(20):
        response = client.get("/audit/", {"record_type": "fundflow", "q": str(inside.pk)})
    page = response.content.decode()
    entry = AuditEntry.objects.get(record_type="fundflow", record_id=str(inside.pk))
    assert f'data-entry="{entry.pk}"' in page

    page = client.get(
        "/audit/", {"record_type": "fundflow", "q": str(elsewhere.pk)}
    ).content.decode()
    entry = AuditEntry.objects.get(record_type="fundflow", record_id=str(elsewhere.pk))
    assert f'data-entry="{entry.pk}"' not in page
    admin = as_(personas.admin).get("/audit/", {"q": str(elsewhere.pk), "record_type": "fundflow"})
    assert f'data-entry="{entry.pk}"' in admin.content.decode()
    # Entries of no pairing (a token, a region) are for administrators only.
    assert not response.context["page"].paginator.object_list.filter(pairing__isnull=True).exists()
    assert as_(personas.viewer).get("/audit/").status_code == 403


@pytest.mark.django_db
def test_an_administrator_checks_the_hash_chain(personas):
    client = as_(personas.admin)
    assert "校验哈希链" in client.get("/audit/").content.decode()
    assert "校验哈希链" not in as_(personas.luzhou).get("/audit/").content.decode()

    page = client.post("/audit/verify/", follow=True).content.decode()
    assert "哈希链完整" in page

    AuditEntry.objects.filter(pk=AuditEntry.objects.order_by("id").first().pk).update(
        record_repr="篡改"
    )
    page = client.post("/audit/verify/", follow=True).content.decode()
    assert "发现1处断裂" in page
