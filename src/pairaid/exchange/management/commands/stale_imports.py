"""`pairaid stale-imports [--resume ID | --discard ID]`: batches whose process died."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from pairaid.exchange import services, tasks
from pairaid.exchange.models import ImportBatch
from pairaid.lib.commands import DataCommand


class Command(DataCommand):
    help = "列出处理中断的导入批次（长时间停在校验中或导入中），或重新校验、放弃其中一个"

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--resume", type=int, metavar="ID", help="从上传的文件重新校验该批次")
        group.add_argument("--discard", type=int, metavar="ID", help="放弃该批次并删除其文件")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("zh-hans"):
            if options["resume"] is not None:
                self.resume(options["resume"])
            elif options["discard"] is not None:
                self.discard(options["discard"])
            else:
                self.list()

    def list(self) -> None:
        stale = list(services.stale_batches().order_by("created_at", "id"))
        if not stale:
            self.stdout.write(_("没有处理中断的导入批次"))
            return
        for batch in stale:
            last = batch.heartbeat_at or batch.created_at
            self.stdout.write(
                f"#{batch.pk}\t{batch.get_status_display()}\t{last:%Y-%m-%d %H:%M}\t"
                f"{batch.file_name}"
            )

    def stale(self, pk: int) -> ImportBatch:
        batch = ImportBatch.objects.filter(pk=pk).first()
        if batch is None:
            raise CommandError(_("没有导入批次 #%(id)s") % {"id": pk})
        if not batch.is_stale:
            raise CommandError(
                _("导入批次 #%(id)s 没有中断（状态：%(status)s）")
                % {"id": pk, "status": batch.get_status_display()}
            )
        return batch

    def resume(self, pk: int) -> None:
        batch = self.stale(pk)
        if not services.resume_batch(batch):
            raise CommandError(_("导入批次 #%(id)s 的文件已不在，只能放弃") % {"id": pk})
        tasks.check_batch.enqueue(batch.pk)
        batch.refresh_from_db()
        self.stdout.write(
            _("已重新校验导入批次 #%(id)s：%(status)s")
            % {"id": pk, "status": batch.get_status_display()}
        )

    def discard(self, pk: int) -> None:
        batch = self.stale(pk)
        services.discard_batch(batch)
        self.stdout.write(_("已放弃导入批次 #%(id)s") % {"id": pk})
