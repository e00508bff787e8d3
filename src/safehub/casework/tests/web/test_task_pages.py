"""The task pages: who may open them, what they show, bad input at the field (issue 5, item 2)."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.casework.constants import TaskStatus
from safehub.casework.models import Task
from safehub.casework.selectors.tasks import tasks_for_involvement
from safehub.casework.services.tasks import TaskSpec, task_create, tasks_sync
from safehub.casework.tests.factories import InvolvementFactory, team_with
from safehub.people.tests.factories import restrict

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # a Monday
TODAY = date(2026, 11, 2)


@pytest.fixture(autouse=True)
def _monday() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _signed_in(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def _case(team: Any, worker: Any, due: date, title: str = "Child protection visit") -> Any:
    involvement = InvolvementFactory(team=team, worker=worker, url="/cases/example/", title="Referral")
    tasks_sync(involvement=involvement, specs=[TaskSpec(key="cp.visit", title=title, due_on=due)])
    return involvement


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.SOCIAL_WORKER, 200), (Role.TEAM_MANAGER, 200), (Role.IRO, 403), (Role.MASH_SOCIAL_WORKER, 403)],
)
def test_my_tasks_by_role(signed_in: Any, role: str, status: int) -> None:
    assert signed_in(role).get(reverse("casework:my_tasks")).status_code == status


def test_my_tasks_anonymous_is_sent_to_sign_in(client: Any) -> None:
    assert client.get(reverse("casework:my_tasks")).status_code == 302


def test_my_tasks_shows_due_tags_counts_and_the_case_link(client: Any) -> None:
    team, (worker,) = team_with(Role.SOCIAL_WORKER)
    _case(team, worker, TODAY - timedelta(days=3), "Overdue visit")
    _case(team, worker, TODAY + timedelta(days=1), "Visit tomorrow")
    page = _signed_in(client, worker).get(reverse("casework:my_tasks")).content.decode()
    assert "Overdue by 3 days" in page
    assert "Due in 1 working day" in page
    assert "All (2)" in page
    assert "Due soon (1)" in page
    assert "Overdue (1)" in page
    assert 'href="/cases/example/"' in page
    overdue = client.get(reverse("casework:my_tasks"), {"due": "overdue"}).content.decode()
    assert "Overdue visit" in overdue
    assert "Visit tomorrow" not in overdue


def test_my_tasks_page_takes_the_same_queries_for_1_and_30_tasks(client: Any) -> None:
    team, (worker,) = team_with(Role.SOCIAL_WORKER)
    _case(team, worker, TODAY)
    _signed_in(client, worker)
    client.get(reverse("casework:my_tasks"))  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("casework:my_tasks"))
    for _ in range(29):
        _case(team, worker, TODAY + timedelta(days=2))
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(reverse("casework:my_tasks"))
    assert response.content.decode().count("Child protection visit") >= 30
    assert len(thirty.captured_queries) == len(one.captured_queries)


def test_team_tasks_goes_to_the_managers_first_team(client: Any, signed_in: Any) -> None:
    team, (manager,) = team_with(Role.TEAM_MANAGER)
    response = _signed_in(client, manager).get(reverse("casework:team_tasks"))
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:team_tasks_for", args=[team.pk])
    lonely = signed_in(Role.TEAM_MANAGER).get(reverse("casework:team_tasks"))
    assert lonely.status_code == 200
    assert "not a member of a team" in lonely.content.decode()


def test_team_tasks_filters_and_hides_other_teams(client: Any) -> None:
    """R19: a manager of another team gets 404 for this team's list; a worker gets 403."""
    team, (manager, first, second) = team_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER, Role.SOCIAL_WORKER)
    _, (outsider,) = team_with(Role.TEAM_MANAGER)
    _case(team, first, TODAY, "First's visit")
    _case(team, second, TODAY, "Second's visit")
    url = reverse("casework:team_tasks_for", args=[team.pk])
    _signed_in(client, manager)
    page = client.get(url).content.decode()
    assert "First&#x27;s visit" in page
    assert "Second&#x27;s visit" in page
    filtered = client.get(url, {"worker": str(first.pk)}).content.decode()
    assert "First&#x27;s visit" in filtered
    assert "Second&#x27;s visit" not in filtered
    assert _signed_in(client, outsider).get(url).status_code == 404
    assert _signed_in(client, first).get(url).status_code == 403


def test_compliance_page(client: Any) -> None:
    team, (manager, worker) = team_with(Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
    _, (outsider,) = team_with(Role.TEAM_MANAGER)
    _case(team, worker, TODAY - timedelta(days=1))
    url = reverse("casework:compliance", args=[team.pk])
    response = _signed_in(client, manager).get(url, {"months": "12"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 November 2025" in page
    assert "By clock" in page
    assert "By worker" in page
    assert _signed_in(client, outsider).get(url).status_code == 404


def test_adding_a_personal_task(client: Any) -> None:
    team, (worker,) = team_with(Role.SOCIAL_WORKER)
    involvement = _case(team, worker, TODAY + timedelta(days=5))
    url = reverse("casework:task_new", args=[involvement.pk])
    _signed_in(client, worker)
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"title": "Ring the school", "due_on_day": "1", "due_on_month": "11", "due_on_year": "2026"}
    )
    assert bad.status_code == 200
    assert "The due date must be today or later." in bad.content.decode()
    missing = client.post(url, {"title": "", "due_on_day": "3", "due_on_month": "11", "due_on_year": "2026"})
    assert "Enter what needs doing" in missing.content.decode()
    done = client.post(
        url, {"title": "Ring the school", "due_on_day": "3", "due_on_month": "11", "due_on_year": "2026"}
    )
    assert done.status_code == 302
    assert done["Location"] == "/cases/example/"
    task = Task.objects.get(manual=True)
    assert (task.title, task.due_on, task.assigned_to) == ("Ring the school", date(2026, 11, 3), worker)


def test_a_restricted_childs_case_refuses_a_task(client: Any) -> None:
    team, (worker,) = team_with(Role.SOCIAL_WORKER)
    involvement = _case(team, worker, TODAY)
    restrict(involvement.person)
    assert (
        _signed_in(client, worker).get(reverse("casework:task_new", args=[involvement.pk])).status_code == 404
    )


def test_marking_a_personal_task_done(client: Any) -> None:
    team, (worker,) = team_with(Role.SOCIAL_WORKER)
    involvement = _case(team, worker, TODAY)
    task = task_create(actor=worker, involvement=involvement, title="Ring the school", due_on=TODAY)
    url = reverse("casework:task_done", args=[task.pk])
    _signed_in(client, worker)
    assert client.get(url).status_code == 405
    response = client.post(url, {"version": task.version, "next": "https://evil.example/"})
    assert response["Location"] == reverse("casework:my_tasks")  # never an outside address
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.completed_on == TODAY


def test_a_stale_done_is_a_conflict_not_a_lost_update(client: Any) -> None:
    """R49."""
    team, (worker,) = team_with(Role.SOCIAL_WORKER)
    involvement = _case(team, worker, TODAY)
    task = task_create(actor=worker, involvement=involvement, title="Ring the school", due_on=TODAY)
    response = _signed_in(client, worker).post(
        reverse("casework:task_done", args=[task.pk]), {"version": task.version + 5}, follow=True
    )
    assert "was changed by" in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_the_tasks_panel_renders_for_the_case_page(rf: Any) -> None:
    team, (worker,) = team_with(Role.SOCIAL_WORKER)
    involvement = _case(team, worker, TODAY - timedelta(days=2))
    task_create(actor=worker, involvement=involvement, title="Ring the school", due_on=TODAY)
    request = rf.get("/")
    request.user = worker
    html = render_to_string(
        "casework/_tasks_panel.html",
        {
            "tasks": tasks_for_involvement(actor=worker, involvement=involvement),
            "involvement": involvement,
            "can_record": True,
        },
        request=request,
    )
    assert "Overdue by 2 days" in html
    assert "Mark done" in html
    assert "Add a task" in html
    assert html.count("Mark done<") == 1  # only the personal task; the clock closes itself
