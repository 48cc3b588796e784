"""What the report commands share: finding the pairing, reading the options, writing files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from pairaid.ledger import access, figures
from pairaid.ledger.models import Pairing
from pairaid.reports import renderers
from pairaid.reports.builders import EXACT, PUBLISHED, Options
from pairaid.reports.content import RenderError, Report


def add_window_arguments(parser: CommandParser, *, year_help: str) -> None:
    parser.add_argument("--pairing", required=True, help="结对关系：帮扶方或受援方的名称或区划代码")
    parser.add_argument("--year", type=int, help=year_help)
    parser.add_argument(
        "--from-year", dest="from_year", type=int, help="起始资金年度（默认结对起始年）"
    )
    parser.add_argument("--as-of", dest="as_of", help="截至日期 YYYY-MM-DD（默认今天）")
    parser.add_argument(
        "--style",
        choices=[EXACT, PUBLISHED],
        default=EXACT,
        help="exact：精确到分；published：按公开报道写法取整并加“余”",
    )
    parser.add_argument(
        "--person-rule",
        dest="person_rule",
        choices=[figures.PERSONS, figures.POSTINGS],
        default=figures.PERSONS,
        help="persons：不重复人数（默认）；postings：人次",
    )


def add_output_arguments(parser: CommandParser, *, required: bool) -> None:
    parser.add_argument(
        "--format",
        choices=list(renderers.FORMATS),
        help="docx（Word）、xlsx（Excel）或 pdf；默认取输出文件的扩展名",
    )
    parser.add_argument("-o", "--output", required=required, help="输出文件")


def find_pairing(name_or_code: str) -> Pairing:
    found = list(Pairing.objects.matching(name_or_code).distinct().order_by("valid_from", "id"))
    if not found:
        raise CommandError(f"找不到结对关系：{name_or_code}")
    if len(found) > 1:
        names = "、".join(str(pairing) for pairing in found)
        raise CommandError(f"“{name_or_code}”对应多个结对关系（{names}），请写帮扶方或受援方全称")
    return found[0]


def parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


def options_from(arguments: dict[str, Any], user: access.Viewer = None) -> Options:
    """The report's options; for `user` (None: the operator, who sees everything), only a
    pairing the user sees, counting only the pairings below it that the user sees."""
    pairing = find_pairing(arguments["pairing"])
    if user is not None and not access.pairings(user).filter(pk=pairing.pk).exists():
        raise CommandError(f"找不到结对关系：{arguments['pairing']}")
    return Options(
        pairing=pairing,
        year=arguments["year"],
        from_year=arguments["from_year"],
        as_of=parse_date(arguments["as_of"]),
        style=arguments["style"],
        person_rule=arguments["person_rule"],
        user=user,
    )


def output_format(arguments: dict[str, Any]) -> str:
    chosen: str | None = arguments.get("format")
    if chosen:
        return chosen
    suffix = Path(arguments["output"] or "").suffix.lstrip(".").lower()
    if suffix in renderers.FORMATS:
        return suffix
    raise CommandError("请用 --format 指定 docx、xlsx 或 pdf")


def write(report: Report, arguments: dict[str, Any]) -> Path:
    chosen = output_format(arguments)
    path = Path(arguments["output"])
    try:
        data = renderers.render(report, chosen)
    except RenderError as exc:
        raise CommandError(str(exc)) from exc
    path.write_bytes(data)
    return path
