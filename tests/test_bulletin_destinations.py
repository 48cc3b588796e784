"""A jobs claim that says where the workers went (转移到杭州务工, 赴浙务工, 来浙就业, 在杭州稳定
就业, 向西湖区输出劳动力…): the place is read from the sentence and resolved against the
pairing checked. The helper's region (or a region above or below it) → the persons placed
to the helper's region; the recipient's province → 就近 (placed in the province); a place of
neither side, unknown or ambiguous → checked as before and marked uncertain with the
reason."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from labour_records import placement

from pairaid.bulletin.checks import AGREES, DISAGREES, check_text
from pairaid.bulletin.extract import extract
from pairaid.bulletin.normalize import normalise
from pairaid.ledger.models import Pairing, Placement, Region

AS_OF = dt.date(2022, 12, 31)
D = Placement.Destination
# persons (of whom 脱贫劳动力) the built pairing placed, by destination
PLACED = {D.HELPER: (120, 70), D.IN_PROVINCE: (40, 20), D.ELSEWHERE: (25, 10)}


@pytest.fixture
def pairing(build) -> Pairing:
    """西湖区 (杭州市, 浙江省) helps 台江县 (黔东南州, 贵州省) in the east–west scheme, with
    placements to the helper's region, in the recipient's province and elsewhere; 广东省
    is in the ledger but on neither side."""
    zhejiang = build.region("浙江省", Region.Level.PROVINCE)
    hangzhou = build.region("杭州市", Region.Level.PREFECTURE, parent=zhejiang)
    xihu = build.region("西湖区", parent=hangzhou)
    guizhou = build.region("贵州省", Region.Level.PROVINCE)
    qdn = build.region("黔东南苗族侗族自治州", Region.Level.PREFECTURE, parent=guizhou)
    taijiang = build.region("台江县", parent=qdn)
    build.region("广东省", Region.Level.PROVINCE)
    made = build._create(
        Pairing,
        helper_region=xihu,
        recipient_region=taijiang,
        scheme=Pairing.Scheme.EAST_WEST,
        valid_from=dt.date(2021, 1, 1),
    )
    for destination, (persons, poor) in PLACED.items():
        placement(made, persons=persons, poor_persons=poor, destination=destination)
    return made


def jobs_results(text: str, user=None) -> list:
    report = check_text(text, as_of=AS_OF, user=user)
    return [result for result in report.results if result.claim.metric == "jobs"]


FORMS = (
    "2021年以来，西湖区帮助台江县农村劳动力转移到杭州务工{n}人。",
    "2021年以来，西湖区帮助台江县农村劳动力转移到浙江就业{n}人。",
    "2021年以来，西湖区组织台江县农村劳动力输送到杭州市{n}人。",
    "2021年以来，西湖区组织台江县农村劳动力赴浙务工{n}人。",
    "2021年以来，西湖区帮助台江县农村劳动力到西湖区就业{n}人。",
    "2021年以来，西湖区引导台江县农村劳动力{n}人来浙就业。",
    "2021年以来，西湖区帮助台江县劳务输出到浙江省杭州市{n}人。",
    "2021年以来，台江县向西湖区输出劳动力{n}人。",
    "2021年以来，西湖区帮助台江县农村劳动力在杭州稳定就业{n}人。",
)


@pytest.mark.parametrize("form", FORMS)
def test_it_checks_work_in_the_helpers_region_against_the_placements_there(pairing, form):
    to_helper = PLACED[D.HELPER][0]
    [claim] = jobs_results(form.format(n=to_helper))
    assert claim.verdict == AGREES, claim.reason
    assert claim.ledger.key == "persons_placed_helper"
    assert claim.ledger.value == to_helper
    assert not claim.claim.uncertain
    [wrong] = jobs_results(form.format(n=to_helper + 7))
    assert wrong.verdict == DISAGREES
    assert wrong.ledger.key == "persons_placed_helper"


def test_all_placed_would_have_disagreed_with_a_right_claim(pairing):
    """The reason for the reading: the helper's region holds only part of the placements."""
    everyone = sum(persons for persons, _poor in PLACED.values())
    [claim] = jobs_results(f"2021年以来，西湖区帮助台江县农村劳动力转移就业{everyone}人。")
    assert (claim.verdict, claim.ledger.key) == (AGREES, "persons_placed")
    [to_helper] = jobs_results(
        f"2021年以来，西湖区帮助台江县农村劳动力转移到杭州务工{everyone}人。"
    )
    assert to_helper.verdict == DISAGREES


def test_a_breakdown_of_work_in_the_helpers_region_counts_its_poor_workers(pairing):
    persons, poor = PLACED[D.HELPER]
    text = f"2021年以来，西湖区帮助台江县农村劳动力到杭州就业{persons}人，其中脱贫劳动力{poor}人。"
    claims = jobs_results(text)
    assert [c.verdict for c in claims] == [AGREES, AGREES]
    assert [c.ledger.key for c in claims] == ["persons_placed_helper", "persons_placed_helper_poor"]
    assert [c.ledger.value for c in claims] == [persons, poor]


def test_the_recipients_province_is_work_near_home(pairing):
    near = PLACED[D.IN_PROVINCE][0]
    [claim] = jobs_results(f"2021年以来，西湖区帮助台江县农村劳动力在贵州就业{near}人。")
    assert (claim.verdict, claim.ledger.key) == (AGREES, "persons_placed_in_province")
    assert claim.ledger.value == near


def test_a_place_of_neither_side_is_checked_as_before_and_uncertain(pairing):
    everyone = sum(persons for persons, _poor in PLACED.values())
    [claim] = jobs_results(f"2021年以来，西湖区帮助台江县农村劳动力转移到广东务工{everyone}人。")
    assert claim.ledger.key == "persons_placed"
    assert claim.verdict == AGREES  # as before: never guessed into a disagreement
    assert claim.claim.uncertain
    assert "“广东”既非帮扶方地区，也非受援方所在省份" in claim.claim.why_uncertain


def test_an_autonomous_prefecture_is_found_by_its_short_name(pairing):
    [claim] = jobs_results("2021年以来，西湖区帮助台江县农村劳动力到黔东南务工185人。")
    assert claim.ledger.key == "persons_placed"
    assert "“黔东南”既非帮扶方地区" in claim.claim.why_uncertain


def test_a_place_the_ledger_does_not_know_is_uncertain(pairing):
    [claim] = jobs_results("2021年以来，西湖区引导台江县农村劳动力730名来奉就业。")
    assert claim.ledger.key == "persons_placed"
    assert claim.claim.uncertain
    assert "台账中没有名为“奉”的地区" in claim.claim.why_uncertain


def test_places_of_both_sides_together_are_uncertain(pairing):
    text = "2021年以来，西湖区帮助台江县农村劳动力到杭州、广东等地务工185人。"
    [claim] = jobs_results(text)
    assert claim.ledger.key == "persons_placed"
    assert claim.claim.uncertain
    assert "“杭州、广东”可指帮扶方地区以外的地方" in claim.claim.why_uncertain


def test_a_place_within_the_helpers_region_is_uncertain_not_checked_against_it_all(pairing, build):
    """杭州市 helps 雷山县: its placements record "the helper's region", all of 杭州, so a
    claim about one of its districts cannot be told from them."""
    hangzhou = Region.objects.get(name="杭州市")
    leishan = build.region("雷山县", parent=Region.objects.get(name__startswith="黔东南"))
    city = build._create(
        Pairing,
        helper_region=hangzhou,
        recipient_region=leishan,
        scheme=Pairing.Scheme.EAST_WEST,
        valid_from=dt.date(2021, 1, 1),
    )
    placement(city, persons=90, poor_persons=30, destination=D.HELPER)
    [claim] = jobs_results("2021年以来，杭州市帮助雷山县农村劳动力到西湖区务工60人。")
    assert claim.ledger.key == "persons_placed"
    assert claim.claim.uncertain
    assert "“西湖区”是帮扶方地区的一部分" in claim.claim.why_uncertain
    [whole] = jobs_results("2021年以来，杭州市帮助雷山县农村劳动力到杭州务工90人。")
    assert (whole.verdict, whole.ledger.key) == (AGREES, "persons_placed_helper")


def test_it_reads_the_place_after_converting_traditional_script(pairing):
    to_helper = PLACED[D.HELPER][0]
    text = f"2021年以來，西湖區幫助台江縣農村勞動力轉(zhuǎn)移到杭州務工{to_helper}人。"
    [claim] = jobs_results(text)
    assert claim.claim.destination == "杭州"
    assert (claim.verdict, claim.ledger.key) == (AGREES, "persons_placed_helper")


def test_the_demo_pairing_checks_work_in_luzhou_against_its_placements_there(db):
    """江阳区 → 盐源县 (in Sichuan): 泸州 is above 江阳区; 四川 is the recipient's province
    and holds the helper too, so it cannot tell the helper's region from the rest."""
    jiangyang = Pairing.objects.get(helper_region__name="江阳区", is_demo=True)
    placed = Placement.objects.filter(pairing=jiangyang, date__lte=AS_OF)
    to_luzhou = sum(p.persons for p in placed if p.destination == D.HELPER)
    poor = sum(p.poor_persons for p in placed if p.destination == D.HELPER)
    assert 0 < to_luzhou < sum(p.persons for p in placed)
    text = f"2016年以来，江阳区帮助盐源县脱贫劳动力到泸州务工就业{poor}人。"
    [claim] = jobs_results(text)
    assert (claim.verdict, claim.ledger.key) == (AGREES, "persons_placed_helper_poor")
    [claim] = jobs_results(f"2016年以来，江阳区帮助盐源县农村劳动力到泸州就业{to_luzhou}人。")
    assert (claim.verdict, claim.ledger.value) == (AGREES, to_luzhou)
    [claim] = jobs_results(f"2016年以来，江阳区帮助盐源县农村劳动力在四川就业{to_luzhou}人。")
    assert claim.ledger.key == "persons_placed"
    assert claim.claim.uncertain and "“四川”可指" in claim.claim.why_uncertain


def test_the_command_reports_the_place_and_the_side(pairing, tmp_path, capsys):
    to_helper = PLACED[D.HELPER][0]
    path = tmp_path / "text.txt"
    path.write_text(
        f"2022年12月31日\n2021年以来，西湖区帮助台江县农村劳动力赴浙务工{to_helper}人。",
        encoding="utf-8",
    )
    call_command("check_bulletin", str(path), "--json", "--as-of", AS_OF.isoformat())
    [claim] = [c for c in json.loads(capsys.readouterr().out)["claims"] if c["metric"] == "jobs"]
    assert claim["verdict"] == AGREES
    assert {"去向:浙", "到帮扶方地区"} <= set(claim["tags"])


@pytest.mark.parametrize(
    ("text", "destination"),
    [
        ("江阳区帮助盐源县劳动力在家门口就业600人。", ""),
        ("江阳区帮助盐源县劳动力到帮扶车间就业30人。", ""),
        ("江阳区帮助盐源县劳动力在当地稳定就业50人。", ""),
        ("江阳区帮助盐源县劳动力到省外务工80人。", ""),
        ("到2022年底，江阳区帮助盐源县劳动力就业90人。", ""),
        ("近年来江阳区帮助盐源县劳动力转移就业90人。", ""),
        ("江阳区帮助盐源县劳动力来沪就业90人。", "沪"),
        ("江阳区帮助盐源县劳动力在泸州市就业服务中心登记90人。", ""),
        ("盐源县向泸州市输送劳动力90人、向浙江输送劳动力30人。", "泸州市"),
    ],
)
def test_it_reads_only_places_as_destinations(text, destination):
    [claim] = extract(normalise(text).text, ["江阳区", "盐源县", "泸州市"])[:1]
    assert claim.metric == "jobs"
    assert claim.destination == destination


def test_other_metrics_keep_no_destination():
    text = "江阳区选派干部人才32人到泸州挂职，组织企业12家到泸州投资。"
    claims = extract(normalise(text).text, ["江阳区", "泸州市"])
    assert [c.metric for c in claims] == ["persons", "enterprises"]
    assert all(c.destination == "" for c in claims)
