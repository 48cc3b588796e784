"""The work figures (ledger/breakdowns.py): agreements signed, obligations due and overdue,
the 清单 of a window (tasks from annual plans, due dates, events and agreements), its
completion rate and its overdue tasks. Each is counted here from the records the test drew."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.ledger import breakdowns, figures, services
from pairaid.ledger.models import Agreement, Event, Obligation, Task, WorkStatus

PROPERTY = settings(
    deadline=None,
    max_examples=10,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TODAY = timezone.localdate()
OPEN = (WorkStatus.OPEN, WorkStatus.IN_PROGRESS)
_serial = itertools.count(1)


def fresh(build):
    n = next(_serial)
    return build.pairing(f"清单甲区{n}", f"清单乙县{n}", valid_from=dt.date(2019, 1, 1))


def window(pairing, **options):
    options.setdefault("as_of", TODAY)
    return figures.window_for(pairing, **options)


def create(model, **fields):
    return services.create_record(model, acting_user=None, via="test", **fields)


def agreement(pairing, signed=None, status=Agreement.Status.SIGNED, **fields):
    return create(
        Agreement,
        pairing=pairing,
        title=f"协议{next(_serial)}",
        kind=Agreement.Kind.FRAMEWORK,
        signed_date=signed,
        status=status,
        **fields,
    )


def event(pairing, start):
    return create(
        Event,
        pairing=pairing,
        kind=Event.Kind.VISIT,
        title=f"调研{next(_serial)}",
        start_date=start,
    )


def in_window(day, w):
    return day is not None and w.start <= day <= w.end


# --- drawn records -------------------------------------------------------------------------

dates = st.one_of(st.none(), st.dates(dt.date(2019, 1, 1), dt.date(2025, 12, 31)))
tasks_drawn = st.lists(
    st.tuples(
        dates,  # due date
        st.sampled_from(list(WorkStatus.values)),
        st.one_of(st.none(), st.integers(2019, 2025)),  # plan year
        st.integers(-1, 1),  # from none, the event or the agreement
    ),
    min_size=1,
    max_size=8,
)
windows_drawn = st.tuples(
    st.integers(2019, 2025), st.integers(0, 2), st.dates(dt.date(2019, 6, 1), TODAY)
)


@PROPERTY
@given(
    drawn=tasks_drawn,
    event_day=st.dates(dt.date(2019, 1, 1), dt.date(2025, 12, 31)),
    signed=st.dates(dt.date(2019, 1, 1), dt.date(2025, 12, 31)),
    asked=windows_drawn,
)
def test_it_counts_the_list_of_a_window_and_its_completion_as_the_tasks_drawn(
    build, drawn, event_day, signed, asked
):
    pairing = fresh(build)
    sources = [event(pairing, event_day), agreement(pairing, signed)]
    made = []
    for due, status, plan_year, source in drawn:
        fields = {"due_date": due, "status": status, "plan_year": plan_year}
        if source == 0:
            fields["event"] = sources[0]
        elif source == 1:
            fields["agreement"] = sources[1]
        made.append(create(Task, pairing=pairing, title=f"事项{next(_serial)}", **fields))
    from_year, span, as_of = asked
    w = window(pairing, from_year=from_year, to_year=from_year + span, as_of=as_of)

    listed = [
        t
        for t in made
        if (t.plan_year is not None and w.from_year <= t.plan_year <= w.to_year)
        or in_window(t.due_date, w)
        or (t.event_id and in_window(event_day, w))
        or (t.agreement_id and in_window(signed, w))
    ]
    assert set(breakdowns.tasks_of(w)) == set(listed)

    rate = breakdowns.task_completion(w)
    counted = [t for t in listed if t.status != WorkStatus.CANCELLED]
    done = [t for t in counted if t.status == WorkStatus.DONE]
    assert (rate.numerator.value, rate.denominator.value) == (len(done), len(counted))
    if counted:
        percent = (Decimal(len(done)) * 100 / len(counted)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        assert rate.percent == percent
    else:
        assert rate.percent is None

    overdue = [t for t in listed if t.due_date and t.due_date < as_of and t.status in OPEN]
    assert list(breakdowns.tasks_overdue(w)) == sorted(overdue, key=lambda t: (t.due_date, t.pk))


obligations_drawn = st.lists(
    st.tuples(dates, st.sampled_from(list(WorkStatus.values)), st.integers(0, 2)),
    min_size=1,
    max_size=8,
)


@PROPERTY
@given(drawn=obligations_drawn, asked=windows_drawn)
def test_it_counts_obligations_due_and_overdue_as_the_obligations_drawn(build, drawn, asked):
    pairing = fresh(build)
    agreements = [
        agreement(pairing, dt.date(2019, 3, 1)),
        agreement(pairing, None, Agreement.Status.DRAFT),
        agreement(pairing, dt.date(2022, 3, 1), Agreement.Status.TERMINATED),
    ]
    made = [
        create(
            Obligation,
            agreement=agreements[which],
            deliverable=f"履约{next(_serial)}",
            due_date=due,
            status=status,
        )
        for due, status, which in drawn
    ]
    from_year, span, as_of = asked
    w = window(pairing, from_year=from_year, to_year=from_year + span, as_of=as_of)

    due = [o for o in made if in_window(o.due_date, w)]
    assert breakdowns.obligations_due(w).value == len(due)
    for status in WorkStatus.values:
        part = breakdowns.obligations_due(w, status)
        assert part.value == sum(1 for o in due if o.status == status)
        assert set(part.records) == {o for o in due if o.status == status}
    overdue = {o for o in made if o.due_date and o.due_date < as_of and o.status in OPEN}
    assert breakdowns.obligations_overdue(w).value == len(overdue)
    assert set(breakdowns.obligations_overdue(w).records) == overdue


# --- one scene per test --------------------------------------------------------------------


def test_it_counts_agreements_signed_in_the_window_but_never_drafts(build):
    pairing = fresh(build)
    signed = agreement(pairing, dt.date(2022, 12, 1))
    agreement(pairing, dt.date(2022, 12, 2), Agreement.Status.DRAFT)
    agreement(pairing, None, Agreement.Status.DRAFT)
    ended = agreement(pairing, dt.date(2022, 1, 1), Agreement.Status.TERMINATED)
    agreement(pairing, dt.date(2021, 12, 31))
    agreement(pairing, dt.date(2023, 1, 1), Agreement.Status.COMPLETED)
    w = window(pairing, from_year=2022, to_year=2022, as_of=dt.date(2022, 12, 31))

    figure = breakdowns.agreements_signed(w)

    assert set(figure.records) == {signed, ended}
    assert figure.value == 2
    assert figure.unit == "份"
    assert "不含草拟" in figure.rule


def test_it_stops_the_agreements_at_the_as_of_date(build):
    pairing = fresh(build)
    agreement(pairing, dt.date(2022, 12, 1))
    agreement(pairing, dt.date(2022, 12, 2))

    assert breakdowns.agreements_signed(window(pairing, as_of=dt.date(2022, 12, 1))).value == 1
    assert breakdowns.agreements_signed(window(pairing, as_of=dt.date(2022, 12, 2))).value == 2


def test_it_counts_an_obligation_due_on_the_as_of_date_as_not_yet_overdue(build):
    pairing = fresh(build)
    signed = agreement(pairing, dt.date(2021, 1, 1))
    create(Obligation, agreement=signed, deliverable="交付", due_date=dt.date(2022, 6, 30))

    on_the_day = window(pairing, as_of=dt.date(2022, 6, 30))
    next_day = window(pairing, as_of=dt.date(2022, 7, 1))

    assert breakdowns.obligations_overdue(on_the_day).value == 0
    assert breakdowns.obligations_overdue(next_day).value == 1
    assert breakdowns.obligations_due(on_the_day).value == 1


def test_it_names_each_obligation_status_in_its_label_and_rule(build):
    pairing = fresh(build)
    w = window(pairing)

    for status in WorkStatus.values:
        part = breakdowns.obligations_due(w, status)
        label = str(WorkStatus(status).label)
        assert label in part.label and label in part.rule
        assert part.key == f"obligations_due_{status}"
        assert part.unit == "项"
        assert part.value == 0


def test_it_gives_no_completion_rate_for_a_list_of_cancelled_tasks_only(build):
    pairing = fresh(build)
    create(Task, pairing=pairing, title="撤销事项", plan_year=2022, status=WorkStatus.CANCELLED)
    w = window(pairing, from_year=2022, to_year=2022)

    rate = breakdowns.task_completion(w)

    assert rate.denominator.value == 0
    assert rate.percent is None
    assert rate.label == "清单完成率"
    assert "不含已撤销" in rate.denominator.rule


def test_it_puts_a_task_from_an_event_in_the_year_of_the_event(build):
    pairing = fresh(build)
    visit = event(pairing, dt.date(2022, 12, 1))
    task = create(
        Task, pairing=pairing, title="活动事项", event=visit, due_date=dt.date(2024, 6, 1)
    )

    assert list(breakdowns.tasks_of(window(pairing, from_year=2022, to_year=2022))) == [task]
    assert list(breakdowns.tasks_of(window(pairing, from_year=2023, to_year=2023))) == []
    assert list(breakdowns.tasks_of(window(pairing, from_year=2024, to_year=2024))) == [task]


def test_it_lists_each_task_once_when_several_reasons_put_it_in_the_window(build):
    pairing = fresh(build)
    visit = event(pairing, dt.date(2022, 3, 1))
    signed = agreement(pairing, dt.date(2022, 4, 1))
    create(
        Task,
        pairing=pairing,
        title="多重来源",
        plan_year=2022,
        due_date=dt.date(2022, 9, 1),
        event=visit,
        status=WorkStatus.DONE,
    )
    create(Task, pairing=pairing, title="协议事项", agreement=signed, due_date=dt.date(2022, 5, 1))
    w = window(pairing, from_year=2022, to_year=2022)

    assert breakdowns.tasks_of(w).count() == 2
    rate = breakdowns.task_completion(w)
    assert (rate.numerator.value, rate.denominator.value, rate.percent) == (
        1,
        2,
        Decimal("50.00"),
    )


def test_it_leaves_another_pairings_tasks_and_obligations_out(build):
    mine, theirs = fresh(build), fresh(build)
    create(Task, pairing=theirs, title="别家事项", plan_year=2022, due_date=dt.date(2022, 1, 1))
    create(
        Obligation,
        agreement=agreement(theirs, dt.date(2021, 1, 1)),
        deliverable="别家履约",
        due_date=dt.date(2022, 1, 1),
    )
    w = window(mine, from_year=2022, to_year=2022)

    assert breakdowns.tasks_of(w).count() == 0
    assert breakdowns.obligations_due(w).value == 0
    assert breakdowns.obligations_overdue(w).value == 0
    assert list(breakdowns.tasks_overdue(w)) == []
