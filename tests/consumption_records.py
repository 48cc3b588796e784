"""Consumption assistance, parks and landed enterprises for tests, made through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from pairaid.ledger import services
from pairaid.ledger.models import (
    ConsumptionRecord,
    GuidedInvestment,
    IndustrialPark,
    Pairing,
    Region,
)

_serial = itertools.count(1)
R = ConsumptionRecord


def town(build: Any, pairing: Pairing, name: str = "某镇") -> Region:
    """A township in the pairing's recipient county."""
    return build.region(
        name,
        Region.Level.TOWNSHIP,
        code=f"98{next(_serial):010d}",
        parent=pairing.recipient_region,
    )


def consumption_fields(pairing: Pairing, amount: str = "1000.00", **fields: Any) -> dict:
    return {
        "pairing": pairing,
        "direction": R.Direction.PURCHASED,
        "buyer": "某区总工会",
        "buyer_kind": R.BuyerKind.UNION,
        "product": "花椒",
        "amount": Decimal(amount),
        "date": dt.date(2021, 5, 1),
        "channel": R.Channel.UNION,
        **fields,
    }


def consumption(pairing: Pairing, amount: str = "1000.00", **fields: Any) -> ConsumptionRecord:
    return services.create_record(
        ConsumptionRecord,
        acting_user=None,
        via="test",
        **consumption_fields(pairing, amount, **fields),
    )


def park_fields(pairing: Pairing, location: Region | None = None, **fields: Any) -> dict:
    return {
        "pairing": pairing,
        "code": f"YQ-{next(_serial):04d}",
        "name": "共建产业园",
        "location": location or pairing.recipient_region,
        "established": dt.date(2021, 6, 1),
        **fields,
    }


def park(pairing: Pairing, **fields: Any) -> IndustrialPark:
    return services.create_record(
        IndustrialPark, acting_user=None, via="test", **park_fields(pairing, **fields)
    )


def investment_fields(pairing: Pairing, amount: str = "5000.00", **fields: Any) -> dict:
    return {
        "pairing": pairing,
        "enterprise": f"企业{next(_serial)}",
        "year": 2021,
        "date": dt.date(2021, 9, 1),
        "amount": Decimal(amount),
        **fields,
    }


def investment(pairing: Pairing, amount: str = "5000.00", **fields: Any) -> GuidedInvestment:
    return services.create_record(
        GuidedInvestment,
        acting_user=None,
        via="test",
        **investment_fields(pairing, amount, **fields),
    )
