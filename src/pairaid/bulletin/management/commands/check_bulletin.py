"""`pairaid check-bulletin FILE`: are a published text's figures those of the ledger?"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser

from pairaid.bulletin.checks import AGREES, DISAGREES, Report, check_text
from pairaid.bulletin.services import record_check
from pairaid.lib.commands import DataCommand

MARKS = {AGREES: "✓ 相符", DISAGREES: "✗ 不符", "unknown": "? 无法核对"}


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


def read_text(path: str) -> str:
    """UTF-8 (with or without BOM), else GB18030 — the two encodings such copies come in."""
    data = sys.stdin.buffer.read() if path == "-" else read_bytes(path)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CommandError(f"无法识别文件编码（应为 UTF-8 或 GB18030）：{path}")


def read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"无法读取文件：{path}（{exc.strerror}）") from exc


def user_named(name: str | None) -> Any:
    """The user a command answers for (None: the operator, who sees everything)."""
    if not name:
        return None
    try:
        return get_user_model().objects.get(username=name)
    except get_user_model().DoesNotExist as exc:
        raise CommandError(f"没有用户 {name}") from exc


class Command(DataCommand):
    help = "核对新闻报道、通报等公开文本中的数字与台账是否一致（逐条列出依据和结论）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="文本文件（UTF-8 或 GB18030）；- 表示标准输入")
        parser.add_argument(
            "--as-of", dest="as_of", help="按此日期的台账核对 YYYY-MM-DD（默认取文中发布日期）"
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出（金额单位：元）")
        parser.add_argument("--source", default="", help="来源网址或说明（随 --save 保存）")
        parser.add_argument(
            "--save", action="store_true", help="将原文、摘要和核对结果保存到数据库"
        )
        parser.add_argument(
            "--user",
            help="按该用户的权限范围核对（只用其可见的结对关系；默认：系统，可见全部）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        raw = read_text(options["file"])
        as_of = parse_date(options["as_of"]) if options["as_of"] else None
        user = user_named(options["user"])
        if options["save"]:
            source = options["source"] or Path(options["file"]).name
            document, report = record_check(raw, acting_user=user, source=source, as_of=as_of)
            saved = f"已保存为公开文本 #{document.pk}"
        else:
            report, saved = check_text(raw, as_of=as_of, user=user), ""
        if options["json"]:
            self.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
            return
        self.write_text(report)
        if saved:
            self.stdout.write(saved)

    def write_text(self, report: Report) -> None:
        origin = {"given": "指定", "text": "取自文中发布日期", "today": "文中无日期，取今天"}
        self.stdout.write(
            f"核对截至 {report.as_of.isoformat()}（{origin[report.as_of_from]}），"
            f"原文 SHA-256 {report.normalised.sha256}"
        )
        for flag in report.normalised.flags:
            self.stdout.write(
                f"乱码 第{flag.start}字 「{flag.raw}」→「{flag.replacement}」：{flag.note}"
            )
        for result in report.results:
            claim = result.claim
            subject = claim.subject_name or "（主体不明）"
            if claim.subject and claim.subject != claim.subject_name:
                subject = f"{claim.subject}（{claim.subject_name}）"
            doubt = f"［存疑：{claim.why_uncertain}］" if claim.uncertain else ""
            period = f" {claim.period}" if claim.period else ""
            self.stdout.write(
                f"{MARKS[result.verdict]}  {subject}{period} {claim.metric} "
                f"「{claim.quote}」 {result.reason}{doubt}"
            )
        counts = report.counts()
        self.stdout.write(
            f"共{len(report.results)}处数字：相符{counts[AGREES]}，不符{counts[DISAGREES]}，"
            f"无法核对{counts['unknown']}"
        )
