from __future__ import annotations

import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from pairaid.exchange.originals import rotate_originals
from pairaid.ledger import services
from pairaid.lib.commands import DataCommand
from pairaid.lib.personal_data import current_key, is_valid_key


class Command(DataCommand):
    help = (
        "用新的数据密钥重新加密全部身份证号和联系电话（一个事务内完成，记入审计记录）。"
        "密钥可用 --old/--new 给出，或从环境变量 PAIRAID_OLD_DATA_KEY、PAIRAID_NEW_DATA_KEY 读取；"
        "不给旧密钥时用当前密钥（PAIRAID_DATA_KEY，未设置时为由 PAIRAID_SECRET_KEY 派生的密钥）。"
        "等待导入的上传原件随后逐个重新加密。完成后请把 PAIRAID_DATA_KEY 设为新密钥"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--old",
            action="append",
            default=[],
            help="旧密钥（可多次给出；Fernet 密钥；以“-”开头的密钥写成 --old=密钥）",
        )
        parser.add_argument("--new", help="新密钥（Fernet 密钥；以“-”开头时写成 --new=密钥）")

    def handle(self, *args: Any, old: list[str], new: str | None, **options: Any) -> None:
        new = new or os.environ.get("PAIRAID_NEW_DATA_KEY")
        if not new:
            raise CommandError(
                "请用 --new 或环境变量 PAIRAID_NEW_DATA_KEY 给出新密钥；生成新密钥：python -c "
                '"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
            )
        old = old or [k for k in [os.environ.get("PAIRAID_OLD_DATA_KEY", "")] if k]
        old = old or [current_key()]
        for key in [new, *old]:
            if not is_valid_key(key):
                raise CommandError(
                    "密钥格式不对：须为 32 字节的 URL 安全 base64 编码（Fernet 密钥）"
                )
        try:
            rotated = services.rotate_personal_data_key(old, new, acting_user=None, via="cli")
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        total = sum(rotated.values())
        self.stdout.write(f"已用新密钥重新加密 {total} 条记录的个人敏感信息")
        for label, count in rotated.items():
            self.stdout.write(f"  {label}: {count}")
        # The originals waiting to be imported are files, outside the transaction: each is
        # replaced whole, once the records are done.
        files, unreadable = rotate_originals([new, *old])
        self.stdout.write(f"已用新密钥重新加密 {files} 个等待导入的上传原件")
        for name in unreadable:
            self.stderr.write(f"  无法用所给密钥解密，未处理：{name}")
        self.stdout.write("请立即把 PAIRAID_DATA_KEY 设为新密钥并重启服务")
