"""Turn a published text, as it was copied, into plain simplified Chinese.

Copies of news reports arrive in traditional script, with the reading of some characters
written after them in ASCII parentheses (`發(fā)布`), with full-width and half-width
punctuation mixed, and with the scars of GBK text decoded one byte off (`責任?,F(xiàn)在` for
`責任。現在`). Figures are only found reliably in a clean text, and an auditor must see
every place where the clean text is not simply the raw text: so each repair, and each
scar that could not be repaired, is reported as a `RepairFlag` at its place in the clean
text. Nothing is dropped silently; an unrecoverable scar leaves the visible marker `〓`.

The clean text follows the house style of the founding article: full-width ASCII forms
(`１２３，：（）`) become half-width, Chinese-only punctuation (`。、“”《》`) stays.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import asdict, dataclass
from functools import cache

import opencc

MARKER = "〓"  # the typesetter's mark for a character that cannot be set

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PINYIN_CHARS = f"a-zü{TONED}"
# One syllable: optional initial, a vowel cluster, optional final n/ng/r.
SYLLABLE = re.compile(
    rf"^(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?[aeiouü{TONED}]+(?:ng|n|r)?$|^(?:[ńňǹḿ]g?)$"
)
# The characters that copies of this kind annotate, with the reading they carry. A reading
# learned from the text itself (`現(xiàn)`) counts as much as one from this table.
KNOWN_READINGS = {
    "發": "fā", "現": "xiàn", "區": "qū", "協": "xié", "內": "nèi", "產": "chǎn",
    "戰": "zhàn", "鄉": "xiāng", "養": "yǎng", "聯": "lián", "創": "chuàng", "統": "tǒng",
    "經": "jīng", "網": "wǎng", "優": "yōu", "業": "yè", "續": "xù", "農": "nóng",
    "醫": "yī", "樂": "lè", "會": "huì", "參": "cān", "數": "shù", "門": "mén",
    "專": "zhuān", "傳": "chuán", "當": "dāng", "縣": "xiàn", "際": "jì", "勞": "láo",
}  # fmt: skip

# Punctuation a lost lead byte most likely belonged to, by the trail byte that survived.
SENTENCE_PUNCTUATION = "。，、；：？！“”（）《》"

ANNOTATION = re.compile(rf"(?<=[{CJK}])\(([{PINYIN_CHARS}]{{1,7}})\)")
# GBK scar, kind 1: a lost lead byte shows as `?`, the next two bytes pair up as one
# (often full-width, later folded to ASCII) character, the following trail byte is left as
# an ASCII character; a reading may follow. `?,F(xiàn)` ← `。現`.
SCAR_SHIFTED = re.compile(
    rf"[?\ufffd](?P<pair>[^\sA-Za-z0-9?\ufffd])(?P<trail>[\x40-\x7e])"
    rf"(?:\((?P<reading>[{PINYIN_CHARS}]{{1,7}})\))?"
)
# GBK scar, kind 2: a lost character whose only trace is `?` (or U+FFFD) and a reading with
# its opening parenthesis lost; when the characters after it end in a stray ASCII byte
# (`?shù)厮瑁煤脼o州`), they are the same text read one byte off.
SCAR_LOST = re.compile(
    rf"(?:\?(?P<reading>[{PINYIN_CHARS}]{{1,7}})\)|\ufffd(?:\(?[{PINYIN_CHARS}]{{1,7}}\))?)"
    rf"(?P<tail>[{CJK}]{{1,8}}[\x40-\x7e](?=[{CJK}]))?"
)


@dataclass(frozen=True)
class RepairFlag:
    """One place where the clean text differs from the raw text beyond script and width.

    `start`/`end` are offsets in the clean text (the repaired characters or the marker);
    `raw_start`/`raw` locate and quote the scar in the raw text.
    """

    kind: str  # "recovered", "partly_recovered" or "unrecoverable"
    start: int
    end: int
    raw_start: int
    raw: str
    replacement: str
    reading: str
    note: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Normalised:
    raw: str
    text: str
    flags: tuple[RepairFlag, ...]

    @property
    def sha256(self) -> str:
        return raw_hash(self.raw)

    def flags_within(self, start: int, end: int) -> list[RepairFlag]:
        return [flag for flag in self.flags if flag.start < end and start < flag.end]


def raw_hash(raw: str) -> str:
    """The hash an auditor re-computes to prove which text was checked (UTF-8, as given)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@cache
def t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def is_pinyin(text: str) -> bool:
    return bool(SYLLABLE.match(text))


def learned_readings(raw: str) -> dict[str, set[str]]:
    """Reading → characters, from the text's own annotations and the known table."""
    readings: dict[str, set[str]] = defaultdict(set)
    for char, reading in KNOWN_READINGS.items():
        readings[reading].add(char)
    for match in ANNOTATION.finditer(raw):
        if is_pinyin(match.group(1)):
            readings[match.group(1)].add(raw[match.start() - 1])
    return readings


def gbk(char: str) -> bytes | None:
    """The character's two GBK bytes, trying its full-width form for folded ASCII."""
    for candidate in (char, full_width(char)):
        try:
            encoded = candidate.encode("gbk")
        except UnicodeEncodeError:
            continue
        if len(encoded) == 2:
            return encoded
    return None


def full_width(char: str) -> str:
    return chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char


def gbk_char(data: bytes) -> str | None:
    try:
        decoded = data.decode("gbk")
    except UnicodeDecodeError:
        return None
    return decoded if len(decoded) == 1 else None


def is_cjk(char: str) -> bool:
    return bool(re.fullmatch(f"[{CJK}]", char))


def is_common(char: str, elsewhere: str = "") -> bool:
    """A character a news report would plausibly contain: sentence punctuation, one the
    text uses elsewhere, or one in GB2312's first level (the 3755 most used characters)
    once simplified. Text read one byte off is mostly rare characters and full-width
    letters, so this tells a realigned reading from noise."""
    if char in SENTENCE_PUNCTUATION:
        return True
    if not is_cjk(char):
        return False
    if char in elsewhere:
        return True
    try:
        encoded = t2s().convert(char).encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and 0xB0 <= encoded[0] <= 0xD7


@dataclass(frozen=True)
class Repair:
    text: str
    kind: str
    reading: str
    note: str


def repair_shifted(match: re.Match[str], readings: dict[str, set[str]]) -> Repair | None:
    """`?` + pair + trail byte: realign the bytes. The lost character is the one sentence
    punctuation mark whose GBK trail byte survived as the pair's first byte; the annotated
    character is the pair's second byte with the trail byte. The reading, when given, must
    be one the text or the table gives for that character. None if this is not a scar."""
    pair_bytes = gbk(match["pair"])
    if pair_bytes is None:
        return None
    recovered = gbk_char(bytes([pair_bytes[1], ord(match["trail"])]))
    if recovered is None or not is_cjk(recovered):
        return None
    reading = match["reading"] or ""
    if not reading and not is_common(recovered, match.string):
        return None  # no reading to confirm it and an unlikely character: not a scar
    if reading and recovered not in readings.get(reading, set()):
        return Repair(
            MARKER,
            "unrecoverable",
            reading,
            f"按GBK错位还原为“{recovered}”，但与注音 {reading} 不符，未采用",
        )
    lost = [p for p in SENTENCE_PUNCTUATION if p.encode("gbk")[1] == pair_bytes[0]]
    evidence = f"注音 {reading} 印证" if reading else "无注音印证"
    if len(lost) == 1:
        return Repair(
            lost[0] + recovered,
            "recovered",
            reading,
            f"GBK错位（丢失一个字节）：还原为“{lost[0]}{recovered}”，{evidence}",
        )
    return Repair(
        MARKER + recovered,
        "partly_recovered",
        reading,
        f"GBK错位：还原出“{recovered}”（{evidence}），其前一字符无法确定",
    )


def repair_lost(match: re.Match[str]) -> Repair:
    """A lost character: the marker, then whatever of the following text reads true when
    realigned by one byte, kept only from the end back while every character is common
    (or used in the text after the scar)."""
    reading = match["reading"] or ""
    heard = f"（读音 {reading}）" if reading else ""
    tail = match["tail"]
    if not tail:
        return Repair(MARKER, "unrecoverable", reading, f"GBK乱码，字符丢失{heard}，无法还原")
    data = b"".join(gbk(char) or b"" for char in tail[:-1]) + tail[-1].encode("ascii")
    realigned: list[str] = []
    for end in range(len(data), 1, -2):
        char = gbk_char(data[end - 2 : end])
        if char is None or not is_common(char, match.string[match.end() :]):
            break
        realigned.insert(0, char)
    if not realigned:
        return Repair(MARKER, "unrecoverable", reading, f"GBK乱码，字符丢失{heard}，无法还原")
    kept = "".join(realigned)
    return Repair(
        MARKER + kept,
        "partly_recovered",
        reading,
        f"GBK错位乱码：末尾按错位一个字节还原为“{kept}”，其前字符丢失{heard}",
    )


def fold_width(text: str) -> str:
    """Full-width ASCII forms and the ideographic space become half-width; Chinese-only
    punctuation is kept. One character in, one character out (offsets stay valid)."""
    return "".join(
        chr(ord(char) - 0xFEE0) if "\uff01" <= char <= "\uff5e" else char for char in text
    ).replace("\u3000", " ")


def to_simplified(text: str) -> str:
    """OpenCC t2s, keeping offsets: if a phrase conversion changed the length, convert
    character by character instead."""
    converted: str = t2s().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(single if len(single := t2s().convert(char)) == 1 else char for char in text)


def normalise(raw: str) -> Normalised:
    """Raw copy → clean simplified text and the flags of every repair (see module doc)."""
    text = unicodedata.normalize("NFC", raw.lstrip("\ufeff"))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    readings = learned_readings(text)
    out: list[str] = []
    flags: list[RepairFlag] = []
    length = 0  # characters written so far (offsets survive width folding and t2s)
    position = 0
    for trigger in TRIGGER.finditer(text):
        if trigger.start() < position:
            continue  # inside a scar already handled
        found = scan_at(text, trigger.start(), readings)
        if found is None:
            continue
        end, repair = found
        piece = text[position : trigger.start()]
        out.append(piece)
        length += len(piece)
        position = end
        if repair is None:
            continue  # a reading annotation: dropped, the character before it stays
        replacement = to_simplified(fold_width(repair.text))
        flags.append(
            RepairFlag(
                kind=repair.kind,
                start=length,
                end=length + len(replacement),
                raw_start=trigger.start(),
                raw=text[trigger.start() : end],
                replacement=replacement,
                reading=repair.reading,
                note=repair.note,
            )
        )
        out.append(repair.text)
        length += len(repair.text)
    out.append(text[position:])
    clean = to_simplified(fold_width("".join(out)))
    return Normalised(raw=raw, text=clean, flags=tuple(flags))


TRIGGER = re.compile(r"[?\ufffd(]")


def scan_at(text: str, at: int, readings: dict[str, set[str]]) -> tuple[int, Repair | None] | None:
    """What starts at `at`: a reading annotation (end, None), a scar (end, repair), or
    nothing to change (None). A plain `?` is a question mark and stays."""
    if text[at] == "(":
        annotation = ANNOTATION.match(text, at)
        if annotation and is_pinyin(annotation.group(1)):
            return annotation.end(), None
        return None
    shifted = SCAR_SHIFTED.match(text, at)
    if shifted:
        repair = repair_shifted(shifted, readings)
        if repair is not None:
            return shifted.end(), repair
    lost = SCAR_LOST.match(text, at)
    if lost:
        return lost.end(), repair_lost(lost)
    return None
