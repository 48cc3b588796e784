"""Identity and phone numbers: encrypted at rest, masked on screen, each look audited."""

from __future__ import annotations

from django.db import connection

from pairaid.ledger import services
from pairaid.ledger.models import AuditEntry, Person, Posting
from pairaid.lib.personal_data import mask_id_number, mask_phone

ID_NUMBER = "510502199001011234"
PHONE = "13812345678"


def stored(person: Person) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM ledger_person WHERE id = %s", [person.pk])
        return cursor.fetchone()


def test_it_stores_personal_data_encrypted(build):
    person = build.person(id_number=ID_NUMBER, phone=PHONE)

    raw_id, raw_phone = stored(person)
    assert ID_NUMBER not in raw_id and PHONE not in raw_phone
    assert raw_id.startswith("enc1:")
    assert Person.objects.get(pk=person.pk).id_number == ID_NUMBER


def test_it_keeps_personal_data_out_of_the_audit_trail(build):
    person = build.person(id_number=ID_NUMBER, phone=PHONE)

    changes = AuditEntry.objects.get(record_type="person", record_id=str(person.pk)).changes
    assert ID_NUMBER not in str(changes) and PHONE not in str(changes)


def test_it_masks_for_display():
    assert mask_id_number(ID_NUMBER) == "510502********1234"
    assert mask_phone(PHONE) == "138****5678"
    assert mask_phone("") == ""


def test_it_audits_each_look_at_personal_data(personas):
    posting = (
        Posting.objects.filter(pairing__helper_region__name="江阳区")
        .select_related("person")
        .first()
    )
    person = posting.person
    services.update_record(person, acting_user=personas.jiangyang, via="test", phone=PHONE)

    revealed = services.reveal_personal_data(person, acting_user=personas.jiangyang, via="web")

    assert revealed["phone"] == PHONE
    entry = AuditEntry.objects.filter(action="person.personal_data_viewed").latest("id")
    assert entry.user == personas.jiangyang and entry.record_id == str(person.pk)
