"""`pairaid briefing-freeze`: keep a briefing's figures and the records behind them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from pairaid.ledger import access
from pairaid.lib.commands import DataCommand
from pairaid.reports import arguments, builders, services


class Command(DataCommand):
    help = "冻结一份简报的数字、口径、截至日期及其依据的记录，供日后对照"

    def add_arguments(self, parser: CommandParser) -> None:
        arguments.add_window_arguments(parser, year_help="截止资金年度（默认截至日期所在年）")
        parser.add_argument(
            "--user",
            help="以该用户名记为冻结人，并按其权限范围汇总（默认：系统，可见全部）",
        )
        parser.add_argument("--note", default="", help="说明")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            try:
                user = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist as exc:
                raise CommandError(f"没有用户 {options['user']}") from exc
        report_options = arguments.options_from(options, user)
        try:
            frozen = services.freeze_briefing(
                report_options, acting_user=user, via="cli", note=options["note"]
            )
        except builders.ReportError as exc:
            raise CommandError(str(exc)) from exc
        except access.OutOfScope:
            raise CommandError(f"找不到结对关系：{options['pairing']}") from None
        except PermissionDenied:
            raise CommandError(
                _("用户“%(name)s”在该结对关系中只能查看，不能冻结简报") % {"name": options["user"]}
            ) from None
        self.stdout.write(f"已冻结简报 #{frozen.pk}：{frozen.title}（截至{frozen.as_of}）")
        self.stdout.write(frozen.text)
