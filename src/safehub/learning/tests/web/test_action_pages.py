"""The action plan pages (issue 10, item 3): the list, its counts, filters and CSV (R42), adding
an action, the action page (R27), progress updates, completion (R49) and sign-off; who sees them
(R18, R19) and a flat number of queries on the list."""

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent
from safehub.casework.constants import DocumentStatus
from safehub.learning.constants import ActionStatus, Rag
from safehub.learning.models import ActionUpdate, Evidence, LearningAction

from ..factories import (
    TODAY,
    action,
    audit_finding,
    case_audit,
    child,
    health,
    incident,
    learning_partner,
    partnership_manager,
    police,
    programme,
    recommendation,
    review,
    team_manager,
)
from .conftest import day

pytestmark = pytest.mark.django_db


def url(name: str, *args: Any) -> str:
    return reverse(f"learning_actions:{name}", args=[getattr(a, "pk", a) for a in args])


def signed_off(**fields: Any) -> LearningAction:
    return action(
        status=ActionStatus.SIGNED_OFF,
        completed_on=date(2026, 11, 2),
        completion_summary="Procedure revised.",
        signed_off_on=date(2026, 11, 9),
        signed_off_by=partnership_manager(),
        **fields,
    )


def clean_evidence(on: LearningAction, **fields: Any) -> Evidence:
    fields.setdefault("status", DocumentStatus.CLEAN)
    return Evidence.objects.create(
        action=on,
        title="Revised procedure",
        original_name="procedure.pdf",
        storage_name=f"{Evidence.objects.count():032x}",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=partnership_manager(),
        **fields,
    )


# --- the list ---------------------------------------------------------------------------------


def test_the_partnership_sees_every_action_with_its_source_counts_and_tags(login) -> None:
    named = child(given_name="Zebedee", family_name="Quixotic")
    rapid = review(incident=incident(child=named), subject_label="Child F")
    action(
        recommendation(rapid),
        description="Same-day notification to health visitors",
        due_on=TODAY - timedelta(days=3),
    )
    action(
        audit_finding(),
        description="Record the child's views at every visit",
        agency=police(),
        rag=Rag.AMBER,
        status=ActionStatus.COMPLETED,
        completed_on=TODAY - timedelta(days=1),
        due_on=TODAY - timedelta(days=10),
    )
    signed_off(description="Already done and signed off")
    body = login(partnership_manager()).get(url("list")).content.decode()
    assert "Child F, recommendation 1" in body
    assert "Case audit: Neglect audit, winter 2026" in body
    # Overdue comes from the due date of an open action, not the rating; a completed one is not.
    assert body.count("Overdue by") == 1
    assert "Overdue by 3 days" in body
    assert "Amber: at risk" in body
    assert 'id="count-open">1<' in body
    assert 'id="count-overdue">1<' in body
    assert 'id="count-awaiting">1<' in body
    # ADR 0008 §2: the action plan never names the child.
    assert "Quixotic" not in body
    assert "Zebedee" not in body


def test_the_list_filters_by_status_agency_overdue_and_own_agency(login) -> None:
    action(description="Health open overdue", due_on=TODAY - timedelta(days=2))
    action(description="Police open not yet due", agency=police())
    signed_off(description="Health signed off")
    manager = partnership_manager()
    client = login(manager)

    def shown(query: str) -> set[str]:
        body = client.get(url("list") + query).content.decode()
        return {
            d for d in ("Health open overdue", "Police open not yet due", "Health signed off") if d in body
        }

    assert shown("") == {"Health open overdue", "Police open not yet due", "Health signed off"}
    assert shown("?status=signed_off") == {"Health signed off"}
    assert shown("?status=open&overdue=on") == {"Health open overdue"}
    assert shown(f"?agency={police().pk}") == {"Police open not yet due"}
    # The manager works for the council, which owns none of these.
    assert shown("?mine=on") == set()


def test_a_partner_sees_only_their_agencys_actions(login) -> None:
    """R19: a police lead opening a health-owned action gets the 404 of one that does not exist."""
    ours = action(description="Police action on strategy discussions", agency=police())
    theirs = action(description="Health action on health visiting", agency=health())
    client = login(learning_partner(police()))
    body = client.get(url("list")).content.decode()
    assert "Police action on strategy discussions" in body
    assert "Health action on health visiting" not in body
    assert client.get(url("detail", ours)).status_code == 200
    assert client.get(url("detail", theirs)).status_code == 404
    assert client.get(url("update_add", theirs)).status_code == 404
    assert client.get(url("complete", theirs)).status_code == 404
    assert "Health action" not in client.get(url("list_csv")).content.decode()


def test_staff_without_learning_are_refused(login) -> None:
    """R18: a social worker has no learning capability: forbidden every action page."""
    made = action()
    client = login(UserFactory(role=Role.SOCIAL_WORKER))
    for page in (url("list"), url("list_csv"), url("detail", made), url("complete", made)):
        assert client.get(page).status_code == 403
    assert client.get(url("add") + f"?recommendation={made.recommendation_id}").status_code == 403


def test_the_list_takes_a_flat_number_of_queries(login, django_assert_max_num_queries) -> None:
    action(description="First action")
    client = login(partnership_manager())
    client.get(url("list"))
    with CaptureQueriesContext(connection) as one:
        client.get(url("list"))
    round_ = programme()
    for n in range(5):
        action(audit_finding(case_audit(round_)) if n % 2 else None, description=f"Further action {n}")
    with django_assert_max_num_queries(len(one)):
        body = client.get(url("list")).content.decode()
    assert body.count("Further action") == 5


def test_the_csv_is_neutralised_and_audited(login) -> None:
    """R42: a cell starting = + - @ tab or CR cannot run as a formula; R27: the export is audited."""
    made = action(description='=HYPERLINK("http://evil.example","x")', owner_name="@SUM(A1)")
    action(description="+cmd|' /C calc'!A0", owner_name="-2+3", agency=police())
    action(description="\tTabbed", owner_name="\rReturned")
    response = login(partnership_manager()).get(url("list_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Action", "Source", "Owning agency", "Named officer"]
    cells = [cell for r in rows[1:] for cell in (r[0], r[3])]
    assert len(cells) == 6
    for cell in cells:
        assert cell.startswith("'"), cell
    events = AuditEvent.objects.filter(verb="export", section="action_list_csv")
    assert events.count() == 1
    assert str(made.pk) in events.get().detail["result_ids"]


def test_the_csv_keeps_the_lists_filters(login) -> None:
    action(description="Health only", agency=health())
    action(description="Police only", agency=police())
    body = login(partnership_manager()).get(url("list_csv") + f"?agency={police().pk}").content.decode()
    assert "Police only" in body
    assert "Health only" not in body


# --- the action page --------------------------------------------------------------------------


def test_the_action_page_shows_updates_newest_first_and_is_audited(login) -> None:
    """R27: opening an action writes one view event."""
    made = action(escalated_on=date(2026, 11, 20))
    manager = partnership_manager()
    ActionUpdate.objects.create(
        action=made, written_on=date(2026, 11, 10), text="Older update", rag=Rag.GREEN, written_by=manager
    )
    ActionUpdate.objects.create(
        action=made, written_on=date(2026, 11, 24), text="Newer update", rag=Rag.RED, written_by=manager
    )
    response = login(manager).get(url("detail", made))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Newer update") < body.index("Older update")
    assert "Red: off track" in body
    assert "20 November 2026" in body
    assert "Dr Synthetic Lead" in body
    assert AuditEvent.objects.filter(verb="view", object_id=str(made.pk), section="action").count() == 1


def test_the_page_offers_what_the_reader_may_do(login) -> None:
    made = action(agency=police())
    partner = login(learning_partner(police())).get(url("detail", made)).content.decode()
    assert "Add a progress update" in partner
    assert "Complete the action" in partner
    assert "Sign off the action" not in partner
    made.status, made.completed_on = ActionStatus.COMPLETED, TODAY
    made.save()
    manager = login(partnership_manager()).get(url("detail", made)).content.decode()
    assert "Sign off the action" in manager
    assert "Add a progress update" not in manager


# --- adding an action -------------------------------------------------------------------------


def test_adding_an_action_to_a_recommendation(login) -> None:
    source = recommendation()
    officer = learning_partner(health())
    client = login(partnership_manager())
    page = client.get(url("add") + f"?recommendation={source.pk}")
    assert page.status_code == 200
    assert "Child F, recommendation 1" in page.content.decode()
    response = client.post(
        url("add") + f"?recommendation={source.pk}",
        {
            "description": "Train health visitors on same-day sharing",
            "agency": str(health().pk),
            "owner_name": "Dr Synthetic Lead",
            "owner": str(officer.pk),
        }
        | day("due_on", date(2027, 3, 31)),
    )
    made = LearningAction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", made)
    assert (made.recommendation, made.agency, made.owner, made.due_on) == (
        source,
        health(),
        officer,
        date(2027, 3, 31),
    )


def test_adding_an_action_to_an_audit_finding(login) -> None:
    finding = audit_finding()
    client = login(partnership_manager())
    response = client.post(
        url("add") + f"?audit_finding={finding.pk}",
        {"description": "Record views", "agency": str(police().pk), "owner_name": "DI Synthetic"}
        | day("due_on", date(2027, 2, 1)),
    )
    assert response.status_code == 302
    assert LearningAction.objects.get().audit_finding == finding


@pytest.mark.parametrize(
    ("missing", "field", "message"),
    [
        ("owner_name", "owner_name", "Enter the named officer who owns this action"),
        ("due_on", "due_on", "Enter the date the action is due"),
    ],
)
def test_an_action_without_an_owner_or_a_due_date_is_refused_at_the_field(
    login, missing, field, message
) -> None:
    """Issue 10 bad input: an action nobody owns, or with no date, is refused where it was left out."""
    source = recommendation()
    data = {"description": "Train staff", "agency": str(health().pk), "owner_name": "Dr Synthetic Lead"}
    data |= day("due_on", date(2027, 3, 31))
    if missing == "owner_name":
        data["owner_name"] = ""
    else:
        data |= {"due_on_day": "", "due_on_month": "", "due_on_year": ""}
    response = login(partnership_manager()).post(url("add") + f"?recommendation={source.pk}", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert f'href="#id_{field}"' in body
    assert f'id="id_{field}-error"' in body
    assert message in body
    assert not LearningAction.objects.exists()


def test_adding_needs_manage_learning_and_a_source(login) -> None:
    source = recommendation()
    partner = login(learning_partner(police()))
    assert partner.get(url("add") + f"?recommendation={source.pk}").status_code == 403
    manager = login(partnership_manager())
    assert manager.get(url("add")).status_code == 404
    assert manager.get(url("add") + "?recommendation=not-an-id").status_code == 404


# --- updates, completion, sign-off ------------------------------------------------------------


def test_the_owning_agency_adds_a_progress_update_with_its_rag(login) -> None:
    made = action(agency=police())
    client = login(learning_partner(police()))
    assert client.get(url("update_add", made)).status_code == 200
    response = client.post(
        url("update_add", made), {"text": "Briefing held", "rag": Rag.RED} | day("written_on", TODAY)
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.rag == Rag.RED
    assert made.updates.get().text == "Briefing held"


def test_an_update_without_text_is_refused_at_the_field(login) -> None:
    made = action(agency=police())
    response = login(learning_partner(police())).post(
        url("update_add", made), {"text": "", "rag": Rag.GREEN} | day("written_on", TODAY)
    )
    body = response.content.decode()
    assert 'href="#id_text"' in body
    assert "Say what progress has been made" in body
    assert not ActionUpdate.objects.exists()


def test_completing_an_action(login) -> None:
    made = action(agency=police())
    client = login(learning_partner(police()))
    response = client.post(
        url("complete", made),
        {"version": made.version, "summary": "Procedure revised and briefed"} | day("completed_on", TODAY),
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert (made.status, made.completed_on) == (ActionStatus.COMPLETED, TODAY)


def test_a_stale_completion_is_a_conflict_that_keeps_what_was_typed(login) -> None:
    """R49: a form opened before someone else changed the action is refused, not saved over it."""
    made = action(agency=police())
    opened_at = made.version
    made.description = "Changed meanwhile"
    made.version += 1
    made.updated_by = partnership_manager()
    made.save()
    response = login(learning_partner(police())).post(
        url("complete", made),
        {"version": opened_at, "summary": "My summary typed here"} | day("completed_on", TODAY),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "after you opened it" in body
    assert "My summary typed here" in body
    assert f'value="{opened_at + 1}"' in body
    assert LearningAction.objects.get(pk=made.pk).status == ActionStatus.OPEN


def _completed(**fields: Any) -> LearningAction:
    return action(
        status=ActionStatus.COMPLETED,
        completed_on=TODAY - timedelta(days=2),
        completion_summary="Done.",
        **fields,
    )


def test_sign_off_without_clean_evidence_is_refused_at_the_evidence(login) -> None:
    made = _completed()
    clean_evidence(made, status=DocumentStatus.INFECTED)
    response = login(partnership_manager()).post(
        url("sign_off", made), {"version": made.version} | day("signed_off_on", TODAY)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_evidence"' in body
    assert 'id="id_evidence-error"' in body
    assert "Add evidence that the action is done before signing it off" in body
    assert LearningAction.objects.get(pk=made.pk).status == ActionStatus.COMPLETED


def test_signing_off_on_clean_evidence(login) -> None:
    made = _completed()
    clean_evidence(made)
    manager = partnership_manager()
    client = login(manager)
    page = client.get(url("sign_off", made)).content.decode()
    assert url("evidence_download", made.evidence.get()) in page
    response = client.post(url("sign_off", made), {"version": made.version} | day("signed_off_on", TODAY))
    assert response.status_code == 302
    made.refresh_from_db()
    assert (made.status, made.signed_off_by) == (ActionStatus.SIGNED_OFF, manager)


def test_only_the_partnership_signs_off(login) -> None:
    """R18: a partner agency's lead completes their actions but cannot sign them off."""
    made = _completed(agency=police())
    assert login(learning_partner(police())).get(url("sign_off", made)).status_code == 403
    # A team manager contributes to learning but does not run it.
    assert login(team_manager()).get(url("sign_off", made)).status_code == 403
