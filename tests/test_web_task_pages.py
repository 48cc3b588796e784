"""The 清单's pages: a task made from an event or an agreement of its own pairing, an edit
made on an older version refused with what changed, the status and evidence of an approved
year's task still reported while the rest stays, and each office's doors."""

from __future__ import annotations

import datetime as dt

import pytest

from pairaid.ledger import services
from pairaid.ledger.models import Agreement, AuditEntry, Event, Organisation, Pairing, Task

YEAR = 2024


@pytest.fixture
def jiangyang(db) -> Pairing:
    return Pairing.objects.get(helper_region__name="江阳区", is_demo=True)


@pytest.fixture
def task(personas, jiangyang) -> Task:
    return services.create_record(
        Task,
        acting_user=personas.jiangyang,
        via="test",
        pairing=jiangyang,
        title="落实教师轮换",
        owner=Organisation.objects.get(name="中共江阳区委组织部"),
        due_date=dt.date(YEAR, 10, 31),
    )


def task_data(task: Task, **fields) -> dict:
    data = {
        "pairing": task.pairing_id,
        "title": task.title,
        "owner": task.owner_id or "",
        "due_date": task.due_date.isoformat() if task.due_date else "",
        "status": task.status,
        "evidence": task.evidence,
        "event": task.event_id or "",
        "agreement": task.agreement_id or "",
        "plan_year": task.plan_year or "",
        "version": task.version,
    }
    data.update(fields)
    return data


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_it_makes_a_task_from_an_event_named_in_the_address(client, personas, jiangyang):
    event = Event.objects.filter(is_demo=True).order_by("pk").first()  # the city's meeting
    client.force_login(personas.jiangyang)

    form = client.get("/tasks/new/", {"pairing": jiangyang.pk, "event": event.pk})
    response = client.post(
        "/tasks/new/",
        {"pairing": jiangyang.pk, "title": "会议交办事项", "status": "open", "event": event.pk},
        follow=True,
    )

    made = Task.objects.get(title="会议交办事项")
    assert form.context["form"].initial == {"pairing": str(jiangyang.pk), "event": str(event.pk)}
    assert "已新建清单事项" in messages_of(response)
    assert response.redirect_chain[-1][0] == f"/tasks/{made.pk}/"
    assert made.event == event
    entry = AuditEntry.objects.get(record_type="task", record_id=str(made.pk))
    assert (entry.action, entry.actor, entry.user) == ("task.created", "web", personas.jiangyang)


def test_it_refuses_an_agreement_of_another_pairing(client, personas, jiangyang):
    foreign = Agreement.objects.get(title="人才联盟协同发展协议")  # 龙马潭区→普格县
    client.force_login(personas.jiangyang)

    response = client.post(
        "/tasks/new/",
        {"pairing": jiangyang.pk, "title": "越界事项", "status": "open", "agreement": foreign.pk},
    )

    assert response.status_code == 400
    assert "agreement" in response.context["form"].errors
    assert not Task.objects.filter(title="越界事项").exists()


def test_it_refuses_an_edit_made_on_an_older_version_with_what_changed(client, personas, task):
    client.force_login(personas.jiangyang)
    read = task_data(task)
    services.update_record(task, acting_user=personas.jiangyang, via="test", title="已被他人改名")

    response = client.post(f"/tasks/{task.pk}/edit/", {**read, "title": "我的改名"})

    task.refresh_from_db()
    body = response.content.decode()
    assert response.status_code == 400
    assert "其他用户已修改" in body and "已被他人改名" in body
    assert task.title == "已被他人改名"
    again = client.post(
        f"/tasks/{task.pk}/edit/", {**read, "title": "我的改名", "version": task.version}
    )
    assert again.status_code == 302
    task.refresh_from_db()
    assert task.title == "我的改名"


def test_it_lets_an_approved_years_task_be_closed_but_not_renamed(client, personas, task):
    services.move_year(task.pairing, YEAR, "submitted", acting_user=personas.jiangyang, via="t")
    services.move_year(task.pairing, YEAR, "approved", acting_user=personas.luzhou, via="t")
    client.force_login(personas.jiangyang)

    renamed = client.post(f"/tasks/{task.pk}/edit/", task_data(task, title="改名"))
    closed = client.post(
        f"/tasks/{task.pk}/edit/", task_data(task, status="done", evidence="轮换名单")
    )

    task.refresh_from_db()
    assert renamed.status_code == 400 and "已审核锁定" in renamed.content.decode()
    assert closed.status_code == 302
    assert (task.title, task.status, task.evidence) == ("落实教师轮换", "done", "轮换名单")


def test_it_shows_a_task_to_those_who_read_it_without_its_edit_door(client, personas, task):
    for name in ("yanyuan", "viewer", "sichuan_auditor", "luzhou"):
        client.force_login(getattr(personas, name))
        response = client.get(f"/tasks/{task.pk}/")
        assert response.status_code == 200, name
        assert response.context["can_edit"] is False, name
        assert f"/tasks/{task.pk}/edit/" not in response.content.decode(), name
        assert client.get(f"/tasks/{task.pk}/edit/").status_code == 403, name
        posted = client.post(f"/tasks/{task.pk}/edit/", task_data(task, title="越权"))
        assert posted.status_code == 403, name
    task.refresh_from_db()
    assert task.title == "落实教师轮换"


def test_it_shows_the_history_to_its_editor_and_auditors_only(client, personas, task):
    seen = {}
    for name in ("jiangyang", "sichuan_auditor", "luzhou", "yanyuan", "viewer"):
        client.force_login(getattr(personas, name))
        seen[name] = bool(list(client.get(f"/tasks/{task.pk}/").context["history"]))
    assert seen == {
        "jiangyang": True,
        "sichuan_auditor": True,
        "luzhou": True,
        "yanyuan": False,
        "viewer": False,
    }


def test_it_answers_404_outside_the_scope_and_sends_strangers_to_log_in(client, personas, task):
    for name in ("longmatan", "puge", "outsider"):
        client.force_login(getattr(personas, name))
        assert client.get(f"/tasks/{task.pk}/").status_code == 404, name
        assert client.get(f"/tasks/{task.pk}/edit/").status_code == 404, name
    client.logout()
    assert client.get(f"/tasks/{task.pk}/")["Location"].startswith("/login/")
    assert client.get("/tasks/new/")["Location"].startswith("/login/")
