"""`pairaid summary`: the founding article's sentence per pairing, computed from records."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser
from django.utils import translation

from pairaid.ledger import access, figure_sets, figures
from pairaid.ledger.models import Pairing
from pairaid.lib.commands import DataCommand


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


def user_named(name: str | None) -> Any:
    """The user the summary answers for (None: the operator, who sees everything)."""
    if not name:
        return None
    try:
        return get_user_model().objects.get(username=name)
    except get_user_model().DoesNotExist as exc:
        raise CommandError(f"没有用户 {name}") from exc


class Command(DataCommand):
    help = "按结对关系输出累计投入资金、实施项目和选派干部人才（由台账记录逐笔汇总）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--pairing", help="结对关系：帮扶方或受援方的名称或区划代码（默认全部）"
        )
        parser.add_argument("--as-of", dest="as_of", help="截至日期 YYYY-MM-DD（默认今天）")
        parser.add_argument(
            "--style",
            choices=["exact", "published"],
            default="exact",
            help="exact：精确到分；published：按公开报道写法取整并加“余”",
        )
        parser.add_argument(
            "--person-rule",
            choices=[figures.PERSONS, figures.POSTINGS],
            default=figures.PERSONS,
            help="persons：不重复人数（默认）；postings：人次",
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出（金额单位：元）")
        parser.add_argument(
            "--user",
            help="按该用户的权限范围汇总（只列其可见的结对关系，汇总只含其可见的下级；"
            "默认：系统，可见全部）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = parse_date(options["as_of"]) if options["as_of"] else None
        user = user_named(options["user"])
        pairings = self.select_pairings(options["pairing"], user)
        summaries = figure_sets.summaries(
            pairings, as_of=as_of, person_rule=options["person_rule"], user=user
        )
        if options["json"]:
            payload = {
                "style": options["style"],
                "pairings": [summary.to_dict(options["style"]) for summary in summaries],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for summary in summaries:
            self.stdout.write(summary.sentence(options["style"]))
        if summaries:
            counted = "不重复人数" if options["person_rule"] == figures.PERSONS else "人次"
            self.stdout.write(
                f"（口径：{describe_in_chinese(summaries[0].funds.window)}；资金为各类来源拨付记录之和，"
                f"项目为已开工未取消的项目，人员为{counted}；含下级结对关系的汇总其下级）"
            )

    def select_pairings(self, name_or_code: str | None, user: Any) -> list[Pairing]:
        pairings = access.pairings(user).select_related(
            "helper_region", "helper_organisation", "recipient_region", "recipient_organisation"
        )
        if name_or_code:
            pairings = pairings.matching(name_or_code)
        found = list(pairings.distinct().order_by("valid_from", "id"))
        if not found:
            if name_or_code:
                raise CommandError(f"找不到结对关系：{name_or_code}")
            if user is not None:
                raise CommandError(f"用户 {user.username} 没有可见的结对关系")
            raise CommandError("台账中还没有结对关系；可先运行 pairaid demo 载入演示数据")
        return found


def describe_in_chinese(window: figures.Window) -> str:
    """The rule line around it is Chinese, so its window is described in Chinese too, whatever
    language the calling thread happens to have active."""
    with translation.override("zh-hans"):
        return window.describe()
