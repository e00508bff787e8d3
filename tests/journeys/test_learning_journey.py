"""Learning from a serious incident in a real browser, from the notification to a signed-off action.

Issue 10, item 7. A team manager opens Tegan's record and records a serious incident
notification, then the notification to the national panel. The safeguarding partnership's
manager opens the incident from "Learning and improvement" and starts the rapid review: a label
with Tegan's name in it is refused at the label (it would reveal who she is), "Child T" is
accepted. The partnership asks the police for their return; the police's safeguarding lead finds
it in "Returns for your agency" and answers it, while the health lead gets the 404 of a return that
does not exist (R18, R19). The rapid review decides to commission a local child safeguarding
practice review; on it the partnership records a finding with a theme and a recommendation, and
adds an action from the recommendation: without a named officer it is refused at that box, then
it is given to health with a named officer and a due date.

The health lead finds the action in "Action plans", adds a progress update with its RAG rating and
marks the action complete, but uploads no evidence: the partnership's sign-off is refused at the
evidence ("Add evidence that the action is done before signing it off"). The health lead uploads a
small PDF; the virus scanner is on (ClamAV with a test signature database, as casework's document
tests run it) and the scan runs as a task once the upload commits (the test settings run tasks
immediately), so the action page shows the evidence as available. The partnership signs it off.

Each user has a desk of their own (test_child_protection_journey.py explains). R59 (no serious or
critical axe-core violation on any page visited), R2 (no CSP violation), R4 (only opaque ids in
the URLs visited: never the child's name or date of birth), R18/R19 (a partner sees only their own
agency's returns), R43 (evidence is served only once the scan has passed).
"""

import hashlib
import logging
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.tests.factories import AgencyFactory, enrol_totp
from safehub.casework.constants import DocumentStatus
from safehub.casework.documents import storage
from safehub.casework.tests.documents.samples import EICAR, MINIMAL_PDF
from safehub.learning.constants import (
    ActionStatus,
    IncidentKind,
    Rag,
    RapidReviewDecision,
    ReturnStatus,
    ReviewKind,
    ReviewStatus,
)
from safehub.learning.models import AgencyReturn, LearningAction, Review, SeriousIncident
from safehub.learning.tests.factories import theme
from safehub.people.constants import Sex
from safehub.people.tests.factories import indexed_person
from safehub.platform import clock
from tests.conftest import Journey

from .test_child_protection_journey import (
    desks,  # noqa: F401  (the fixture)
    long_date,
    open_desk,
    signed_in_here,
)
from .test_early_help_journey import assert_clean, follow, not_found, refused, user
from .test_people_journey import fill_date, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHILD_GIVEN, FAMILY = "Tegan", "Polwhele"
BORN = date(2024, 2, 11)
SUMMARY = (
    "Synthetic: a two-year-old was taken to hospital with a broken arm and bruising her carers "
    "could not explain. Police and health had both been involved with the family."
)
QUESTION = "What did the police know of the family in the year before the incident?"
POLICE_ANSWER = "Two call-outs to the home for domestic abuse; neither was shared with children's services."
FINDING = "Information about domestic abuse was not shared between agencies."
RECOMMENDATION = "Every police call-out to a home with a child under five is shared with health visiting."
ACTION = "Health visitors check the police's shared notifications at every contact with under-fives."
THEME = "Information sharing between agencies"
INCIDENT_URL = r"/learning/incidents/[0-9a-f-]{36}/$"
REVIEW_URL = r"/learning/reviews/[0-9a-f-]{36}/$"
ACTION_URL = r"/learning/actions/[0-9a-f-]{36}/$"


# --- the virus scanner, on for the live server -------------------------------------------------------


@pytest.fixture(scope="module")
def clam_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory ClamAV loads, as casework's document tests build it
    (src/safehub/casework/tests/documents/conftest.py): EICAR's MD5 and the EICAR string."""
    directory = tmp_path_factory.mktemp("clamdb")
    digest = hashlib.md5(EICAR).hexdigest()  # noqa: S324 - ClamAV's .hdb format is MD5
    (directory / "test.hdb").write_text(f"{digest}:{len(EICAR)}:Eicar-Test-Signature\n")
    (directory / "test.ndb").write_text(f"Eicar-Test-Signature:0:*:{EICAR.hex()}\n")
    return directory


@pytest.fixture
def scanner_on(settings: Any, tmp_path: Path, clam_database: Path) -> Path:
    """Uploads stored in this test's own directory and scanned with clamscan. The live server runs
    in this process, so it reads the same settings."""
    root = tmp_path / "documents"
    settings.SAFEHUB_DOCUMENT_ROOT = str(root)
    settings.SAFEHUB_CLAMAV = {"mode": "clamscan", "database": str(clam_database)}
    return root


# --- shared steps ------------------------------------------------------------------------------------


def menu(desk: Journey, item: str, url: str, label: str) -> None:
    """Open an item of the menu, wait for its page, and check it with axe."""
    desk.page.get_by_role("navigation", name="Menu").get_by_role("link", name=item, exact=True).click()
    desk.page.wait_for_url(re.compile(url))
    desk.check_accessibility(label)


def press(desk: Journey, button: str, url: str, label: str) -> None:
    """Press the form's button, wait for the page it leads to, and check it with axe."""
    desk.page.get_by_role("button", name=button, exact=True).click()
    desk.page.wait_for_url(re.compile(url))
    desk.check_accessibility(label)


def summary_value(page: Any, key: str) -> Any:
    """The value beside `key` in the page's summary list."""
    return (
        page.locator(".govuk-summary-list__row")
        .filter(has=page.locator("dt", has_text=re.compile(rf"^{re.escape(key)}$")))
        .locator("dd")
    )


def section(page: Any, heading_id: str) -> Any:
    return page.locator(f"section[aria-labelledby={heading_id}]")


def banner(page: Any) -> Any:
    return page.locator(".govuk-notification-banner")


# --- the journey -------------------------------------------------------------------------------------


def test_a_serious_incident_to_a_signed_off_action(
    journey,
    desks,  # noqa: F811  (the fixture imported above)
    browser,
    transactional_db,
    code_lists,
    scanner_on,
    caplog,
) -> None:
    caplog.set_level(logging.WARNING, logger="safehub.csp")
    council: Any = AgencyFactory(name="Penmorva Children's Services", kind=AgencyKind.CHILDRENS_SERVICES)
    police: Any = AgencyFactory(name="Penmorva Police", kind=AgencyKind.POLICE)
    health: Any = AgencyFactory(name="Penmorva Community Health", kind=AgencyKind.HEALTH_TRUST)
    manager = user(Role.TEAM_MANAGER, council, "manager@learning-journey.example.test", "Jory Treloar")
    partnership = user(
        Role.PARTNERSHIP_MANAGER, council, "partnership@learning-journey.example.test", "Demelza Hocking"
    )
    police_lead = user(
        Role.LEARNING_PARTNER, police, "police@learning-journey.example.test", "Kerensa Pascoe"
    )
    health_lead = user(Role.LEARNING_PARTNER, health, "health@learning-journey.example.test", "Tristan Nance")
    secrets = {u.pk: enrol_totp(u) for u in (manager, partnership, police_lead, health_lead)}
    child = indexed_person(
        actor=manager, given_name=CHILD_GIVEN, family_name=FAMILY, date_of_birth=BORN, sex=Sex.FEMALE
    )
    info_sharing = theme(THEME)
    today = clock.today()
    incident_on, aware_on = today - timedelta(days=3), today - timedelta(days=2)

    # --- 1. the team manager records the notification from Tegan's record --------------------------
    desk_tm = signed_in_here(journey, manager, secrets[manager.pk])
    page = desk_tm.page
    desk_tm.go(f"/people/{child.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(CHILD_GIVEN)
    desk_tm.check_accessibility("the child's record")
    follow(
        desk_tm,
        "Record a serious incident notification",
        rf"/learning/incidents/new/\?person={child.pk}$",
        "record a serious incident",
    )
    expect(page.locator("main")).to_contain_text(long_date(BORN))
    page.locator(f"input[name=kind][value={IncidentKind.SERIOUS_HARM}]").check()
    fill_date(page, "incident_on", incident_on)
    fill_date(page, "aware_on", aware_on)
    page.locator("#id_summary").fill(SUMMARY)
    page.locator(f"input[name=agencies][value='{police.pk}']").check()
    page.locator(f"input[name=agencies][value='{health.pk}']").check()
    press(desk_tm, "Record the incident", INCIDENT_URL, "the incident, just recorded")
    incident = SeriousIncident.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(incident.reference)
    expect(banner(page)).to_contain_text(f"Serious incident {incident.reference} is recorded")
    expect(summary_value(page, "Child")).to_contain_text(f"{CHILD_GIVEN} {FAMILY}")
    expect(summary_value(page, "National panel")).to_contain_text("Not notified yet")
    assert (incident.child, incident.kind, incident.recorded_by) == (
        child,
        IncidentKind.SERIOUS_HARM,
        manager,
    )
    assert (incident.incident_on, incident.aware_on) == (incident_on, aware_on)
    assert set(incident.agencies.all()) == {police, health}
    screenshot(page, "learning-01-incident")

    follow(
        desk_tm,
        "Record the notification to the national panel",
        rf"/learning/incidents/{incident.pk}/notify/$",
        "record the notification",
    )
    page.locator("#id_panel_reference").fill("CSPRP-2026-0415")
    press(desk_tm, "Record the notification", rf"/learning/incidents/{incident.pk}/$", "incident, notified")
    expect(summary_value(page, "National panel")).to_contain_text("Notified")
    expect(summary_value(page, "National panel")).to_contain_text("CSPRP-2026-0415")
    # The manager who recorded it may not start the review: that is the partnership's.
    expect(page.get_by_role("link", name="Start the rapid review")).to_have_count(0)
    incident.refresh_from_db()
    assert (incident.notified_on, incident.panel_reference) == (today, "CSPRP-2026-0415")

    # --- 2. the partnership manager starts the rapid review -----------------------------------------
    desk_pm = open_desk(journey, browser, desks, partnership, secrets[partnership.pk])
    ppage = desk_pm.page
    menu(desk_pm, "Learning and improvement", r"/learning/$", "the partnership's learning home")
    expect(ppage.get_by_role("heading", level=1)).to_have_text("Learning and quality assurance")
    follow(desk_pm, "All serious incidents", r"/learning/incidents/$", "serious incidents")
    # The list names no child (ADR 0008 §2): the incident is known by its reference there.
    expect(ppage.locator("main")).not_to_contain_text(CHILD_GIVEN)
    follow(desk_pm, incident.reference, rf"/learning/incidents/{incident.pk}/$", "the incident, partnership")
    follow(
        desk_pm,
        "Start the rapid review",
        rf"/learning/incidents/{incident.pk}/rapid-review/$",
        "start the rapid review",
    )
    ppage.locator("#id_subject_label").fill(f"{CHILD_GIVEN} P")
    ppage.locator("#id_title").fill("Unexplained injuries to a two-year-old")
    ppage.get_by_role("button", name="Start the rapid review", exact=True).click()
    refused(
        desk_pm,
        "id_subject_label",
        "This label would reveal who the child is: it contains a name they are known by",
        "start the rapid review, label refused",
    )
    screenshot(ppage, "learning-02-label-refused")
    assert not Review.objects.exists()
    ppage.locator("#id_subject_label").fill("Child T")
    press(desk_pm, "Start the rapid review", REVIEW_URL, "the rapid review, just started")
    rapid = Review.objects.get()
    expect(ppage.get_by_role("heading", level=1)).to_contain_text("Child T")
    expect(ppage.locator("main")).not_to_contain_text(CHILD_GIVEN)
    assert (rapid.kind, rapid.incident, rapid.subject_label) == (ReviewKind.RAPID, incident, "Child T")
    review_path = rf"/learning/reviews/{rapid.pk}/$"

    follow(desk_pm, "Ask an agency for its return", rf"/learning/reviews/{rapid.pk}/returns/new/$", "ask")
    ppage.locator("#id_agency").select_option(str(police.pk))
    ppage.locator("#id_question").fill(QUESTION)
    press(desk_pm, "Ask for the return", review_path, "the rapid review, return asked for")
    expect(section(ppage, "returns-heading")).to_contain_text(police.name)
    expect(section(ppage, "returns-heading")).to_contain_text(ReturnStatus.REQUESTED.label)
    agency_return = AgencyReturn.objects.get()
    assert (agency_return.review, agency_return.agency) == (rapid, police)
    return_path = f"/learning/returns/{agency_return.pk}/"

    # --- 3. the police answer; health cannot see the police's return -------------------------------
    desk_police = open_desk(journey, browser, desks, police_lead, secrets[police_lead.pk])
    opage = desk_police.page
    menu(desk_police, "Learning and improvement", r"/learning/$", "the police lead's learning home")
    follow(desk_police, "Returns for your agency", r"/learning/returns/$", "returns for the police")
    return_row = opage.locator("tbody tr").filter(has_text="Child T")
    expect(return_row).to_have_count(1)
    expect(opage.locator("main")).not_to_contain_text(CHILD_GIVEN)
    return_row.get_by_role("link").click()
    opage.wait_for_url(re.compile(rf"{return_path}$"))
    expect(opage.locator("main")).to_contain_text(QUESTION)
    desk_police.check_accessibility("the police's return")
    follow(desk_police, "Answer the return", rf"{return_path}answer/$", "answer the return")
    opage.locator("#id_response").fill(POLICE_ANSWER)
    press(desk_police, "Send the return", rf"{return_path}$", "the police's return, answered")
    expect(summary_value(opage, "Status")).to_contain_text(ReturnStatus.RECEIVED.label)
    expect(summary_value(opage, "Return")).to_contain_text(POLICE_ANSWER)
    agency_return.refresh_from_db()
    assert (agency_return.status, agency_return.response) == (ReturnStatus.RECEIVED, POLICE_ANSWER)
    assert agency_return.received_on == today

    desk_health = open_desk(journey, browser, desks, health_lead, secrets[health_lead.pk])
    hpage = desk_health.page
    not_found(desk_health, return_path, "the police's return for the health lead: not found")
    desk_health.go("/learning/returns/")
    expect(hpage.locator("main")).to_contain_text("No review has asked your agency for a return.")
    desk_health.check_accessibility("returns for health, none")

    # --- 4. the decision, the local review, a finding, a recommendation and an action ----------------
    desk_pm.go(f"/learning/reviews/{rapid.pk}/")
    expect(section(ppage, "returns-heading")).to_contain_text(ReturnStatus.RECEIVED.label)
    desk_pm.check_accessibility("the rapid review, return received")
    follow(desk_pm, "Record the decision", rf"/learning/reviews/{rapid.pk}/decision/$", "record the decision")
    ppage.locator(f"input[name=decision][value={RapidReviewDecision.LOCAL_REVIEW}]").check()
    ppage.locator("#id_rationale").fill("Agencies did not share what they knew; there is learning for all.")
    press(desk_pm, "Record the decision", review_path, "the rapid review, decided")
    expect(banner(ppage)).to_contain_text("the local child safeguarding practice review is open")
    expect(summary_value(ppage, "Decision")).to_contain_text(RapidReviewDecision.LOCAL_REVIEW.label)
    rapid.refresh_from_db()
    local = Review.objects.get(kind=ReviewKind.LOCAL)
    assert (rapid.status, rapid.decision) == (ReviewStatus.COMPLETED, RapidReviewDecision.LOCAL_REVIEW)
    assert (local.commissioned_from, local.subject_label) == (rapid, "Child T")
    local_path = rf"/learning/reviews/{local.pk}/$"
    follow(desk_pm, ReviewKind.LOCAL.label, local_path, "the local review")
    expect(ppage.locator(".govuk-caption-l").first).to_have_text(ReviewKind.LOCAL.label)

    follow(desk_pm, "Add a finding", rf"/learning/reviews/{local.pk}/findings/new/$", "add a finding")
    ppage.locator("#id_text").fill(FINDING)
    ppage.locator(f"input[name=themes][value='{info_sharing.pk}']").check()
    press(desk_pm, "Add the finding", local_path, "the local review, a finding")
    expect(section(ppage, "findings-heading")).to_contain_text(FINDING)
    expect(section(ppage, "findings-heading")).to_contain_text(THEME)
    finding = local.findings.get()
    assert list(finding.themes.all()) == [info_sharing]

    follow(
        desk_pm,
        "Add a recommendation",
        rf"/learning/reviews/{local.pk}/recommendations/new/$",
        "add a recommendation",
    )
    ppage.locator("#id_text").fill(RECOMMENDATION)
    ppage.locator("#id_finding").select_option(str(finding.pk))
    press(desk_pm, "Add the recommendation", local_path, "the local review, a recommendation")
    recommendation = local.recommendations.get()
    assert (recommendation.number, recommendation.finding) == (1, finding)
    recommendations = section(ppage, "recommendations-heading")
    expect(recommendations).to_contain_text(RECOMMENDATION)
    expect(recommendations).to_contain_text("0 actions")

    follow(
        desk_pm,
        "Add an action to recommendation 1",
        rf"/learning/actions/new/\?recommendation={recommendation.pk}$",
        "add an action",
    )
    expect(ppage.locator(".govuk-inset-text")).to_contain_text(RECOMMENDATION)
    due_on = today + timedelta(days=90)
    ppage.locator("#id_description").fill(ACTION)
    ppage.locator("#id_agency").select_option(str(health.pk))
    fill_date(ppage, "due_on", due_on)
    ppage.get_by_role("button", name="Add the action", exact=True).click()
    refused(
        desk_pm,
        "id_owner_name",
        "Enter the named officer who owns this action",
        "add an action, no named officer",
    )
    screenshot(ppage, "learning-03-action-without-officer")
    assert not LearningAction.objects.exists()
    ppage.locator("#id_owner_name").fill(health_lead.full_name)
    ppage.locator("#id_owner").select_option(str(health_lead.pk))
    press(desk_pm, "Add the action", ACTION_URL, "the action, just added")
    action = LearningAction.objects.get()
    action_path = f"/learning/actions/{action.pk}/"
    expect(ppage.get_by_role("heading", level=1)).to_have_text(f"Action for {health.name}")
    expect(summary_value(ppage, "Named officer")).to_contain_text(health_lead.full_name)
    expect(summary_value(ppage, "Due")).to_have_text(long_date(due_on))
    assert (action.recommendation, action.agency, action.owner) == (recommendation, health, health_lead)
    assert (action.owner_name, action.due_on, action.status) == (
        health_lead.full_name,
        due_on,
        ActionStatus.OPEN,
    )

    # --- 5. health reports progress and completes the action, without evidence yet -------------------
    menu(desk_health, "Action plans", r"/learning/actions/$", "action plans for health")
    action_row = hpage.locator("tbody tr").filter(has_text=ACTION)
    expect(action_row).to_have_count(1)
    expect(action_row).to_contain_text("Child T, recommendation 1")
    action_row.get_by_role("link", name=ACTION).click()
    hpage.wait_for_url(re.compile(rf"{action_path}$"))
    desk_health.check_accessibility("the action, for health")
    follow(desk_health, "Add a progress update", rf"{action_path}updates/new/$", "add a progress update")
    hpage.locator("#id_text").fill("Half the health visitors have been trained; the rest are booked.")
    hpage.locator(f"input[name=rag][value={Rag.AMBER}]").check()
    press(desk_health, "Add the update", rf"{action_path}$", "the action, an update")
    expect(summary_value(hpage, "RAG")).to_have_text(Rag.AMBER.label)
    expect(hpage.locator(".govuk-summary-card")).to_contain_text("Half the health visitors")

    follow(desk_health, "Complete the action", rf"{action_path}complete/$", "complete the action")
    hpage.locator("#id_summary").fill("Every health visitor is trained and the checklist is in use.")
    press(desk_health, "Complete the action", rf"{action_path}$", "the action, completed")
    expect(summary_value(hpage, "Status")).to_have_text(ActionStatus.COMPLETED.label)
    expect(hpage.locator("main")).to_contain_text("No evidence has been uploaded.")
    action.refresh_from_db()
    assert (action.status, action.rag, action.completed_on) == (ActionStatus.COMPLETED, Rag.AMBER, today)

    # --- 6. sign-off is refused without evidence; health uploads it; it is scanned; signed off -------
    desk_pm.go(action_path)
    desk_pm.check_accessibility("the completed action, partnership")
    follow(desk_pm, "Sign off the action", rf"{action_path}sign-off/$", "sign off the action")
    ppage.get_by_role("button", name="Sign off the action", exact=True).click()
    refused(
        desk_pm,
        "id_evidence",
        "Add evidence that the action is done before signing it off",
        "sign off the action, no evidence",
    )
    screenshot(ppage, "learning-04-sign-off-refused")
    action.refresh_from_db()
    assert (action.status, action.signed_off_on) == (ActionStatus.COMPLETED, None)

    follow(desk_health, "Upload evidence", rf"{action_path}evidence/new/$", "upload evidence")
    hpage.locator("#id_title").fill("Health visiting checklist, revised")
    hpage.locator("#id_file").set_input_files(
        {"name": "checklist.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
    )
    press(desk_health, "Upload the evidence", rf"{action_path}$", "the action, evidence uploaded")
    # The scan ran once the upload committed: the evidence is available, with its download link (R43).
    evidence_row = hpage.locator("tbody tr").filter(has_text="Health visiting checklist, revised")
    expect(evidence_row).to_contain_text(DocumentStatus.CLEAN.label)
    expect(evidence_row.get_by_role("link", name=re.compile(r"^Download"))).to_be_visible()
    evidence = action.evidence.get()
    assert (evidence.status, evidence.original_name, evidence.size) == (
        DocumentStatus.CLEAN,
        "checklist.pdf",
        len(MINIMAL_PDF),
    )
    assert evidence.scanned_at is not None
    # Stored outside the web root, in this test's document directory.
    stored = storage.path_for(evidence.storage_name)
    assert stored.is_file()
    assert stored.is_relative_to(scanner_on)

    desk_pm.go(action_path)
    expect(ppage.locator("main")).to_contain_text(DocumentStatus.CLEAN.label)
    desk_pm.check_accessibility("the completed action with evidence, partnership")
    follow(desk_pm, "Sign off the action", rf"{action_path}sign-off/$", "sign off the action, evidence in")
    expect(ppage.locator("main tbody tr")).to_contain_text(DocumentStatus.CLEAN.label)
    press(desk_pm, "Sign off the action", rf"{action_path}$", "the action, signed off")
    expect(banner(ppage)).to_contain_text("Action signed off.")
    expect(summary_value(ppage, "Status")).to_have_text(ActionStatus.SIGNED_OFF.label)
    expect(summary_value(ppage, "Signed off")).to_contain_text(partnership.full_name)
    screenshot(ppage, "learning-05-signed-off")
    action.refresh_from_db()
    assert (action.status, action.signed_off_on, action.signed_off_by) == (
        ActionStatus.SIGNED_OFF,
        today,
        partnership,
    )

    # --- 7. nothing leaked, nothing broke the CSP, every page passed axe ---------------------------
    typed = (CHILD_GIVEN, FAMILY, BORN.isoformat())
    assert_clean(journey, caplog, typed, pages=45)
