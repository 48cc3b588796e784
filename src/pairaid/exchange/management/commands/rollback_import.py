"""`pairaid rollback-import BATCH_ID`: undo an import batch as a whole."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from pairaid.exchange.management.commands._common import acting_user
from pairaid.exchange.models import ImportBatch
from pairaid.exchange.services import rollback_batch
from pairaid.ledger import access
from pairaid.lib.commands import DataCommand


class Command(DataCommand):
    help = "撤销一个导入批次：删除其新增的记录、恢复其修改的值、冲销其登记的资金"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("batch", type=int, help="导入批次编号")
        parser.add_argument("--user", help="以该用户身份撤销")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("zh-hans"):
            batch = ImportBatch.objects.filter(pk=options["batch"]).first()
            if batch is None:
                raise CommandError(_("没有导入批次 #%(id)s") % {"id": options["batch"]})
            try:
                rollback_batch(batch, user=acting_user(options["user"]), via="import")
            except access.OutOfScope:  # another user's batch: "not found", as on the page
                raise CommandError(_("没有导入批次 #%(id)s") % {"id": batch.pk}) from None
            except (ValidationError, PermissionDenied) as exc:
                message = "；".join(getattr(exc, "messages", [str(exc)]))
                raise CommandError(message) from None
            self.stdout.write(
                _("已撤销导入批次 #%(id)s（%(file)s）") % {"id": batch.pk, "file": batch.file_name}
            )
