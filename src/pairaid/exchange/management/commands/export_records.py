"""`pairaid export KIND --format xlsx|csv -o FILE`: export records (import reads it back)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from pairaid.exchange.cells import CellError
from pairaid.exchange.exporters import FORMATS, Exporter, filtered
from pairaid.exchange.management.commands._common import acting_user
from pairaid.exchange.specs import KINDS, Context
from pairaid.ledger import access
from pairaid.lib.commands import DataCommand


class Command(DataCommand):
    help = "导出记录为 xlsx 或 csv（中文表头；pairaid import 可读回）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("--format", choices=FORMATS, default=None, help="默认按文件扩展名")
        parser.add_argument("-o", "--output", required=True, help="输出文件")
        parser.add_argument("--pairing", help="结对关系名称或帮扶方名称（含其下级结对关系）")
        parser.add_argument("--user", help="按该用户的权限范围导出")
        for name in ("year", "sector", "status", "source", "category", "q"):
            parser.add_argument(f"--{name}", help="与列表页相同的筛选条件")
        parser.add_argument("--type", dest="record_kind", help="类型（资金类型、协议类型等）")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("zh-hans"):
            self.run(**options)

    def run(self, **options: Any) -> None:
        output = Path(options["output"])
        fmt = options["format"] or output.suffix.lstrip(".").lower() or "xlsx"
        if fmt not in FORMATS:
            raise CommandError(_("格式应为 xlsx 或 csv"))
        user = acting_user(options["user"])
        scope = access.visible_pairings(user)
        if options["pairing"]:
            try:
                chosen = Context(user=user).pairing(options["pairing"])
            except CellError as exc:
                raise CommandError(str(exc)) from None
            scope = scope.filter(pk__in=[p.pk for p in chosen.with_descendants()])
        params = {
            name: options[name] or ""
            for name in ("year", "sector", "status", "source", "category", "q")
        }
        params["kind"] = options["record_kind"] or ""
        pairings = None if user is None and not options["pairing"] else scope
        exporter = Exporter(options["kind"])
        count = exporter.write(output, fmt, filtered(options["kind"], params, pairings))
        self.stdout.write(
            _("已导出 %(n)s 条%(label)s到 %(path)s")
            % {"n": count, "label": exporter.title, "path": output}
        )
