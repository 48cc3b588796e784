from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pairaid.ledger.audit_chain import verify_chain


class Command(BaseCommand):
    help = "审计记录：verify 校验哈希链，发现绕过系统直接改动或删除的审计记录"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"], help="verify：校验审计记录哈希链")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        checked, breaks = verify_chain()
        for found in breaks:
            self.stderr.write(f"审计记录 #{found.entry_id}：{found.reason}")
        if breaks:
            raise CommandError(f"校验 {checked} 条审计记录，发现 {len(breaks)} 处问题")
        self.stdout.write(f"校验 {checked} 条审计记录：哈希链完整")
