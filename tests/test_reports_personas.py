"""Who may read and who may freeze which report, on the report pages, for every persona of
the demo's offices: a district pairing (江阳区→盐源县) is read by its helper's and its
recipient's offices, the coordinating city and the province's auditor, and by the city's
read-only viewer; another district's office and a user with no role get "not found". Freezing
writes a record: any role that does more than read (either side's office, the coordinator, the
auditor) may freeze, with an audit entry naming who; the viewer may not.

A coordinating pairing's frozen briefing adds up its districts': the money and the projects of
泸州市→凉山州 are the sums of 江阳区's and 龙马潭区's parts. The access checks ask for what is
refused before anything is computed (a year after the as-of date, a rule that does not exist),
so that each persona costs a request, not a report."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from pairaid.ledger.models import AuditEntry, Pairing
from pairaid.reports.models import FrozenBriefing

AS_OF = "2022-12-04"
# persona: (reads 江阳区→盐源县, may freeze it)
DISTRICT = {
    "jiangyang": (True, True),
    "yanyuan": (True, True),
    "luzhou": (True, True),
    "sichuan_auditor": (True, True),
    "viewer": (True, False),
    "longmatan": (False, False),
    "puge": (False, False),
    "outsider": (False, False),
}
# persona: reads 泸州市→凉山州 (the coordinating pairing)
CITY = {
    "luzhou": True,
    "sichuan_auditor": True,
    "viewer": True,
    "jiangyang": False,
    "longmatan": False,
    "yanyuan": False,
    "outsider": False,
}


def pairing(helper: str) -> Pairing:
    return Pairing.objects.get(helper_region__name=helper)


def briefing_query(target: Pairing, **options: str) -> dict[str, str]:
    return {
        "kind": "briefing",
        "pairing": str(target.pk),
        "year": "2022",
        "as_of": AS_OF,
        "style": "exact",
        "person_rule": "persons",
        "format": "xlsx",
        **options,
    }


def refused_form(target: Pairing) -> dict[str, str]:
    """A download asked with a year after its as-of date: a user who sees the pairing is told
    so (400, the form again); one who does not, that there is no such pairing (404) — the
    same answer as for a pairing that does not exist, and nothing is computed either way."""
    return briefing_query(target, year="2023")


@pytest.mark.parametrize(("persona", "allowed"), sorted(DISTRICT.items()))
def test_it_lets_each_persona_find_a_district_report_or_not(client, personas, persona, allowed):
    reads, _freezes = allowed
    client.force_login(getattr(personas, persona))
    jiangyang = pairing("江阳区")

    response = client.get(reverse("reports:download"), refused_form(jiangyang))
    index = client.get(reverse("reports:index")).content.decode()

    assert response.status_code == (400 if reads else 404)
    if reads:
        assert "年度不能晚于截至日期所在年" in response.content.decode()
    assert (str(jiangyang) in index) is reads


@pytest.mark.parametrize(("persona", "allowed"), sorted(DISTRICT.items()))
def test_it_lets_only_roles_that_do_more_than_read_freeze(client, personas, persona, allowed):
    """Asked with a rule that does not exist: the roles that may freeze get the form back
    (400), the viewer is forbidden (403), the others find no such pairing (404)."""
    reads, freezes = allowed
    client.force_login(getattr(personas, persona))

    response = client.post(
        reverse("reports:freeze"),
        {"pairing": pairing("江阳区").pk, "style": "exact", "person_rule": "没有的口径"},
    )

    assert response.status_code == (400 if freezes else 403 if reads else 404)
    assert not FrozenBriefing.objects.exists()


@pytest.mark.parametrize(("persona", "reads"), sorted(CITY.items()))
def test_it_lets_only_the_city_and_above_find_the_coordinating_report(
    client, personas, persona, reads
):
    client.force_login(getattr(personas, persona))

    response = client.get(reverse("reports:download"), refused_form(pairing("泸州市")))

    assert response.status_code == (400 if reads else 404)


@pytest.mark.parametrize("persona", ["yanyuan", "sichuan_auditor"])
def test_the_recipient_and_the_auditor_freeze_with_an_entry_naming_them(client, personas, persona):
    user = getattr(personas, persona)
    client.force_login(user)

    response = client.post(
        reverse("reports:freeze"),
        {"pairing": pairing("江阳区").pk, "as_of": AS_OF, "style": "exact",
         "person_rule": "persons", "note": "  核对前冻结  "},
    )  # fmt: skip

    frozen = FrozenBriefing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:compare", args=[frozen.pk])
    assert frozen.created_by == user and frozen.note == "核对前冻结"
    assert frozen.as_of.isoformat() == AS_OF
    entry = AuditEntry.objects.get(action="briefing.frozen", record_id=str(frozen.pk))
    assert entry.user == user and entry.actor == "web"
    assert entry.changes["as_of"] == AS_OF


def test_a_frozen_district_briefing_is_compared_by_those_who_see_it_only(client, personas):
    client.force_login(personas.yanyuan)
    client.post(
        reverse("reports:freeze"),
        {
            "pairing": pairing("江阳区").pk,
            "as_of": AS_OF,
            "style": "exact",
            "person_rule": "persons",
        },
    )
    frozen = FrozenBriefing.objects.get(created_by=personas.yanyuan)
    url = reverse("reports:compare", args=[frozen.pk])

    for persona, (reads, _freezes) in DISTRICT.items():
        client.force_login(getattr(personas, persona))
        if reads:
            continue  # reading the comparison computes it: one reader is enough (below)
        assert client.get(url).status_code == 404, persona
    client.force_login(personas.viewer)
    assert client.get(url).status_code == 200


def test_the_citys_frozen_figures_add_up_its_districts(client, personas):
    client.force_login(personas.sichuan_auditor)
    city, districts = pairing("泸州市"), [pairing("江阳区"), pairing("龙马潭区")]
    client.post(
        reverse("reports:freeze"),
        {"pairing": city.pk, "as_of": AS_OF, "style": "exact", "person_rule": "persons"},
    )
    kept = {item["key"]: item["value"] for item in FrozenBriefing.objects.get().figures["figures"]}

    def value(target: Pairing, key: str) -> Decimal:
        return Decimal(str(kept[f"{target.pk}:{key}"]))

    for key in ("funds_transfer", "funds_transfer_fiscal", "funds_transfer_social_cash"):
        parts = sum((value(part, key) for part in districts), Decimal("0.00"))
        assert value(city, key) == parts, key
    assert value(city, "projects_implemented") == sum(
        value(part, "projects_implemented") for part in districts
    )
    persons = "persons_dispatched_persons"
    assert value(city, persons) >= max(value(part, persons) for part in districts)


def test_a_pairing_that_does_not_exist_is_not_found(client, personas):
    client.force_login(personas.sichuan_auditor)
    missing = (Pairing.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1

    response = client.get(
        reverse("reports:download"), {**briefing_query(pairing("江阳区")), "pairing": missing}
    )
    frozen = client.post(
        reverse("reports:freeze"), {"pairing": missing, "style": "exact", "person_rule": "persons"}
    )

    assert response.status_code == 404 and frozen.status_code == 404
