"""`pairaid token`: create, list and revoke personal API tokens from the command line."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from pairaid.api import services
from pairaid.api.models import ApiToken
from pairaid.lib.commands import DataCommand


def find_user(username: str) -> Any:
    try:
        return get_user_model().objects.get_by_natural_key(username)
    except get_user_model().DoesNotExist as exc:
        raise CommandError(f"没有用户 {username}") from exc


def when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


class Command(DataCommand):
    help = "管理个人接口令牌：create 创建（令牌只显示一次）、list 列出、revoke 撤销"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{create,list,revoke}"
        )
        create = actions.add_parser("create", help="为用户创建令牌")
        create.add_argument("username", help="用户名")
        create.add_argument("--name", required=True, help="令牌名称（用途）")
        create.add_argument(
            "--scope",
            choices=ApiToken.Scope.values,
            default=ApiToken.Scope.READ,
            help="read：只读（默认）；write：读写",
        )
        listing = actions.add_parser("list", help="列出用户的令牌")
        listing.add_argument("username", help="用户名")
        revoke = actions.add_parser("revoke", help="撤销令牌")
        revoke.add_argument("token_id", type=int, help="令牌编号（见 list）")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action']}")(options)

    def handle_create(self, options: dict[str, Any]) -> None:
        user = find_user(options["username"])
        try:
            token, secret = services.create_token(
                user, name=options["name"], scope=options["scope"], acting_user=None, via="cli"
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(
            f"已为 {user.get_username()} 创建令牌 {token.pk}（{token.get_scope_display()}）："
        )
        self.stdout.write(secret)
        self.stdout.write("令牌只显示这一次，请立即妥善保存。")

    def handle_list(self, options: dict[str, Any]) -> None:
        user = find_user(options["username"])
        tokens = list(user.api_tokens.all())
        if not tokens:
            self.stdout.write(f"{user.get_username()} 没有令牌")
            return
        self.stdout.write("编号\t前缀\t权限\t状态\t创建时间\t最近使用\t名称")
        for token in tokens:
            state = f"已撤销 {when(token.revoked_at)}" if token.revoked_at else "有效"
            self.stdout.write(
                f"{token.pk}\t{token.prefix}…\t{token.get_scope_display()}\t{state}\t"
                f"{when(token.created_at)}\t{when(token.last_used_at)}\t{token.name}"
            )

    def handle_revoke(self, options: dict[str, Any]) -> None:
        token = ApiToken.objects.filter(pk=options["token_id"]).select_related("user").first()
        if token is None:
            raise CommandError(f"没有编号为 {options['token_id']} 的令牌")
        if token.revoked_at is not None:
            self.stdout.write(f"令牌 {token.pk} 早已撤销（{when(token.revoked_at)}）")
            return
        services.revoke_token(token, acting_user=None, via="cli")
        self.stdout.write(f"已撤销 {token.user.get_username()} 的令牌 {token.pk}（{token.name}）")
