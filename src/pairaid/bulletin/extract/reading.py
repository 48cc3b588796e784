"""Reading a text: paragraphs, sentences, clauses, and the claims in each (`extract`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from pairaid.bulletin.extract.claims import Claim, Mention
from pairaid.bulletin.extract.destinations import destination_tags
from pairaid.bulletin.extract.metrics import classify, last_figure_end, tags_for
from pairaid.bulletin.extract.periods import period_for
from pairaid.bulletin.extract.quantities import Quantity, quantities_in
from pairaid.bulletin.extract.subjects import (
    BOTH_SIDES,
    FULL_NAMES,
    PRONOUNS,
    Gazetteer,
    index_names,
    mentions_in,
    pronoun_referents,
)
from pairaid.bulletin.extract.text import CLAUSE_BREAKS, paragraphs, sentences


@dataclass
class Context:
    """What the reader remembers while going through the text."""

    text: str
    gazetteer: Gazetteer
    pronouns: dict[str, str] = field(default_factory=dict)
    last_subject: Mention | None = None
    last_subject_paragraph: int = -1
    last_group: tuple[Mention, ...] = ()
    pairing: str = ""  # the last pairing named (helper、helped), for 两地 and 双方


def extract(text: str, gazetteer: Iterable[str] = ()) -> list[Claim]:
    """Every quantified claim in `text`, in reading order."""
    context = Context(text, index_names([*gazetteer, *FULL_NAMES]))
    context.pronouns = pronoun_referents(text, context.gazetteer)
    claims: list[Claim] = []
    for paragraph_no, (p_start, p_end) in enumerate(paragraphs(text)):
        for s_start, s_end in sentences(text, p_start, p_end):
            claims.extend(read_sentence(context, s_start, s_end, paragraph_no))
    return claims


# --- a sentence ------------------------------------------------------------------------------


def clause_start_of(text: str, sentence_start: int, at: int) -> int:
    for index in range(at - 1, sentence_start - 1, -1):
        if text[index] in CLAUSE_BREAKS:
            return index + 1
    return sentence_start


def read_sentence(context: Context, start: int, end: int, paragraph: int) -> list[Claim]:
    text = context.text
    quantities = quantities_in(text, start, end)
    mentions = mentions_in(text, start, end, context.gazetteer)
    claims: list[Claim] = []
    sentence = text[start:end]
    previous: tuple[str, str] | None = None
    for figure in quantities:
        clause_start = clause_start_of(text, start, figure.start)
        before = text[clause_start : figure.start]
        after = text[figure.end : clause_end(text, figure.end, end, CLAUSE_BREAKS)]
        metric, sure = classify(figure, before, after, text[start : figure.start], previous)
        previous = (metric, "人" if figure.base in {"人", "名", "位"} else figure.base)
        subject, carried, why = subject_for(context, mentions, figure, paragraph)
        uncertain_reasons = [reason for reason in (why, figure.why_uncertain) if reason]
        if not sure:
            uncertain_reasons.append("指标依据的关键词离数字较远")
        if figure.number in {"两", "二"}:
            uncertain_reasons.append("“两”常为虚指")
        slogan = (
            len(figure.number) == 1
            and not figure.number.isdigit()
            and figure.magnitude == 1
            and (figure.base == "个" or figure.number in "两二")
        )  # 三个方面, 五个一批, 两地; but 四批干部 and 八大领域 are counted
        if slogan and metric == "other":
            continue  # 三个方面, 五个一批, 两地: slogans and words, not figures
        name = subject.name if subject is not None else ""
        pairing = pairing_before(context, mentions, figure.start)
        if name in BOTH_SIDES and not pairing:
            uncertain_reasons.append(f"“{name}”所指的结对双方在文中未写明")
        elif name and not full_name(context, name):
            uncertain_reasons.append(f"“{name}”所指的地方在文中未写明")
        resolved = "、".join(
            pairing if part in BOTH_SIDES else full_name(context, part) for part in name.split("、")
        )
        claims.append(
            Claim(
                subject=name,
                subject_name=resolved if name else "",
                metric=metric,
                value=figure.value,
                unit=figure.unit,
                qualifier=figure.qualifier,
                period=period_for(text, clause_start, start, figure.start),
                start=figure.start,
                end=figure.end,
                quote=text[figure.start : figure.end],
                number=figure.number,
                magnitude=figure.magnitude,
                subject_carried=carried,
                tags=destination_tags(
                    metric,
                    tags_for(metric, figure, before, sentence),
                    before[last_figure_end(before) :],
                    after,
                    context.gazetteer,
                    broken_down(claims, metric),
                ),
                uncertain=bool(uncertain_reasons),
                why_uncertain="；".join(uncertain_reasons),
                sentence=(start, end),
                upper=figure.upper,
            )
        )
    claims = distribute(context, claims)
    context.pairing = pairing_before(context, mentions, end)
    subjects = [m for m in mentions if m.role == "subject"]
    if subjects:
        last = subjects[-1]
        context.last_subject = last
        context.last_subject_paragraph = paragraph
        context.last_group = tuple(m for m in subjects if m.group == last.group)
    return claims


def broken_down(claims: list[Claim], metric: str) -> str:
    """The destination of the sentence's last figure of `metric`, which a 其中 breakdown
    (到泸州就业1420人，其中脱贫劳动力870人) breaks down."""
    same = [claim for claim in claims if claim.metric == metric]
    return same[-1].destination if same else ""


def pairing_before(context: Context, mentions: list[Mention], at: int) -> str:
    """The pairing named last before `at`: a body and the place it helps in one sentence
    (天津市向甘肃省投入) or two names joined (惠城、册亨两地); else the one named earlier."""
    named = [m for m in mentions if m.end <= at and m.name not in BOTH_SIDES]
    subjects = [m for m in named if m.role == "subject"]
    if subjects:
        objects = [m for m in named if m.role == "object" and m.start > subjects[0].end]
        group = [m for m in subjects if m.group == subjects[0].group]
        if objects:
            return f"{full_name(context, subjects[0].name)}、{full_name(context, objects[0].name)}"
        if len(group) == 2:
            return "、".join(full_name(context, m.name) for m in group)
    return context.pairing


def full_name(context: Context, name: str) -> str:
    """What a name stands for: 我市 → the city the text names, 江苏 → 江苏省."""
    if name in PRONOUNS and name not in context.pronouns:
        return ""  # 我省 in a text that never names the province: unknown, not guessed
    name = context.pronouns.get(name, name)
    return FULL_NAMES.get(name, name)


def clause_end(text: str, at: int, sentence_end: int, breaks: str = CLAUSE_BREAKS + "、") -> int:
    for index in range(at, sentence_end):
        if text[index] in breaks:
            return index
    return sentence_end


def subject_for(
    context: Context, mentions: list[Mention], figure: Quantity, paragraph: int
) -> tuple[Mention | None, bool, str]:
    """The subject of a figure: the last subject named before it in the sentence, else
    the one carried over from earlier (uncertain when from another paragraph)."""
    before = [m for m in mentions if m.role == "subject" and m.end <= figure.start]
    if before:
        group = [m for m in before if m.group == before[-1].group]
        return joint(group), False, ""
    carried = context.last_subject
    if carried is None:
        return None, False, "未找到数字所属的主体"
    if len(context.last_group) > 1:
        carried = joint(list(context.last_group))
    if context.last_subject_paragraph != paragraph:
        return carried, True, "主体承接自上一段"
    return carried, True, ""


def joint(group: list[Mention]) -> Mention:
    """Names joined by 和/、 are one subject: 江阳区、龙马潭区 (both pairings together)."""
    if len(group) == 1:
        return group[0]
    name = "、".join(mention.name for mention in group)
    return Mention(name, group[0].start, group[-1].end, "subject", group[0].group)


def distribute(context: Context, claims: list[Claim]) -> list[Claim]:
    """江阳区、龙马潭区分别投入3000万元、2000万元: one subject per figure, in order. When
    the figures do not pair up with the names, the claims keep the joint subject and are
    marked uncertain."""
    out = list(claims)
    groups: dict[tuple[str, str, tuple[int, int]], list[int]] = {}
    for index, claim in enumerate(claims):
        if "、" in claim.subject:
            groups.setdefault((claim.subject, claim.metric, claim.sentence), []).append(index)
    for (subject, _metric, sentence), indices in groups.items():
        names = subject.split("、")
        if "分别" not in context.text[sentence[0] : claims[indices[0]].start]:
            continue
        if len(indices) == len(names):
            for index, name in zip(indices, names, strict=True):
                resolved = full_name(context, name)
                out[index] = replace(out[index], subject=name, subject_name=resolved)
            continue
        for index in indices:
            why = "；".join(
                filter(None, [out[index].why_uncertain, "“分别”后的数字与主体个数不对应"])
            )
            out[index] = replace(out[index], uncertain=True, why_uncertain=why)
    return out
