from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from pairaid.ledger.audit_chain import record_anchor, verify_chain
from pairaid.lib.commands import DataCommand


class Command(DataCommand):
    help = (
        "审计记录：verify 校验各审计链（按结对关系分链）及锚点，发现绕过系统直接改动或删除的"
        "审计记录，完整时记录新锚点；anchor 记录各链最新记录的锚点"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            choices=["verify", "anchor"],
            help="verify：校验审计链并记录锚点；anchor：只记录锚点",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "anchor":
            anchor = record_anchor()
            self.stdout.write(f"已记录锚点 #{anchor.pk}：{len(anchor.heads)} 条审计链")
            return
        checked, breaks = verify_chain()
        for found in breaks:
            where = f"审计链 {found.chain}" if found.chain else "锚点"
            entry = f" 记录 #{found.entry_id}" if found.entry_id is not None else ""
            self.stderr.write(f"{where}{entry}：{found.reason}")
        if breaks:
            raise CommandError(f"校验 {checked} 条审计记录，发现 {len(breaks)} 处问题")
        anchor = record_anchor()
        self.stdout.write(f"校验 {checked} 条审计记录：哈希链完整（已记录锚点 #{anchor.pk}）")
