from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from pairaid.lib.commands import DataCommand
from pairaid.ops.backup import BackupError, write_backup


class Command(DataCommand):
    help = (
        "备份整个台账（全部记录、审计记录与附件）到一个 zip 文件；身份证号和电话保持加密，"
        "恢复后须使用同一数据密钥（PAIRAID_DATA_KEY）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, help="备份文件（.zip）")

    def handle(self, *args: Any, output: str, **options: Any) -> None:
        path = Path(output)
        try:
            written = write_backup(path)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(written.tables.values())
        self.stdout.write(
            f"已备份 {len(written.tables)} 张数据表、{rows} 行记录、{written.files} 个附件到 {path}"
        )
