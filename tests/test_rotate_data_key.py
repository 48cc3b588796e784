"""`pairaid rotate-data-key`: every identity and phone number re-encrypted, audited."""

from __future__ import annotations

import base64
import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from pairaid.ledger.models import AuditEntry, Person
from pairaid.lib.personal_data import current_key

ID_NUMBER = "510502199001011234"
PHONE = "13812345678"


def stored(person: Person) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM ledger_person WHERE id = %s", [person.pk])
        return cursor.fetchone()


def rotate(*args: str) -> str:
    out = io.StringIO()
    call_command("rotate_data_key", *args, stdout=out)
    return out.getvalue()


def test_it_reencrypts_personal_data_with_the_new_key(build, monkeypatch):
    person = build.person(id_number=ID_NUMBER, phone=PHONE)
    old_key, new_key = current_key(), Fernet.generate_key().decode()
    before = stored(person)

    out = rotate(f"--old={old_key}", f"--new={new_key}")

    raw_id, raw_phone = stored(person)
    assert (raw_id, raw_phone) != before and raw_id.startswith("enc1:")
    assert Fernet(new_key).decrypt(raw_id.removeprefix("enc1:").encode()).decode() == ID_NUMBER
    monkeypatch.setenv("PAIRAID_DATA_KEY", new_key)
    assert Person.objects.get(pk=person.pk).id_number == ID_NUMBER
    assert Person.objects.get(pk=person.pk).phone == PHONE
    entry = AuditEntry.objects.filter(action="person.data_key_rotated").latest("id")
    assert entry.record_id == str(person.pk) and entry.actor == "cli"
    assert ID_NUMBER not in str(entry.changes)
    assert "ledger.person" in out
    assert "哈希链完整" in _verify()


def test_it_reads_the_keys_from_the_environment(build, monkeypatch):
    person = build.person(id_number=ID_NUMBER)
    new_key = Fernet.generate_key().decode()
    monkeypatch.setenv("PAIRAID_OLD_DATA_KEY", current_key())
    monkeypatch.setenv("PAIRAID_NEW_DATA_KEY", new_key)

    rotate()

    monkeypatch.setenv("PAIRAID_DATA_KEY", new_key)
    assert Person.objects.get(pk=person.pk).id_number == ID_NUMBER


def test_it_changes_nothing_when_the_old_key_is_wrong(build):
    person = build.person(id_number=ID_NUMBER, phone=PHONE)
    before = stored(person)
    entries = AuditEntry.objects.count()

    with pytest.raises(CommandError, match="旧密钥"):
        rotate(f"--old={Fernet.generate_key().decode()}", f"--new={Fernet.generate_key().decode()}")

    assert stored(person) == before
    assert AuditEntry.objects.count() == entries


def test_it_refuses_a_malformed_key(db):
    with pytest.raises(CommandError, match="Fernet"):
        rotate("--new", "not-a-key")


def test_it_still_reads_values_under_an_old_key_listed_as_old(build, monkeypatch):
    person = build.person(id_number=ID_NUMBER)
    monkeypatch.setenv("PAIRAID_OLD_DATA_KEYS", current_key())
    monkeypatch.setenv("PAIRAID_DATA_KEY", Fernet.generate_key().decode())

    assert Person.objects.get(pk=person.pk).id_number == ID_NUMBER


def _verify() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def test_it_takes_a_key_that_starts_with_a_dash_written_with_an_equals_sign(build):
    """A Fernet key is url-safe base64 and may start with "-"; `--new=KEY` passes it as a
    value, where `--new KEY` would read it as another option."""
    person = build.person(id_number=ID_NUMBER, phone=PHONE)
    dashed = base64.urlsafe_b64encode(bytes([0xF8]) + bytes(range(31))).decode()
    assert dashed.startswith("-")

    rotate(f"--old={current_key()}", f"--new={dashed}")

    raw_id, _raw_phone = stored(person)
    assert Fernet(dashed).decrypt(raw_id.removeprefix("enc1:").encode()).decode() == ID_NUMBER
