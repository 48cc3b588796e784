"""`pairaid worker`: run queued background work (large imports) when PAIRAID_TASKS=database."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "运行后台任务（大文件导入等）；需设置 PAIRAID_TASKS=database"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="处理完队列中的任务后退出")
        parser.add_argument("--interval", type=float, default=1, help="轮询间隔（秒）")

    def handle(self, *args: Any, **options: Any) -> None:
        arguments = ["--interval", str(options["interval"])]
        if options["batch"]:
            arguments.append("--batch")
        call_command("db_worker", *arguments)
