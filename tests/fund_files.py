"""A fund ledger workbook of transfers, one row per number, for imports run while others
write."""

from __future__ import annotations

import io

from openpyxl import Workbook

from pairaid.ledger.models import Pairing

HEADER = ["结对关系", "类型", "资金年度", "日期", "金额（元）", "资金来源", "凭证或文号"]


def fund_file(pairing: Pairing, rows: int, prefix: str) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for number in range(rows):
        sheet.append(
            [
                str(pairing),
                "拨付",
                2022,
                "2022年6月1日",
                100 + number,
                "财政援助资金",
                f"{prefix}-{number}",
            ]
        )
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    data.name = "资金.xlsx"
    return data
