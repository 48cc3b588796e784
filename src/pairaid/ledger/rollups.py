"""Money totals for many pairings at once.

`money_by_pairing` is the one door through which figures read sums of fund flows for a set
of pairings. It answers exactly what summing the fund-flow records filtered the same way
answers (`figures.fund_flows`), grouped by pairing, in one query whatever the number of
pairings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from pairaid.ledger.models import Confirmation, FundFlow
from pairaid.ledger.money import ZERO
from pairaid.ledger.moneyfield import MoneySum


def money_by_pairing(
    pairing_ids: Iterable[int],
    *,
    kind: str,
    from_year: int,
    to_year: int,
    as_of: dt.date,
    sources: Sequence[str] | None = None,
    confirmed_only: bool = False,
) -> dict[int, Decimal]:
    """{pairing id: sum of its `kind` fund flows in the window}; pairings with none get 0."""
    ids = list(pairing_ids)
    flows = FundFlow.objects.filter(
        pairing_id__in=ids,
        kind=kind,
        fund_year__gte=from_year,
        fund_year__lte=to_year,
        date__lte=as_of,
    )
    if sources:
        flows = flows.filter(source__in=sources)
    if confirmed_only:
        flows = flows.filter(confirmation=Confirmation.CONFIRMED)
    totals = dict.fromkeys(ids, ZERO)
    for row in flows.order_by().values("pairing_id").annotate(total=MoneySum("amount")):
        totals[row["pairing_id"]] = Decimal(row["total"]).quantize(Decimal("0.01"))
    return totals
