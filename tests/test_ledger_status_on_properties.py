"""A posting's and an agreement's status as of a day, for any dates and stored status the
records allow: the model's rule (`status_on`, what a page shows) and the same rule in SQL
(`with_effective_status`, what a list filters and counts) agree, and the rule holds what the
people who use it were told (an agreement past its term is 已到期; a posting past its planned
end with no departure and no extension is 期满未离岗; nothing counts before it begins)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.ledger import services
from pairaid.ledger.models import Agreement, Posting

BASE = dt.date(2020, 1, 1)
offsets = st.integers(min_value=0, max_value=1500)
maybe_offset = st.none() | offsets


def day(offset: int | None) -> dt.date | None:
    return None if offset is None else BASE + dt.timedelta(days=offset)


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=offsets,
    planned=maybe_offset,
    actual=maybe_offset,
    status=st.sampled_from(Posting.Status.values),
    looked=st.lists(st.integers(min_value=-30, max_value=1600), min_size=1, max_size=4),
)
def test_it_gives_a_postings_status_alike_in_python_and_in_the_database(
    build, start, planned, actual, status, looked
):
    start_date = day(start)
    planned_end = None if planned is None else day(start + planned)
    actual_end = None if actual is None else day(start + actual)
    posting = build.posting(
        build.person(),
        build.pairing(),
        start_date,
        planned_end=planned_end,
        actual_end=actual_end,
        status=status,
    )

    for offset in looked:
        on = BASE + dt.timedelta(days=offset)
        in_sql = (
            Posting.objects.filter(pk=posting.pk)
            .with_effective_status(on)
            .values_list("effective_status", flat=True)
            .get()
        )
        in_python = posting.status_on(on)
        assert in_sql == in_python, (on, posting.__dict__)
        effective = Posting.EffectiveStatus
        if on < start_date:
            assert in_python == effective.NOT_STARTED
        elif actual_end is not None and actual_end <= on:
            assert in_python in (effective.COMPLETED, effective.RECALLED)
        elif (
            actual_end is None
            and status == Posting.Status.IN_POST
            and planned_end is not None
            and planned_end < on
        ):
            assert in_python == effective.OVERDUE
        assert (in_python in Posting.AT_POST) == (
            (
                start_date <= on
                and (actual_end is None or on < actual_end)
                and status not in (Posting.Status.COMPLETED, Posting.Status.RECALLED)
            )
            or (
                start_date <= on
                and actual_end is not None
                and on < actual_end
                and status in (Posting.Status.COMPLETED, Posting.Status.RECALLED)
            )
        )


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    signed=offsets,
    term=st.none() | st.tuples(offsets, offsets),
    status=st.sampled_from(Agreement.Status.values),
    looked=st.lists(st.integers(min_value=-30, max_value=3100), min_size=1, max_size=4),
)
def test_it_gives_an_agreements_status_alike_in_python_and_in_the_database(
    build, signed, term, status, looked
):
    term_start = term_end = None
    if term is not None:
        term_start = day(signed + term[0])
        term_end = term_start + dt.timedelta(days=term[1])
    agreement = services.create_record(
        Agreement,
        acting_user=None,
        via="test",
        pairing=build.pairing(),
        title="协议",
        kind=Agreement.Kind.ANNUAL,
        status=status,
        signed_date=day(signed),
        term_start=term_start,
        term_end=term_end,
    )

    for offset in looked:
        on = BASE + dt.timedelta(days=offset)
        in_sql = (
            Agreement.objects.filter(pk=agreement.pk)
            .with_effective_status(on)
            .values_list("effective_status", flat=True)
            .get()
        )
        in_python = agreement.status_on(on)
        assert in_sql == in_python, (on, status, term_end)
        expired = status in Agreement.RUNNING and term_end is not None and term_end < on
        assert (in_python == Agreement.EffectiveStatus.EXPIRED) == expired
        if not expired:
            assert in_python == status
