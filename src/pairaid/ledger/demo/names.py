"""Invented names for invented people. None of them is meant to be anyone; the names of
officials in the article are kept out so that no invented person is mistaken for one."""

from __future__ import annotations

import random

SURNAMES = (
    "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭罗马梁宋郑谢韩唐冯董程曹袁邓许傅沈曾彭吕苏卢"
    "蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵"
    "孟龙万段雷钱汤黎易常武乔贺赖龚文先税古车母敖"
)
MALE = (
    "伟", "强", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞",
    "波", "俊", "林", "峰", "宇", "浩", "凯", "磊", "洋", "建国", "志强", "国华", "文斌",
    "海涛", "晓东", "永红", "德明", "成林", "立新", "家兴", "天佑", "子豪", "俊杰", "建平",
)  # fmt: skip
FEMALE = (
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "雪", "琳", "倩", "莉",
    "慧", "颖", "洁", "蓉", "萍", "晓燕", "秀英", "丽华", "春梅", "海燕", "雪梅", "思雨",
    "欣怡", "佳琪", "雨婷", "丹丹", "晓琴", "红梅", "小芳", "玉兰", "美玲", "梦瑶", "诗琪",
)  # fmt: skip
# Yi names as they are written in Chinese characters: clan name, then given name.
YI_CLANS = ("阿苦", "吉克", "沙马", "马海", "曲比", "阿约", "俄木", "吉木", "海来", "勒格")
YI_GIVEN = ("日体", "阿呷", "拉哈", "石布", "木呷", "阿芝", "伍牛", "尔古", "阿依", "子哈")

OFFICIALS = {"杨林兴", "段毅君", "阿石拉比", "郭宏川", "王斌达", "尹江涛", "苏正清", "王永贵"}


class NameBook:
    """Hands out names, each once."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used = set(OFFICIALS)

    def name(self, male: bool, ethnicity: str) -> str:
        for _attempt in range(100):
            name = self._draw(male, ethnicity)
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("ran out of invented names")

    def _draw(self, male: bool, ethnicity: str) -> str:
        if ethnicity == "彝族":
            return self.rng.choice(YI_CLANS) + self.rng.choice(YI_GIVEN)
        given = self.rng.choice(MALE if male else FEMALE)
        if len(given) == 1 and self.rng.random() < 0.6:
            given += self.rng.choice(MALE if male else FEMALE)[0]
        return self.rng.choice(SURNAMES) + given
