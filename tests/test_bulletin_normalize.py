"""Normalising a published text: script, readings, width, and GBK scars (never silent)."""

from __future__ import annotations

import hashlib

import pytest

from pairaid.bulletin.normalize import MARKER, normalise
from pairaid.ledger.demo import FOUNDING_ARTICLE

SEED = FOUNDING_ARTICLE  # the founding article, kept in the repository


@pytest.fixture(scope="module")
def seed() -> str:
    return SEED.read_text(encoding="utf-8")


def test_it_turns_traditional_script_into_simplified():
    assert normalise("瀘州市對口幫扶涼山州").text == "泸州市对口帮扶凉山州"


def test_it_drops_reading_annotations():
    text = normalise("發(fā)布時間 實(shí)施項(xiàng)目 江陽區(qū) 協(xié)作").text
    assert text == "发布时间 实施项目 江阳区 协作"


def test_it_keeps_real_parentheses():
    text = normalise("阿石拉比(左二)陪同,郭宏川(前排左二),6所高(職)中學校").text
    assert text == "阿石拉比(左二)陪同,郭宏川(前排左二),6所高(职)中学校"


def test_it_keeps_latin_that_is_not_a_reading():
    assert normalise("人工智能(AI)和(CT)檢查").text == "人工智能(AI)和(CT)检查"


def test_it_folds_full_width_forms_and_keeps_chinese_punctuation():
    assert normalise("资金１４６５４．７３万元，（左二）。“好”").text == (
        "资金14654.73万元,(左二)。“好”"
    )


def test_it_keeps_a_question_mark_that_is_one():
    normalised = normalise("怎么办?我们一起干。")
    assert normalised.text == "怎么办?我们一起干。"
    assert normalised.flags == ()


def test_it_recovers_a_lost_byte_with_the_reading(seed: str):
    normalised = normalise(seed)
    assert "政治责任。现在已经进入" in normalised.text
    (recovered,) = [flag for flag in normalised.flags if flag.kind == "recovered"]
    assert recovered.raw == "?,F(xiàn)"
    assert recovered.replacement == "。现"
    assert recovered.reading == "xiàn"
    assert normalised.text[recovered.start : recovered.end] == "。现"
    assert seed[recovered.raw_start :].startswith("?,F(xiàn)")


def test_it_marks_what_cannot_be_recovered(seed: str):
    normalised = normalise(seed)
    (scar,) = [flag for flag in normalised.flags if flag.kind != "recovered"]
    assert scar.raw == "?shù)厮瑁煤脼o"
    assert scar.reading == "shù"
    assert normalised.text[scar.start] == MARKER
    # the tail read one byte over is the text's own 好泸州; what came before is lost
    assert "立足当〓好泸州的资源禀赋" in normalised.text
    assert scar.kind == "partly_recovered"


def test_it_never_drops_a_replacement_character_silently():
    normalised = normalise("资金\ufffd万元")
    assert normalised.text == f"资金{MARKER}万元"
    (flag,) = normalised.flags
    assert flag.kind == "unrecoverable" and flag.start == 2


def test_it_refuses_a_repair_the_reading_contradicts():
    # 。現 realigned, but the annotation says fā: not 現, so not repaired
    normalised = normalise("責任?,F(fā)在")
    (flag,) = normalised.flags
    assert flag.kind == "unrecoverable"
    assert MARKER in normalised.text


def test_it_keeps_the_raw_text_and_its_hash(seed: str):
    normalised = normalise(seed)
    assert normalised.raw == seed
    assert normalised.sha256 == hashlib.sha256(seed.encode("utf-8")).hexdigest()


def test_the_seed_has_no_annotation_or_scar_left(seed: str):
    text = normalise(seed).text
    assert "(fā)" not in text and "(xiàn)" not in text and "?" not in text
    assert "(左二)" in text and "高(职)中学校" in text and "(来源:川江号" in text
    assert "江阳区累计投入各类帮扶资金14654.73万元" in text
