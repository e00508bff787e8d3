"""Early help in a real browser, from a school's request for support to closure, and a step-up.

Issue 9, item 7. A school's designated lead asks the early help team to support Tamsin's family:
first without the family's agreement (refused at that box, with the pointer to the front door),
then with it. The early help practitioner finds the request in "Requests for support", accepts
it onto Tamsin's existing record and lands on the family's episode. They record consent, start
and complete the assessment in the family's words, add a health visitor to the team around the
family and record the first TAF meeting: an action without an owner is refused at its owner box,
then saved with one. They start the family's plan with two goals and their baselines; a review
dated before the plan started is refused at the date; a review scores the goals, a second marks
them achieved, and early help closes with "needs met". While she is in the team the school's lead
sees the family in her list; a lead from another school, not in the team, gets 404 (R18, R19),
and the school's lead loses the family the day it closes.

The second journey steps a family up: the practitioner uses "Step up to the front door" on an
episode built through the services, and the MASH manager finds the step-up contact, carrying the
family's words and plan goal, in the MASH queue.

Each user has a desk of their own (test_child_protection_journey.py explains), so nobody waits for
a fresh TOTP code.

R59 (no serious or critical axe-core violation on any page visited), R2 (no CSP violation),
R4 (only opaque ids in the URLs visited), R18/R19 (a partner sees only the families whose team
they are in; any other episode answers 404).
"""

import logging
import re
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from safehub.accounts.constants import AgencyKind, Role, TeamKind
from safehub.accounts.models import TeamMembership
from safehub.accounts.tests.factories import AgencyFactory, TeamFactory, UserFactory, enrol_totp
from safehub.early_help.constants import (
    ConsentState,
    EndReason,
    EpisodeSource,
    GoalStatus,
    NeedArea,
    RequestStatus,
    StepDirection,
    TafRole,
)
from safehub.early_help.models import (
    EarlyHelpEpisode,
    GoalScore,
    PlanAction,
    PlanGoal,
    Step,
    SupportRequest,
    TafMeeting,
    TafMember,
)
from safehub.early_help.services.assessment import assessment_complete, assessment_start, assessment_update
from safehub.early_help.services.consent import consent_record
from safehub.early_help.services.episodes import episode_open
from safehub.early_help.services.plan import NewGoal, plan_start
from safehub.front_door.constants import Channel, ConcernCategory, ConsentStatus
from safehub.front_door.models import Contact
from safehub.people.constants import Sex
from safehub.people.tests.factories import indexed_person
from safehub.platform import clock
from tests.conftest import Journey

from .test_child_protection_journey import (
    ago,
    desks,  # noqa: F401  (the fixture)
    open_desk,
    signed_in_here,
)
from .test_people_journey import fill_date, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHILD_GIVEN, FAMILY = "Tamsin", "Oakhurst"
BORN = date(2016, 6, 21)
REASON = (
    "Tamsin has been late most mornings this term and her mum says the evenings at home are hard "
    "since her dad left. The school's breakfast club has helped a little."
)
FAMILY_WORDS = "We just want the mornings to be calmer and Tamsin to be happy going to school."
GOAL_SCHOOL = "Tamsin gets to school on time every day"
GOAL_HOME = "Calmer evenings, with a bedtime routine"
EPISODE_URL = r"/early-help/episodes/[0-9a-f-]{36}/$"


# --- shared steps ------------------------------------------------------------------------------------


def episode_path(episode: Any) -> str:
    return f"/early-help/episodes/{episode.pk}/"


def follow(desk: Journey, link: str, url: str, label: str) -> None:
    """Click a link in the page's main content (not the menu), wait for the page it leads to, and
    check it with axe."""
    desk.page.locator("main").get_by_role("link", name=link, exact=True).click()
    desk.page.wait_for_url(re.compile(url))
    desk.check_accessibility(label)


def open_form(desk: Journey, link: str, episode: Any, suffix: str, label: str) -> None:
    """Follow a link on the episode page to one of its forms (`suffix` after the episode's path)."""
    follow(desk, link, rf"{episode_path(episode)}{suffix}$", label)


def save(desk: Journey, button: str, episode: Any, label: str) -> None:
    """Press the form's button, wait to be back on the episode page, and check it with axe."""
    desk.page.get_by_role("button", name=button, exact=True).click()
    desk.page.wait_for_url(re.compile(rf"{episode_path(episode)}$"))
    desk.check_accessibility(label)


def refused(desk: Journey, field_id: str, message: str, label: str) -> None:
    """The page came back with an error summary linking to `field_id`, and the message at the field."""
    page = desk.page
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(f".govuk-error-summary a[href='#{field_id}']")).to_contain_text(message)
    expect(page.locator(f"#{field_id}-error")).to_contain_text(message)
    desk.check_accessibility(label)


def not_found(desk: Journey, path: str, label: str) -> None:
    """R18/R19: the page answers 404, as for an episode that does not exist."""
    response = desk.go(path)
    assert response is not None
    assert response.status == 404
    desk.check_accessibility(label)


def section(page: Any, heading_id: str) -> Any:
    return page.locator(f"section[aria-labelledby={heading_id}]")


def assert_clean(journey: Journey, caplog: Any, typed: tuple[str, ...], pages: int) -> None:
    assert not journey.csp_violations, f"R2: CSP violations: {journey.csp_violations}"
    assert not [r for r in caplog.records if r.name == "safehub.csp"]
    leaks = [u for u in journey.requested_urls if any(t in u or quote(t) in u for t in typed)]
    assert not leaks, f"R4: personal data in URLs: {leaks}"
    assert len(journey.axe_checked) >= pages, journey.axe_checked


def user(role: str, agency: Any, email: str, full_name: str) -> Any:
    return UserFactory(role=role, agency=agency, email=email, full_name=full_name)


def early_help_team(council: Any, email: str, full_name: str) -> tuple[Any, Any]:
    """The council's early help team and one practitioner in it."""
    team: Any = TeamFactory(name="Harbourside Early Help Team", kind=TeamKind.EARLY_HELP, agency=council)
    practitioner = user(Role.EARLY_HELP, council, email, full_name)
    TeamMembership.objects.create(team=team, user=practitioner)
    return team, practitioner


# --- 1. a school's request, through the family's plan, to closure with needs met ---------------------


def test_a_schools_request_to_closure_with_needs_met(
    journey,
    desks,  # noqa: F811  (the fixture imported above)
    browser,
    transactional_db,
    code_lists,
    caplog,
) -> None:
    caplog.set_level(logging.WARNING, logger="safehub.csp")
    council: Any = AgencyFactory(name="Harbourside Children's Services", kind=AgencyKind.CHILDRENS_SERVICES)
    school: Any = AgencyFactory(name="Harbourside Primary School", kind=AgencyKind.SCHOOL)
    other_school: Any = AgencyFactory(name="Eastcliff Academy", kind=AgencyKind.SCHOOL)
    health: Any = AgencyFactory(name="Harbourside Community Health", kind=AgencyKind.HEALTH_TRUST)
    team, practitioner = early_help_team(council, "practitioner@eh-journey.example.test", "Rhiannon Tull")
    lead = user(Role.EARLY_HELP_PARTNER, school, "lead@eh-journey.example.test", "Graham Pellow")
    outsider = user(
        Role.EARLY_HELP_PARTNER, other_school, "outsider@eh-journey.example.test", "Bethan Carrow"
    )
    secrets = {user.pk: enrol_totp(user) for user in (lead, practitioner, outsider)}
    child = indexed_person(
        actor=practitioner, given_name=CHILD_GIVEN, family_name=FAMILY, date_of_birth=BORN, sex=Sex.FEMALE
    )
    today = clock.today()

    # --- the school's lead asks for early help: refused without the family's agreement ------------
    desk_lead = signed_in_here(journey, lead, secrets[lead.pk])
    page = desk_lead.page
    desk_lead.check_accessibility("the school lead's home page")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Ask for early help").click()
    page.wait_for_url(re.compile(r"/early-help/requests/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your requests for support")
    desk_lead.check_accessibility("your requests for support, none yet")
    follow(desk_lead, "Ask for early help", r"/early-help/requests/new/$", "ask for early help")
    page.locator("#id_child_first_name").fill(CHILD_GIVEN)
    page.locator("#id_child_last_name").fill(FAMILY)
    fill_date(page, "child_date_of_birth", BORN)
    page.locator("#id_parent_carer_names").fill("Mum, Carys Oakhurst; Tamsin lives with her.")
    page.locator(f"input[name=needs][value={NeedArea.EDUCATION}]").check()
    page.locator(f"input[name=needs][value={NeedArea.RELATIONSHIPS}]").check()
    page.locator("#id_reason").fill(REASON)
    page.get_by_role("button", name="Send the request", exact=True).click()
    refused(
        desk_lead,
        "id_family_consents",
        "Early help needs the family's agreement",
        "ask for early help, refused without consent",
    )
    expect(page.locator("#id_family_consents-error")).to_contain_text("make a referral to the front door")
    screenshot(page, "eh-01-request-refused")
    assert not SupportRequest.objects.exists()

    page.locator("#id_family_consents").check()
    page.get_by_role("button", name="Send the request", exact=True).click()
    page.wait_for_url(re.compile(r"/early-help/requests/$"))
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"{CHILD_GIVEN} {FAMILY}")
    expect(rows.first).to_contain_text("Waiting for the early help team")
    desk_lead.check_accessibility("your requests for support, one sent")
    support = SupportRequest.objects.get()
    assert (support.requested_by, support.agency, support.family_consents) == (lead, school, True)
    assert support.child_date_of_birth == BORN
    assert sorted(support.needs) == sorted([NeedArea.EDUCATION, NeedArea.RELATIONSHIPS])

    # --- the practitioner accepts it onto Tamsin's existing record ---------------------------------
    desk_eh = open_desk(journey, browser, desks, practitioner, secrets[practitioner.pk])
    epage = desk_eh.page
    desk_eh.check_accessibility("the practitioner's home page")
    epage.get_by_role("navigation", name="Menu").get_by_role("link", name="Requests for support").click()
    epage.wait_for_url(re.compile(r"/early-help/inbox/$"))
    expect(epage.get_by_role("heading", level=1)).to_have_text("Families waiting for early help")
    desk_eh.check_accessibility("requests for support")
    request_row = epage.locator("tr").filter(has_text=f"{CHILD_GIVEN} {FAMILY}")
    expect(request_row).to_contain_text(school.name)
    request_row.get_by_role("link", name=re.compile(r"^Accept")).click()
    epage.wait_for_url(re.compile(rf"/early-help/requests/{support.pk}/accept/$"))
    expect(epage.get_by_role("heading", level=1)).to_have_text("Accept the request and open early help")
    expect(epage.locator("main")).to_contain_text(REASON)
    desk_eh.check_accessibility("accept the request")
    epage.locator(f"input[name=person][value='{child.pk}']").check()
    expect(epage.locator("#id_family_name")).to_have_value(f"the {FAMILY} family")
    epage.locator("#id_team").select_option(str(team.pk))
    epage.locator("#id_worker").select_option(f"{team.pk}:{practitioner.pk}")
    epage.get_by_role("button", name="Open early help", exact=True).click()
    epage.wait_for_url(re.compile(EPISODE_URL))
    episode = EarlyHelpEpisode.objects.get()
    expect(epage.get_by_role("heading", level=1)).to_contain_text(f"The {FAMILY} family")
    expect(section(epage, "family-heading")).to_contain_text(f"{CHILD_GIVEN}")
    expect(section(epage, "team-heading")).to_contain_text(lead.full_name)
    desk_eh.check_accessibility("episode page, just opened")
    screenshot(epage, "eh-02-episode-opened")
    support.refresh_from_db()
    assert (support.status, support.episode) == (RequestStatus.ACCEPTED, episode)
    assert episode.source == EpisodeSource.PARTNER_REQUEST
    assert [m.person for m in episode.members.all()] == [child]
    # Not willing to lead: the school's lead joins the team as a member, with her account.
    school_member = TafMember.objects.get(episode=episode, user=lead)
    assert (school_member.role, school_member.left_on) == (TafRole.MEMBER, None)

    # --- consent, and the assessment in the family's words ------------------------------------------
    open_form(desk_eh, "Record a change in consent", episode, "consent/", "record consent")
    epage.locator(f"input[name=state][value={ConsentState.GIVEN}]").check()
    epage.locator("#id_scope").fill(
        "The school and the health visitor may share what they know with the team."
    )
    save(desk_eh, "Record consent", episode, "episode page, consent given")
    expect(section(epage, "consent-heading")).to_contain_text("Consent given")

    open_form(desk_eh, "Start the assessment", episode, "assessment/start/", "start the assessment")
    save(desk_eh, "Start the assessment", episode, "episode page, assessment started")
    expect(section(epage, "assessment-heading")).to_contain_text("in progress")
    open_form(desk_eh, "Update the assessment", episode, "assessment/edit/", "update the assessment")
    epage.locator("#id_strengths").fill("Mum is warm and wants help; Tamsin loves drama club.")
    epage.locator(f"input[name=needs][value={NeedArea.EDUCATION}]").check()
    epage.locator(f"input[name=needs][value={NeedArea.RELATIONSHIPS}]").check()
    epage.locator("#id_needs_summary").fill(
        "Mornings are a struggle; bedtimes are late and often end in tears."
    )
    epage.locator("#id_family_views").fill(FAMILY_WORDS)
    epage.locator("#id_child_views").fill("I like school when I get there before the bell.")
    save(desk_eh, "Save the assessment", episode, "episode page, assessment updated")
    open_form(desk_eh, "Complete the assessment", episode, "assessment/complete/", "complete the assessment")
    save(desk_eh, "Complete the assessment", episode, "episode page, assessment completed")
    assessment_box = section(epage, "assessment-heading")
    expect(assessment_box).to_contain_text(FAMILY_WORDS)
    expect(assessment_box).to_contain_text("completed")
    assessment = episode.assessments.get()
    assert (assessment.completed_on, assessment.family_views) == (today, FAMILY_WORDS)

    # --- the team around the family: a health visitor joins; the first TAF meeting ----------------
    open_form(desk_eh, "Add a member to the team", episode, "team/add/", "add a team member")
    epage.locator("#id_name").fill("Morwen Trescothick")
    epage.locator("#id_agency").select_option(str(health.pk))
    epage.locator("#id_job_title").fill("Health visitor")
    save(desk_eh, "Add to the team", episode, "episode page, health visitor added")
    expect(section(epage, "team-heading")).to_contain_text("Morwen Trescothick")
    health_visitor = TafMember.objects.get(episode=episode, name="Morwen Trescothick")

    open_form(desk_eh, "Record a meeting", episode, "meetings/new/", "record a meeting")
    epage.locator("input[name=kind][value=initial]").check()
    epage.locator("#id_notes").fill("Mum and Tamsin came. Everyone agreed to start with the mornings.")
    epage.locator("#id_action_1_description").fill("Offer Tamsin a breakfast club place")
    fill_date(epage, "action_1_due_on", today + timedelta(days=14))
    epage.get_by_role("button", name="Record the meeting", exact=True).click()
    refused(desk_eh, "id_action_1_owner", "Every action needs an owner", "record a meeting, no owner")
    screenshot(epage, "eh-03-action-without-owner")
    assert not TafMeeting.objects.exists()
    epage.locator("#id_action_1_owner").select_option(str(school_member.pk))
    epage.locator("#id_action_2_description").fill("Bedtime routine sessions with mum at home")
    epage.locator("#id_action_2_owner").select_option(str(health_visitor.pk))
    fill_date(epage, "action_2_due_on", today + timedelta(days=28))
    save(desk_eh, "Record the meeting", episode, "episode page, first TAF meeting")
    expect(section(epage, "meetings-heading")).to_contain_text("First TAF meeting")
    actions_box = section(epage, "actions-heading")
    expect(actions_box).to_contain_text("Offer Tamsin a breakfast club place")
    expect(actions_box).to_contain_text(lead.full_name)
    meeting = TafMeeting.objects.get()
    owners = {a.description: a.owner for a in PlanAction.objects.filter(meeting=meeting)}
    assert owners == {
        "Offer Tamsin a breakfast club place": school_member,
        "Bedtime routine sessions with mum at home": health_visitor,
    }

    # --- the family's plan: two goals with their baselines -----------------------------------------
    open_form(desk_eh, "Start the family's plan", episode, "plan/start/", "start the plan")
    epage.locator("#id_summary").fill("Calmer mornings and evenings, so Tamsin is in school on time.")
    for row, (area, wording, baseline) in enumerate(
        ((NeedArea.EDUCATION, GOAL_SCHOOL, 3), (NeedArea.RELATIONSHIPS, GOAL_HOME, 4)), start=1
    ):
        epage.locator(f"#id_goal_{row}_area").select_option(str(area))
        epage.locator(f"#id_goal_{row}_description").fill(wording)
        epage.locator(f"#id_goal_{row}_baseline").select_option(str(baseline))
    save(desk_eh, "Start the plan", episode, "episode page, plan started")
    expect(section(epage, "plan-heading")).to_contain_text(GOAL_SCHOOL)
    goals = {g.description: g for g in PlanGoal.objects.filter(plan__episode=episode)}
    assert {d: g.baseline for d, g in goals.items()} == {GOAL_SCHOOL: 3, GOAL_HOME: 4}

    # --- the school's lead sees the family while she is in the team; another school's lead does not --
    desk_lead.go("/early-help/")
    family_row = page.locator("tbody tr").filter(has_text=f"the {FAMILY} family")
    expect(family_row).to_have_count(1)
    desk_lead.check_accessibility("the school lead's early help list")
    family_row.get_by_role("link", name=f"the {FAMILY} family").click()
    page.wait_for_url(re.compile(rf"{episode_path(episode)}$"))
    expect(section(page, "plan-heading")).to_contain_text(GOAL_HOME)
    desk_lead.check_accessibility("episode page for the school's lead")
    desk_lead.go("/early-help/requests/")
    expect(page.locator("tbody tr").first).to_contain_text("Accepted")
    desk_lead.check_accessibility("your requests for support, accepted")

    desk_out = open_desk(journey, browser, desks, outsider, secrets[outsider.pk])
    not_found(desk_out, episode_path(episode), "episode page for another school's lead: not found")
    desk_out.go("/early-help/")
    expect(desk_out.page.locator("main")).to_contain_text("No families match these filters.")
    desk_out.check_accessibility("another school's lead's early help list, empty")

    # --- plan reviews: one dated before the plan started is refused; scores rise; goals achieved -----
    open_form(desk_eh, "Review the plan", episode, "plan/review/", "review the plan")
    fill_date(epage, "reviewed_on", today - timedelta(days=1))
    epage.locator(f"#id_score_{goals[GOAL_SCHOOL].pk}").select_option("5")
    epage.locator(f"#id_score_{goals[GOAL_HOME].pk}").select_option("6")
    epage.locator("#id_summary").fill("Breakfast club three days a week; bedtime by half past eight.")
    epage.get_by_role("button", name="Record the review", exact=True).click()
    refused(
        desk_eh,
        "id_reviewed_on",
        "A review cannot be before the plan started",
        "review the plan, date refused",
    )
    screenshot(epage, "eh-04-review-refused")
    assert not GoalScore.objects.exists()
    fill_date(epage, "reviewed_on", today)
    epage.locator("#id_family_views").fill("Mornings are better. Tamsin says she likes the toast.")
    save(desk_eh, "Record the review", episode, "episode page, first review")

    open_form(desk_eh, "Review the plan", episode, "plan/review/", "review the plan again")
    epage.locator(f"#id_score_{goals[GOAL_SCHOOL].pk}").select_option("8")
    epage.locator(f"#id_score_{goals[GOAL_HOME].pk}").select_option("7")
    for goal in goals.values():
        epage.locator(f"input[name=achieved][value='{goal.pk}']").check()
    epage.locator("#id_summary").fill("On time every day for four weeks; evenings are calm.")
    epage.locator("#id_family_views").fill("We can manage this ourselves now, with the school.")
    save(desk_eh, "Record the review", episode, "episode page, goals achieved")
    plan_box = section(epage, "plan-heading")
    expect(plan_box.locator("tbody tr").filter(has_text=GOAL_SCHOOL)).to_contain_text("+5")
    expect(plan_box.locator("tbody tr").filter(has_text=GOAL_HOME)).to_contain_text("+3")
    for description, goal in goals.items():
        goal.refresh_from_db()
        scores = list(GoalScore.objects.filter(goal=goal).order_by("review__created_at"))
        assert [s.score for s in scores] == {GOAL_SCHOOL: [5, 8], GOAL_HOME: [6, 7]}[description]
        assert scores[-1].score > goal.baseline
        assert (goal.status, goal.achieved_on) == (GoalStatus.ACHIEVED, today)

    # --- early help closes with needs met ------------------------------------------------------------
    open_form(desk_eh, "Close early help", episode, "close/", "close early help")
    epage.locator(f"input[name=end_reason][value={EndReason.NEEDS_MET}]").check()
    epage.locator("#id_summary").fill(
        "Tamsin is on time every day; the school keeps her breakfast club place."
    )
    save(desk_eh, "Close early help", episode, "episode page, closed")
    expect(epage.get_by_role("heading", level=1)).to_contain_text("Closed")
    expect(epage.locator("main")).to_contain_text(f"{EndReason.NEEDS_MET.label}")
    screenshot(epage, "eh-05-closed")
    episode.refresh_from_db()
    assert (episode.closed_on, episode.end_reason) == (today, EndReason.NEEDS_MET)
    assert not TafMember.objects.filter(episode=episode, left_on__isnull=True).exists()

    # Closing ended the team's memberships: the school's lead no longer sees the family (R18).
    desk_lead.go("/early-help/?status=closed")
    expect(page.locator("main")).to_contain_text("No families match these filters.")
    desk_lead.check_accessibility("the school lead's list after closure")
    not_found(desk_lead, episode_path(episode), "episode page for the school's lead after closure")

    typed = (CHILD_GIVEN, FAMILY, BORN.isoformat())
    assert_clean(journey, caplog, typed, pages=30)


# --- 2. a step-up to the front door ------------------------------------------------------------------


def _family_with_a_plan(practitioner: Any, team: Any, child: Any) -> EarlyHelpEpisode:
    """An episode 40 days old, built through the services: consent, a completed assessment in the
    family's words and a plan with one goal."""
    opened_on = ago(40)
    episode = episode_open(
        actor=practitioner,
        family_name=f"the {FAMILY} family",
        source=EpisodeSource.PARTNER_REQUEST,
        reason=REASON,
        opened_on=opened_on,
        team=team,
        organisation=team.agency,
        children=[child],
        worker=practitioner,
    )
    consent_record(
        actor=practitioner,
        episode=episode,
        state=ConsentState.GIVEN,
        recorded_on=opened_on,
        scope="The school may share attendance with the team.",
    )
    assessment = assessment_start(actor=practitioner, episode=episode, started_on=opened_on)
    assessment = assessment_update(
        actor=practitioner,
        assessment=assessment,
        expected_version=assessment.version,
        strengths="Mum is warm and wants help.",
        needs=[NeedArea.EDUCATION],
        needs_summary="Mornings are a struggle.",
        family_views=FAMILY_WORDS,
        child_views="",
    )
    assessment_complete(
        actor=practitioner, assessment=assessment, expected_version=assessment.version, completed_on=ago(30)
    )
    plan_start(
        actor=practitioner,
        episode=episode,
        started_on=ago(28),
        summary="Calmer mornings.",
        goals=[NewGoal(NeedArea.EDUCATION, GOAL_SCHOOL, 3)],
    )
    return episode


def test_a_step_up_to_the_front_door(
    journey,
    desks,  # noqa: F811  (the fixture imported above)
    browser,
    transactional_db,
    code_lists,
    caplog,
) -> None:
    caplog.set_level(logging.WARNING, logger="safehub.csp")
    council: Any = AgencyFactory(name="Harbourside Children's Services", kind=AgencyKind.CHILDRENS_SERVICES)
    team, practitioner = early_help_team(council, "stepper@eh-journey.example.test", "Kit Venning")
    manager = user(Role.MASH_MANAGER, council, "mash@eh-journey.example.test", "Lowenna Hosking")
    secrets = {user.pk: enrol_totp(user) for user in (practitioner, manager)}
    child = indexed_person(
        actor=practitioner, given_name=CHILD_GIVEN, family_name=FAMILY, date_of_birth=BORN, sex=Sex.FEMALE
    )
    episode = _family_with_a_plan(practitioner, team, child)
    worry = "Mum told me her new partner hit her in front of Tamsin on Saturday night."

    # --- the practitioner steps the family up ------------------------------------------------------
    desk_eh = signed_in_here(journey, practitioner, secrets[practitioner.pk])
    page = desk_eh.page
    desk_eh.go(episode_path(episode))
    expect(section(page, "steps-heading")).to_contain_text("None.")
    desk_eh.check_accessibility("episode page before the step-up")
    open_form(desk_eh, "Step up to the front door", episode, "step-up/", "step up to the front door")
    page.locator("#id_reason").fill(worry)
    page.locator(f"input[name=concerns][value={ConcernCategory.DOMESTIC_ABUSE}]").check()
    page.locator(f"input[name=consent][value={ConsentStatus.GIVEN}]").check()
    save(desk_eh, "Step up", episode, "episode page, stepped up")
    contact = Contact.objects.get()
    steps_box = section(page, "steps-heading")
    expect(steps_box).to_contain_text("waiting")
    expect(steps_box).to_contain_text(contact.reference)
    # A step-up is waiting for the MASH: the page no longer offers another.
    expect(page.get_by_role("link", name="Step up to the front door", exact=True)).to_have_count(0)
    screenshot(page, "eh-06-stepped-up")

    assert contact.channel == Channel.EARLY_HELP
    assert worry in contact.summary
    assert FAMILY_WORDS in contact.summary
    assert GOAL_SCHOOL in contact.summary
    assert list(contact.concerns.values_list("category", flat=True)) == [ConcernCategory.DOMESTIC_ABUSE]
    assert contact.subjects.get().person == child
    step = Step.objects.get(episode=episode)
    assert (step.direction, step.other_reference, step.completed_on) == (
        StepDirection.UP,
        contact.reference,
        None,
    )
    assert step.requested_on == clock.today()

    # --- the MASH manager finds it in the queue ------------------------------------------------------
    desk_mash = open_desk(journey, browser, desks, manager, secrets[manager.pk])
    mpage = desk_mash.page
    desk_mash.go("/mash/")
    row = mpage.locator("tbody tr").filter(has_text=contact.reference)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(Channel.EARLY_HELP.label)
    desk_mash.check_accessibility("MASH queue with the step-up")
    row.get_by_role("link", name=contact.reference).click()
    mpage.wait_for_url(re.compile(rf"/mash/contacts/{contact.pk}/$"))
    expect(mpage.locator("main")).to_contain_text(FAMILY_WORDS)
    desk_mash.check_accessibility("the step-up contact")

    typed = (CHILD_GIVEN, FAMILY, BORN.isoformat())
    assert_clean(journey, caplog, typed, pages=5)
