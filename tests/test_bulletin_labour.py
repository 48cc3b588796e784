"""A published text's labour-cooperation figures (帮助就业, 其中脱贫劳动力, 培训人次) checked
against the demo's records: the figure the text claims, computed from the records, agrees; a
wrong one disagrees; training claimed in persons cannot be checked (the ledger counts 人次)."""

from __future__ import annotations

import datetime as dt

from pairaid.bulletin.checks import AGREES, DISAGREES, UNKNOWN, check_text
from pairaid.ledger import figures
from pairaid.ledger.figure_specs import FIGURES
from pairaid.ledger.models import Pairing, Placement, TrainingSession, Workshop

AS_OF = dt.date(2022, 12, 31)


def jiangyang() -> Pairing:
    return Pairing.objects.get(helper_region__name="江阳区", is_demo=True)


def totals() -> tuple[int, int, int]:
    """The demo's placed persons, their 脱贫劳动力 and training 人次 for 江阳区, summed here
    from the records one by one."""
    pairing = jiangyang()
    placed = list(Placement.objects.filter(pairing=pairing, date__lte=AS_OF))
    trained = TrainingSession.objects.filter(pairing=pairing, start_date__lte=AS_OF)
    return (
        sum(p.persons for p in placed),
        sum(p.poor_persons for p in placed),
        sum(t.attendance for t in trained),
    )


def verdicts(text: str) -> dict[str, list]:
    report = check_text(text, as_of=AS_OF)
    found: dict[str, list] = {}
    for result in report.results:
        found.setdefault(result.claim.metric, []).append(result)
    return found


def test_it_agrees_with_the_persons_the_demo_placed_in_work(db):
    persons, poor, trained = totals()
    assert persons and poor and trained
    text = (
        f"2016年以来，江阳区帮助盐源县农村劳动力转移就业{persons}人，"
        f"其中脱贫劳动力{poor}人；开展各类培训{trained}人次。"
    )
    found = verdicts(text)
    jobs = found["jobs"]
    assert [r.verdict for r in jobs] == [AGREES, AGREES]
    assert [r.ledger.key for r in jobs] == ["persons_placed", "persons_placed_poor"]
    assert [r.ledger.value for r in jobs] == [persons, poor]
    [training] = found["trained"]
    assert training.verdict == AGREES and training.ledger.value == trained
    window = figures.window_for(jiangyang(), as_of=AS_OF)
    assert jobs[0].ledger.rule == FIGURES["persons_placed"].make(window, None).rule


def test_it_disagrees_with_a_wrong_number(db):
    persons, poor, trained = totals()
    text = (
        f"2016年以来，江阳区帮助盐源县农村劳动力转移就业{persons + 25}人，"
        f"其中脱贫劳动力{poor - 3}人；开展各类培训{trained + 100}人次。"
    )
    found = verdicts(text)
    assert [r.verdict for r in found["jobs"]] == [DISAGREES, DISAGREES]
    assert found["trained"][0].verdict == DISAGREES
    assert "相差" in found["jobs"][0].reason


def test_it_cannot_check_training_claimed_in_persons(db):
    found = verdicts("2016年以来，江阳区为盐源县培训干部人才500人。")
    [training] = found["trained"]
    assert training.verdict == UNKNOWN
    assert "人次" in training.reason


def test_it_checks_jobs_near_home_against_the_placements_in_the_province(db):
    placed = Placement.objects.filter(pairing=jiangyang(), date__lte=AS_OF)
    near = sum(p.persons for p in placed if p.destination == Placement.Destination.IN_PROVINCE)
    everyone = sum(p.persons for p in placed)
    assert 0 < near < everyone
    text = f"2016年以来，江阳区帮助盐源县农村劳动力实现就近就业{near}人。"
    [jobs] = verdicts(text)["jobs"]
    assert jobs.verdict == AGREES
    assert jobs.ledger.key == "persons_placed_in_province" and jobs.ledger.value == near
    [wrong] = verdicts(text.replace(f"{near}人", f"{near + 40}人"))["jobs"]
    assert wrong.verdict == DISAGREES


def test_it_checks_the_jobs_of_workshops_against_the_workshops(db):
    running = Workshop.objects.filter(
        pairing=jiangyang(), established__lte=AS_OF, status=Workshop.Status.OPERATING
    )
    jobs = sum(w.jobs for w in running)
    assert jobs
    text = f"截至2022年底，江阳区在盐源县援建帮扶车间{running.count()}个，吸纳就业{jobs}人。"
    found = verdicts(text)
    [workshops] = found["workshops"]
    assert (workshops.verdict, workshops.ledger.value) == (AGREES, running.count())
    [claimed] = found["jobs"]
    assert claimed.verdict == AGREES
    assert claimed.ledger.key == "workshop_jobs" and claimed.ledger.value == jobs
