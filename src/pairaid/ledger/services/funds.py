"""Fund flows: record, reverse, correct, and many at once (imports, and an import batch
rolled back). Never edited or deleted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pairaid.ledger import rollups
from pairaid.ledger.batch_clean import BatchCleaner
from pairaid.ledger.models import (
    FundFlow,
    Pairing,
    Project,
)
from pairaid.ledger.services.audit import _bulk_log, log_action, log_rows, record_values
from pairaid.ledger.services.bulkinsert import collector_paused, insert
from pairaid.ledger.services.guards import _guard, _refuse_self_confirmation

# --- fund flows: record, reverse, correct ---------------------------------------------------


@transaction.atomic
def record_fund_flow(*, acting_user: Any, via: str, **fields: Any) -> FundFlow:
    """Record a plan, transfer, allocation or spending. Amount in yuan, positive."""
    if fields.get("reverses") is not None or fields.get("reverses_id") is not None:
        raise ValidationError(_("冲销请使用冲销功能"))
    flow = FundFlow(**fields)
    flow.full_clean()
    _guard(acting_user, flow)
    flow.save(force_insert=True)
    log_action(
        "fundflow.recorded", flow, acting_user=acting_user, via=via, changes=record_values(flow)
    )
    rollups.add_flows([flow])
    return flow


def reverse_fund_flow(
    flow: FundFlow, *, acting_user: Any, via: str, reason: str, on: dt.date | None = None
) -> FundFlow:
    """Cancel a recorded fund flow with an equal and opposite entry dated `on` (by default
    today, or the original's own date when that is later: a reversal is never dated before
    the entry it cancels)."""
    reversals = bulk_reverse_fund_flows(
        [flow], acting_user=acting_user, via=via, reason=reason, on=on
    )
    return reversals[0]


RECORDED_FIELDS = (
    "pairing_id", "kind", "fund_year", "date", "amount", "source",
    "project_id", "voucher", "note", "cross_year_reason", "is_demo",
)  # fmt: skip


def recorded_fields(flow: FundFlow) -> dict[str, Any]:
    """What a fund flow was recorded with: enough to record it again (a correction, an
    import rolled back and restored)."""
    return {name: getattr(flow, name) for name in RECORDED_FIELDS}


@transaction.atomic
def correct_fund_flow(
    flow: FundFlow,
    *,
    acting_user: Any,
    via: str,
    reason: str,
    on: dt.date | None = None,
    **changes: Any,
) -> tuple[FundFlow, FundFlow]:
    """Correct a fund flow: reverse it and record the corrected entry. Returns both."""
    reversal = reverse_fund_flow(flow, acting_user=acting_user, via=via, reason=reason, on=on)
    fields = recorded_fields(flow)
    fields.update(changes)
    replacement = record_fund_flow(acting_user=acting_user, via=via, **fields)
    return reversal, replacement


# --- many fund flows at once (imports, and an import batch rolled back) ---------------------
#
# For tens of thousands of entries: the same checks as `record_fund_flow` and
# `reverse_fund_flow`, but the access and lock check (`_guard`) runs once per pairing and
# fund year — all it depends on for a fund flow — and references given as records
# (pairing, project, the reversed flow) are not fetched again from the database.

_FLOW_REFERENCES = ["pairing", "project", "reverses"]


def _guard_flows(acting_user: Any, flows: Iterable[FundFlow]) -> None:
    checked: set[tuple[int, int]] = set()
    for flow in flows:
        if (flow.pairing_id, flow.fund_year) not in checked:
            _guard(acting_user, flow)
            checked.add((flow.pairing_id, flow.fund_year))


def _check_references(flows: Sequence[FundFlow]) -> None:
    """The references that are ids only (not records) must exist."""
    for name, model in (("pairing", Pairing), ("project", Project), ("reverses", FundFlow)):
        attname = f"{name}_id"
        wanted = {
            getattr(flow, attname)
            for flow in flows
            if getattr(flow, attname) is not None and name not in flow._state.fields_cache
        }
        if wanted and model.objects.filter(pk__in=wanted).count() != len(wanted):
            raise ValidationError({name: _("引用的记录不存在")})


@collector_paused()
@transaction.atomic
def bulk_record_fund_flows(
    rows: Sequence[Mapping[str, Any] | FundFlow],
    *,
    acting_user: Any,
    via: str,
    validated: bool = False,
) -> list[FundFlow]:
    """Record many fund flows (demo data, imports): each validated, all written or none,
    one audit entry each. `rows` are field values, or unsaved fund flows; with `validated`
    the caller has already run each one's `full_clean` (the importer's check of the file,
    which keeps the flows it validated) and it is not run again — the access, year-lock,
    confirmation and reference checks still are."""
    flows = [row if isinstance(row, FundFlow) else FundFlow(**row) for row in rows]
    today = timezone.localdate()
    cleaner = BatchCleaner(FundFlow, exclude=_FLOW_REFERENCES)
    if not validated:
        for flow in flows:
            flow.checked_on(today)
        cleaner.prepare(flows)  # each flow's full_clean, a column at a time
    for index, flow in enumerate(flows):
        if flow.reverses_id:
            raise ValidationError(_("冲销请使用冲销功能"))
        if not validated:
            cleaner.validate(index, flow)
        if acting_user is not None:
            _refuse_self_confirmation(flow)
    _check_references(flows)
    _guard_flows(acting_user, flows)
    created = insert(flows)
    _bulk_log(created, "recorded", acting_user=acting_user, via=via)
    rollups.add_flows(created)
    return created


@collector_paused()
@transaction.atomic
def bulk_reverse_fund_flows(
    flows: Sequence[FundFlow],
    *,
    acting_user: Any,
    via: str,
    reason: str,
    on: dt.date | None = None,
) -> list[FundFlow]:
    """Reverse many fund flows as `reverse_fund_flow` reverses one: none may be a reversal
    or already reversed, each written with its audit entry. All or none."""
    if not reason.strip():
        raise ValidationError({"note": _("请填写冲销原因")})
    ids = [flow.pk for flow in flows]
    originals = list(FundFlow.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    # Their pairings and projects, fetched once (PostgreSQL cannot lock an outer join).
    pairings = Pairing.objects.in_bulk({flow.pairing_id for flow in originals})
    projects = Project.objects.in_bulk({f.project_id for f in originals if f.project_id})
    if any(flow.is_reversal for flow in originals):
        raise ValidationError(_("冲销记录不能再次冲销"))
    if FundFlow.objects.filter(reverses_id__in=ids).exists():
        raise ValidationError(_("该记录已被冲销"))
    note = (_("冲销：%(reason)s") % {"reason": reason.strip()})[:300]
    reversals = []
    today = timezone.localdate()
    for flow in originals:
        reversal = FundFlow(
            pairing=pairings[flow.pairing_id],
            kind=flow.kind,
            fund_year=flow.fund_year,
            date=on or max(today, flow.date),
            amount=-flow.amount,
            source=flow.source,
            project=projects.get(flow.project_id),
            voucher=flow.voucher,
            reverses=flow,
            note=note,
            is_demo=flow.is_demo,
        )
        reversal.checked_on(today)
        reversal.full_clean(
            exclude=_FLOW_REFERENCES, validate_unique=False, validate_constraints=False
        )
        reversals.append(reversal)
    _guard_flows(acting_user, reversals)
    created = insert(reversals)
    changes = [
        {"reverses": reversal.reverses_id, "amount": str(reversal.amount), "reason": reason}
        for reversal in created
    ]
    log_rows(created, "fundflow.reversed", acting_user, via, timezone.now(), changes)
    rollups.add_flows(created)
    return created
