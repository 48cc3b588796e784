"""What a claim is: the metrics and qualifiers it may carry, a `Claim` and a `Mention` of a
subject."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pairaid.bulletin.numbers import (
    significant_step,
)
from pairaid.ledger.money import WAN, round_step

METRICS = (
    "funds", "projects", "persons", "cadres", "professionals", "teachers", "doctors",
    "schools", "consumption", "jobs", "beneficiaries", "trained", "enterprises",
    "investment", "workshops", "parks", "other",
)  # fmt: skip
EXACT, MORE_THAN, NEARLY, ABOUT = "exact", "more_than", "nearly", "about"
QUALIFIERS = (EXACT, MORE_THAN, NEARLY, ABOUT)

CJK = "\u3400-\u4dbf\u4e00-\u9fff"
# The tag that keeps a jobs claim's destination as written (去向:泸州; `extract.destinations`).
DESTINATION_TAG = "去向:"


@dataclass(frozen=True)
class Mention:
    name: str
    start: int
    end: int
    role: str = "subject"  # or "object"
    group: int = 0  # mentions joined by 和/、 share a group


@dataclass(frozen=True)
class Claim:
    """One quantified claim: what the text says, where, and how sure the reading is.

    `value` is in base units (yuan for money, persons or items for counts); `start`/`end`
    locate the figure in the clean text; `subject` is as written and `subject_name` what
    it stands for (我市 → 泸州市)."""

    subject: str
    subject_name: str
    metric: str
    value: Decimal
    unit: str
    qualifier: str
    period: str
    start: int
    end: int
    quote: str
    number: str = ""  # the number as written, without qualifier and unit
    magnitude: Decimal = Decimal(1)  # 万元 → 10000
    subject_carried: bool = False
    tags: tuple[str, ...] = ()
    uncertain: bool = False
    why_uncertain: str = ""
    sentence: tuple[int, int] = (0, 0)
    upper: Decimal | None = None  # the top of a range (15万元—52万元), in base units

    @property
    def destination(self) -> str:
        """Where the workers of a jobs claim went, as written (泸州, 沪), or ""."""
        return next(
            (
                tag.removeprefix(DESTINATION_TAG)
                for tag in self.tags
                if tag.startswith(DESTINATION_TAG)
            ),
            "",
        )

    @property
    def is_money(self) -> bool:
        return self.unit.endswith("元")

    @property
    def is_count(self) -> bool:
        return not self.is_money and self.unit != "%"

    def precision(self) -> Decimal:
        """The smallest step the figure is written to, in base units: `14654.73万元` →
        100 元. An exact money figure agrees with a total that rounds to it."""
        decimals = self.number.split(".")[1] if "." in self.number else ""
        return Decimal(1).scaleb(-len(decimals)) * self.magnitude

    def step(self) -> Decimal:
        """The round step of an approximate figure, in base units. Money in 万元 follows
        the ledger's `round_step` (9500余万元 → 100万元) unless the text is more precise."""
        written = significant_step(self.number) * self.magnitude
        if self.is_money and self.magnitude == WAN:
            return min(written, round_step(self.value / WAN) * WAN)
        return written

    def bounds(self) -> tuple[Decimal, Decimal]:
        """[low, high): the totals for which the claim holds, honouring the qualifier."""
        if self.upper is not None:
            return self.value, self.upper + self.precision()
        if self.qualifier == MORE_THAN:
            return self.value, self.value + self.step()
        if self.qualifier == NEARLY:
            return self.value - self.step(), self.value
        if self.qualifier == ABOUT:
            half = self.step() / 2
            return self.value - half, self.value + half
        if self.is_count and self.unit != "%" and self.precision() <= 1:
            return self.value, self.value + 1
        half = self.precision() / 2
        return self.value - half, self.value + half
