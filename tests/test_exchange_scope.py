"""Import batches and their files stay with who may see them, and hold no personal data
in clear: who may upload, who may open a batch, its rejected rows and its original file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from pairaid.exchange.models import ImportBatch
from pairaid.ledger.models import Pairing, Person

PERSON_HEADER = ["人员编号", "姓名", "性别", "类别", "身份证号", "联系电话"]
ID_NUMBER = "510502199001011234"
PHONE = "13812345678"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def workbook_bytes(header: list[str], *rows: list[object], name: str) -> io.BytesIO:
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    data.name = name
    return data


def persons_file(*rows: list[object]) -> io.BytesIO:
    return workbook_bytes(PERSON_HEADER, *rows, name="人员.xlsx")


def funds_file(pairing: Pairing, voucher: str) -> io.BytesIO:
    header = ["结对关系", "类型", "资金年度", "日期", "金额（元）", "资金来源", "凭证或文号"]
    row = [str(pairing), "拨付", 2022, "2022年6月1日", 100, "财政援助资金", voucher]
    return workbook_bytes(header, row, name="资金.xlsx")


def upload(client, data) -> ImportBatch:
    response = client.post(reverse("exchange:upload"), {"file": data})
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportBatch.objects.latest("id")


def files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def test_it_lets_only_recording_roles_upload(client, personas):
    pairing = Pairing.objects.get(helper_region__name="江阳区")
    before = ImportBatch.objects.count()
    for user in (personas.viewer, personas.sichuan_auditor, personas.luzhou, personas.outsider):
        client.force_login(user)
        response = client.post(reverse("exchange:upload"), {"file": funds_file(pairing, "S-1")})
        assert response.status_code == 403, user
        assert "上传并校验" not in client.get(reverse("exchange:index")).content.decode()
    assert ImportBatch.objects.count() == before

    client.force_login(personas.yanyuan)  # the recipient side records confirmations
    assert "上传并校验" in client.get(reverse("exchange:index")).content.decode()
    client.force_login(personas.jiangyang)
    assert upload(client, funds_file(pairing, "S-2")).status == ImportBatch.Status.VALID


def test_it_hides_batches_from_staff_without_a_role(client, personas, django_user_model):
    client.force_login(personas.jiangyang)
    pairing = Pairing.objects.get(helper_region__name="江阳区")
    batch = upload(client, persons_file(["S-P1", "张三", "男", "不是类别", ID_NUMBER, PHONE]))
    assert batch.rejected_file

    staff = django_user_model.objects.create_user("clerk", password="pass-clerk", is_staff=True)
    for user in (staff, personas.longmatan, personas.viewer):
        client.force_login(user)
        for name in ("batch", "progress", "rejected"):
            assert client.get(reverse(f"exchange:{name}", args=[batch.pk])).status_code == 404
        assert client.post(reverse("exchange:import", args=[batch.pk])).status_code == 404
        assert f"#{batch.pk}" not in client.get(reverse("exchange:index")).content.decode()

    client.force_login(personas.admin)
    assert client.get(reverse("exchange:rejected", args=[batch.pk])).status_code == 200
    assert pairing.pk  # the batch's records stay where they were


def test_it_keeps_identity_and_phone_numbers_out_of_the_rejected_rows(client, personas, media):
    client.force_login(personas.jiangyang)
    batch = upload(
        client,
        persons_file(
            ["S-P2", "李四", "男", "不是类别", ID_NUMBER, PHONE],
            ["S-P3", "王五", "女", "党政干部", ID_NUMBER[:-1] + "5", "13900001111"],
        ),
    )
    assert batch.status == ImportBatch.Status.INVALID and batch.rejected == 1

    # On disk: the rejected-rows file has the row, not its identity or phone number.
    on_disk = Path(batch.rejected_file.path)
    rows = list(load_workbook(on_disk).active.values)
    assert rows[1][0] == "S-P2" and rows[1][1] == "李四"
    flat = " ".join(str(cell) for row in rows for cell in row if cell is not None)
    assert ID_NUMBER not in flat and PHONE not in flat
    # The preview kept on the batch shows them masked.
    preview = str(batch.preview)
    assert ID_NUMBER not in preview and PHONE not in preview and ID_NUMBER[:6] in preview

    # The downloaded file is the same file; re-imported as fixed, it keeps what the ledger has.
    response = client.get(reverse("exchange:rejected", args=[batch.pk]))
    downloaded = b"".join(response.streaming_content)
    assert downloaded == on_disk.read_bytes()


def test_it_deletes_the_uploaded_original_once_imported(
    client, personas, media, django_capture_on_commit_callbacks
):
    client.force_login(personas.jiangyang)
    batch = upload(client, persons_file(["S-P4", "赵六", "男", "党政干部", ID_NUMBER, PHONE]))
    assert batch.status == ImportBatch.Status.VALID
    original = Path(batch.file.path)
    assert original.exists()  # kept while the user decides

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exchange:import", args=[batch.pk]), {"mode": "all"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert Person.objects.get(number="S-P4").id_number == ID_NUMBER
    assert not original.exists() and not batch.file
    for path in files_under(media):
        data = path.read_bytes()
        assert ID_NUMBER.encode() not in data and PHONE.encode() not in data
