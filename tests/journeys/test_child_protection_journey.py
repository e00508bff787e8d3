"""A child through child protection, from the MASH handover to the closure of the case, in a real browser.

Issue 5. The MASH decided "strategy discussion" on a contact about Elowen 150 days ago (set up
through the front door's services). The team manager takes the handover from the inbox, then
allocates the case to a social worker, with every worker's caseload in view. The social worker
finds the assessment task on My tasks, starts the assessment and records a strategy discussion:
first without the police (refused at the attendees), then with them, deciding on a section 47
enquiry, whose outcome is "conference". The IRO records the initial conference: a child
protection plan under neglect. The manager's attempt to close the case is refused, the open plan
named. The social worker records the first core group and a child protection visit (the child
seen alone, the bedroom seen) and the visit task moves on; they complete the assessment. The IRO
records a review conference (continue) and the final review (end). The manager authorises the
assessment and closes the case (RC7); the child's chronology shows the work.

Each user works at their own desk: a browser context of their own, signed in once, so no one
waits for a fresh TOTP code to sign in again (`switch_user` would wait up to 30 s each time the
same person comes back). Every desk reports its requests, console and axe checks to the one
`journey`, so the R2/R4/R59 assertions cover all of them.

R59 (no serious or critical axe-core violation on any page visited), R2 (no CSP violation),
R4 (only opaque ids in the URLs visited), R49 (forms carry the version read; not exercised here).
"""

import logging
import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safehub.accounts.constants import AgencyKind, Role, TeamKind
from safehub.accounts.models import TeamMembership
from safehub.accounts.tests.factories import AgencyFactory, TeamFactory, UserFactory, enrol_totp
from safehub.casework.models import Task
from safehub.casework.services.involvement import allocation_change
from safehub.child_protection.constants import ConferenceKind, Stage
from safehub.child_protection.models import (
    Assessment,
    ChildProtectionPlan,
    Conference,
    Referral,
    StrategyDiscussion,
    Visit,
)
from safehub.child_protection.services.referral import referral_create
from safehub.front_door.constants import ContactStatus, HandoverStatus, Outcome, Rag, SubjectRole
from safehub.front_door.models import Decision, Handover
from safehub.front_door.services.decision import decision_authorise
from safehub.front_door.tests.decision.factories_decision import proposed_decision
from safehub.front_door.tests.factories import ContactFactory, ContactSubjectFactory
from safehub.people.constants import Sex
from safehub.people.tests.factories import indexed_person
from safehub.platform import clock
from tests.conftest import Journey

from .test_people_journey import fill_date, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHILD_GIVEN, FAMILY = "Elowen", "Brackenridge"
BORN = date(2017, 5, 14)
SUMMARY = "Elowen told her teacher that she is left alone at night and there is often no food at home."
STRATEGY_REASONS = (
    "Police hold two recent call-outs to the home; health report missed appointments and weight loss."
)


def ago(days: int) -> date:
    return clock.today() - timedelta(days=days)


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# --- desks: one signed-in browser context per user -------------------------------------------------


@pytest.fixture
def desks(browser: Any, journey: Journey) -> Iterator[list[Journey]]:
    """Browser contexts opened by `open_desk`, closed at the end of the test."""
    opened: list[Journey] = []
    try:
        yield opened
    finally:
        for desk in opened:
            desk.context.close()


def open_desk(journey: Journey, browser: Any, desks: list[Journey], user: Any, secret: str) -> Journey:
    """A new browser context signed in as `user`, reporting to `journey`'s lists."""
    context = browser.new_context(base_url=journey.base_url, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(15_000)
    page = context.new_page()
    desk = Journey(
        context=context,
        page=page,
        base_url=journey.base_url,
        requested_urls=journey.requested_urls,
        console=journey.console,
        axe_checked=journey.axe_checked,
    )
    desks.append(desk)
    context.on("request", lambda request: desk.requested_urls.append(request.url))
    page.on("console", lambda message: desk.console.append(f"{message.type}: {message.text}"))
    sign_in(desk, user.email, secret)
    return desk


def signed_in_here(journey: Journey, user: Any, secret: str) -> Journey:
    """The `journey` fixture's own context, signed in as `user`."""
    sign_in(journey, user.email, secret)
    return journey


# --- shared steps ------------------------------------------------------------------------------------


def stage_tag(page: Any) -> Any:
    return page.locator("h1 .govuk-tag")


def case_tasks(page: Any) -> Any:
    return page.locator("section[aria-labelledby=tasks-heading]")


def open_case(desk: Journey, referral: Referral, label: str) -> None:
    desk.go(f"/cases/referrals/{referral.pk}/")
    expect(desk.page.get_by_role("heading", level=1)).to_contain_text(case_name_pattern())
    desk.check_accessibility(label)


def follow(desk: Journey, link: str, url: str, label: str) -> None:
    """Click a link on the page, wait for the form it leads to, and check it with axe."""
    desk.page.get_by_role("link", name=link, exact=True).click()
    desk.page.wait_for_url(re.compile(url))
    desk.check_accessibility(label)


def submit(desk: Journey, button: str, back_to: Referral) -> None:
    """Press the form's button and wait to be back on the case page."""
    desk.page.get_by_role("button", name=button, exact=True).click()
    desk.page.wait_for_url(re.compile(rf"/cases/referrals/{back_to.pk}/$"))


def case_name_pattern() -> re.Pattern[str]:
    return re.compile(rf"{CHILD_GIVEN}\s+{FAMILY}", re.IGNORECASE)


def _mash_handover(child: Any, referred: date) -> Handover:
    """A contact about the child, decided "strategy discussion" and authorised on `referred`."""
    now = clock.now()
    contact: Any = ContactFactory(
        received_at=now - timedelta(days=(clock.today() - referred).days + 1),
        status=ContactStatus.IN_PROGRESS,
        rag=Rag.RED,
        rag_due_at=now,
        screened_at=now,
        referral_source="2A",
        summary=SUMMARY,
    )
    ContactSubjectFactory(contact=contact, role=SubjectRole.CHILD, person=child)
    decision = proposed_decision(contact, outcome=Outcome.STRATEGY)
    decision_authorise(
        actor=UserFactory(role=Role.MASH_MANAGER), decision=decision, expected_version=decision.version
    )
    # The decision was authorised on the day of the referral, 150 days ago (the referral date).
    authorised = timezone.make_aware(datetime.combine(referred, time(11)))
    Decision.objects.filter(pk=decision.pk).update(authorised_at=authorised)
    return Handover.objects.select_related("contact").get(decision=decision)


def test_referral_to_child_protection_plan_to_closure(
    journey, desks, browser, transactional_db, code_lists, caplog
) -> None:
    caplog.set_level(logging.WARNING, logger="safehub.csp")
    council: Any = AgencyFactory(name="Northbridge Children's Services", kind=AgencyKind.CHILDRENS_SERVICES)
    police: Any = AgencyFactory(name="Northbridge Police", kind=AgencyKind.POLICE)
    health: Any = AgencyFactory(name="Northbridge NHS Trust", kind=AgencyKind.HEALTH_TRUST)
    team: Any = TeamFactory(name="Northbridge Assessment Team", kind=TeamKind.ASSESSMENT, agency=council)
    manager: Any = UserFactory(
        role=Role.TEAM_MANAGER,
        agency=council,
        email="manager@cp-journey.example.test",
        full_name="Morwenna Hale",
    )
    worker: Any = UserFactory(
        role=Role.SOCIAL_WORKER,
        agency=council,
        email="worker@cp-journey.example.test",
        full_name="Idris Calloway",
    )
    iro: Any = UserFactory(
        role=Role.IRO, agency=council, email="iro@cp-journey.example.test", full_name="Priya Ashdown"
    )
    for member in (manager, worker):
        TeamMembership.objects.create(team=team, user=member)
    secrets = {user.pk: enrol_totp(user) for user in (manager, worker, iro)}

    child = indexed_person(
        actor=worker, given_name=CHILD_GIVEN, family_name=FAMILY, date_of_birth=BORN, sex=Sex.FEMALE
    )
    # The worker already holds one case (a referral, weighted 0.5): the caseload the manager sees.
    other_child = indexed_person(
        actor=worker,
        given_name="Tamsin",
        family_name="Oakhurst",
        date_of_birth=date(2014, 2, 3),
        sex=Sex.FEMALE,
    )
    other = referral_create(actor=worker, person=other_child, referral_date=ago(20), source="3A")
    allocation_change(
        actor=manager, involvement=other.involvement, team=team, worker=worker, started_on=ago(20)
    )
    referred = ago(150)
    handover = _mash_handover(child, referred)
    reference = handover.contact.reference

    # --- 1. the team manager takes the handover and allocates the case ------------------------------
    desk_manager = signed_in_here(journey, manager, secrets[manager.pk])
    page = desk_manager.page
    desk_manager.go("/mash/handovers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Handovers from the MASH")
    row = page.locator("tr").filter(has_text=reference)
    expect(row).to_contain_text("Strategy discussion")
    expect(row).to_contain_text(re.compile(CHILD_GIVEN, re.IGNORECASE))
    desk_manager.check_accessibility("handover inbox")
    follow(
        desk_manager, f"Accept {reference}", rf"/mash/handovers/{handover.pk}/accept/$", "accept the handover"
    )
    expect(page.locator("main")).to_contain_text(long_date(referred))
    expect(page.locator("main")).to_contain_text("A strategy discussion is due")
    page.locator("#id_primary_need").select_option("N1")
    page.get_by_role("button", name="Open the referrals").click()
    page.wait_for_url(re.compile(r"/cases/referrals/[0-9a-f-]{36}/$"))
    referral = Referral.objects.get(person=child)
    assert referral.referral_date == referred
    assert referral.mash_reference == reference
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.PICKED_UP
    expect(stage_tag(page)).to_have_text(f"Stage: {Stage.REFERRAL.label}")
    expect(page.locator("main")).to_contain_text("A strategy discussion is due")
    expect(case_tasks(page)).to_contain_text("Start and complete the child and family assessment")
    desk_manager.check_accessibility("case page, new referral")
    screenshot(page, "cp-01-referral")

    follow(
        desk_manager,
        "Allocate this case",
        rf"/casework/involvements/{referral.involvement_id}/allocate/$",
        "allocate the case",
    )
    caseloads = page.locator("table", has=page.locator("caption", has_text=f"Caseloads: {team.name}"))
    worker_row = caseloads.locator("tr").filter(has_text=worker.full_name)
    expect(worker_row.locator("td").first).to_have_text("1")
    worker_option = page.locator(f"#id_worker option[value='{team.pk}:{worker.pk}']")
    expect(worker_option).to_have_text(re.compile(rf"{worker.full_name} \(1 case, weighted 0\.5\)"))
    page.locator("#id_team").select_option(str(team.pk))
    page.locator("#id_worker").select_option(f"{team.pk}:{worker.pk}")
    fill_date(page, "started_on", ago(149))
    page.get_by_role("button", name="Allocate the case").click()
    page.wait_for_url(re.compile(r"/casework/allocation/$"))
    expect(page.locator("main")).to_contain_text(f"is allocated to {worker.full_name}")
    expect(worker_row.locator("td").first).to_have_text("2")
    desk_manager.check_accessibility("allocation, after allocating")
    screenshot(page, "cp-02-allocation")
    referral.involvement.refresh_from_db()
    assert referral.involvement.worker == worker

    # --- 2. the social worker: assessment, strategy discussion, section 47 ------------------------
    desk_worker = open_desk(journey, browser, desks, worker, secrets[worker.pk])
    wpage = desk_worker.page
    desk_worker.go("/casework/tasks/")
    expect(wpage.get_by_role("heading", level=1)).to_have_text("My tasks")
    task_row = wpage.locator("tbody tr").filter(has_text=case_name_pattern())
    expect(task_row).to_contain_text("Start and complete the child and family assessment")
    desk_worker.check_accessibility("my tasks, the assessment to start")
    task_row.get_by_role("link").click()
    wpage.wait_for_url(re.compile(rf"/cases/referrals/{referral.pk}/$"))
    desk_worker.check_accessibility("case page, allocated")

    follow(
        desk_worker,
        "Start an assessment",
        rf"/cases/referrals/{referral.pk}/assessment/start/$",
        "start an assessment",
    )
    fill_date(wpage, "started_on", ago(148))
    submit(desk_worker, "Start the assessment", referral)
    expect(stage_tag(wpage)).to_have_text(f"Stage: {Stage.ASSESSMENT.label}")
    expect(case_tasks(wpage)).to_contain_text("Complete the child and family assessment")

    follow(
        desk_worker,
        "Record a strategy discussion",
        rf"/cases/referrals/{referral.pk}/strategy/new/$",
        "strategy discussion form",
    )
    fill_date(wpage, "held_on", ago(145))
    wpage.locator("input[name=decision][value=s47]").check()
    wpage.locator("#id_rationale").fill(STRATEGY_REASONS)
    wpage.locator("#id_attendee-0-name").fill(worker.full_name)
    wpage.locator("#id_attendee-0-agency").select_option(str(council.pk))
    wpage.locator("#id_attendee-0-role").fill("Social worker")
    wpage.locator("#id_attendee-1-name").fill("Dr Amara Penhallow")
    wpage.locator("#id_attendee-1-agency").select_option(str(health.pk))
    wpage.locator("#id_attendee-1-role").fill("Named nurse for safeguarding")
    # No police attendee: refused at the attendees, nothing saved.
    wpage.get_by_role("button", name="Record the strategy discussion").click()
    expect(wpage.locator(".govuk-error-summary")).to_be_visible()
    expect(wpage).to_have_title(re.compile(r"^Error: "))
    expect(wpage.locator(".govuk-error-summary a[href='#attendees']")).to_contain_text("includes the police")
    expect(wpage.locator("#attendees-error")).to_contain_text("add the police attendee")
    desk_worker.check_accessibility("strategy discussion form, no police")
    screenshot(wpage, "cp-03-strategy-no-police")
    assert not StrategyDiscussion.objects.exists()
    wpage.locator("#id_attendee-2-name").fill("DC Rowan Tregarthen")
    wpage.locator("#id_attendee-2-agency").select_option(str(police.pk))
    wpage.locator("#id_attendee-2-role").fill("Child abuse investigation unit")
    submit(desk_worker, "Record the strategy discussion", referral)
    expect(stage_tag(wpage)).to_have_text(f"Stage: {Stage.SECTION_47.label}")
    strategy = wpage.locator("section[aria-labelledby=strategy-heading]")
    expect(strategy).to_contain_text("DC Rowan Tregarthen, Northbridge Police")
    expect(strategy).to_contain_text("Dr Amara Penhallow, Northbridge NHS Trust")
    expect(case_tasks(wpage)).to_contain_text("Hold the initial child protection conference")
    desk_worker.check_accessibility("case page, section 47 enquiry")

    enquiry = referral.section47_enquiries.get()
    follow(
        desk_worker,
        "Complete the section 47 enquiry",
        rf"/cases/section47/{enquiry.pk}/complete/$",
        "complete the section 47 enquiry",
    )
    fill_date(wpage, "completed_on", ago(135))
    wpage.locator("input[name=outcome][value=conference]").check()
    wpage.locator("#id_summary").fill("Neglect substantiated: the home is unsafe and Elowen is often alone.")
    submit(desk_worker, "Complete the enquiry", referral)
    expect(stage_tag(wpage)).to_have_text(f"Stage: {Stage.CONFERENCE.label}")
    desk_worker.check_accessibility("case page, awaiting conference")
    screenshot(wpage, "cp-04-awaiting-conference")

    # --- 3. the IRO records the initial conference -------------------------------------------------
    desk_iro = open_desk(journey, browser, desks, iro, secrets[iro.pk])
    ipage = desk_iro.page
    open_case(desk_iro, referral, "case page for the IRO, conference awaited")
    initial = Conference.objects.get(referral=referral, kind=ConferenceKind.INITIAL)
    follow(
        desk_iro,
        "Record the outcome of the initial child protection conference",
        rf"/cases/protection/conferences/{initial.pk}/record/$",
        "record the initial conference",
    )
    fill_date(ipage, "held_on", ago(130))
    ipage.locator("input[name=decision][value=plan]").check()
    ipage.locator("#id_category").select_option("NEG")
    ipage.locator("#id_chair").select_option(str(iro.pk))
    ipage.locator("input[name=quorate][value=yes]").check()
    ipage.locator("#id_summary").fill("Significant harm through neglect: a child protection plan is needed.")
    submit(desk_iro, "Save the outcome", referral)
    expect(stage_tag(ipage)).to_have_text(f"Stage: {Stage.CP_PLAN.label}")
    plans = ipage.locator("table", has=ipage.locator("caption", has_text="Child protection plans"))
    expect(plans).to_contain_text(long_date(ago(130)))
    expect(plans).to_contain_text("Neglect")
    desk_iro.check_accessibility("case page, on a plan")
    screenshot(ipage, "cp-05-plan")
    plan = ChildProtectionPlan.objects.get(referral=referral)
    assert (plan.started_on, plan.initial_category) == (ago(130), "NEG")

    # --- 4. the manager cannot close the case while the plan is open -------------------------------
    open_case(desk_manager, referral, "case page for the manager, on a plan")
    follow(desk_manager, "Close the case", rf"/cases/referrals/{referral.pk}/close/$", "close the case form")
    fill_date(page, "closed_on", clock.today())
    page.locator("#id_reason").select_option("RC7")
    page.get_by_role("button", name="Close the case", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        f"The child protection plan from {long_date(ago(130))} is open: end it before closing the case."
    )
    desk_manager.check_accessibility("close the case, refused")
    screenshot(page, "cp-06-close-refused")
    referral.refresh_from_db()
    assert referral.closed_on is None

    # --- 5. the social worker: core group, a visit, the assessment completed -----------------------
    open_case(desk_worker, referral, "case page for the worker, on a plan")
    expect(case_tasks(wpage)).to_contain_text("Hold the first core group")
    follow(
        desk_worker,
        "Record a core group meeting",
        rf"/cases/protection/plans/{plan.pk}/core-group/$",
        "record a core group",
    )
    fill_date(wpage, "held_on", ago(125))
    wpage.locator("#id_notes").fill("Core group agreed the plan: daily school attendance checks, food bank.")
    submit(desk_worker, "Save the meeting", referral)
    expect(case_tasks(wpage)).not_to_contain_text("Hold the first core group")
    expect(case_tasks(wpage)).to_contain_text("Hold the next core group")

    visit_task = (
        case_tasks(wpage).locator("tr").filter(has_text="Visit and see the child (child protection plan)")
    )
    due_before = Task.objects.get(involvement=referral.involvement, key="cp.visit", status="open").due_on
    expect(visit_task).to_contain_text(long_date(due_before))
    follow(
        desk_worker,
        "Record a visit",
        rf"/cases/protection/referrals/{referral.pk}/visit/$",
        "record a visit",
    )
    wpage.locator("input[name=kind][value=cp]").check()
    fill_date(wpage, "visited_on", ago(4))
    wpage.locator("input[name=child_seen][value=yes]").check()
    wpage.locator("input[name=seen_alone][value=yes]").check()
    wpage.locator("input[name=bedroom_seen][value=yes]").check()
    wpage.locator("#id_notes").fill("Elowen showed me her room; a new bed and bedding have arrived.")
    submit(desk_worker, "Save the visit", referral)
    due_after = Task.objects.get(involvement=referral.involvement, key="cp.visit", status="open").due_on
    assert due_after > clock.today() > due_before, "the visit moves the visit task on"
    expect(visit_task).to_contain_text(long_date(due_after))
    visits = wpage.locator("section[aria-labelledby=visits-heading] tbody tr")
    expect(visits).to_have_count(1)
    expect(visits.first).to_contain_text("Child protection visit")
    expect(visits.first).to_contain_text(re.compile(r"Yes\s+Yes\s+Yes"))
    desk_worker.check_accessibility("case page, after the visit")

    desk_worker.go("/casework/tasks/")
    visit_on_list = wpage.locator("tbody tr").filter(
        has_text="Visit and see the child (child protection plan)"
    )
    expect(visit_on_list).to_contain_text(f"{due_after.day} {due_after:%b %Y}")
    desk_worker.check_accessibility("my tasks, on a plan")
    screenshot(wpage, "cp-07-my-tasks")
    visit_on_list.get_by_role("link").click()
    wpage.wait_for_url(re.compile(rf"/cases/referrals/{referral.pk}/$"))

    assessment = Assessment.objects.get(referral=referral)
    follow(
        desk_worker,
        "Complete the assessment",
        rf"/cases/assessments/{assessment.pk}/complete/$",
        "complete the assessment",
    )
    fill_date(wpage, "completed_on", ago(100))
    wpage.locator("input[name=outcome][value=strategy]").check()
    fill_date(wpage, "child_seen_on", ago(146))
    wpage.locator("input[name=factors][value='16A']").check()
    wpage.locator("input[name=factors][value='3B']").check()
    wpage.locator("#id_summary").fill(
        "Neglect of Elowen's basic needs; her mother is subject to domestic abuse."
    )
    submit(desk_worker, "Complete and send for authorisation", referral)
    expect(wpage.locator("section[aria-labelledby=assessment-heading]")).to_contain_text(
        "Waiting for a manager"
    )

    # --- 6. the IRO: a review conference (continue), then the final review (end) -------------------
    open_case(desk_iro, referral, "case page for the IRO, review due")
    first_review = Conference.objects.get(referral=referral, kind=ConferenceKind.REVIEW, held_on__isnull=True)
    follow(
        desk_iro,
        "Record the outcome of the review child protection conference",
        rf"/cases/protection/conferences/{first_review.pk}/record/$",
        "record the first review conference",
    )
    fill_date(ipage, "held_on", ago(40))
    ipage.locator("input[name=decision][value=continue]").check()
    ipage.locator("input[name=quorate][value=yes]").check()
    submit(desk_iro, "Save the outcome", referral)
    expect(stage_tag(ipage)).to_have_text(f"Stage: {Stage.CP_PLAN.label}")
    final_review = Conference.objects.get(referral=referral, kind=ConferenceKind.REVIEW, held_on__isnull=True)
    follow(
        desk_iro,
        "Record the outcome of the review child protection conference",
        rf"/cases/protection/conferences/{final_review.pk}/record/$",
        "record the final review conference",
    )
    fill_date(ipage, "held_on", clock.today())
    ipage.locator("input[name=decision][value=end]").check()
    ipage.locator("#id_chair").select_option(str(iro.pk))
    ipage.locator("input[name=quorate][value=yes]").check()
    ipage.locator("#id_summary").fill("Elowen is no longer at risk of significant harm: the plan ends.")
    submit(desk_iro, "Save the outcome", referral)
    expect(plans).to_contain_text("Ended at a review conference")
    # The plan has ended; the assessment waits for the manager.
    expect(stage_tag(ipage)).to_have_text(f"Stage: {Stage.ASSESSMENT.label}")
    desk_iro.check_accessibility("case page, plan ended")
    plan.refresh_from_db()
    assert plan.ended_on == clock.today()

    # --- 7. the manager authorises the assessment and closes the case ------------------------------
    open_case(desk_manager, referral, "case page for the manager, plan ended")
    follow(
        desk_manager,
        "Authorise or return the assessment",
        rf"/cases/assessments/{assessment.pk}/authorise/$",
        "authorise the assessment",
    )
    expect(page.locator("main")).to_contain_text("Strategy discussion (possible section 47 enquiry)")
    fill_date(page, "authorise-authorised_on", clock.today())
    submit(desk_manager, "Authorise the assessment", referral)
    expect(stage_tag(page)).to_have_text(f"Stage: {Stage.CHILD_IN_NEED.label}")
    follow(
        desk_manager, "Close the case", rf"/cases/referrals/{referral.pk}/close/$", "close the case, again"
    )
    fill_date(page, "closed_on", clock.today())
    page.locator("#id_reason").select_option("RC7")
    submit(desk_manager, "Close the case", referral)
    expect(stage_tag(page)).to_have_text(f"Stage: {Stage.CLOSED.label}")
    expect(case_tasks(page)).to_contain_text("No open tasks.")
    expect(page.locator("section[aria-labelledby=referral-heading]")).to_contain_text(
        re.compile(rf"Closed\s*{long_date(clock.today())}: Services ceased")
    )
    desk_manager.check_accessibility("case page, closed")
    screenshot(page, "cp-08-closed")
    referral.refresh_from_db()
    assert (referral.closed_on, referral.closure_reason) == (clock.today(), "RC7")
    assert not Task.objects.filter(involvement=referral.involvement, status="open").exists()
    assert Visit.objects.get(referral=referral).seen_alone is True

    # --- 8. the chronology, from the child's record -----------------------------------------------
    page.get_by_role("link", name=re.compile(r"^View .*'s record$")).click()
    page.wait_for_url(re.compile(rf"/people/{child.pk}/$"))
    desk_manager.check_accessibility("the child's record")
    page.get_by_role("link", name="Chronology", exact=True).click()
    page.wait_for_url(re.compile(rf"/people/{child.pk}/chronology/$"))
    events = page.locator("tbody")
    for day, title in (
        (referred, "Referral to children's social care"),
        (ago(148), "Child and family assessment started"),
        (ago(145), "Strategy discussion"),
        (ago(145), "Section 47 enquiry started"),
        (ago(135), "Section 47 enquiry completed"),
        (ago(130), "Initial child protection conference"),
        (ago(130), "Child protection plan started"),
        (ago(40), "Review child protection conference"),
        (ago(4), "Child protection visit: child seen alone"),
        (clock.today(), "Child protection plan ended"),
        (clock.today(), "Child and family assessment authorised"),
        (clock.today(), "Case closed"),
    ):
        expect(
            events.locator("tr").filter(has_text=title).filter(has_text=long_date(day)).first
        ).to_be_visible()
    desk_manager.check_accessibility("the child's chronology")
    screenshot(page, "cp-09-chronology")

    assert not journey.csp_violations, f"R2: CSP violations: {journey.csp_violations}"
    assert not [r for r in caplog.records if r.name == "safehub.csp"]
    typed = (CHILD_GIVEN, FAMILY, BORN.isoformat(), "Penhallow", "Tregarthen")
    leaks = [u for u in journey.requested_urls if any(t in u or quote(t) in u for t in typed)]
    assert not leaks, f"R4: personal data in URLs: {leaks}"
    assert len(journey.axe_checked) >= 30, journey.axe_checked
