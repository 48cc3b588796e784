"""What every part of the demo shares: one loader that writes through the services, marks
its records as demo data, keeps the records it made at hand by name, and counts them."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.db import models

from pairaid.ledger import services
from pairaid.ledger.models import FundFlow

M = TypeVar("M", bound=models.Model)

VIA = "demo"
# Change the seed and every invented name, amount and date changes with it; keep it, and
# the demo is the same on every machine and in every test run.
SEED = 20221201


def has_demo_flag(model: type[models.Model]) -> bool:
    return any(field.name == "is_demo" for field in model._meta.concrete_fields)


def as_demo(model: type[models.Model], fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields with is_demo set, for the record types that carry the flag."""
    return {**fields, "is_demo": True} if has_demo_flag(model) else dict(fields)


class Loader:
    """Creates demo records through `pairaid.ledger.services`, so they are validated and
    audited (actor "demo") exactly like records typed in by an office."""

    def __init__(self, acting_user: Any = None) -> None:
        self.acting_user = acting_user
        self.counts: Counter[str] = Counter()
        self.regions: dict[str, Any] = {}  # by code
        self.organisations: dict[str, Any] = {}  # by name
        self.pairings: dict[str, Any] = {}  # by short key: "city", "jiangyang", "longmatan"
        self.events: dict[str, Any] = {}  # by kind
        self.person_numbers = (f"D{n:04d}" for n in itertools.count(1))

    def rng(self, topic: str) -> random.Random:
        """A random stream of its own per topic: changing how people are invented does not
        reshuffle the money, and the other way round."""
        return random.Random(f"{SEED}:{topic}")

    def count(self, model: type[models.Model], n: int = 1) -> None:
        self.counts[model._meta.model_name or model.__name__] += n

    def create(self, model: type[M], **fields: Any) -> M:
        obj = services.create_record(
            model, acting_user=self.acting_user, via=VIA, **as_demo(model, fields)
        )
        self.count(model)
        return obj

    def bulk(self, model: type[M], rows: Iterable[Mapping[str, Any]]) -> list[M]:
        rows = [as_demo(model, row) for row in rows]
        created = services.bulk_create_records(model, rows, acting_user=self.acting_user, via=VIA)
        self.count(model, len(created))
        return created

    def link(self, obj: models.Model, field: str, related: Sequence[models.Model]) -> None:
        services.set_related(obj, field, related, acting_user=self.acting_user, via=VIA)

    def flows(self, rows: Iterable[Mapping[str, Any]]) -> list[FundFlow]:
        rows = [as_demo(FundFlow, row) for row in rows]
        created = services.bulk_record_fund_flows(rows, acting_user=self.acting_user, via=VIA)
        self.count(FundFlow, len(created))
        return created

    def flow(self, **fields: Any) -> FundFlow:
        flow = services.record_fund_flow(
            acting_user=self.acting_user, via=VIA, **as_demo(FundFlow, fields)
        )
        self.count(FundFlow)
        return flow

    def region(self, code: str) -> Any:
        return self.regions[code]

    def org(self, name: str) -> Any:
        return self.organisations[name]


def split_exact(total: int, weights: Sequence[float], step: int = 1) -> list[int]:
    """Split `total` (an integer, e.g. fen) in proportion to `weights`: every part but the
    last is rounded down to a multiple of `step`, the last takes the remainder, so the
    parts always add up to `total` exactly."""
    whole = sum(weights)
    parts = [int(total * weight / whole) // step * step for weight in weights[:-1]]
    parts.append(total - sum(parts))
    if min(parts) <= 0:
        raise ValueError(f"cannot split {total} into {len(weights)} positive parts")
    return parts


def jittered(rng: random.Random, weights: Sequence[float], spread: float = 0.15) -> list[float]:
    """Weights moved up or down by up to `spread`, so yearly figures do not look planned."""
    return [weight * rng.uniform(1 - spread, 1 + spread) for weight in weights]
