"""The partnership board report pages: the page, its printable version and the CSV of overdue
actions (issue 10, item 6). Today is Thursday 26 November 2026."""

import csv
import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent
from safehub.platform.web.csv import FORMULA_STARTS, neutralise

from ...constants import AuditGrade, CaseAuditStatus, ReviewKind
from .. import factories as f
from ..factories import TODAY
from ..test_report_selectors import CHILD_NAME, board_world

pytestmark = pytest.mark.django_db

BOARD = reverse("learning_reports:board")
CSV_URL = reverse("learning_reports:board_overdue_csv")


def analyst() -> Any:
    return UserFactory(role=Role.PERFORMANCE_ANALYST)


def figure(html: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert found, name
    return found.group(1)


def test_board_shows_the_figures_at_a_glance(login: Any) -> None:
    world = board_world()
    html = login(world.manager).get(BOARD).content.decode()
    assert figure(html, "reviews_in_progress") == "5"
    assert figure(html, "reviews_overdue") == "3"
    assert figure(html, "notified_late") == "1"
    assert figure(html, "actions_open") == "4"
    assert figure(html, "actions_overdue") == "2"
    assert figure(html, "actions_awaiting") == "1"
    assert figure(html, "recurring_themes") == "1"
    assert "Overdue by 184 days" in html
    assert "Overdue by 25 working days" in html
    assert "Overdue by 1 working days" in html


def test_analyst_sees_labels_and_counts_but_never_a_child(login: Any) -> None:
    """R22: performance analysts (view_learning_report only) read the board; no child is named."""
    board_world()
    response = login(analyst()).get(BOARD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Child A" in html
    assert "Child D" in html
    for name in CHILD_NAME:
        assert name not in html


@pytest.mark.parametrize(
    "role",
    [Role.LEARNING_PARTNER, Role.SOCIAL_WORKER, Role.TEAM_MANAGER],
)
def test_roles_without_the_report_are_refused(login: Any, role: str) -> None:
    """R18: deny by default."""
    client = login(UserFactory(role=role))
    assert client.get(BOARD).status_code == 403
    assert client.get(CSV_URL).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client: Any) -> None:
    assert client.get(BOARD).status_code == 302


def test_printable_version_has_the_figures_without_the_navigation(login: Any) -> None:
    world = board_world()
    response = login(world.manager).get(BOARD, {"print": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert figure(html, "actions_overdue") == "2"
    assert "govuk-service-navigation" not in html
    assert "govuk-header" not in html
    for name in CHILD_NAME:
        assert name not in html


def test_csv_lists_the_overdue_actions_neutralised_and_is_audited(login: Any) -> None:
    """R42: a cell that a spreadsheet would read as a formula is neutralised; R27: the export is
    audited with the ids of the rows, and nothing of their content."""
    world = board_world()
    response = login(world.manager).get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "overdue-learning-actions-2026-11-26.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Action", "Source", "Agency", "Officer", "Due", "Days overdue", "RAG"]
    assert [row[3] for row in rows[1:]] == ["'=HYPERLINK(1)", "Dr Synthetic Lead"]
    assert [row[4:6] for row in rows[1:]] == [["2026-11-01", "25"], ["2026-11-25", "1"]]
    event = AuditEvent.objects.get(verb="export", object_type="learning.learningaction")
    assert event.actor == world.manager
    assert event.detail["result_ids"] == [
        str(world.actions["audit_overdue"].pk),
        str(world.actions["due_yesterday"].pk),
    ]
    assert "HYPERLINK" not in str(event.detail)


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_is_neutralised(start: str) -> None:
    """R42 (ASVS 1.2.10): = + - @ tab and carriage return."""
    assert neutralise(f"{start}cmd|' /C calc'!A0") == f"'{start}cmd|' /C calc'!A0"
    assert neutralise("Plain text") == "Plain text"


def test_analyst_may_download_the_csv(login: Any) -> None:
    board_world()
    response = login(analyst()).get(CSV_URL)
    assert response.status_code == 200
    for name in CHILD_NAME:
        assert name not in response.content.decode()


# --- queries do not grow with the rows ----------------------------------------------------------


def _add_rows(manager: Any, programme: Any, count: int, start: int) -> None:
    """`count` more local reviews, each with a theme, a recommendation and an overdue action, and
    as many moderated case audits in the programme."""
    theme = f.theme("Hidden and unseen adults")
    for i in range(start, start + count):
        review = f.review(
            manager, kind=ReviewKind.LOCAL, subject_label=f"Child {i}", due_on=date(2026, 5, 26)
        )
        review.themes.add(theme)
        f.action(f.recommendation(review), due_on=TODAY - timedelta(days=i + 1), created_by=manager)
        f.case_audit(
            programme,
            status=CaseAuditStatus.MODERATED,
            moderated_grade=AuditGrade.GOOD,
            moderated_by=manager,
            moderated_on=date(2026, 11, 20),
        )


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("url", [BOARD, f"{BOARD}?print=1", reverse("learning_reports:themes")])
def test_queries_do_not_grow_with_reviews_and_actions(
    login: Any, django_assert_max_num_queries: Any, url: str
) -> None:
    manager = f.partnership_manager()
    client = login(manager)
    programme = f.programme(manager)
    _add_rows(manager, programme, 3, 0)
    client.get(url)  # the first request of a session also writes the session's bookkeeping
    with django_assert_max_num_queries(30):
        few = _queries(client, url)
    _add_rows(manager, programme, 27, 3)
    with django_assert_max_num_queries(30):
        many = _queries(client, url)
    assert many == few
