"""The people figures and their breakdowns (ledger/figures.py, ledger/breakdowns.py): persons
and postings dispatched by category, professionals by profession and in teams, persons in
post on a day, postings past their planned end (期满未离岗), and the schools of 组团式 teams.
Every value is counted here, in Python, from the postings the test drew."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.ledger import breakdowns, figures, services
from pairaid.ledger.models import Confirmation, Organisation, Person, Posting, Team

PROPERTY = settings(
    deadline=None,
    max_examples=10,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TODAY = timezone.localdate()
KINDS = [
    (Person.Category.CADRE, ""),
    (Person.Category.PROFESSIONAL, Person.Profession.TEACHER),
    (Person.Category.PROFESSIONAL, Person.Profession.DOCTOR),
    (Person.Category.PROFESSIONAL, ""),
]
IN_POST = (Posting.EffectiveStatus.IN_POST, Posting.EffectiveStatus.EXTENDED)
_serial = itertools.count(1)


def fresh(build):
    n = next(_serial)
    return build.pairing(f"人才甲区{n}", f"人才乙县{n}", valid_from=dt.date(2019, 1, 1))


def window(pairing, **options):
    options.setdefault("as_of", TODAY)
    return figures.window_for(pairing, **options)


def person(build, kind):
    category, profession = KINDS[kind]
    return build.person(f"人员{next(_serial)}", category=category, profession=profession)


postings_drawn = st.lists(
    st.tuples(
        st.integers(0, 4),  # which person (five, of drawn kinds)
        st.dates(dt.date(2019, 1, 1), dt.date(2024, 12, 31)),  # start
        st.one_of(st.none(), st.integers(0, 1200)),  # planned end: days after the start
        st.one_of(st.none(), st.integers(0, 1200)),  # actual end: days after the start
        st.sampled_from(list(Posting.Status.values)),
        st.sampled_from(["none", "confirm", "dispute"]),
    ),
    min_size=1,
    max_size=8,
)
windows_drawn = st.tuples(
    st.integers(2019, 2024),
    st.dates(dt.date(2019, 1, 1), dt.date(2025, 12, 31)),
    st.booleans(),  # confirmed only
    st.booleans(),  # with the pairings below (a leaf: its whole tree)
)


def make_postings(build, pairing, kinds, drawn):
    people = [person(build, kind) for kind in kinds]
    made = []
    for who, start, planned, actual, status, answer in drawn:
        fields = {"status": status}
        if planned is not None:
            fields["planned_end"] = start + dt.timedelta(days=planned)
        if actual is not None and start + dt.timedelta(days=actual) <= TODAY:
            fields["actual_end"] = start + dt.timedelta(days=actual)
        posting = build.posting(people[who], pairing, start, **fields)
        if answer != "none":
            services.confirm_record(
                posting, acting_user=None, via="test", accept=answer == "confirm", note="核对"
            )
            posting.refresh_from_db()
        made.append(posting)
    return made


@PROPERTY
@given(
    kinds=st.lists(st.integers(0, len(KINDS) - 1), min_size=5, max_size=5),
    drawn=postings_drawn,
    asked=windows_drawn,
)
def test_it_counts_persons_postings_and_professions_as_the_postings_drawn(
    build, kinds, drawn, asked
):
    pairing = fresh(build)
    made = make_postings(build, pairing, kinds, drawn)
    from_year, as_of, confirmed_only, children = asked
    w = window(
        pairing,
        from_year=from_year,
        as_of=as_of,
        confirmed_only=confirmed_only,
        include_children=children,
    )
    end = min(as_of, dt.date(as_of.year, 12, 31))
    counted = [
        p
        for p in made
        if dt.date(from_year, 1, 1) <= p.start_date <= end
        and (not confirmed_only or p.confirmation == Confirmation.CONFIRMED)
    ]

    for category in (None, Person.Category.CADRE, Person.Category.PROFESSIONAL):
        mine = [p for p in counted if category is None or p.person.category == category]
        persons = figures.persons_dispatched(w, figures.PERSONS, category)
        postings = figures.persons_dispatched(w, figures.POSTINGS, category)
        assert persons.value == len({p.person_id for p in mine})
        assert postings.value == len(mine)
        assert postings.records.count() == len(mine)

    professionals = [p for p in counted if p.person.category == Person.Category.PROFESSIONAL]
    by_profession = breakdowns.persons_by_profession(w)
    assert set(by_profession) == {v for v in Person.Profession.values if v}
    for profession, figure in by_profession.items():
        assert figure.value == len(
            {p.person_id for p in professionals if p.person.profession == profession}
        )


@PROPERTY
@given(
    kinds=st.lists(st.integers(0, len(KINDS) - 1), min_size=5, max_size=5),
    drawn=postings_drawn,
    day=st.dates(dt.date(2019, 1, 1), TODAY),
)
def test_it_counts_persons_in_post_and_postings_overdue_as_each_posting_says(
    build, kinds, drawn, day
):
    pairing = fresh(build)
    made = make_postings(build, pairing, kinds, drawn)
    w = window(pairing, from_year=2024, as_of=day)  # the years do not matter: a stock

    in_post = breakdowns.persons_in_post(w)
    overdue = breakdowns.postings_overdue_count(w)

    assert in_post.value == len({p.person_id for p in made if p.status_on(w.end) in IN_POST})
    expected_overdue = [p for p in made if p.status_on(day) == Posting.EffectiveStatus.OVERDUE]
    assert overdue.value == len(expected_overdue)
    assert set(breakdowns.postings_overdue(w)) == set(expected_overdue)
    assert in_post.unit == "人" and overdue.unit == "人次"


# --- one scene per test --------------------------------------------------------------------


def test_it_counts_a_teacher_once_whether_in_a_team_or_not(build):
    pairing = fresh(build)
    team = services.create_record(
        Team, acting_user=None, via="test", pairing=pairing, name="教师团队"
    )
    teacher = person(build, 1)
    build.posting(teacher, pairing, dt.date(2021, 9, 1), team=team)
    build.posting(teacher, pairing, dt.date(2022, 9, 1))
    alone = person(build, 1)
    build.posting(alone, pairing, dt.date(2022, 9, 1))
    w = window(pairing)

    everyone = breakdowns.professionals_dispatched(w, Person.Profession.TEACHER)
    in_teams = breakdowns.professionals_dispatched(w, Person.Profession.TEACHER, team_only=True)

    assert everyone.value == 2
    assert in_teams.value == 1
    assert in_teams.key == "persons_dispatched_teacher_team"
    assert "组团式" in in_teams.rule and "组团式" not in everyone.rule
    assert everyone.label == "选派教师"


def test_it_never_counts_a_cadre_among_the_professions(build):
    pairing = fresh(build)
    build.posting(person(build, 0), pairing, dt.date(2021, 3, 1))
    w = window(pairing)

    assert figures.persons_dispatched(w, figures.PERSONS, Person.Category.CADRE).value == 1
    assert all(f.value == 0 for f in breakdowns.persons_by_profession(w).values())


def test_it_tells_persons_from_postings_by_label_key_and_unit(build):
    pairing = fresh(build)
    w = window(pairing)

    persons = figures.persons_dispatched(w, figures.PERSONS)
    postings = figures.persons_dispatched(w, figures.POSTINGS, Person.Category.PROFESSIONAL)

    assert (persons.key, persons.unit, persons.label) == (
        "persons_dispatched_persons",
        "人",
        "选派干部人才",
    )
    assert (postings.key, postings.unit, postings.label) == (
        "persons_dispatched_postings_professional",
        "人次",
        "选派专业技术人才人次",
    )
    assert "一人多次选派计一人" in persons.rule
    assert "一人多次选派计多次" in postings.rule


def test_it_refuses_an_unknown_person_rule(build):
    pairing = fresh(build)
    try:
        figures.persons_dispatched(window(pairing), "heads")
    except ValueError as error:
        assert "heads" in str(error)
    else:
        raise AssertionError("an unknown rule was counted")


def test_it_counts_an_extended_posting_in_post_past_its_planned_end(build):
    pairing = fresh(build)
    start = dt.date(2021, 1, 1)
    extended = build.posting(
        person(build, 0), pairing, start, planned_end=dt.date(2022, 1, 1), status="extended"
    )
    lingering = build.posting(person(build, 0), pairing, start, planned_end=dt.date(2022, 1, 1))
    w = window(pairing, as_of=dt.date(2022, 6, 1))

    assert breakdowns.persons_in_post(w).value == 1
    assert breakdowns.persons_in_post(w).records.get() == extended
    assert list(breakdowns.postings_overdue(w)) == [lingering]
    assert "2022-06-01" in breakdowns.postings_overdue_count(w).rule


def test_it_counts_a_posting_in_post_on_its_last_planned_day_and_overdue_the_day_after(build):
    pairing = fresh(build)
    build.posting(person(build, 0), pairing, dt.date(2021, 1, 1), planned_end=dt.date(2022, 1, 1))

    on_the_day = window(pairing, as_of=dt.date(2022, 1, 1))
    next_day = window(pairing, as_of=dt.date(2022, 1, 2))

    assert breakdowns.persons_in_post(on_the_day).value == 1
    assert breakdowns.postings_overdue_count(on_the_day).value == 0
    assert breakdowns.persons_in_post(next_day).value == 0
    assert breakdowns.postings_overdue_count(next_day).value == 1


def test_it_stops_counting_a_person_in_post_on_the_day_of_departure(build):
    pairing = fresh(build)
    build.posting(
        person(build, 0),
        pairing,
        dt.date(2021, 1, 1),
        actual_end=dt.date(2021, 8, 31),
        status="completed",
    )

    assert breakdowns.persons_in_post(window(pairing, as_of=dt.date(2021, 8, 30))).value == 1
    assert breakdowns.persons_in_post(window(pairing, as_of=dt.date(2021, 8, 31))).value == 0


def test_it_counts_a_person_in_two_postings_in_post_once(build):
    pairing = fresh(build)
    twice = person(build, 2)
    build.posting(twice, pairing, dt.date(2021, 1, 1))
    build.posting(twice, pairing, dt.date(2021, 6, 1))
    w = window(pairing, as_of=dt.date(2021, 7, 1))

    assert breakdowns.persons_in_post(w).value == 1
    assert breakdowns.persons_in_post(w).records.count() == 2


def school(build, name, kind=Organisation.Kind.SCHOOL):
    return build.organisation(name, build.region(f"{name}所在地"), kind=kind)


def team(pairing, name, start, sent, received):
    made = services.create_record(
        Team, acting_user=None, via="test", pairing=pairing, name=name, start_date=start
    )
    services.set_related(made, "from_organisations", sent, acting_user=None, via="test")
    services.set_related(made, "to_organisations", received, acting_user=None, via="test")
    return made


def test_it_counts_each_school_of_the_teams_once_and_only_schools(build):
    pairing = fresh(build)
    a, b, c = school(build, "甲中学"), school(build, "乙中学"), school(build, "丙中学")
    hospital = school(build, "甲医院", Organisation.Kind.HOSPITAL)
    receiving = school(build, "丁中学")
    team(pairing, "一队", dt.date(2021, 9, 1), [a, b, hospital], [receiving])
    team(pairing, "二队", None, [b, c], [receiving])
    team(pairing, "三队", dt.date(2023, 9, 1), [school(build, "戊中学")], [c])
    w = window(pairing, as_of=dt.date(2022, 12, 31))

    sending = breakdowns.team_schools(w, "from")
    hosting = breakdowns.team_schools(w, "to")

    assert set(sending.records) == {a, b, c}
    assert sending.value == 3
    assert set(hosting.records) == {receiving}
    assert hosting.value == 1
    assert sending.unit == hosting.unit == "所"
    assert sending.label != hosting.label


def test_it_counts_no_school_of_a_team_that_starts_after_the_as_of_date(build):
    pairing = fresh(build)
    sent, received = school(build, "己中学"), school(build, "庚中学")
    team(pairing, "未来队", dt.date(2024, 9, 1), [sent], [received])
    w = window(pairing, as_of=dt.date(2024, 8, 31))

    assert breakdowns.team_schools(w, "from").value == 0
    assert breakdowns.team_schools(w, "to").value == 0
    later = window(pairing, as_of=dt.date(2024, 9, 1))
    assert breakdowns.team_schools(later, "from").value == 1
