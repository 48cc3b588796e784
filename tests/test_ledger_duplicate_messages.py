"""A duplicate said in words (`ledger.messages`): each "only once" rule of the ledger, broken
through the services (Django's check, passed through `readable`) and by a raw write that only
the database refuses (`integrity_message`), on SQLite and PostgreSQL alike, which name a
broken rule differently. No constraint's name and no table's name reaches the user."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pairaid.ledger import services
from pairaid.ledger.messages import CONFLICT, constraint_message, integrity_message, readable
from pairaid.ledger.models import (
    Agreement,
    AgreementParty,
    Organisation,
    PairingYear,
    Person,
    Project,
    Target,
)


def create(model, **fields):
    return services.create_record(model, acting_user=None, via="test", **fields)


def duplicates(build):
    """(model, the fields of a record, its message) for each "only once" rule: the record is
    made once here, and its fields make a second one that breaks the rule."""
    pairing = build.pairing()
    organisation = create(Organisation, name="重复单位", region=pairing.helper_region, kind="other")
    agreement = create(Agreement, pairing=pairing, title="协议", kind="other")
    rules = [
        (
            Project,
            {
                "pairing": pairing,
                "code": "DUP-P",
                "name": "项目",
                "sector": "industry",
                "mode": "direct_aid",
            },
            "该结对关系中已有相同项目编号的项目",
        ),
        (
            Target,
            {"pairing": pairing, "year": 2022, "indicator": "projects_started", "value": 3},
            "该结对关系在这一年度已有此指标的目标",
        ),
        (
            AgreementParty,
            {"agreement": agreement, "organisation": organisation, "role": "party_a"},
            "该单位已是此协议的这一方",
        ),
        (
            Organisation,
            {"name": "重复单位", "region": pairing.helper_region, "kind": "school"},
            "同一区划内已有同名单位",
        ),
        (
            Person,
            {"number": "DUP-N-1", "name": "重名", "gender": "male", "category": "cadre"},
            "人员编号已存在，不能重复",
        ),
    ]
    for model, fields, _message in rules:
        if model is not Organisation:
            create(model, **fields)
    return rules


def ids(rule):
    return rule[0].__name__


def test_it_says_each_duplicate_in_words_through_the_services(build):
    for model, fields, message in duplicates(build):
        before = model.objects.count()
        with pytest.raises(ValidationError) as caught:
            create(model, **fields)
        shown = " ".join(readable(caught.value).messages)
        if model is Person:  # a unique column: Django's own words name the field
            assert "人员编号" in shown, shown
        else:
            assert message in shown, (model, shown)
        assert "unique" not in shown and "ledger_" not in shown
        assert model.objects.count() == before


def test_it_says_each_duplicate_the_database_refused_in_words(build):
    for model, fields, message in duplicates(build):
        before = model.objects.count()
        with pytest.raises(IntegrityError) as caught, transaction.atomic():
            model.objects.create(**fields)
        assert integrity_message(caught.value) == message, model
        assert model.objects.count() == before


def test_it_says_a_second_review_of_a_year_in_words(build):
    pairing = build.pairing()
    services.move_year(pairing, 2022, "submitted", acting_user=None, via="test")

    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        PairingYear.objects.create(pairing=pairing, year=2022)

    assert integrity_message(caught.value) == "该结对关系的这一年度已有审核记录"


# --- what a message is found from -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'new row violates check constraint "project_dates_in_order_v2"',
        "xproject_dates_in_order failed",
        "constraint failed: some_other_rule",
        "",
    ],
)
def test_it_finds_no_rule_in_a_text_that_names_none_whole(text):
    assert constraint_message(text) is None


def test_it_finds_a_rule_named_whole_in_either_databases_words():
    expected = "完工日期不能早于开工日期"
    for text in (
        "CHECK constraint failed: project_dates_in_order",
        'new row for relation "ledger_project" violates check constraint "project_dates_in_order"',
        "约束 “project_dates_in_order” 被违反。",
    ):
        assert constraint_message(text) == expected, text


def test_it_says_a_clash_it_cannot_name_as_a_conflict_to_retry():
    refusal = IntegrityError("UNIQUE constraint failed: some_table.some_column")

    assert integrity_message(refusal) == str(CONFLICT)
    assert "some_table" not in integrity_message(refusal)


def test_it_leaves_a_refusal_that_names_no_rule_as_it_was(build):
    pairing = build.pairing()

    with pytest.raises(ValidationError) as caught:
        create(
            Project,
            pairing=pairing,
            code="X",
            name="项目",
            sector="industry",
            mode="direct_aid",
            status="in_progress",
            start_date=None,
        )

    assert readable(caught.value).message_dict == caught.value.message_dict


def test_it_states_a_text_limit_in_characters(build):
    pairing = build.pairing()

    with pytest.raises(ValidationError) as caught:
        create(Agreement, pairing=pairing, title="长" * 301, kind="other", signed_date=None)

    assert caught.value.message_dict["title"] == ["最多 300 个字符（现有 301 个）"]


def test_it_says_which_character_is_refused_and_where(build):
    with pytest.raises(ValidationError) as caught:
        create(
            Agreement,
            pairing=build.pairing(),
            title="协\x00议",
            kind="other",
            term_start=dt.date(2022, 1, 1),
        )

    (message,) = caught.value.message_dict["title"]
    assert "U+0000" in message and "第 2 个字符" in message  # what, and where in the text
