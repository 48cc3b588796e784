"""The inbox (/inbox/) lists the placements and workshops the recipient side has yet to
witness, to its confirmers only, and no longer once they are answered."""

from __future__ import annotations

import re

from labour_records import offices, placement, workshop

from pairaid.ledger import services


def section_count(response, key: str) -> int:
    found = re.search(rf'data-kind="{key}" data-count="(\d+)"', response.content.decode())
    return int(found[1]) if found else -1


def test_it_lists_placements_and_workshops_to_witness_for_the_recipient_side(client, build):
    office = offices(build)
    placed = [placement(office.pairing, office.helper) for _ in range(2)]
    shop = workshop(office.pairing, office.helper, name="润盐镇服装加工帮扶车间")
    client.force_login(office.recipient)
    page = client.get("/inbox/")
    assert section_count(page, "placements") == len(placed)
    assert section_count(page, "workshops") == 1
    text = page.content.decode()
    assert placed[0].employer in text and shop.name in text
    services.confirm_record(placed[0], acting_user=office.recipient, via="test", accept=True)
    services.confirm_record(
        shop, acting_user=office.recipient, via="test", accept=False, note="就业人数不符"
    )
    page = client.get("/inbox/")
    assert section_count(page, "placements") == len(placed) - 1
    assert section_count(page, "workshops") == 0
    # the helper side records them; it does not witness them
    client.force_login(office.helper)
    assert section_count(client.get("/inbox/"), "placements") == -1


def test_it_shows_nothing_of_another_pairing(client, build):
    office = offices(build)
    other = offices(build, "劳务丙区", "劳务丁县")
    placement(other.pairing, other.helper)
    workshop(other.pairing, other.helper)
    client.force_login(office.recipient)
    page = client.get("/inbox/")
    assert section_count(page, "placements") == 0
    assert section_count(page, "workshops") == 0
