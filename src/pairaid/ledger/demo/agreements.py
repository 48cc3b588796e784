"""The four agreements signed during the visit. Titles, pairings and the signing are the
article's; parties, amounts, terms and obligations are invented.

Titles are stored without the 《》 the article puts around them; pages add them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pairaid.ledger.demo.base import Loader
from pairaid.ledger.demo.calendar import HANDOVER
from pairaid.ledger.models import Agreement, AgreementParty, Event, Obligation, WorkStatus

A, B, W = AgreementParty.Role.PARTY_A, AgreementParty.Role.PARTY_B, AgreementParty.Role.WITNESS
DONE, ONGOING, OPEN = WorkStatus.DONE, WorkStatus.IN_PROGRESS, WorkStatus.OPEN
WITNESS = "泸州市省内对口帮扶工作领导小组办公室"

# title, pairing, kind, amount, term, status, parties (name, role),
# obligations (deliverable, owner, due, status, evidence)
AGREEMENTS = [
    ("深化干部人才培养交流工作框架协议", "jiangyang", Agreement.Kind.FRAMEWORK, None,
     (dt.date(2023, 1, 1), dt.date(2025, 12, 31)), Agreement.Status.IN_FORCE,
     [("中共江阳区委组织部", A), ("中共盐源县委组织部", B), (WITNESS, W)],
     [("制定年度干部人才双向挂职交流计划", "中共江阳区委组织部", dt.date(2023, 3, 31), DONE,
       "2023年干部人才双向交流计划已印发"),
      ("联合举办基层干部能力提升培训班2期", "中共盐源县委组织部", dt.date(2023, 10, 31), DONE,
       "培训班通知、签到表、培训总结"),
      ("建立援彝干部人才管理档案，每半年通报一次", "中共江阳区委组织部",
       dt.date(2024, 6, 30), ONGOING, "")]),
    ("科研用高粱采购合同", "longmatan", Agreement.Kind.PURCHASE, Decimal("1860000.00"),
     (HANDOVER, dt.date(2023, 12, 31)), Agreement.Status.COMPLETED,
     [("泸州龙马潭酿酒专用粮科技有限公司", A), ("普格县农业投资发展有限公司", B),
      ("龙马潭区对口帮扶工作领导小组办公室", W)],
     [("提交科研用高粱品种及种植方案", "普格县农业投资发展有限公司", dt.date(2023, 3, 31),
       DONE, "种植方案及品种检测报告"),
      ("按合同交付科研用高粱", "普格县农业投资发展有限公司", dt.date(2023, 10, 31), DONE,
       "入库单、质检报告"),
      ("支付合同价款", "泸州龙马潭酿酒专用粮科技有限公司", dt.date(2023, 12, 31), DONE,
       "银行转账回单")]),
    ("乌鸡项目运营合作协议", "longmatan", Agreement.Kind.OPERATION, None,
     (HANDOVER, dt.date(2027, 11, 30)), Agreement.Status.IN_FORCE,
     [("普格县农业农村局", A), ("泸州龙马潭农业产业发展有限公司", B),
      ("普格县螺髻山乌鸡养殖专业合作社", AgreementParty.Role.PARTY_C)],
     [("制定螺髻山乌鸡选育基地运营管理办法", "普格县农业农村局", dt.date(2023, 2, 28), DONE,
       "运营管理办法（普农发〔2023〕5号）"),
      ("建立“企业+合作社+农户”利益联结机制", "泸州龙马潭农业产业发展有限公司",
       dt.date(2023, 12, 31), DONE, "利益联结协议及带动农户名册"),
      ("年度运营收益分红到村集体并公示", "普格县螺髻山乌鸡养殖专业合作社",
       dt.date(2024, 12, 31), OPEN, "")]),
    ("人才联盟协同发展协议", "longmatan", Agreement.Kind.TALENT, None,
     (dt.date(2023, 1, 1), dt.date(2025, 12, 31)), Agreement.Status.IN_FORCE,
     [("中共龙马潭区委组织部", A), ("中共普格县委组织部", B)],
     [("成立龙马潭—普格人才联盟并召开首次联席会", "中共龙马潭区委组织部",
       dt.date(2023, 4, 30), DONE, "人才联盟章程、会议纪要"),
      ("每年选派医疗、教育、农技专家开展短期服务不少于30人次", "中共龙马潭区委组织部",
       dt.date(2024, 12, 31), ONGOING, ""),
      ("建立两地人才信息共享库", "中共普格县委组织部", dt.date(2025, 6, 30), OPEN, "")]),
]  # fmt: skip


def load_agreements(loader: Loader) -> None:
    signing = loader.events[Event.Kind.SIGNING]
    parties, obligations = [], []
    for title, key, kind, amount, (start, end), status, who, duties in AGREEMENTS:
        agreement = loader.create(
            Agreement,
            pairing=loader.pairings[key],
            title=title,
            kind=kind,
            signed_date=HANDOVER,
            signed_place="凉山彝族自治州",
            event=signing,
            amount=amount,
            term_start=start,
            term_end=end,
            status=status,
        )
        parties += [
            {"agreement": agreement, "organisation": loader.org(name), "role": role}
            for name, role in who
        ]
        obligations += [
            {
                "agreement": agreement,
                "deliverable": deliverable,
                "owner": loader.org(owner),
                "due_date": due,
                "status": state,
                "evidence": evidence,
            }
            for deliverable, owner, due, state, evidence in duties
        ]
    loader.bulk(AgreementParty, parties)
    loader.bulk(Obligation, obligations)
