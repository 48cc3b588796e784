"""Import batches and their files stay with who may see them, and hold no personal data
in clear: who may upload, who may open a batch, its rejected rows and its original file."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from pairaid.exchange.models import ImportBatch
from pairaid.ledger.models import Pairing, Person
from pairaid.lib.personal_data import FILE_MAGIC, current_key
from pairaid.settings import memory_upload_dir

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


def persons_csv(number: str) -> io.BytesIO:
    lines = [",".join(PERSON_HEADER), f"{number},李原件,男,党政干部,{ID_NUMBER},{PHONE}"]
    data = io.BytesIO(("\n".join(lines) + "\n").encode("utf-8"))
    data.name = "人员.csv"
    return data


def test_it_keeps_a_waiting_original_encrypted(client, personas, media):
    """A CSV holds the numbers as plain bytes: on disk, only the encrypted file."""
    client.force_login(personas.admin)
    batch = upload(client, persons_csv("ENC-1"))
    assert batch.status == ImportBatch.Status.VALID, batch.errors
    on_disk = Path(batch.file.path).read_bytes()
    assert on_disk.startswith(FILE_MAGIC)
    assert ID_NUMBER.encode() not in on_disk and PHONE.encode() not in on_disk
    assert "李原件".encode() not in on_disk
    assert files_under(media) == [Path(batch.file.path)]

    client.post(reverse("exchange:import", args=[batch.pk]), {"mode": "all"})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED, batch.message
    person = Person.objects.get(number="ENC-1")
    assert (person.id_number, person.phone) == (ID_NUMBER, PHONE)


def test_it_reencrypts_waiting_originals_with_a_new_data_key(client, personas, media, monkeypatch):
    client.force_login(personas.admin)
    batch = upload(client, persons_csv("ENC-2"))
    before = Path(batch.file.path).read_bytes()
    new_key = Fernet.generate_key().decode()
    out = io.StringIO()
    call_command("rotate_data_key", f"--old={current_key()}", f"--new={new_key}", stdout=out)
    assert "重新加密 1 个等待导入的上传原件" in out.getvalue()
    after = Path(batch.file.path).read_bytes()
    assert after != before and after.startswith(FILE_MAGIC) and ID_NUMBER.encode() not in after

    # Under the old key alone the original can no more be read: failed, with the reason.
    client.post(reverse("exchange:import", args=[batch.pk]), {"mode": "all"})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and "PAIRAID_DATA_KEY" in batch.message
    assert not Person.objects.filter(number="ENC-2").exists()

    monkeypatch.setenv("PAIRAID_DATA_KEY", new_key)
    batch = upload(client, persons_csv("ENC-3"))
    call_command("rotate_data_key", f"--old={new_key}", f"--new={new_key}", stdout=io.StringIO())
    client.post(reverse("exchange:import", args=[batch.pk]), {"mode": "all"})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED, batch.message
    assert Person.objects.get(number="ENC-3").id_number == ID_NUMBER


def test_it_keeps_large_uploads_in_a_private_memory_folder_when_there_is_room(tmp_path):
    """Uploads over FILE_UPLOAD_MAX_MEMORY_SIZE wait in a temporary file while the request
    lasts: in a folder only this user opens, in the memory file system when it has room for
    the largest uploads (else the system's temporary folder, where the operator points
    PAIRAID_UPLOAD_TEMP_DIR)."""
    shm = tmp_path / "shm"
    shm.mkdir()
    folder = Path(memory_upload_dir(shm, needed_mb=1))
    assert folder.parent == shm
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and folder.stat().st_uid == os.getuid()
    free = os.statvfs(shm)
    too_much = free.f_bavail * free.f_frsize // (1024 * 1024) + 1
    assert memory_upload_dir(shm, needed_mb=too_much) is None
    assert memory_upload_dir(tmp_path / "none") is None


def test_it_writes_a_large_uploads_waiting_file_where_the_settings_say(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = memory_upload_dir(tmp_path, needed_mb=1)
    waiting = TemporaryUploadedFile("人员.csv", "text/csv", 3_000_000, "utf-8")
    try:
        assert Path(waiting.temporary_file_path()).parent == Path(settings.FILE_UPLOAD_TEMP_DIR)
    finally:
        waiting.close()
