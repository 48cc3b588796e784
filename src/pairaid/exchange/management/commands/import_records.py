"""`pairaid import FILE`: import a spreadsheet (xlsx or csv) of records."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from pairaid.exchange import services
from pairaid.exchange.management.commands._common import (
    acting_user,
    file_problem,
    print_counts,
    print_errors,
)
from pairaid.exchange.progress import TextBar
from pairaid.exchange.specs import KINDS
from pairaid.lib.commands import DataCommand


class Command(DataCommand):
    help = "导入 xlsx 或 csv 文件中的记录：先校验全部行，全部有效才写入（或 --valid-only）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="xlsx 或 csv 文件（UTF-8 或 GB18030）")
        parser.add_argument("--kind", choices=KINDS, help="记录类型（默认按表头识别）")
        parser.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")
        parser.add_argument(
            "--valid-only", action="store_true", help="只导入有效行，跳过有错误的行"
        )
        parser.add_argument("--rejected-out", help="把有错误的行连同原因写入此 xlsx 文件")
        parser.add_argument("--user", help="以该用户身份导入（按其权限范围校验）")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("zh-hans"):
            self.run(**options)

    def run(self, **options: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(_("找不到文件：%(path)s") % {"path": path})
        user = acting_user(options["user"])
        # The bar redraws one line with \r: write to the raw stream, not Django's wrapper
        # (which ends every write with a newline).
        bar = None if options["no_progress"] else TextBar(getattr(self.stderr, "_out", sys.stderr))
        rejected_out = Path(options["rejected_out"]) if options["rejected_out"] else None
        try:
            if options["dry_run"]:
                report = services.check_file(
                    path, kind=options["kind"], user=user, progress=bar, rejected_out=rejected_out
                )
                batch = None
            else:
                batch, report = services.import_file(
                    path,
                    kind=options["kind"],
                    user=user,
                    via="import",
                    valid_only=options["valid_only"],
                    progress=bar,
                    rejected_out=rejected_out,
                )
        except services.ImportRefused as refused:
            report = refused.report
            batch = None
        except (ValueError, OSError, LookupError, MemoryError, RuntimeError) as exc:
            # A file no reader foresaw: say so in one line, never a traceback.
            raise CommandError(
                _("无法导入 %(file)s：文件无法读取（%(error)s）")
                % {"file": path.name, "error": type(exc).__name__},
                returncode=2,
            ) from None
        finally:
            if bar is not None:
                bar.close()
        if report.file_error and not report.kind:
            # The file as a whole cannot be read (damaged, not a spreadsheet, beyond a
            # limit): one line saying why, exit code 2, never a traceback.
            raise CommandError(file_problem(report), returncode=2)
        if report.kind:
            print_counts(report, self.stdout)
        if report.error_count:
            print_errors(report, self.stderr)
        if rejected_out and report.rejected:
            self.stdout.write(_("有错误的行已写入 %(path)s") % {"path": rejected_out})
        if batch is not None:
            self.stdout.write(
                _("导入批次 #%(id)s；撤销：pairaid rollback-import %(id)s") % {"id": batch.pk}
            )
        elif options["dry_run"] and report.valid:
            self.stdout.write(_("校验通过（试运行，未写入）"))
        if report.error_count and not (batch is not None and options["valid_only"]):
            raise CommandError(_("文件有 %(n)s 处错误，未写入任何数据") % {"n": report.error_count})
