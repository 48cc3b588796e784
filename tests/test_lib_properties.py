"""Properties of the small library modules every surface leans on, over any input
(hypothesis): personal data encrypted and decrypted back whatever the text, under the
current or an old key, refused rather than misread when tampered with; encrypted files of
any size read back byte for byte across chunk boundaries; masks that keep only the ends;
text made safe for XML and spreadsheets whatever it holds; an uploaded file's name made
harmless whatever it was; a file's type told from its content, never its name.

These modules have no page of their own: their public interface is the module itself."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.lib import personal_data, text, uploads

# The `keys` fixture is set again at the start of every example that changes the keys.
EXAMPLES = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
FEW = settings(EXAMPLES, max_examples=15)

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
UNSAFE_IN_NAMES = re.compile(r"[\x00-\x1f\x7f<>:\"|?*\\/]")

# Text as offices type it: Chinese, digits, punctuation, and whatever else arrives.
texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=80
)
id_numbers = st.from_regex(r"\A[1-8][0-9]{16}[0-9X]\Z")
phones = st.from_regex(r"\A1[3-9][0-9]{9}\Z")


@pytest.fixture
def keys(monkeypatch):
    """The current key A; set PAIRAID_OLD_DATA_KEYS to read under B as well."""
    return reset(monkeypatch)


def reset(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("PAIRAID_DATA_KEY", KEY_A)
    monkeypatch.delenv("PAIRAID_OLD_DATA_KEYS", raising=False)
    return monkeypatch


# --- personal data ------------------------------------------------------------------------


@EXAMPLES
@given(value=texts)
def test_it_reads_back_any_personal_data_it_encrypted(keys, value):
    stored = personal_data.encrypt(value)

    assert stored.startswith(personal_data.PREFIX)
    assert stored.isascii() and stored != personal_data.PREFIX + value
    assert personal_data.decrypt(stored) == value


@FEW
@given(value=texts)
def test_it_encrypts_the_same_value_differently_each_time(keys, value):
    assert personal_data.encrypt(value) != personal_data.encrypt(value)


def test_it_stores_nothing_for_nothing(keys):
    assert personal_data.encrypt("") == ""
    assert personal_data.decrypt("") == ""


@FEW
@given(value=texts)
def test_it_reads_a_value_under_an_old_key_once_the_key_is_listed_as_old(keys, value):
    reset(keys)
    keys.setenv("PAIRAID_DATA_KEY", KEY_B)
    stored = personal_data.encrypt(value)
    keys.setenv("PAIRAID_DATA_KEY", KEY_A)

    assert personal_data.decrypt(stored) == "（无法解密：密钥不符）"
    keys.setenv("PAIRAID_OLD_DATA_KEYS", f" {KEY_B} ,")
    assert personal_data.decrypt(stored) == value


@FEW
@given(value=texts)
def test_it_rotates_a_value_to_the_first_key_and_clear_text_into_cipher(keys, value):
    old = personal_data.rotate(value, [KEY_B])  # clear text from before encryption
    assert old.startswith(personal_data.PREFIX)

    rotated = personal_data.rotate(old, [KEY_A, KEY_B])

    assert personal_data.decrypt(rotated) == value  # A alone opens it now
    with pytest.raises(InvalidToken):
        personal_data.rotate(rotated, [KEY_B])


def test_it_knows_a_valid_key_from_a_malformed_one():
    assert personal_data.is_valid_key(KEY_A)
    for bad in ("", "short", KEY_A[:-2], "x" * 44):
        assert not personal_data.is_valid_key(bad)


def test_it_derives_a_stable_key_from_the_secret_key():
    key = personal_data.derived_key("s3cret")

    assert key == personal_data.derived_key("s3cret") != personal_data.derived_key("other")
    assert personal_data.is_valid_key(key)


# --- encrypted files ----------------------------------------------------------------------


def encrypted(content: bytes) -> bytes:
    out = io.BytesIO()
    personal_data.encrypt_file(io.BytesIO(content), out)
    return out.getvalue()


def decrypted(stored: bytes) -> bytes:
    out = io.BytesIO()
    personal_data.decrypt_file(io.BytesIO(stored), out)
    return out.getvalue()


@EXAMPLES
@given(content=st.binary(max_size=200), chunk=st.integers(min_value=1, max_value=64))
def test_it_reads_back_any_file_across_chunk_boundaries(keys, content, chunk):
    keys.setattr(personal_data, "FILE_CHUNK", chunk)
    stored = encrypted(content)

    assert stored.startswith(personal_data.FILE_MAGIC)
    assert personal_data.is_encrypted_file(io.BytesIO(stored))
    assert decrypted(stored) == content


@FEW
@given(content=st.binary(min_size=1, max_size=100))
def test_it_copies_a_file_from_before_encryption_as_it_is(keys, content):
    if content.startswith(personal_data.FILE_MAGIC):
        return
    assert not personal_data.is_encrypted_file(io.BytesIO(content))
    assert decrypted(content) == content


@FEW
@given(
    content=st.binary(min_size=1, max_size=100),
    where=st.integers(min_value=0),
    cut=st.integers(min_value=1, max_value=20),
)
def test_it_refuses_a_tampered_or_truncated_file(keys, content, where, cut):
    stored = bytearray(encrypted(content))
    body = len(personal_data.FILE_MAGIC)
    position = body + where % (len(stored) - body)
    tampered = bytes(stored[:position]) + bytes([stored[position] ^ 0x01]) + stored[position + 1 :]
    with pytest.raises((InvalidToken, ValueError)):
        decrypted(tampered)
    with pytest.raises((InvalidToken, ValueError)):
        decrypted(bytes(stored[: max(body + 1, len(stored) - cut)]))


@FEW
@given(content=st.binary(max_size=150), chunk=st.integers(min_value=1, max_value=50))
def test_it_rotates_a_file_to_the_first_key(keys, content, chunk):
    reset(keys)
    keys.setattr(personal_data, "FILE_CHUNK", chunk)
    keys.setenv("PAIRAID_DATA_KEY", KEY_B)
    under_b = encrypted(content)
    keys.setenv("PAIRAID_DATA_KEY", KEY_A)
    out = io.BytesIO()

    personal_data.rotate_file(io.BytesIO(under_b), out, [KEY_A, KEY_B])

    assert decrypted(out.getvalue()) == content  # A alone, no old key listed
    clear_rotated = io.BytesIO()
    personal_data.rotate_file(io.BytesIO(content), clear_rotated, [KEY_A])
    if not content.startswith(personal_data.FILE_MAGIC):
        assert decrypted(clear_rotated.getvalue()) == content


# --- masks --------------------------------------------------------------------------------


@EXAMPLES
@given(number=id_numbers)
def test_it_shows_only_the_region_and_the_last_four_of_an_identity_number(number):
    shown = personal_data.mask_id_number(number)

    assert len(shown) == len(number)
    assert shown[:6] == number[:6] and shown[-4:] == number[-4:]
    assert shown[6:-4] == "*" * 8


@EXAMPLES
@given(number=phones)
def test_it_shows_only_the_carrier_and_the_last_four_of_a_phone(number):
    shown = personal_data.mask_phone(number)

    assert shown == number[:3] + "****" + number[-4:]


@EXAMPLES
@given(value=st.text(max_size=12))
def test_it_hides_a_short_value_whole(value):
    shown = personal_data.mask(value, 3, 4)

    assert len(shown) == len(value)
    if len(value) <= 7:
        assert shown == "*" * len(value)
    else:
        assert shown[:3] == value[:3] and shown[-4:] == value[-4:]


# --- text for XML and spreadsheets --------------------------------------------------------


any_text = st.text(max_size=60)


@EXAMPLES
@given(value=any_text)
def test_it_leaves_no_character_xml_cannot_carry(value):
    safe = text.xml_safe(value)

    assert not NOT_XML.search(safe)
    assert text.xml_safe(safe) == safe
    assert [c for c in value if not NOT_XML.match(c)] == list(safe)  # only those dropped


@EXAMPLES
@given(value=any_text)
def test_it_never_lets_text_start_like_a_formula(value):
    safe = text.formula_safe(value)

    assert not safe.startswith(text.FORMULA_START)
    assert safe.removeprefix("'") == text.xml_safe(value) or safe == text.xml_safe(value)


@FEW
@given(value=st.one_of(st.integers(), st.floats(allow_nan=False), st.none()))
def test_it_leaves_numbers_and_blanks_as_they_are(value):
    assert text.formula_safe(value) == value
    assert text.xml_safe(value) == value


@EXAMPLES
@given(value=any_text)
def test_it_refuses_a_line_exactly_when_it_names_a_refused_character(value):
    found = text.refused_character(value)
    if found is None:
        text.check_line(value)
        return
    with pytest.raises(ValidationError) as raised:
        text.check_line(value)
    assert f"U+{ord(found):04X}" in str(raised.value.messages)
    assert str(value.index(found) + 1) in str(raised.value.messages)


@EXAMPLES
@given(lines=st.lists(st.text(alphabet="甲乙丙 12ab", max_size=8), max_size=5))
def test_it_lets_multi_line_text_keep_its_breaks_and_tabs(lines):
    value = "\r\n".join("\t".join((line, line)) for line in lines)

    text.check_lines(value)
    assert text.refused_character(value, multi_line=True) is None
    if "\n" in value or "\t" in value:
        assert text.refused_character(value) in ("\r", "\n", "\t")


def test_it_refuses_a_character_that_reorders_text_in_either_kind():
    for value in ("金额\u202e00.001", "名称\u2066x"):
        with pytest.raises(ValidationError):
            text.check_line(value)
        with pytest.raises(ValidationError):
            text.check_lines(value)


@EXAMPLES
@given(value=any_text)
def test_it_drops_nul_from_a_query_and_nothing_else(value):
    assert text.strip_nul(value) == value.replace("\x00", "")


# --- uploads ------------------------------------------------------------------------------


@EXAMPLES
@given(name=st.text(max_size=300), limit=st.integers(min_value=20, max_value=200))
def test_it_makes_any_uploaded_name_harmless(name, limit):
    safe = uploads.safe_name(name, limit)

    assert safe
    assert not UNSAFE_IN_NAMES.search(safe)
    assert len(safe) <= limit
    assert safe == safe.strip(" .") or safe == "未命名文件"
    assert uploads.safe_name(safe, limit) == safe


@FEW
@given(stem=st.text(alphabet="报告资金台账", min_size=250, max_size=300))
def test_it_keeps_the_extension_of_a_long_name(stem):
    safe = uploads.safe_name(stem + ".xlsx", 200)

    assert safe.endswith(".xlsx") and len(safe) == 200


def test_it_keeps_only_the_last_part_of_a_path():
    assert uploads.safe_name("..\\..\\windows\\system32\\台账.xlsx") == "台账.xlsx"
    assert uploads.safe_name("/etc/passwd") == "passwd"
    assert uploads.safe_name("../../") == "未命名文件"


@FEW
@given(content=st.binary(max_size=64))
def test_it_refuses_any_content_of_no_accepted_type(content):
    if content.startswith((b"%PDF-", b"\xff\xd8\xff", b"\x89PNG", b"RIFF", b"PK\x03\x04")):
        return
    with pytest.raises(uploads.Refused):
        uploads.sniff(io.BytesIO(content))


def office_file(*names: str) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    buffer.seek(0)
    return buffer


def test_it_tells_word_from_excel_and_refuses_macros_and_plain_zips():
    assert uploads.sniff(office_file("[Content_Types].xml", "word/document.xml")) is uploads.DOCX
    assert uploads.sniff(office_file("[Content_Types].xml", "xl/workbook.xml")) is uploads.XLSX
    with pytest.raises(uploads.Refused, match="宏"):
        uploads.sniff(office_file("[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin"))
    for plain in (office_file("readme.txt"), office_file("[Content_Types].xml")):
        with pytest.raises(uploads.Refused):
            uploads.sniff(plain)


def test_it_tells_a_pdf_by_its_content_whatever_follows_and_leaves_the_file_at_its_start():
    upload = io.BytesIO(b"%PDF-1.7\n" + bytes(range(256)))
    upload.read(10)

    assert uploads.sniff(upload) is uploads.PDF
    assert upload.tell() == 0


def test_it_refuses_a_broken_image():
    with pytest.raises(uploads.Refused):
        uploads.sniff(io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40))
