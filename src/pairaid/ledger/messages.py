"""What the ledger says when it refuses something, in words a county clerk understands.

One place for three kinds of refusal that would otherwise reach users in a developer's words:

- a database rule (a `CheckConstraint`, a `UniqueConstraint`, a unique column, the fund-flow
  trigger) — by its name, whether the refusal comes from `full_clean()` (Django's "约束
  “project_budget_not_negative” 被违反") or from the database itself (`IntegrityError`);
- Django's number, length and NUL-character validators ("确认小数不超过 2 位",
  "不允许是用空字符串"), replaced by messages that state the limit in 元 or characters;
- the years the ledger accepts (`FIRST_YEAR`, `LAST_YEAR`), one pair of numbers for model
  validators, forms, the API's schema, the importer and targets.

Pages (`web.forms.show_errors`, `web.views.common.submitted`), the admin
(`ledger.admin.base.call_service`), the API (`api.errors`), the importer and the command
line all pass refusals through `readable()` / `integrity_message()`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any, cast

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# The fund years (and plan, target, review years) the ledger accepts.
FIRST_YEAR = 1990
LAST_YEAR = 2100

# Every named database rule of the ledger, and what it means to the person who broke it.
CONSTRAINT_MESSAGES: dict[str, Any] = {
    "region_valid_dates_in_order": _("停用日期不能早于启用日期"),
    "region_code_6_or_12_digits": _("区划代码应为6位或12位数字"),
    "organisation_unique_name_in_region": _("同一区划内已有同名单位"),
    "pairing_valid_dates_in_order": _("终止日期不能早于起始日期"),
    "pairing_has_helper": _("请填写帮扶方（区划或单位）"),
    "pairing_has_recipient": _("请填写受援方（区划或单位）"),
    "pairing_not_own_parent": _("上级结对关系不能是自身或其下级"),
    "project_unique_code_in_pairing": _("该结对关系中已有相同项目编号的项目"),
    "project_dates_in_order": _("完工日期不能早于开工日期"),
    "project_progress_at_most_100": _("进度最多为100%"),
    "evidence_one_record": _("佐证材料须且只能附在一条记录上"),
    "update_progress_at_most_100": _("进度最多为100%"),
    "update_spent_not_negative": _("累计支出不能为负数"),
    "update_spent_in_range": _("累计支出超出允许范围（最多 99,999,999,999,999.99 元，到分）"),
    "project_budget_not_negative": _("计划投资不能为负数"),
    "project_budget_in_range": _("计划投资超出允许范围（最多 99,999,999,999,999.99 元，到分）"),
    "fundflow_positive_or_reversal": _("金额必须大于0；更正请使用冲销"),
    "fundflow_amount_in_range": _("金额超出允许范围（最多 99,999,999,999,999.99 元，到分）"),
    "fundflow_allocate_spend_have_project": _("分配和支出须指明项目"),
    "fundrollup_one_row_per_key": _(
        "资金汇总中已有同一结对关系、类型、来源、年度、月份和确认状态的行"
    ),
    "projectrollup_one_row_per_key": _("项目汇总中已有同一结对关系、状态和月份的行"),
    "pairingtreelink_one_row_per_pair": _("结对关系树中已有同一上级和下级结对关系的行"),
    "subtreefundrollup_one_row_per_key": _(
        "下级资金汇总中已有同一上级结对关系、类型、来源、年度、月份和确认状态的行"
    ),
    "subtreeprojectrollup_one_row_per_key": _("下级项目汇总中已有同一上级结对关系、状态和月份的行"),
    "subtreeperson_one_row_per_person": _("下级选派汇总中已有同一上级结对关系和人员的行"),
    "search_key_once": _("同一条记录只有一个检索键"),
    "investment_amount_positive": _("到位投资必须大于0"),
    "investment_amount_in_range": _("到位投资超出允许范围（最多 99,999,999,999,999.99 元，到分）"),
    "investment_agreed_positive": _("协议投资必须大于0"),
    "investment_agreed_in_range": _("协议投资超出允许范围（最多 99,999,999,999,999.99 元，到分）"),
    "consumption_amount_positive": _("金额必须大于0"),
    "consumption_amount_in_range": _("金额超出允许范围（最多 99,999,999,999,999.99 元，到分）"),
    "consumption_quantity_positive": _("数量必须大于0"),
    "park_unique_code_in_pairing": _("该结对关系中已有相同编号的园区"),
    "park_area_positive": _("园区面积必须大于0"),
    "person_profession_only_for_professionals": _("党政干部不填写专业类别"),
    "posting_planned_end_after_start": _("计划期满不能早于到岗日期"),
    "posting_actual_end_after_start": _("实际离岗不能早于到岗日期"),
    "event_dates_in_order": _("结束日期不能早于开始日期"),
    "agreement_term_in_order": _("期限止不能早于期限起"),
    "agreement_amount_not_negative": _("合同金额不能为负数"),
    "agreement_amount_in_range": _("合同金额超出允许范围（最多 99,999,999,999,999.99 元，到分）"),
    "agreement_party_once_per_role": _("该单位已是此协议的这一方"),
    "target_once_per_indicator_and_year": _("该结对关系在这一年度已有此指标的目标"),
    "target_not_negative": _("目标值不能为负数"),
    "target_value_in_range": _("目标值超出允许范围（最多 99,999,999,999,999.99）"),
    "pairing_year_once": _("该结对关系的这一年度已有审核记录"),
    "asset_unique_code_in_pairing": _("该结对关系中已有相同编号的资产"),
    "asset_value_not_negative": _("资产价值不能为负数"),
    "asset_value_in_range": _("资产价值超出允许范围（最多 99,999,999,999,999.99 元，到分）"),
    "asset_quantity_not_negative": _("数量不能为负数"),
    "asset_handed_over_after_formed": _("移交日期不能早于形成日期"),
    "asset_handover_complete": _("移交对象和移交日期须同时填写或同时不填"),
    "assetcheck_once_per_year": _("该资产在这一年度已有状态记录"),
    "assetcheck_income_not_negative": _("收益不能为负数"),
    "assetcheck_income_in_range": _("收益超出允许范围（最多 99,999,999,999,999.99 元，到分）"),
    "placement_persons_positive": _("就业人数至少为1"),
    "placement_poor_within_persons": _("其中脱贫劳动力不能超过就业人数"),
    "training_dates_in_order": _("结束日期不能早于开始日期"),
    "training_attendance_positive": _("培训人次至少为1"),
    "training_poor_within_attendance": _("其中脱贫劳动力人次不能超过培训人次"),
    "training_certificates_within_attendance": _("取得证书人数不能超过培训人次"),
    "workshop_unique_code_in_pairing": _("该结对关系中已有相同编号的帮扶车间"),
    "workshop_poor_within_jobs": _("其中脱贫劳动力不能超过吸纳就业人数"),
    "vocational_students_positive": _("招生人数至少为1"),
    "vocational_poor_within_students": _("其中脱贫家庭学生不能超过招生人数"),
    # The trigger of migration 0002, by the message it raises.
    "fund flow project belongs to another pairing": _("项目不属于该结对关系"),
}

CONFLICT = _("与已有记录冲突（可能是同时提交了相同的记录），请刷新后重试")


# --- the database's rules ----------------------------------------------------------------


@cache
def _ledger_models() -> tuple[type[models.Model], ...]:
    return tuple(apps.get_app_config("ledger").get_models())


@cache
def _unique_columns() -> dict[tuple[str, tuple[str | None, ...]], tuple[str, Any]]:
    """(table, columns) → ("constraint", its name) or ("field", the field), for unique
    constraints and unique columns: SQLite names the columns of a broken unique rule, not
    the rule."""
    found: dict[tuple[str, tuple[str | None, ...]], tuple[str, Any]] = {}
    for model in _ledger_models():
        table = model._meta.db_table
        for field in model._meta.concrete_fields:
            if field.unique and not field.primary_key:
                found[(table, (field.column,))] = ("field", field)
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
                columns = tuple(
                    cast("models.Field[Any, Any]", model._meta.get_field(name)).column
                    for name in constraint.fields
                )
                found[(table, columns)] = ("constraint", constraint.name)
    return found


def _unique_message(kind: str, what: Any) -> str:
    if kind == "field":
        return str(_("%(field)s已存在，不能重复") % {"field": what.verbose_name})
    return str(CONSTRAINT_MESSAGES.get(what, CONFLICT))


def constraint_message(text: str) -> str | None:
    """The message for the database rule named in `text` (a database error, or Django's
    "constraint … is violated"), or None when it names none the ledger knows."""
    for name, message in CONSTRAINT_MESSAGES.items():
        if re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text):
            return str(message)
    # SQLite: "UNIQUE constraint failed: ledger_region.code"
    failed = re.search(r"UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)", text)
    if failed:
        parts = [part.split(".", 1) for part in failed.group(1).split(", ")]
        tables = {table for table, _column in parts}
        if len(tables) == 1:
            key = (tables.pop(), tuple(column for _table, column in parts))
            if key in _unique_columns():
                return _unique_message(*_unique_columns()[key])
    # PostgreSQL: 'violates unique constraint "ledger_region_code_key"' (a unique column)
    named = re.search(r'unique constraint "(\w+)"', text)
    if named:
        for (table, columns), (kind, what) in _unique_columns().items():
            if len(columns) == 1 and named.group(1).startswith(f"{table}_{columns[0]}_"):
                return _unique_message(kind, what)
    return None


def integrity_message(exc: BaseException) -> str:
    """An `IntegrityError` in words: the broken rule's message, or that the record clashes
    with one already there. Never the database's own text."""
    return constraint_message(str(exc)) or str(CONFLICT)


def _unique_together_message(error: ValidationError) -> str | None:
    params = error.params or {}
    model, fields = params.get("model_class"), params.get("unique_check")
    if model is None or not fields:
        return None
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and tuple(constraint.fields) == tuple(
            fields
        ):
            message = CONSTRAINT_MESSAGES.get(constraint.name)
            return str(message) if message is not None else None
    return None


def _readable_list(errors: Iterable[ValidationError]) -> list[ValidationError]:
    shown = []
    for error in errors:
        replaced = _unique_together_message(error) if error.code == "unique_together" else None
        if replaced is None and not error.params:  # Django's "约束 “name” 被违反" has none
            replaced = constraint_message(str(error.message))
        shown.append(ValidationError(replaced, code=error.code) if replaced else error)
    return shown


def readable(error: ValidationError) -> ValidationError:
    """The same refusal, with every database rule named by name said in words instead."""
    if hasattr(error, "error_dict"):
        return ValidationError(
            {field: _readable_list(errors) for field, errors in error.error_dict.items()}
        )
    return ValidationError(_readable_list(error.error_list))


# --- Django's validators, with the limit stated -------------------------------------------


def is_money(field: models.Field[Any, Any] | Any) -> bool:
    """A money field: its label says 元, or it is an amount or a budget."""
    name = getattr(field, "name", "") or ""
    return "元" in str(getattr(field, "verbose_name", "") or getattr(field, "label", "")) or (
        name in {"amount", "planned_budget"}
    )


def validator_messages(*, money: bool) -> dict[str, Any]:
    """Django validator code → message, with the validator's own params."""
    messages = {
        "max_length": _("最多 %(limit_value)d 个字符（现有 %(show_value)d 个）"),
        "min_length": _("至少 %(limit_value)d 个字符（现有 %(show_value)d 个）"),
        "null_characters_not_allowed": _("不能包含空字符（NUL），请删去后重试"),
        "min_value": _("不能小于 %(limit_value)s"),
        "max_value": _("不能大于 %(limit_value)s"),
    }
    if money:
        messages |= {
            "max_decimal_places": _("金额最多两位小数（到分）"),
            "max_digits": _("金额最多 %(max)s 位数字（元，含两位小数）"),
            "max_whole_digits": _("金额过大：整数部分最多 %(max)s 位（元）"),
        }
    else:
        messages |= {
            "max_decimal_places": _("最多 %(max)s 位小数"),
            "max_digits": _("最多 %(max)s 位数字"),
            "max_whole_digits": _("整数部分最多 %(max)s 位"),
        }
    return messages


def install_field_messages() -> None:
    """Give the ledger's model fields these messages (at start-up: `LedgerConfig.ready`).
    Set on the field's `error_messages`, not passed to its constructor, so that migrations
    do not see them."""
    for model in _ledger_models():
        for field in model._meta.concrete_fields:
            field.error_messages.update(validator_messages(money=is_money(field)))


def set_form_messages(fields: dict[str, Any]) -> None:
    """The same messages on a form's fields (a form field does not take its model field's)."""
    for field in fields.values():
        field.error_messages.update(validator_messages(money=is_money(field)))
