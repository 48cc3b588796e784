from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from pairaid.ledger import (
    figure_store,
    rollups,
    schema_repair,
    subtree_compaction,
    subtree_rollups,
)
from pairaid.lib.commands import DataCommand

SHOWN = 20  # differences printed; the count covers them all


class Command(DataCommand):
    help = _(
        "资金汇总：rebuild 按资金记录重建资金汇总表并报告与记录不一致之处；"
        "加 --check 只核对、不改动（发现不一致时退出码为 1）"
        "；项目汇总（按开工月份的项目个数）同样核对和重建"
        "；compact 把下级汇总的增量并入汇总行"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            choices=["rebuild", "compact"],
            help=_("rebuild：核对并重建；compact：合并下级汇总增量"),
        )
        parser.add_argument(
            "--check", action="store_true", help=_("只核对资金汇总与资金记录，不改动")
        )

    def handle(self, *args: Any, action: str, check: bool, **options: Any) -> None:
        if action == "compact":
            folded, skipped = subtree_compaction.compact()
            self.stdout.write(
                _("下级汇总：已合并 %(n)s 条增量；%(skipped)s 个上级结对关系正由其他进程合并，跳过")
                % {"n": folded, "skipped": skipped}
            )
            return
        missing = self.schema(check)  # first: the triggers keep the tables rebuilt below
        projects = self.projects(check)
        subtrees = self.subtrees(check)
        self.funds(check)  # refuses first when money disagrees too
        if missing:
            raise CommandError(
                _("缺少 %(n)s 个索引或触发器；运行 pairaid rollups rebuild 重建") % {"n": missing}
            )
        if subtrees:
            raise CommandError(
                _("下级汇总与记录有 %(n)s 处不一致；运行 pairaid rollups rebuild 重建")
                % {"n": subtrees}
            )
        if not check:
            figure_store.forget_all()  # figures stored from the old rollups must not be shown
        if projects:
            raise CommandError(
                _("项目汇总与项目记录有 %(n)s 处不一致；运行 pairaid rollups rebuild 重建")
                % {"n": projects}
            )

    def schema(self, check: bool) -> int:
        """Check (and unless `check`, make again) the indexes the models declare and the
        triggers of the rollups kept by triggers, which a bulk load killed outright leaves
        dropped; how many are missing when only checking."""
        found = schema_repair.missing()
        kinds = {"index": _("索引"), "trigger": _("触发器")}
        for item in found:
            self.stderr.write(
                _("缺少%(kind)s %(name)s（表 %(table)s）")
                % {"kind": kinds[item.kind], "name": item.name, "table": item.table}
            )
        if check:
            if not found:
                self.stdout.write(_("索引和触发器齐全"))
            return len(found)
        if found:
            schema_repair.restore(found)
            self.stdout.write(_("已重建缺少的 %(n)s 个索引和触发器") % {"n": len(found)})
        return 0

    def projects(self, check: bool) -> int:
        """Check (and unless `check`, rebuild) the project rollups; the differences found
        when only checking (a rebuild mends them)."""
        count, shown = rollups.project_differences(limit=SHOWN)
        for d in shown:
            pairing_id, status, month = d.key
            self.stderr.write(
                _(
                    "结对关系#%(pairing)s %(status)s 开工月份%(month)s："
                    "项目汇总 %(t_count)s 个，记录 %(r_count)s 个"
                )
                % {
                    "pairing": pairing_id,
                    "status": status,
                    "month": f"{month:%Y-%m}",
                    "t_count": d.table_count,
                    "r_count": d.records_count,
                }
            )
        if count > len(shown):
            self.stderr.write(_("……另有 %(n)s 处不一致") % {"n": count - len(shown)})
        if check:
            if not count:
                self.stdout.write(_("项目汇总与项目记录一致"))
            return count
        rows = rollups.rebuild_projects()
        if count:
            self.stdout.write(
                _("发现 %(n)s 处不一致，已按项目记录重建项目汇总（%(rows)s 行）")
                % {"n": count, "rows": rows}
            )
        else:
            self.stdout.write(_("项目汇总与项目记录一致，已重建（%(rows)s 行）") % {"rows": rows})
        return 0

    def subtrees(self, check: bool) -> int:
        """Check (and unless `check`, rebuild) the pairing tree's links and the subtree
        rollups; the differences found when only checking (a rebuild mends them)."""
        found = subtree_rollups.differences(limit=SHOWN)
        count = sum(n for n, _shown in found.values())
        for table, (n, shown) in found.items():
            for row in shown:
                self.stderr.write(
                    _("%(table)s %(row)s：汇总与记录不一致")
                    % {"table": table, "row": " ".join(str(v) for v in row)}
                )
            if n > len(shown):
                self.stderr.write(_("……另有 %(n)s 处不一致") % {"n": n - len(shown)})
        if check:
            if not count:
                self.stdout.write(_("结对关系层级和下级汇总与记录一致"))
            return count
        rows = subtree_rollups.rebuild()
        self.stdout.write(
            _("结对关系层级和下级汇总：发现 %(n)s 处不一致，已按记录重建（%(rows)s 行）")
            % {"n": count, "rows": rows}
        )
        return 0

    def funds(self, check: bool) -> None:
        count, shown = rollups.differences(limit=SHOWN)
        for d in shown:
            pairing_id, kind, source, year, month, confirmation = d.key
            self.stderr.write(
                _(
                    "结对关系#%(pairing)s %(kind)s %(source)s %(year)s年度 %(month)s "
                    "%(confirmation)s：汇总 %(t_amount)s元/%(t_count)s条，"
                    "记录 %(r_amount)s元/%(r_count)s条"
                )
                % {
                    "pairing": pairing_id,
                    "kind": kind,
                    "source": source,
                    "year": year,
                    "month": f"{month:%Y-%m}",
                    "confirmation": confirmation,
                    "t_amount": d.table_amount,
                    "t_count": d.table_count,
                    "r_amount": d.records_amount,
                    "r_count": d.records_count,
                }
            )
        if count > len(shown):
            self.stderr.write(_("……另有 %(n)s 处不一致") % {"n": count - len(shown)})
        if check:
            if count:
                raise CommandError(
                    _("资金汇总与资金记录有 %(n)s 处不一致；运行 pairaid rollups rebuild 重建")
                    % {"n": count}
                )
            self.stdout.write(_("资金汇总与资金记录一致"))
            return
        rows = rollups.rebuild()
        if count:
            self.stdout.write(
                _("发现 %(n)s 处不一致，已按资金记录重建资金汇总（%(rows)s 行）")
                % {"n": count, "rows": rows}
            )
        else:
            self.stdout.write(_("资金汇总与资金记录一致，已重建（%(rows)s 行）") % {"rows": rows})
