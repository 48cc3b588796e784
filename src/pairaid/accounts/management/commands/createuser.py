"""`pairaid createuser NAME`: make a login (scripts/start makes the demo's with it)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils import translation

from pairaid.lib.commands import DataCommand

# Exit code for a password the validators refuse (1 is any other error).
WEAK_PASSWORD = 3


class Command(DataCommand):
    help = "创建登录用户（密码从 --password 或环境变量 PAIRAID_PASSWORD 读取）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="用户名")
        parser.add_argument("--password", help="密码（也可用环境变量 PAIRAID_PASSWORD）")
        parser.add_argument("--email", default="", help="电子邮箱")
        parser.add_argument("--superuser", action="store_true", help="创建管理员（可进入后台）")
        parser.add_argument(
            "--exists-ok", action="store_true", help="用户已存在时不报错，也不改动该用户"
        )
        parser.add_argument(
            "--allow-weak-password",
            action="store_true",
            help="不检查密码强度——仅供本机演示（scripts/start 的 demo 用户），切勿用于正式账户",
        )

    def handle(
        self,
        *args: Any,
        username: str,
        password: str | None,
        email: str,
        superuser: bool,
        exists_ok: bool,
        allow_weak_password: bool = False,
        **options: Any,
    ) -> None:
        password = password or os.environ.get("PAIRAID_PASSWORD")
        if not password:
            raise CommandError("请用 --password 或环境变量 PAIRAID_PASSWORD 提供密码")
        users = get_user_model()
        if users.objects.filter(username=username).exists():
            if exists_ok:
                self.stdout.write(f"用户 {username} 已存在，未作改动（密码仍是原来的）")
                return
            raise CommandError(f"用户 {username} 已存在")
        if not allow_weak_password:
            try:
                with translation.override(settings.LANGUAGE_CODE):
                    validate_password(password, users(username=username, email=email))
            except ValidationError as exc:
                raise CommandError(
                    "密码不符合要求：" + "；".join(exc.messages), returncode=WEAK_PASSWORD
                ) from exc
        if superuser:
            users.objects.create_superuser(username=username, email=email, password=password)
        else:
            users.objects.create_user(username=username, email=email, password=password)
        self.stdout.write(f"已创建用户 {username}" + ("（管理员）" if superuser else ""))
