from django.urls import path

from pairaid.web.views import (
    agreements,
    auth,
    dashboard,
    events,
    evidence,
    funds,
    inbox,
    people,
    projects,
    records,
    review,
    search,
    shell,
    tasks,
    updates,
)

app_name = "web"
urlpatterns = [
    path("favicon.ico", shell.favicon, name="favicon"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("", dashboard.overview, name="overview"),
    # what waits for the user, its count on the menu, and confirming many at once
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/count/", inbox.inbox_count, name="inbox_count"),
    path("inbox/confirm/", inbox.bulk_confirm, name="inbox_confirm"),
    # search by name, code or pinyin; the choosers' results as one types
    path("search/", search.search_page, name="search"),
    path("search/choices/", search.choices, name="search_choices"),
    path("pairings/<int:pk>/", dashboard.pairing, name="pairing"),
    # a pairing's years under review: submit, approve (lock), return, reopen
    path("pairings/<int:pk>/years/", review.pairing_years, name="pairing_years"),
    path(
        "pairings/<int:pk>/years/<int:year>/<slug:step>/",
        review.pairing_year_step,
        name="pairing_year_step",
    ),
    # the audit trail
    path("audit/", review.audit_list, name="audit"),
    path("audit/verify/", review.audit_verify, name="audit_verify"),
    # projects
    path("projects/", projects.project_list, name="projects"),
    path("projects/new/", projects.project_create, name="project_create"),
    path("projects/<int:pk>/", projects.project_detail, name="project"),
    path("projects/<int:pk>/edit/", projects.project_edit, name="project_edit"),
    # fund flows: recorded and reversed, never edited
    path("funds/", funds.fund_list, name="funds"),
    path("funds/new/", funds.fund_create, name="fund_create"),
    path("funds/<int:pk>/", funds.fund_detail, name="fund"),
    path("funds/<int:pk>/reverse/", funds.fund_reverse, name="fund_reverse"),
    path("funds/<int:pk>/confirm/", review.fund_confirm, name="fund_confirm"),
    path("funds/<int:pk>/reopen/", review.fund_reopen, name="fund_reopen"),
    # people and postings
    path("people/", people.person_list, name="persons"),
    path("people/new/", people.person_create, name="person_create"),
    path("people/<int:pk>/", people.person_detail, name="person"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:pk>/reveal/", people.person_reveal, name="person_reveal"),
    path("people/<int:person_pk>/postings/new/", people.posting_create, name="posting_create"),
    path("postings/", people.posting_list, name="postings"),
    path("postings/<int:pk>/edit/", people.posting_edit, name="posting_edit"),
    path("postings/<int:pk>/confirm/", review.posting_confirm, name="posting_confirm"),
    path("postings/<int:pk>/reopen/", review.posting_reopen, name="posting_reopen"),
    # agreements, their parties and obligations
    path("agreements/", agreements.agreement_list, name="agreements"),
    path("agreements/new/", agreements.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/edit/", agreements.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/parties/", agreements.party_add, name="party_add"),
    path(
        "agreements/<int:pk>/parties/<int:party_pk>/remove/",
        agreements.party_remove,
        name="party_remove",
    ),
    path(
        "agreements/<int:pk>/obligations/new/",
        agreements.obligation_create,
        name="obligation_create",
    ),
    path("obligations/", agreements.obligation_list, name="obligations"),
    path("obligations/<int:pk>/edit/", agreements.obligation_edit, name="obligation_edit"),
    # events and their participants
    path("events/", events.event_list, name="events"),
    path("events/new/", events.event_create, name="event_create"),
    path("events/<int:pk>/", events.event_detail, name="event"),
    path("events/<int:pk>/edit/", events.event_edit, name="event_edit"),
    path("events/<int:pk>/participants/", events.participant_add, name="participant_add"),
    path(
        "events/<int:pk>/participants/<int:participant_pk>/remove/",
        events.participant_remove,
        name="participant_remove",
    ),
    # the 清单
    path("tasks/", tasks.task_list, name="tasks"),
    path("tasks/new/", tasks.task_create, name="task_create"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", tasks.task_edit, name="task_edit"),
    # evidence (佐证材料): served only through scope checks; progress reports of projects
    path("evidence/<int:pk>/file/", evidence.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/thumbnail/", evidence.evidence_thumbnail, name="evidence_thumbnail"),
    path("evidence/<int:pk>/remove/", evidence.evidence_remove, name="evidence_remove"),
    path("<slug:what>/<int:pk>/evidence/", evidence.record_evidence, name="record_evidence"),
    path("<slug:what>/<int:pk>/evidence/new/", evidence.evidence_upload, name="evidence_upload"),
    path("<slug:what>/<int:pk>/close/", evidence.close_with_evidence, name="close_with_evidence"),
    path("projects/<int:pk>/updates/new/", updates.update_create, name="update_create"),
    # the 协作考核 page and the pages of every record type declared with `Pages`
    # (`ledger/record_types.py`): /<slug>/, /<slug>/new/, /<slug>/<pk>/ …
    *records.urlpatterns(),
]
