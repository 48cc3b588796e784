"""Labour-cooperation records for tests (劳务协作), made through the services like any other
change, and the offices of a pairing that record and witness them."""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace
from typing import Any

from django.contrib.auth import get_user_model

from pairaid.accounts.models import Role, RoleAssignment
from pairaid.ledger import services
from pairaid.ledger.models import (
    Pairing,
    Placement,
    TrainingSession,
    VocationalEnrolment,
    Workshop,
)

_serial = itertools.count(1)
DAY = dt.date(2021, 5, 10)

# The field each labour figure sums over its records (a figure not named here counts them).
SUMMED = {
    "persons_placed": "persons",
    "persons_placed_poor": "poor_persons",
    "persons_placed_stable": "persons",
    "persons_placed_helper": "persons",
    "persons_placed_in_province": "persons",
    "persons_placed_elsewhere": "persons",
    "trained": "attendance",
    "trained_poor": "poor_attendance",
    "certificates": "certificates",
    "workshop_jobs": "jobs",
    "workshop_jobs_poor": "poor_jobs",
    "vocational_students": "students",
}


def placement(pairing: Pairing, user: Any = None, **fields: Any) -> Placement:
    values = {
        "pairing": pairing,
        "date": DAY,
        "persons": 10,
        "poor_persons": 6,
        "destination": Placement.Destination.HELPER,
        "employer": f"用工单位{next(_serial)}",
        **fields,
    }
    return services.create_record(Placement, acting_user=user, via="test", **values)


def training(pairing: Pairing, user: Any = None, **fields: Any) -> TrainingSession:
    values = {
        "pairing": pairing,
        "title": f"技能培训{next(_serial)}",
        "kind": TrainingSession.Kind.SKILLS,
        "start_date": DAY,
        "attendance": 50,
        "poor_attendance": 30,
        "certificates": 40,
        **fields,
    }
    return services.create_record(TrainingSession, acting_user=user, via="test", **values)


def workshop(pairing: Pairing, user: Any = None, **fields: Any) -> Workshop:
    values = {
        "pairing": pairing,
        "code": f"CJ-{next(_serial):04d}",
        "name": "帮扶车间",
        "location": pairing.recipient_region,
        "established": DAY,
        "jobs": 40,
        "poor_jobs": 25,
        **fields,
    }
    return services.create_record(Workshop, acting_user=user, via="test", **values)


def enrolment(pairing: Pairing, user: Any = None, **fields: Any) -> VocationalEnrolment:
    values = {
        "pairing": pairing,
        "year": DAY.year,
        "school": f"职业学院{next(_serial)}",
        "students": 30,
        "poor_students": 12,
        **fields,
    }
    return services.create_record(VocationalEnrolment, acting_user=user, via="test", **values)


# model → (fields of a new record dated `day`, a change the year lock must refuse)
def year_lock_makers(day: dt.date) -> dict:
    return {
        Placement: lambda build, p: (
            {
                "pairing": p,
                "date": day,
                "persons": 5,
                "destination": Placement.Destination.HELPER,
                "employer": f"用工单位{next(_serial)}",
            },
            {"persons": 6},
        ),
        TrainingSession: lambda build, p: (
            {
                "pairing": p,
                "title": "培训",
                "kind": TrainingSession.Kind.OTHER,
                "start_date": day,
                "attendance": 20,
            },
            {"attendance": 21},
        ),
        Workshop: lambda build, p: (
            {
                "pairing": p,
                "code": f"CJ-{next(_serial):04d}",
                "name": "车间",
                "location": p.recipient_region,
                "established": day,
            },
            {"name": "改名车间"},
        ),
        VocationalEnrolment: lambda build, p: (
            {"pairing": p, "year": day.year, "school": "职业学院", "students": 10},
            {"students": 11},
        ),
    }


def offices(build, helper: str = "劳务甲区", recipient: str = "劳务乙县") -> SimpleNamespace:
    """A fresh pairing with its helper office (records) and recipient office (witnesses)."""
    pairing = build.pairing(helper, recipient)
    users = get_user_model()
    made = {"pairing": pairing}
    for name, role, region in (
        ("helper", Role.HELPER_EDITOR, pairing.helper_region),
        ("recipient", Role.RECIPIENT_EDITOR, pairing.recipient_region),
    ):
        user = users.objects.create_user(f"labour_{name}_{pairing.pk}", password="x")
        RoleAssignment.objects.create(user=user, role=role, region=region)
        made[name] = user
    return SimpleNamespace(**made)
