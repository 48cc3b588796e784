"""`pairaid template KIND -o FILE`: a blank xlsx to fill in for import."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from pairaid.exchange.management.commands._common import acting_user
from pairaid.exchange.specs import KINDS, get_importer
from pairaid.exchange.template_files import write_template
from pairaid.lib.commands import DataCommand


class Command(DataCommand):
    help = "生成导入模板（xlsx：中文表头、填写说明、示例行和下拉选项）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("-o", "--output", required=True)
        parser.add_argument("--user", help="下拉选项按该用户的权限范围列出结对关系")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("zh-hans"):
            write_template(options["kind"], options["output"], user=acting_user(options["user"]))
            self.stdout.write(
                _("已生成%(label)s导入模板：%(path)s")
                % {"label": get_importer(options["kind"]).label, "path": options["output"]}
            )
