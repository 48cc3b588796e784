"""The year lock, for every record type: each type of the ledger declares how its year is
found (`ledger/locks.py`), and an approved year refuses the creation, change and deletion of
its records through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from consumption_records import consumption_fields, park_fields
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from labour_records import year_lock_makers

from pairaid.ledger import services
from pairaid.ledger.locks import NOT_YEAR_LOCKED, YEAR_LOCKS
from pairaid.ledger.models import (
    Agreement,
    AgreementFile,
    AgreementParty,
    Asset,
    AssetCheck,
    ConsumptionRecord,
    Event,
    EventParticipant,
    FundFlow,
    GuidedInvestment,
    IndustrialPark,
    Obligation,
    Organisation,
    Pairing,
    Posting,
    Project,
    Target,
    Task,
    Team,
)

YEAR = 2021
LOCKED = "已审核锁定"
_serial = itertools.count(1)


def ledger_models() -> list[type[models.Model]]:
    return [m for m in apps.get_app_config("ledger").get_models() if not m._meta.auto_created]


def has_a_year(model: type[models.Model]) -> bool:
    return any(
        (isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField))
        or f.name.endswith("year")
        for f in model._meta.concrete_fields
    )


def hangs_off_a_pairing(model: type[models.Model]) -> bool:
    return any(
        f.is_relation and (f.related_model is Pairing or f.related_model in YEAR_LOCKS)
        for f in model._meta.concrete_fields
    )


def test_it_declares_every_record_type_once():
    declared = set(YEAR_LOCKS) | set(NOT_YEAR_LOCKED)
    assert not set(YEAR_LOCKS) & set(NOT_YEAR_LOCKED)
    missing = [m.__name__ for m in ledger_models() if m not in declared]
    assert not missing, f"declare the year lock in ledger/locks.py: {missing}"
    for model, reason in NOT_YEAR_LOCKED.items():
        assert reason.strip(), model


def test_it_locks_every_record_of_a_pairing_that_has_a_year():
    dated = {m for m in ledger_models() if has_a_year(m) and hangs_off_a_pairing(m)}
    assert dated - set(NOT_YEAR_LOCKED) <= set(YEAR_LOCKS)
    for model, rule in YEAR_LOCKS.items():
        if rule.parent:
            assert model._meta.get_field(rule.parent).related_model in YEAR_LOCKS
        else:
            assert has_a_year(model) and model._meta.get_field(rule.year_field)


# --- each record type, made in a year that is then approved ---------------------------------


def in_year(month: int = 5) -> dt.date:
    return dt.date(YEAR, month, 1)


def org(build, pairing: Pairing) -> Organisation:
    return build.organisation(f"单位{next(_serial)}", pairing.recipient_region)


def create(model, fields):
    if model is FundFlow:
        return services.record_fund_flow(acting_user=None, via="test", **fields)
    return services.create_record(model, acting_user=None, via="test", **fields)


def asset(build, pairing: Pairing, **fields) -> Asset:
    project = build.project(pairing, status=Project.Status.COMPLETED, start=dt.date(YEAR - 1, 3, 1))
    return create(Asset, asset_fields(project, **fields))


def asset_fields(project: Project, **fields) -> dict:
    return {
        "pairing": project.pairing,
        "code": f"ZC-{next(_serial)}",
        "project": project,
        "name": "资产",
        "kind": Asset.Kind.PUBLIC,
        "value": Decimal("100.00"),
        "maintainer": "村委会",
        **fields,
    }


def agreement(pairing: Pairing) -> Agreement:
    return create(
        Agreement,
        {
            "pairing": pairing,
            "title": f"协议{next(_serial)}",
            "kind": Agreement.Kind.FRAMEWORK,
            "signed_date": in_year(),
            "status": Agreement.Status.SIGNED,
        },
    )


def event(pairing: Pairing) -> Event:
    return create(
        Event,
        {"pairing": pairing, "kind": Event.Kind.VISIT, "title": "调研", "start_date": in_year()},
    )


# model → (fields of a new record in YEAR, a change that the lock must refuse)
MAKERS = {
    FundFlow: lambda build, p: (
        {
            "pairing": p,
            "kind": FundFlow.Kind.TRANSFER,
            "fund_year": YEAR,
            "date": in_year(),
            "amount": Decimal("100.00"),
            "source": FundFlow.Source.FISCAL,
            "voucher": f"V-{next(_serial)}",
        },
        {"amount": Decimal("90.00")},
    ),
    GuidedInvestment: lambda build, p: (
        {
            "pairing": p,
            "enterprise": f"企业{next(_serial)}",
            "year": YEAR,
            "date": in_year(),
            "amount": Decimal("5000.00"),
        },
        {"amount": Decimal("6000.00")},
    ),
    ConsumptionRecord: lambda build, p: (
        consumption_fields(p, date=in_year()),
        {"amount": Decimal("2000.00")},
    ),
    IndustrialPark: lambda build, p: (park_fields(p, established=in_year()), {"name": "改名"}),
    Project: lambda build, p: (
        {
            "pairing": p,
            "code": f"LP-{next(_serial)}",
            "name": "项目",
            "sector": Project.Sector.INDUSTRY,
            "mode": Project.Mode.DIRECT_AID,
            "status": Project.Status.IN_PROGRESS,
            "start_date": in_year(),
        },
        {"name": "改名"},
    ),
    Posting: lambda build, p: (
        {"person": build.person(), "pairing": p, "start_date": in_year(), "post": "挂职"},
        {"post": "副县长"},
    ),
    Team: lambda build, p: (
        {"pairing": p, "name": f"团队{next(_serial)}", "start_date": in_year()},
        {"name": "改名团队"},
    ),
    Target: lambda build, p: (
        {
            "pairing": p,
            "year": YEAR,
            "indicator": Target.Indicator.values[next(_serial) % len(Target.Indicator.values)],
            "value": Decimal("10.00"),
        },
        {"value": Decimal("20.00")},
    ),
    Agreement: lambda build, p: (
        {
            "pairing": p,
            "title": "协议",
            "kind": Agreement.Kind.FRAMEWORK,
            "signed_date": in_year(),
            "status": Agreement.Status.SIGNED,
        },
        {"title": "改名协议"},
    ),
    Event: lambda build, p: (
        {"pairing": p, "kind": Event.Kind.VISIT, "title": "调研", "start_date": in_year()},
        {"title": "座谈"},
    ),
    Task: lambda build, p: (
        {"pairing": p, "title": "事项", "due_date": in_year()},
        {"title": "改事项"},
    ),
    Asset: lambda build, p: (
        asset_fields(
            build.project(p, status=Project.Status.COMPLETED, start=dt.date(YEAR - 1, 3, 1)),
            formed_on=in_year(),
        ),
        {"value": Decimal("200.00")},
    ),
    AssetCheck: lambda build, p: (
        {
            "pairing": p,
            "asset": asset(build, p, formed_on=in_year(1)),
            "year": YEAR,
            "state": "in_use",
        },
        {"state": "idle"},
    ),
    EventParticipant: lambda build, p: ({"event": event(p), "name": "张三"}, {"name": "李四"}),
    AgreementParty: lambda build, p: (
        {"agreement": agreement(p), "organisation": org(build, p), "role": "party_a"},
        {"role": "party_b"},
    ),
    Obligation: lambda build, p: (
        {"agreement": agreement(p), "deliverable": "交付"},
        {"deliverable": "改交付"},
    ),
    AgreementFile: lambda build, p: (
        {
            "agreement": agreement(p),
            "title": "文本",
            "file": SimpleUploadedFile("a.txt", b"text"),
        },
        {"title": "改文本"},
    ),
}

MAKERS.update(year_lock_makers(in_year()))


def approve(pairing: Pairing) -> None:
    for step in ("submitted", "approved"):
        services.move_year(pairing, YEAR, step, acting_user=None, via="test")


def test_it_has_a_maker_for_every_locked_type():
    assert set(MAKERS) == set(YEAR_LOCKS)


@pytest.mark.parametrize("model", list(YEAR_LOCKS), ids=lambda m: m.__name__)
def test_it_refuses_create_update_and_delete_in_an_approved_year(build, settings, tmp_path, model):
    settings.MEDIA_ROOT = tmp_path
    pairing = build.pairing()
    fields, changes = MAKERS[model](build, pairing)
    assert set(changes) - YEAR_LOCKS[model].ongoing
    existing = create(model, fields)
    more, _ = MAKERS[model](build, pairing)  # made before the year is approved
    approve(pairing)
    count = model.objects.count()

    with pytest.raises(ValidationError, match=LOCKED):
        create(model, more)
    with pytest.raises(ValidationError, match=LOCKED):
        if model is FundFlow:  # a fund flow is changed by correcting it
            services.correct_fund_flow(
                existing, acting_user=None, via="test", reason="改", **changes
            )
        else:
            services.update_record(existing, acting_user=None, via="test", **changes)
    with pytest.raises(ValidationError, match=LOCKED):
        if model is FundFlow:  # and cancelled by reversing it
            services.reverse_fund_flow(existing, acting_user=None, via="test", reason="删")
        else:
            services.delete_record(existing, acting_user=None, via="test")

    assert model.objects.count() == count
    assert model.objects.filter(pk=existing.pk).exists()
