"""The visit of 2022-12-01/02 as the article reports it: the site visits, the joint
meeting, the signing, the hand-over of the 2022 funds and the forum with 援彝干部代表.
Names and titles of officials are as published; the summaries paraphrase the article."""

from __future__ import annotations

from pairaid.ledger.demo.base import Loader
from pairaid.ledger.demo.calendar import HANDOVER, VISIT_END
from pairaid.ledger.models import Event, EventParticipant

LUZHOU, LIANGSHAN = "泸州市", "凉山彝族自治州"
OFFICIALS = {
    "杨林兴": ("泸州市委书记、市省内对口帮扶工作领导小组组长", LUZHOU),
    "段毅君": ("凉山彝族自治州委书记", LIANGSHAN),
    "阿石拉比": ("凉山彝族自治州委副书记、州长", LIANGSHAN),
    "郭宏川": ("泸州市委常委、江阳区委书记", LUZHOU),
    "王斌达": ("泸州市副市长", LUZHOU),
    "尹江涛": ("凉山彝族自治州领导", LIANGSHAN),
    "苏正清": ("凉山彝族自治州领导", LIANGSHAN),
    "王永贵": ("凉山彝族自治州领导", LIANGSHAN),
}
MEETING = ["杨林兴", "阿石拉比", "郭宏川", "王斌达", "尹江涛", "苏正清", "王永贵"]
SITES = (
    "普格县螺髻山乌鸡选育基地项目、螺髻山中学校；盐源县龙口河村乡村振兴示范点、"
    "盐源县委党校迁建项目、盐源县新型农民素质提升工程建设项目、盐源中学"
)
AGREEMENTS = (
    "江阳区与盐源县《深化干部人才培养交流工作框架协议》，龙马潭区与普格县《科研用高粱采购合同》"
    "《乌鸡项目运营合作协议》《人才联盟协同发展协议》"
)

# kind: (title, start, end, places, summary, participants)
EVENTS = {
    Event.Kind.VISIT: (
        "泸州市赴凉山州对接调研对口帮扶工作",
        HANDOVER,
        VISIT_END,
        SITES,
        "市委书记、市省内对口帮扶工作领导小组组长杨林兴率队赴凉山彝族自治州，了解、对接调研"
        "泸州市对口帮扶工作，并看望慰问援彝干部人才；工作组分为两组，考察调研对口帮扶项目建设"
        "推进情况和发挥效益情况。段毅君、阿石拉比分段陪同。",
        list(OFFICIALS),
    ),
    Event.Kind.JOINT_MEETING: (
        "泸州市—凉山州对口帮扶工作联席会议",
        HANDOVER,
        None,
        LIANGSHAN,
        "听取相关工作情况汇报，共同研究解决工作中存在的困难和问题，推动新一轮对口帮扶工作取得"
        "新的实效；凉山州按照“清单制”管理要求一项一项抓好落实。",
        MEETING,
    ),
    Event.Kind.SIGNING: (
        "对口帮扶协议签订（见证）",
        HANDOVER,
        None,
        LIANGSHAN,
        f"泸州市赴凉山州调研对口帮扶工作组见证{AGREEMENTS}的签订。",
        MEETING,
    ),
    Event.Kind.FUND_HANDOVER: (
        "江阳区、龙马潭区分别向盐源县、普格县交付2022年对口帮扶资金",
        HANDOVER,
        None,
        LIANGSHAN,
        "工作组见证江阳区、龙马潭区分别向盐源县、普格县交付2022年对口帮扶资金。",
        MEETING,
    ),
    Event.Kind.FORUM: (
        "与援彝干部代表座谈交流",
        VISIT_END,
        None,
        LIANGSHAN,
        "2日上午，泸州市赴凉山州开展对口帮扶工作组与援彝干部代表座谈交流；杨林兴代表市委、"
        "市政府感谢广大援彝干部的辛勤付出。",
        ["杨林兴", "郭宏川", "王斌达"],
    ),
}


def load_events(loader: Loader) -> None:
    """All under 泸州市→凉山州: the city led the visit for both districts."""
    city = loader.pairings["city"]
    participants = []
    for kind, (title, start, end, places, summary, who) in EVENTS.items():
        event = loader.create(
            Event,
            pairing=city,
            kind=kind,
            title=title,
            start_date=start,
            end_date=end,
            places=places,
            summary=summary,
        )
        loader.events[kind] = event
        participants += [
            {"event": event, "name": name, "title": OFFICIALS[name][0], "side": OFFICIALS[name][1]}
            for name in who
        ]
    loader.bulk(EventParticipant, participants)
