"""A published text's 受益群众 (people, or households, the projects reach) checked against the
demo ledger: the beneficiaries its implemented projects record, project by project."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum

from pairaid.bulletin.checks import check_text
from pairaid.ledger.models import Pairing, Project

AS_OF = dt.date(2022, 12, 4)


def recorded(field: str) -> int:
    """江阳区's started projects since 2016, summed from the records."""
    pairing = Pairing.objects.get(helper_region__name="江阳区", is_demo=True)
    projects = Project.objects.filter(
        pairing=pairing,
        status__in=Project.STARTED,
        start_date__gte=dt.date(2016, 1, 1),
        start_date__lte=AS_OF,
    )
    return projects.aggregate(total=Sum(field))["total"]


def verdicts(text: str) -> list[tuple[str, str, object]]:
    report = check_text(text, as_of=AS_OF)
    return [(r.claim.metric, r.verdict, r.ledger.key if r.ledger else None) for r in report.results]


def test_it_agrees_with_the_people_the_projects_record(db):
    persons = recorded("beneficiary_persons")

    found = verdicts(f"2016年以来，江阳区实施的帮扶项目惠及群众{persons}人。")

    assert found == [("beneficiaries", "agrees", "beneficiaries")]


def test_it_disagrees_with_a_wrong_number_of_people(db):
    persons = recorded("beneficiary_persons")

    found = verdicts(f"2016年以来，江阳区实施的帮扶项目惠及群众{persons + 1000}人。")

    assert found == [("beneficiaries", "disagrees", "beneficiaries")]


def test_it_checks_households_against_the_households_recorded(db):
    households = recorded("beneficiary_households")

    right = verdicts(f"2016年以来，江阳区带动{households}户群众增收。")
    wrong = verdicts(f"2016年以来，江阳区带动{households - 50}户群众增收。")

    assert right == [("beneficiaries", "agrees", "beneficiary_households")]
    assert wrong == [("beneficiaries", "disagrees", "beneficiary_households")]
