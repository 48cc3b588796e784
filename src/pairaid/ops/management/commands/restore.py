from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser

from pairaid.lib.commands import DataCommand
from pairaid.ops.backup import BackupError, restore_backup


class Command(DataCommand):
    help = (
        "从 pairaid backup 生成的文件恢复到当前配置的数据库（PAIRAID_DATABASE_URL）；"
        "数据库中已有记录时拒绝，除非加 --force"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="备份文件（.zip）")
        parser.add_argument(
            "--force", action="store_true", help="清空当前数据库中的全部记录后再恢复"
        )

    def handle(self, *args: Any, file: str, force: bool, **options: Any) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到备份文件 {path}")
        call_command("migrate", interactive=False, verbosity=0)
        try:
            restored = restore_backup(path, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已从 {path} 恢复 {len(restored)} 张数据表、{sum(restored.values())} 行记录"
        )
