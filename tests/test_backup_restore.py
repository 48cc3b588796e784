"""`pairaid backup` and `pairaid restore`: every record back exactly, on either database."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from pairaid.ledger import services
from pairaid.ledger.models import AuditEntry, Person, Project

PAIRAID = Path(sys.executable).parent / "pairaid"
ID_NUMBER = "510502199001011234"
PHONE = "13812345678"


def command(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def run(*args: str, db: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PAIRAID_DATABASE_URL": f"sqlite:///{db}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [str(PAIRAID), *args], capture_output=True, text=True, env=env, check=check, timeout=3600
    )


def rewrite(source: Path, target: Path, change: dict[str, bytes]) -> None:
    """A copy of a backup with some entries replaced."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            new.writestr(info.filename, change.get(info.filename, old.read(info.filename)))


def test_it_restores_every_record_exactly_into_the_same_database(build, tmp_path):
    build.person(id_number=ID_NUMBER, phone=PHONE)
    summary = command("summary", "--json")
    audit = list(AuditEntry.objects.order_by("id").values_list("id", "at", "hash"))
    people = list(Person.objects.order_by("id").values_list("id", "id_number", "phone"))
    backup = tmp_path / "backup.zip"

    command("backup", "-o", str(backup))
    out = command("restore", str(backup), "--force")

    assert "恢复" in out
    assert command("summary", "--json") == summary
    assert list(AuditEntry.objects.order_by("id").values_list("id", "at", "hash")) == audit
    assert any(at.microsecond for _, at, _ in audit)
    assert list(Person.objects.order_by("id").values_list("id", "id_number", "phone")) == people
    assert "哈希链完整" in command("audit", "verify")


def test_it_continues_numbering_after_a_restore(build, tmp_path):
    backup = tmp_path / "backup.zip"
    command("backup", "-o", str(backup))
    newest = Project.objects.order_by("-id").values_list("id", flat=True).first()

    command("restore", str(backup), "--force")
    project = build.project(build.pairing())

    assert project.pk > newest


def test_it_keeps_identity_and_phone_numbers_encrypted_in_the_backup(build, tmp_path):
    person = build.person(id_number=ID_NUMBER, phone=PHONE)
    backup = tmp_path / "backup.zip"

    command("backup", "-o", str(backup))

    with zipfile.ZipFile(backup) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        people = next(t for t in manifest["tables"] if t["model"] == "ledger.person")
        contents = b"".join(archive.read(name) for name in archive.namelist()).decode(
            errors="replace"
        )
        rows = [json.loads(line) for line in archive.read(people["file"]).decode().splitlines()]
    assert ID_NUMBER not in contents and PHONE not in contents
    row = next(r for r in rows if r[people["columns"].index("id")] == person.pk)
    assert row[people["columns"].index("id_number")].startswith("enc1:")
    assert people["rows"] == Person.objects.count()


def test_it_refuses_a_database_that_holds_records(db, tmp_path):
    backup = tmp_path / "backup.zip"
    command("backup", "-o", str(backup))

    with pytest.raises(CommandError, match="--force"):
        command("restore", str(backup))


def test_it_refuses_a_damaged_backup(db, tmp_path):
    backup, damaged = tmp_path / "backup.zip", tmp_path / "damaged.zip"
    command("backup", "-o", str(backup))
    with zipfile.ZipFile(backup) as archive:
        name = next(n for n in archive.namelist() if n.endswith("ledger.fundflow.jsonl"))
        rows = archive.read(name)
    rewrite(backup, damaged, {name: rows.replace(b'"transfer"', b'"plan"', 1)})

    with pytest.raises(CommandError, match="校验值不符"):
        command("restore", str(damaged), "--force")
    assert "哈希链完整" in command("audit", "verify")


def test_it_refuses_a_backup_of_another_version(db, tmp_path):
    backup, other = tmp_path / "backup.zip", tmp_path / "other.zip"
    command("backup", "-o", str(backup))
    with zipfile.ZipFile(backup) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    manifest["migrations"]["ledger"].append("9999_from_the_future")
    rewrite(backup, other, {"manifest.json": json.dumps(manifest).encode()})

    with pytest.raises(CommandError, match="ledger"):
        command("restore", str(other), "--force")


def test_it_moves_a_ledger_to_another_database_and_back(db, tmp_path):
    """From the test database (SQLite or PostgreSQL) to a new SQLite file, and from there
    to a scratch PostgreSQL database when the suite runs on PostgreSQL. (Not marked `cli`
    though it runs the console script: what it moves is the suite's database, so it runs in
    both of scripts/test's runs.)"""
    summary = json.loads(command("summary", "--json"))
    backup = tmp_path / "backup.zip"
    command("backup", "-o", str(backup))
    copy = tmp_path / "copy.sqlite3"

    run("restore", str(backup), db=copy)

    assert json.loads(run("summary", "--json", db=copy).stdout) == summary
    assert "哈希链完整" in run("audit", "verify", db=copy).stdout
    assert "--force" in run("restore", str(backup), db=copy, check=False).stderr
    if connection.vendor == "postgresql":
        assert_restores_on_postgresql(copy, tmp_path, summary)


def assert_restores_on_postgresql(copy: Path, tmp_path: Path, summary: object) -> None:
    import psycopg

    settings = connection.settings_dict
    scratch = f"{settings['NAME']}_restore"
    params = {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    backup = tmp_path / "from-sqlite.zip"
    run("backup", "-o", str(backup), db=copy)
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        admin.execute(f'CREATE DATABASE "{scratch}"')
        try:
            url = os.environ["PAIRAID_DATABASE_URL"].rsplit("/", 1)[0] + f"/{scratch}"
            env = {**os.environ, "PAIRAID_DATABASE_URL": url}
            env.pop("DJANGO_SETTINGS_MODULE", None)

            def pg(*args: str) -> str:
                return subprocess.run(
                    [str(PAIRAID), *args], capture_output=True, text=True, env=env, check=True
                ).stdout

            pg("restore", str(backup))
            assert json.loads(pg("summary", "--json")) == summary
            assert "哈希链完整" in pg("audit", "verify")
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def test_it_carries_attached_files_and_their_upload_times(db, tmp_path, settings):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from pairaid.ledger.models import Agreement, AgreementFile

    settings.MEDIA_ROOT = str(tmp_path / "media")
    agreement = Agreement.objects.first()
    attached = services.create_record(
        AgreementFile,
        acting_user=None,
        via="test",
        agreement=agreement,
        title="框架协议扫描件",
        file=ContentFile(b"%PDF-1.4 signed", name="framework.pdf"),
    )
    backup = tmp_path / "backup.zip"
    command("backup", "-o", str(backup))
    default_storage.delete(attached.file.name)

    command("restore", str(backup), "--force")

    restored = AgreementFile.objects.get(pk=attached.pk)
    assert restored.uploaded_at == attached.uploaded_at
    with default_storage.open(restored.file.name, "rb") as stored:
        assert stored.read() == b"%PDF-1.4 signed"
