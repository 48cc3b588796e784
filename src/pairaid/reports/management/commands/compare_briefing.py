"""`pairaid briefing-compare ID`: what changed since a briefing was frozen, and why."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from pairaid.lib.commands import DataCommand
from pairaid.reports import arguments, snapshots
from pairaid.reports.models import FrozenBriefing


class Command(DataCommand):
    help = "将冻结的简报与台账现状对照：哪些数字变了、是哪些记录造成的"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("id", type=int, help="冻结简报的编号")
        arguments.add_output_arguments(parser, required=False)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            frozen = FrozenBriefing.objects.select_related("pairing").get(pk=options["id"])
        except FrozenBriefing.DoesNotExist as exc:
            raise CommandError(f"没有编号为 {options['id']} 的冻结简报") from exc
        comparison = snapshots.compare(frozen)
        changed = comparison.changed
        if not changed:
            self.stdout.write("与冻结时相比，各项数字及其依据的记录均无变化。")
        for change in changed:
            self.stdout.write(snapshots.change_sentence(change))
        if options["output"]:
            path = arguments.write(snapshots.build_comparison(comparison), options)
            self.stdout.write(f"已生成对照报告：{path}")
