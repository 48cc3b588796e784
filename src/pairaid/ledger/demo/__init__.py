"""The demo data set: the 泸州市 → 凉山彝族自治州 paired assistance of the founding article
(seed/luzhou-liangshan-2022-12.txt, FOUNDING_ARTICLE), rebuilt record by record.

From the article: the regions and pairings, the six projects visited, the totals since
2016 (江阳区 → 盐源县 14654.73万元, 154 projects, 320 persons; 龙马潭区 → 普格县 9500余万元,
123 projects, 268 persons), the 组团式 team of 19 teachers from 6 schools to 3, the visit
of 2022-12-01/02 with its officials, the four agreements and the hand-over of the 2022
funds. Everything the article does not give — every dispatched person and their name, the
split of the money by year, source and tranche, the other projects, plans, allocations,
spending, contract parties, obligations, tasks, targets, enterprise investment, consumption
assistance, parks, most township codes — is invented, plausible, and marked as demo data
(is_demo=True on every record type that has the flag).

Every record is made through `pairaid.ledger.services` (via "demo"), so it is validated
and audited like any other. The data are the same on every run: each part draws from its
own fixed-seed random stream.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from pairaid.ledger.demo import (
    agreements,
    assets,
    consumption,
    events,
    evidence,
    funds,
    labour,
    people,
    projects,
    regions,
    tasks,
)
from pairaid.ledger.demo.base import Loader
from pairaid.ledger.demo.names import NameBook
from pairaid.ledger.demo.sides import SIDES, Side

__all__ = ["FOUNDING_ARTICLE", "load_demo"]

# The founding article itself, byte for byte as published (mojibake and all): the demo
# reproduces its figures, and `pairaid demo` keeps it as a checked text (bulletin).
FOUNDING_ARTICLE = Path(__file__).resolve().parent / "seed" / "luzhou-liangshan-2022-12.txt"


@transaction.atomic
def load_demo(*, acting_user: Any = None) -> dict[str, int]:
    """Load the demo into an empty ledger; returns how many records of each type (by model
    name, e.g. "project") were created. All or nothing."""
    loader = Loader(acting_user)
    regions.load_regions(loader)
    regions.load_organisations(loader)
    regions.load_pairings(loader)
    for side in SIDES:
        load_side_money_and_projects(loader, side)
    names = NameBook(loader.rng("names"))
    for side in SIDES:
        people.load_people(loader, side, names)
    people.load_team(loader, names)
    events.load_events(loader)
    agreements.load_agreements(loader)
    tasks.load_tasks(loader)
    labour.load_labour(loader)
    evidence.load_evidence(loader)
    assets.load_assets(loader)
    consumption.load_consumption_and_industry(loader)
    tasks.load_targets(loader)  # last: the targets are set near what the records add up to
    return dict(loader.counts)


def load_side_money_and_projects(loader: Loader, side: Side) -> None:
    """Money first on paper, then the projects it pays for, then the ledger entries."""
    rng = loader.rng(f"funds:{side.key}")
    pairing = loader.pairings[side.key]
    money = funds.plan_money(side, rng)
    funded = projects.load_projects(loader, side, money)
    loader.flows(funds.plan_rows(side, pairing, money, rng))
    funds.record_transfers(loader, funds.transfers(side, pairing, money, rng))
    loader.flows(funds.project_flow_rows(side, pairing, funded, rng))
