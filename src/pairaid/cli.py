"""The `pairaid` command: every command a user runs, plus Django's own (migrate, shell …)."""

from __future__ import annotations

import os
import sys

PRODUCT_COMMANDS = {
    "demo": "创建（或用 --reset 重建）数据库并载入以泸州—凉山为原型的演示数据",
    "serve": "启动网页服务（--host、--port）",
    "summary": "按结对关系输出累计投入资金、实施项目、选派干部人才"
    "（--pairing、--as-of、--style、--json）",
    "createuser": "创建登录用户（--superuser 为管理员）",
    "audit": "audit verify：校验审计记录哈希链是否被绕过系统改动",
    "migrate": "创建或升级数据库结构",
    "createsuperuser": "交互式创建管理员",
    "shell": "进入 Python 交互环境（Django shell）",
}


def usage() -> str:
    lines = [
        "用法: pairaid <命令> [选项]",
        "",
        "pairaid 是对口帮扶工作台账。常用命令：",
    ]
    width = max(len(name) for name in PRODUCT_COMMANDS)
    lines += [f"  {name.ljust(width)}  {text}" for name, text in PRODUCT_COMMANDS.items()]
    lines += [
        "",
        "每个命令的选项见 pairaid <命令> --help；pairaid help --all 列出全部 Django 管理命令。",
        "数据库由环境变量 PAIRAID_DATABASE_URL 指定，默认使用本地 SQLite 文件。",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pairaid.settings")
    if len(argv) < 2 or (argv[1] in {"-h", "--help", "help"} and "--all" not in argv):
        if len(argv) >= 3 and argv[1] == "help":
            argv = [argv[0], argv[2], "--help"]
        else:
            print(usage())
            return
    if argv[1:] == ["help", "--all"]:
        argv = [argv[0], "help"]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["pairaid", *argv[1:]])


if __name__ == "__main__":
    main()
