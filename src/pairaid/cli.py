"""The `pairaid` command: every command a user runs, plus Django's own (migrate, shell …)."""

from __future__ import annotations

import os
import sys

PRODUCT_COMMANDS = {
    "demo": "创建（或用 --reset 重建）数据库并载入以泸州—凉山为原型的演示数据（含报道原文的核对）；"
    "--national 规模 载入全国合成数据",
    "serve": "启动网页服务（--host、--port、--server gunicorn|waitress、--workers、--threads）",
    "summary": "按结对关系输出累计投入资金、实施项目、选派干部人才"
    "（--pairing、--as-of、--style、--json、--user）",
    "report": "生成简报、年度报告或资金对账报告（briefing|annual|reconciliation，"
    "--pairing、--year、--format docx|xlsx|pdf、-o）",
    "briefing-freeze": "冻结简报的数字、口径、截至日期及其依据的记录",
    "briefing-compare": "将冻结的简报与台账现状对照，列出造成变化的记录",
    "import": "导入 xlsx/csv 记录（先全部校验；--dry-run、--kind、--valid-only、--rejected-out）",
    "export": "导出记录为 xlsx 或 csv（KIND --format xlsx|csv -o 文件，可加筛选条件）",
    "template": "生成导入模板（中文表头、说明行、示例行、下拉选项）",
    "rollback-import": "撤销一个导入批次",
    "stale-imports": "列出处理中断的导入批次；--resume ID 重新校验，--discard ID 放弃",
    "check-bulletin": "核对公开文本（新闻报道、通报）中的数字与台账是否一致"
    "（--json、--as-of、--user）",
    "token": "管理个人接口令牌（create、list、revoke）",
    "worker": "运行后台任务（PAIRAID_TASKS=database 时的大文件导入等）",
    "createuser": "创建登录用户（--superuser 为管理员）",
    "audit": "audit verify：校验各审计链及锚点是否被绕过系统改动；audit anchor：记录锚点",
    "rollups": "rollups rebuild：核对资金汇总与资金记录并按记录重建"
    "（--check 只核对，不一致时退出码为 1）",
    "backup": "备份全部记录、审计记录与附件到一个 zip 文件（-o 文件；个人敏感信息保持加密）",
    "restore": "从备份文件恢复到当前数据库（非空数据库须加 --force；SQLite 与 PostgreSQL 互通）",
    "rotate-data-key": "用新的数据密钥重新加密身份证号和联系电话（--old、--new 或环境变量）",
    "migrate": "创建或升级数据库结构",
    "createsuperuser": "交互式创建管理员",
    "shell": "进入 Python 交互环境（Django shell）",
}

# Public names that cannot be Python module names, mapped to the management command.
ALIASES = {
    "import": "import_records",
    "export": "export_records",
    "rollback-import": "rollback_import",
    "stale-imports": "stale_imports",
    "check-bulletin": "check_bulletin",
    "briefing-freeze": "freeze_briefing",
    "briefing-compare": "compare_briefing",
    "rotate-data-key": "rotate_data_key",
}


def usage() -> str:
    lines = ["用法: pairaid <命令> [选项]", "", "pairaid 是对口帮扶工作台账。常用命令："]
    width = max(len(name) for name in PRODUCT_COMMANDS)
    lines += [f"  {name.ljust(width)}  {text}" for name, text in PRODUCT_COMMANDS.items()]
    lines += [
        "",
        "每个命令的选项见 pairaid <命令> --help；pairaid help --all 列出全部 Django 管理命令。",
        "数据库由环境变量 PAIRAID_DATABASE_URL 指定，默认使用本地 SQLite 文件。",
    ]
    return "\n".join(lines)


def django_argv(args: list[str]) -> list[str] | None:
    """The arguments for Django's command runner, or None to print pairaid's own help."""
    if not args or args[0] in {"-h", "--help"}:
        return None
    if args[0] == "help":
        if args[1:] == ["--all"]:
            return ["help"]
        if len(args) > 1:
            return [ALIASES.get(args[1], args[1]), "--help"]
        return None
    return [ALIASES.get(args[0], args[0]), *args[1:]]


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pairaid.settings")
    command = django_argv(args)
    if command is None:
        print(usage())
        return
    from django.core.exceptions import ValidationError
    from django.core.management import execute_from_command_line
    from django.db import IntegrityError

    try:
        execute_from_command_line(["pairaid", *command])
    except (IntegrityError, ValidationError) as exc:
        # A refusal in words (ledger/messages.py), never a database rule's name.
        from pairaid.ledger.messages import integrity_message, readable

        if isinstance(exc, IntegrityError):
            shown = integrity_message(exc)
        else:
            shown = "；".join(readable(exc).messages)
        sys.stderr.write(f"{shown}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
