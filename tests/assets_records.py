"""Assets and their yearly checks for tests, made through the services like any other change."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from pairaid.ledger import services
from pairaid.ledger.models import Asset, AssetCheck, Pairing, Project

_serial = itertools.count(1)


def finished_project(build, pairing: Pairing, **fields: Any) -> Project:
    """A project of `pairing` that has finished its works (已完工), started 2020-03-01."""
    fields.setdefault("start", dt.date(2020, 3, 1))
    fields.setdefault("end_date", dt.date(2020, 12, 1))
    status = fields.pop("status", Project.Status.COMPLETED)
    return build.project(pairing, status=status, **fields)


def asset_fields(project: Project, **fields: Any) -> dict[str, Any]:
    """The fields of a new asset of `project` (formed 2021-01-10, worth 100000.00 元, not
    handed over unless `handed_over_on`/`handed_over_to` say so)."""
    return {
        "pairing": project.pairing,
        "code": f"ZC-{next(_serial):05d}",
        "project": project,
        "name": "测试资产",
        "kind": Asset.Kind.PUBLIC,
        "value": Decimal("100000.00"),
        "formed_on": dt.date(2021, 1, 10),
        "maintainer": "测试村民委员会",
        **fields,
    }


def asset(project: Project, user: Any = None, **fields: Any) -> Asset:
    return services.create_record(
        Asset, acting_user=user, via="test", **asset_fields(project, **fields)
    )


def handed(day: dt.date, to: str = "测试村民委员会") -> dict[str, Any]:
    """The fields of a hand-over on `day`."""
    return {"handed_over_on": day, "handed_over_to": to, "ownership": Asset.Ownership.VILLAGE}


def check(
    of: Asset, year: int, state: str = AssetCheck.State.IN_USE, user: Any = None, **fields: Any
) -> AssetCheck:
    return services.create_record(
        AssetCheck,
        acting_user=user,
        via="test",
        pairing=of.pairing,
        asset=of,
        year=year,
        state=state,
        **fields,
    )
