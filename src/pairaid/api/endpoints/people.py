"""Persons, their postings (with the recipient side's confirmation) and 组团式 teams.

A person's identity and phone numbers are personal data: they are neither answered nor
accepted here (a later issue adds masked access)."""

from __future__ import annotations

from typing import Annotated, Any, cast

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from pairaid.api import services as api_services
from pairaid.api.common import (
    LIST_ERRORS,
    VIA,
    WRITE_ERRORS,
    PageParams,
    RecordId,
    fetch,
    in_scope,
    page_of,
    paginate,
    pairing_for,
    resolve,
    resolve_many,
    user_of,
    visible_persons,
)
from pairaid.api.endpoints.crud import Resource, change_shared, make_in_pairing, make_shared
from pairaid.api.schemas import (
    ConfirmIn,
    DisputeIn,
    PersonIn,
    PersonOut,
    PersonPatch,
    PostingIn,
    PostingOut,
    PostingPatch,
    ReopenIn,
    TeamIn,
    TeamOut,
    TeamPatch,
)
from pairaid.api.types import Choice, Id, Text, Unsent, Year
from pairaid.ledger import access, services
from pairaid.ledger.models import Confirmation, Organisation, Person, Posting, PostingQuerySet, Team

router = Router()


# --- persons --------------------------------------------------------------------------------


class PersonFilters(Schema):
    pairing: Annotated[Id, Field(None, description="在此结对关系有选派记录的人员")]
    category: Annotated[str, Choice(Person.Category), Unsent]
    profession: Annotated[str, Choice(Person.Profession), Unsent]
    q: Annotated[str, Text(100), Field(None, description="姓名或人员编号包含此文字")]

    def apply(self, persons: QuerySet[Person], request: HttpRequest) -> QuerySet[Person]:
        if self.pairing:
            posted = Posting.objects.filter(person=OuterRef("pk"), pairing_id=self.pairing)
            seen = access.within_view(user_of(request), posted)
            persons = persons.filter(Exists(seen))
        if self.category:
            persons = persons.filter(category=self.category)
        if self.profession is not None:
            persons = persons.filter(profession=self.profession)
        if self.q:
            persons = persons.filter(Q(name__icontains=self.q) | Q(number__icontains=self.q))
        return persons


def persons(request: HttpRequest) -> QuerySet[Person]:
    # Only the columns a response shows: the personal data stays encrypted in the database.
    return visible_persons(user_of(request)).defer("id_number", "phone")


# Not `Resource.add_list`: the pairing filter needs the asking user's scope.
@router.get(
    "/persons/",
    response={200: page_of(PersonOut), **LIST_ERRORS},
    tags=["干部人才"],
    summary="列出干部人才（不含身份证号和电话）",
)
def list_persons(
    request: HttpRequest, filters: Query[PersonFilters], page: Query[PageParams]
) -> dict[str, Any]:
    return paginate(filters.apply(persons(request), request), page)


def persons_to_change(request: HttpRequest) -> QuerySet[Person]:
    # Every column: a change is compared with, and audited against, the whole record.
    return visible_persons(user_of(request))


PERSONS = Resource.of(Person, router, persons, PersonOut)
PERSONS.add_read("读取干部人才（不含身份证号和电话）")
PERSONS.add_create(PersonIn, "登记干部人才", make_shared(Person, PersonOut))
PERSONS.add_update(PersonPatch, "修改干部人才", change_shared, scope=persons_to_change)


# --- postings -------------------------------------------------------------------------------


class PostingFilters(Schema):
    pairing: Annotated[Id, Field(None, description="结对关系编号")]
    year: Annotated[Year, Field(None, description="到岗年度")]
    status: Annotated[str, Choice(Posting.Status), Unsent]
    effective_status: Annotated[
        str,
        Choice(Posting.EffectiveStatus),
        Field(None, description="截至今天的状态（overdue：期满未离岗）"),
    ]
    confirmation: Annotated[str, Choice(Confirmation), Field(None, description="受援方确认状态")]
    person: Annotated[Id, Field(None, description="人员编号（id）")]
    team: Annotated[Id, Field(None, description="组团式团队编号")]
    q: Annotated[str, Text(100), Field(None, description="挂任职务或人员姓名包含此文字")]

    def apply(self, postings: QuerySet[Posting]) -> QuerySet[Posting]:
        if self.pairing:
            postings = postings.filter(pairing_id=self.pairing)
        if self.year:
            postings = postings.filter(start_date__year=self.year)
        if self.status:
            postings = postings.filter(status=self.status)
        if self.effective_status:
            # the postings' own queryset class, through the filters above
            postings = (
                cast(PostingQuerySet, postings)
                .with_effective_status(timezone.localdate())
                .filter(effective_status=self.effective_status)
            )
        if self.confirmation:
            postings = postings.filter(confirmation=self.confirmation)
        if self.person:
            postings = postings.filter(person_id=self.person)
        if self.team:
            postings = postings.filter(team_id=self.team)
        if self.q:
            postings = postings.filter(
                Q(post__icontains=self.q) | Q(person__name__icontains=self.q)
            )
        return postings


def postings(request: HttpRequest) -> QuerySet[Posting]:
    return in_scope(Posting.objects.all(), user_of(request))


POSTINGS = Resource.of(Posting, router, postings, PostingOut)
POSTINGS.add_list(PostingFilters, "列出选派记录")
POSTINGS.add_read("读取选派记录")
POSTINGS.add_create(PostingIn, "登记选派记录", make_in_pairing(Posting, PostingOut))
POSTINGS.add_update(PostingPatch, "修改选派记录")


@router.post(
    "/postings/{id}/confirm/",
    response={200: PostingOut, **WRITE_ERRORS},
    tags=["选派"],
    summary="受援方确认人员到岗",
)
def confirm_posting(request: HttpRequest, payload: ConfirmIn, id: int = RecordId) -> Posting:
    posting = fetch(postings(request), id)
    confirmed = services.confirm_record(
        posting, acting_user=user_of(request), via=VIA, accept=True, note=payload.note
    )
    return cast(Posting, confirmed)  # the posting passed in


@router.post(
    "/postings/{id}/reopen-confirmation/",
    response={200: PostingOut, **WRITE_ERRORS},
    tags=["选派"],
    summary="重新开放受援方的确认（已确认或有异议的记录，须说明原因；之后受援方可重新答复）",
)
def reopen_posting_confirmation(
    request: HttpRequest, payload: ReopenIn, id: int = RecordId
) -> Posting:
    posting = fetch(postings(request), id)
    reopened = services.reopen_confirmation(posting, user_of(request), payload.reason, via=VIA)
    return cast(Posting, reopened)  # the posting passed in


@router.post(
    "/postings/{id}/dispute/",
    response={200: PostingOut, **WRITE_ERRORS},
    tags=["选派"],
    summary="受援方对选派记录提出异议（须说明原因）",
)
def dispute_posting(request: HttpRequest, payload: DisputeIn, id: int = RecordId) -> Posting:
    posting = fetch(postings(request), id)
    confirmed = services.confirm_record(
        posting, acting_user=user_of(request), via=VIA, accept=False, note=payload.note
    )
    return cast(Posting, confirmed)  # the posting passed in


# --- teams ----------------------------------------------------------------------------------


class TeamFilters(Schema):
    pairing: Annotated[Id, Field(None, description="结对关系编号")]
    q: Annotated[str, Text(100), Field(None, description="名称包含此文字")]

    def apply(self, teams: QuerySet[Team]) -> QuerySet[Team]:
        if self.pairing:
            teams = teams.filter(pairing_id=self.pairing)
        if self.q:
            teams = teams.filter(name__icontains=self.q)
        return teams


def teams(request: HttpRequest) -> QuerySet[Team]:
    return in_scope(
        Team.objects.prefetch_related("from_organisations", "to_organisations"),
        user_of(request),
    )


def team_out(team: Team) -> TeamOut:
    return TeamOut.from_orm(
        Team.objects.prefetch_related("from_organisations", "to_organisations").get(pk=team.pk)
    )


def make_team(user: Any, payload: TeamIn) -> TeamOut:
    pairing = pairing_for(user, payload.pairing_id)
    data = payload.model_dump(
        exclude={"pairing_id", "from_organisation_ids", "to_organisation_ids"}
    )
    team = api_services.create_team(
        acting_user=user,
        via=VIA,
        pairing=pairing,
        from_organisations=resolve_many(
            user, Organisation, payload.from_organisation_ids, "from_organisation_ids"
        ),
        to_organisations=resolve_many(
            user, Organisation, payload.to_organisation_ids, "to_organisation_ids"
        ),
        **resolve(user, data, pairing),
    )
    return team_out(team)


def change_team(user: Any, team: Team, data: dict[str, Any]) -> TeamOut:
    # The units are replaced only if sent; None leaves them as they are.
    from_ids = data.pop("from_organisation_ids", None)
    to_ids = data.pop("to_organisation_ids", None)
    api_services.update_team(
        team,
        acting_user=user,
        via=VIA,
        from_organisations=None
        if from_ids is None
        else resolve_many(user, Organisation, from_ids, "from_organisation_ids"),
        to_organisations=None
        if to_ids is None
        else resolve_many(user, Organisation, to_ids, "to_organisation_ids"),
        **resolve(user, data, team.pairing),
    )
    return team_out(team)


TEAMS = Resource.of(Team, router, teams, TeamOut)
TEAMS.add_list(TeamFilters, "列出组团式帮扶团队")
TEAMS.add_read("读取组团式帮扶团队")
TEAMS.add_create(TeamIn, "登记组团式帮扶团队", make_team)
TEAMS.add_update(TeamPatch, "修改组团式帮扶团队", change_team)
