"""`pairaid report briefing|annual|reconciliation`: a report as a Word, Excel or PDF file."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from pairaid.lib.commands import DataCommand
from pairaid.reports import arguments, builders


class Command(DataCommand):
    help = "生成简报、年度报告或资金对账报告（Word、Excel 或 PDF）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind",
            choices=list(builders.KINDS),
            help="briefing：情况简报；annual：年度报告；reconciliation：资金对账报告",
        )
        arguments.add_window_arguments(
            parser, year_help="报告年度（简报为截止资金年度；默认截至日期所在年）"
        )
        arguments.add_output_arguments(parser, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        report_options = arguments.options_from(options)
        chosen = arguments.output_format(options)
        try:
            report = builders.build(options["kind"], report_options)
        except builders.ReportError as exc:
            raise CommandError(str(exc)) from exc
        path = arguments.write(report, {**options, "format": chosen})
        self.stdout.write(f"已生成 {report.title}：{path}")
