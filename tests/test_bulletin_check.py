"""`pairaid check-bulletin`: a published text's figures against the demo ledger."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pairaid.bulletin.checks import check_text
from pairaid.bulletin.models import SourceDocument
from pairaid.ledger.demo import FOUNDING_ARTICLE
from pairaid.ops.demo import FOUNDING_ARTICLE_SOURCE

SEED = FOUNDING_ARTICLE  # the founding article, kept in the repository
PAIRAID = Path(sys.executable).parent / "pairaid"


@pytest.fixture(scope="module")
def seed_path() -> Path:
    return SEED


def checked_here():
    """The texts the test kept: the demo keeps the founding article from the start."""
    return SourceDocument.objects.exclude(created_by=None, source=FOUNDING_ARTICLE_SOURCE)


def check(*args: str) -> str:
    out = StringIO()
    call_command("check_bulletin", *args, stdout=out)
    return out.getvalue()


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / "text.txt"
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_it_finds_every_figure_of_the_article_and_each_agrees(db, seed_path: Path):
    payload = json.loads(check(str(seed_path), "--json"))
    found = {(c["subject"], c["metric"], c["value"], c["qualifier"]) for c in payload["claims"]}
    assert found >= {
        ("江阳区", "funds", 146547300, "exact"),
        ("江阳区", "projects", 154, "exact"),
        ("江阳区", "persons", 320, "exact"),
        ("龙马潭区", "funds", 95000000, "more_than"),
        ("龙马潭区", "projects", 123, "exact"),
        ("龙马潭区", "persons", 268, "exact"),
        ("我市", "teachers", 19, "exact"),
    }
    assert [c["verdict"] for c in payload["claims"]] == ["agrees"] * len(payload["claims"])
    assert payload["as_of"] == "2022-12-04" and payload["as_of_from"] == "text"


def test_it_gives_the_ledger_value_rule_and_records(db, seed_path: Path):
    payload = json.loads(check(str(seed_path), "--json"))
    longmatan = next(c for c in payload["claims"] if c["quote"] == "9500余万元")
    assert Decimal(str(longmatan["ledger_value"])) // 1_000_000 == 95
    assert longmatan["range"] == [95000000, 96000000]
    assert longmatan["unit"] == "万元" and longmatan["period"] == "2016年以来"
    assert longmatan["subject_ref"]["name"] == "龙马潭区→普格县"
    assert "拨付" in longmatan["rule"] and longmatan["records"] > 0
    start, end = longmatan["span"]
    assert SEED.read_text(encoding="utf-8") and end - start == len("9500余万元")
    teachers = next(c for c in payload["claims"] if c["metric"] == "teachers")
    assert teachers["subject_ref"]["include_children"] is True
    assert "组团式" in teachers["rule"]


def test_it_lists_the_repairs_of_the_copy(db, seed_path: Path):
    payload = json.loads(check(str(seed_path), "--json"))
    kinds = [repair["kind"] for repair in payload["repairs"]]
    assert kinds == ["recovered", "partly_recovered"]


def test_it_prints_a_readable_report(db, seed_path: Path):
    out = check(str(seed_path))
    assert "核对截至 2022-12-04" in out
    assert "✓ 相符  江阳区 2016年以来 funds 「14654.73万元」" in out
    assert "共9处数字：相符9，不符0，无法核对0" in out
    assert "乱码" in out


def test_it_says_where_a_figure_disagrees(db, tmp_path: Path):
    text = (
        "发布时间：2022-12-04\n"
        "2016年以来，龙马潭区累计投入各类帮扶资金9600余万元，实施帮扶项目125个。"
    )
    payload = json.loads(check(write(tmp_path, text), "--json"))
    funds, projects = payload["claims"]
    assert funds["verdict"] == "disagrees"
    assert funds["range"] == [96000000, 97000000]
    assert Decimal(funds["difference"]) == Decimal(96000000) - Decimal(str(funds["ledger_value"]))
    assert projects["verdict"] == "disagrees" and projects["difference"] == 2
    assert "相差" in projects["reason"]


def test_it_checks_as_of_another_date(db, seed_path: Path):
    payload = json.loads(check(str(seed_path), "--json", "--as-of", "2018-12-31"))
    assert payload["as_of_from"] == "given"
    jiangyang = next(c for c in payload["claims"] if c["quote"] == "154个")
    assert jiangyang["verdict"] == "disagrees" and jiangyang["ledger_value"] < 154


def test_it_answers_unknown_with_a_reason(db, tmp_path: Path):
    text = "2022年，宁波市向凉山州拨付财政援助资金21.3亿元。"
    claims = json.loads(check(write(tmp_path, text), "--json", "--as-of", "2022-12-31"))["claims"]
    assert [c["verdict"] for c in claims] == ["unknown"]
    assert "宁波市" in claims[0]["reason"]


def test_it_sums_the_pairings_of_a_joint_subject(db, tmp_path: Path):
    text = "截至2022年底，江阳区、龙马潭区累计投入各类帮扶资金2.42亿元，实施帮扶项目277个。"
    claims = json.loads(check(write(tmp_path, text), "--json"))["claims"]
    assert [c["verdict"] for c in claims] == ["agrees", "agrees"]
    assert len(claims[1]["subject_ref"]["pairings"]) == 2


def test_it_reads_a_gbk_file(db, tmp_path: Path):
    text = "发布时间：2022-12-04\n江阳区累计投入各类帮扶资金14654.73万元。"
    payload = json.loads(check(write(tmp_path, text, "gb18030"), "--json"))
    assert payload["claims"][0]["verdict"] == "agrees"


def test_it_saves_the_document_when_asked(db, seed_path: Path):
    out = check(str(seed_path), "--save", "--source", "http://example.org/a.html")
    document = checked_here().get()
    assert f"已保存为公开文本 #{document.pk}" in out
    assert document.source == "http://example.org/a.html"
    assert document.published == dt.date(2022, 12, 4)
    assert document.raw_text == SEED.read_text(encoding="utf-8")
    assert "(fā)" not in document.clean_text
    assert len(document.sha256) == 64 and len(document.repair_flags) == 2
    assert document.claims.count() == 9
    assert set(document.claims.values_list("verdict", flat=True)) == {"agrees"}


def test_it_does_not_save_by_default(db, seed_path: Path):
    check(str(seed_path))
    assert not checked_here().exists()


def test_it_refuses_a_missing_file_or_a_bad_date(db, tmp_path: Path):
    with pytest.raises(CommandError, match="无法读取文件"):
        check(str(tmp_path / "missing.txt"))
    with pytest.raises(CommandError, match="日期格式"):
        check(write(tmp_path, "江阳区投入资金1万元。"), "--as-of", "2022/12/04")


def test_a_user_learns_nothing_of_pairings_outside_their_scope(personas, seed_path: Path):
    report = check_text(
        seed_path.read_text(encoding="utf-8"),
        user=personas.jiangyang,
    )
    verdicts = {(r.claim.subject, r.claim.metric): r.verdict for r in report.results}
    assert verdicts[("江阳区", "funds")] == "agrees"
    assert verdicts[("龙马潭区", "funds")] == "unknown"
    longmatan = next(r for r in report.results if r.claim.subject == "龙马潭区")
    assert longmatan.ledger is None and "没有" in longmatan.reason


@pytest.mark.cli
def test_it_runs_as_a_console_command(tmp_path: Path, seed_path: Path, demo_database):
    database = demo_database(tmp_path / "demo.sqlite3")  # filled by `pairaid demo`
    env = {**os.environ, "PAIRAID_DATABASE_URL": f"sqlite:///{database}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PAIRAID), *args], capture_output=True, text=True, env=env, timeout=3600
        )

    result = run("check_bulletin", str(seed_path), "--json")
    assert result.returncode == 0, result.stderr
    claims = json.loads(result.stdout)["claims"]
    assert len(claims) == 9 and {c["verdict"] for c in claims} == {"agrees"}
    missing = run("check_bulletin", str(tmp_path / "none.txt"))
    assert missing.returncode == 1 and "Traceback" not in missing.stderr


def test_it_knows_a_prefecture_by_its_short_name(db, tmp_path: Path):
    text = "发布时间：2022-12-04\n凉山州累计接收泸州市各类帮扶资金24192.01万元，实施帮扶项目277个。"
    claims = json.loads(check(write(tmp_path, text), "--json"))["claims"]
    assert [c["subject"] for c in claims] == ["凉山州", "凉山州"]
    assert [c["verdict"] for c in claims] == ["agrees", "agrees"]
    assert claims[0]["subject_ref"]["name"] == "泸州市→凉山彝族自治州"


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("凉山彝族自治州", ["凉山州"]),
        ("黔西南布依族苗族自治州", ["黔西南州"]),
        ("北川羌族自治县", ["北川县"]),
        ("宁夏回族自治区", ["宁夏"]),
        ("盐源县", []),
    ],
)
def test_it_knows_the_short_forms_of_autonomous_areas(name: str, short: list[str]):
    from pairaid.bulletin.checks import aliases

    assert aliases(name) == short


def test_a_figure_in_a_garbled_sentence_is_uncertain(db, tmp_path: Path):
    text = "發(fā)布時間:2022-12-04\n江陽區(qū)累計投入各類幫扶資金14654.73萬元\ufffd。"
    (claim,) = json.loads(check(write(tmp_path, text), "--json"))["claims"]
    assert claim["uncertain"] and "乱码" in claim["why_uncertain"]
    assert claim["verdict"] == "agrees"
