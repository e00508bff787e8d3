"""A multi-agency case audit round in a real browser, from the tool to the completed programme.

Issue 10, item 7. The partnership manager opens "Case audits" from the menu, creates a neglect
audit tool of three questions and opens a programme on it, then samples two cases at random from
the children with open child in need and child protection work (a child known only to early help,
and one whose casework has closed, are never drawn). Case 1 goes to a police and a health
safeguarding lead; case 2 to the health lead and a school's lead.

The police lead finds case 1 under "My audits" and sees the child's record in summary. They grade
one question and try to submit: refused, with the count of questions left and the message at each
question still to grade. They grade the rest, submit "Requires improvement" and add a finding
tagged with a theme. The school's lead, who audits case 2 but not case 1, gets 404 on case 1
(R18, R19). The health lead grades case 1 "Inadequate". Case 2's auditors submit through the
services, so the programme moves to moderation.

The manager moderates case 1: a grade that differs from an auditor's without a note is refused at
the note; with the note the case is "Moderated". Completing the programme is refused while case 2
is not moderated; case 2 is moderated through the services and the programme completes.

Each user has a desk of their own (test_child_protection_journey.py explains), so nobody waits for
a fresh TOTP code.

R59 (no serious or critical axe-core violation on any page visited), R2 (no CSP violation),
R4 (only opaque ids in the URLs visited), R18/R19 (an auditor opens only the cases given to them;
any other answers 404), R27 (opening a case audit is audited as a read of the child's record).
"""

import logging
import re
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.tests.factories import AgencyFactory, UserFactory, enrol_totp
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.casework.constants import CaseService
from safehub.casework.tests.factories import InvolvementFactory
from safehub.learning.constants import AuditGrade, CaseAuditStatus, ProgrammeStatus
from safehub.learning.models import AuditFinding, AuditProgramme, AuditTool, CaseAudit, CaseAuditor, Theme
from safehub.learning.services.audits import audit_answers_save, audit_moderate, audit_submit
from safehub.people.constants import Sex
from safehub.people.tests.factories import PersonFactory
from safehub.platform import clock
from tests.conftest import Journey

from .test_child_protection_journey import (
    desks,  # noqa: F401  (the fixture)
    long_date,
    open_desk,
    signed_in_here,
)
from .test_early_help_journey import assert_clean, follow, not_found, refused, section
from .test_people_journey import fill_date, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TOOL = "Neglect: the child's lived experience"
QUESTIONS = (
    "Was the child seen, and seen alone, at every visit?",
    "Do the records show what daily life is like for the child?",
    "Did the agencies share what they knew when it mattered?",
)
PROGRAMME = "Neglect audit, winter 2026"
FOCUS = "Children living with neglect: whether the child's daily life is seen and shared."
THEME = "The child's lived experience"
# (given name, family name, date of birth): synthetic children with open child in need work.
SAMPLED = (("Morwenna", "Penhallow", date(2015, 3, 2)), ("Jory", "Trevithick", date(2018, 9, 30)))
FINDING = "The child's views are missing from the last two visits; the school's worries were not shared."
SAMPLED_BORN = {f"{given} {family}": born for given, family, born in SAMPLED}
AUDITS = "/learning/audits/"
UUID = r"[0-9a-f-]{36}"


# --- shared steps ------------------------------------------------------------------------------------


def case_path(case: CaseAudit) -> str:
    return f"{AUDITS}cases/{case.pk}/"


def programme_path(programme: AuditProgramme) -> str:
    return f"{AUDITS}programmes/{programme.pk}/"


def child_name(case: CaseAudit) -> str:
    return f"{case.child.given_name} {case.child.family_name}"


def partner(agency: Any, email: str, full_name: str) -> Any:
    """A partner agency's safeguarding lead, who audits the cases given to them."""
    return UserFactory(role=Role.LEARNING_PARTNER, agency=agency, email=email, full_name=full_name)


def open_children() -> list[Any]:
    """Two children with open child in need work (the sample's pool), and two who must never be
    drawn: one known only to early help, one whose child in need work has closed."""
    pool: list[Any] = []
    for given, family, born in SAMPLED:
        child = PersonFactory(given_name=given, family_name=family, date_of_birth=born, sex=Sex.FEMALE)
        InvolvementFactory(person=child, service=CaseService.CHILD_IN_NEED, title="Child in need plan")
        pool.append(child)
    InvolvementFactory(person=PersonFactory(), service=CaseService.EARLY_HELP, title="Early help")
    InvolvementFactory(
        person=PersonFactory(),
        service=CaseService.CHILD_IN_NEED,
        closed_on=clock.today() - timedelta(days=3),
        opened_on=clock.today() - timedelta(days=90),
    )
    return pool


def add_auditor(desk: Journey, programme: AuditProgramme, number: int, user: Any) -> None:
    """From the programme page, give case `number` to `user`, and come back to the programme."""
    page = desk.page
    follow(
        desk,
        f"Add an auditor to case {number}",
        rf"{AUDITS}cases/{UUID}/auditors/new/$",
        f"add an auditor to case {number}",
    )
    page.locator("#id_user").select_option(str(user.pk))
    page.get_by_role("button", name="Add the auditor", exact=True).click()
    page.wait_for_url(re.compile(rf"{programme_path(programme)}$"))
    expect(page.locator("main")).to_contain_text(f"is auditing case {number}")
    desk.check_accessibility(f"programme page, {user.full_name} on case {number}")


def open_from_my_audits(desk: Journey, case: CaseAudit, number: int, label: str) -> None:
    """The auditor's "My audits" from the menu, then the case."""
    page = desk.page
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My audits").click()
    page.wait_for_url(re.compile(rf"{AUDITS}mine/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My audits")
    desk.check_accessibility(f"my audits, {label}")
    page.locator("tbody tr").filter(has_text=f"Case {number}:").get_by_role("link").click()
    page.wait_for_url(re.compile(rf"{case_path(case)}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Case {number}: {child_name(case)}")
    desk.check_accessibility(f"case {number}, {label}")


def grade(page: Any, prefix: str, value: str) -> None:
    page.locator(f"input[name='{prefix}'][value='{value}']").check()


def answer(page: Any, number: int, value: str, comment: str) -> None:
    grade(page, f"answers-grade_{number}", value)
    page.locator(f"#id_answers-comment_{number}").fill(comment)


def press(desk: Journey, button: str, url: str, label: str) -> None:
    """Press a button, wait for the page it leads to, and check it with axe."""
    desk.page.get_by_role("button", name=button, exact=True).click()
    desk.page.wait_for_url(re.compile(url))
    desk.check_accessibility(label)


def submit_audit(desk: Journey, case: CaseAudit, value: str, summary: str, label: str) -> None:
    grade(desk.page, "submit-grade", value)
    desk.page.locator("#id_submit-summary").fill(summary)
    press(desk, "Submit your audit", rf"{case_path(case)}$", label)
    expect(desk.page.locator("main")).to_contain_text("Your audit of this case is submitted.")


def audited_by_services(case: CaseAudit, auditors: tuple[Any, ...], value: str) -> None:
    """Every auditor of `case` answers every question with `value` and submits it, through the
    services (the browser steps are the ones above)."""
    questions = list(case.programme.tool.questions.order_by("number"))
    for auditor in auditors:
        answers = {q.pk: (value, "Synthetic: seen in the record.") for q in questions}
        audit_answers_save(actor=auditor, case_audit=case, answers=answers)
        audit_submit(
            actor=auditor,
            case_audit=case,
            grade=value,
            summary="Synthetic: the plan was followed.",
            submitted_on=clock.today(),
        )


# --- the round -----------------------------------------------------------------------------------------


def test_an_audit_round_with_moderation(
    journey,
    desks,  # noqa: F811  (the fixture imported above)
    browser,
    transactional_db,
    caplog,
) -> None:
    caplog.set_level(logging.WARNING, logger="safehub.csp")
    council: Any = AgencyFactory(name="Harbourside Children's Services", kind=AgencyKind.CHILDRENS_SERVICES)
    police: Any = AgencyFactory(name="Harbourside Constabulary", kind=AgencyKind.POLICE)
    health: Any = AgencyFactory(name="Harbourside Community Health", kind=AgencyKind.HEALTH_TRUST)
    school: Any = AgencyFactory(name="Eastcliff Academy", kind=AgencyKind.SCHOOL)
    manager: Any = UserFactory(
        role=Role.PARTNERSHIP_MANAGER,
        agency=council,
        email="manager@audit-journey.example.test",
        full_name="Demelza Rowe",
    )
    officer = partner(police, "police@audit-journey.example.test", "Sergeant Ezra Polglase")
    nurse = partner(health, "health@audit-journey.example.test", "Tamara Jenkin")
    teacher = partner(school, "school@audit-journey.example.test", "Perran Nance")
    secrets = {u.pk: enrol_totp(u) for u in (manager, officer, nurse, teacher)}
    pool = open_children()
    theme = Theme.objects.create(name=THEME)
    today = clock.today()
    starts_on, due_on = today - timedelta(days=7), today + timedelta(days=21)

    # --- the partnership manager: a tool, a programme, a sample, auditors ----------------------------
    desk_pm = signed_in_here(journey, manager, secrets[manager.pk])
    page = desk_pm.page
    desk_pm.check_accessibility("the partnership manager's home page")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Case audits").click()
    page.wait_for_url(re.compile(rf"{AUDITS}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Case audits")
    expect(page.locator("main")).to_contain_text("No audit programmes yet.")
    desk_pm.check_accessibility("case audits, none yet")

    follow(desk_pm, "New audit tool", rf"{AUDITS}tools/new/$", "new audit tool")
    page.locator("#id_name").fill(TOOL)
    page.locator("#id_questions").fill("\n".join(QUESTIONS) + "\n\n")
    press(desk_pm, "Create the tool", rf"{AUDITS}programmes/new/$", "new audit programme")
    expect(page.locator("main")).to_contain_text(f"The audit tool “{TOOL}” is ready to use.")
    tool = AuditTool.objects.get()
    assert tool.name == TOOL
    assert list(tool.questions.order_by("number").values_list("text", flat=True)) == list(QUESTIONS)

    page.locator("#id_title").fill(PROGRAMME)
    page.locator("#id_tool").select_option(label=TOOL)
    fill_date(page, "starts_on", starts_on)
    fill_date(page, "due_on", due_on)
    page.locator("#id_focus").fill(FOCUS)
    page.locator(f"input[name=themes][value='{theme.pk}']").check()
    press(desk_pm, "Open the programme", rf"{AUDITS}programmes/{UUID}/$", "programme page, just opened")
    programme = AuditProgramme.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(PROGRAMME)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Auditing")
    expect(page.locator("main")).to_contain_text("No cases yet.")
    expect(section(page, "questions-heading").locator("li")).to_have_text(list(QUESTIONS))
    assert (programme.lead, programme.tool, programme.focus) == (manager, tool, FOCUS)
    assert (programme.starts_on, programme.due_on) == (starts_on, due_on)
    assert list(programme.themes.all()) == [theme]

    page.locator("#id_service").select_option(CaseService.CHILD_IN_NEED.value)
    page.locator("#id_count").fill("2")
    press(desk_pm, "Sample cases", rf"{programme_path(programme)}$", "programme page, two cases sampled")
    expect(page.locator("main")).to_contain_text("2 cases added to the programme.")
    cases_box = section(page, "cases-heading")
    expect(cases_box.locator("tbody tr")).to_have_count(2)
    # Drawn at random from the open child in need work only: the order is the draw's.
    assert {c.child_id for c in CaseAudit.objects.filter(programme=programme)} == {c.pk for c in pool}
    href = cases_box.get_by_role("link", name="Case 1", exact=True).get_attribute("href")
    case_one = CaseAudit.objects.select_related("child").get(pk=href.rstrip("/").rsplit("/", 1)[-1])
    case_two = CaseAudit.objects.select_related("child").exclude(pk=case_one.pk).get()
    expect(cases_box.locator("tbody tr").first).to_contain_text(child_name(case_one))
    screenshot(page, "audit-01-sampled")

    add_auditor(desk_pm, programme, 1, officer)
    add_auditor(desk_pm, programme, 1, nurse)
    add_auditor(desk_pm, programme, 2, nurse)
    add_auditor(desk_pm, programme, 2, teacher)
    first_row = cases_box.locator("tbody tr").first
    expect(first_row).to_contain_text(f"{officer.full_name}, {police.name}: not submitted")
    expect(first_row).to_contain_text(f"{nurse.full_name}, {health.name}: not submitted")
    assert {(a.user, a.agency) for a in case_one.auditors.all()} == {(officer, police), (nurse, health)}
    assert {(a.user, a.agency) for a in case_two.auditors.all()} == {(nurse, health), (teacher, school)}

    # --- the police lead: the child's summary, a submit refused, then the audit and a finding -------
    desk_police = open_desk(journey, browser, desks, officer, secrets[officer.pk])
    ppage = desk_police.page
    open_from_my_audits(desk_police, case_one, 1, "for the police lead")
    child_box = section(ppage, "child-heading")
    expect(child_box).to_contain_text(long_date(SAMPLED_BORN[child_name(case_one)]))
    expect(child_box).to_contain_text(CaseService.CHILD_IN_NEED.label)
    expect(child_box).to_contain_text("Child in need plan")
    # R27: showing the case is a read of the child's record, audited against the child.
    read = AuditEvent.objects.filter(actor=officer, verb=Verb.VIEW, section="case_audit")
    assert read.filter(object_type="people.person", object_id=str(case_one.child_id)).exists()
    assert read.filter(object_type="learning.caseaudit", object_id=str(case_one.pk)).exists()

    answer(ppage, 1, AuditGrade.GOOD, "Seen alone at three of four visits.")
    press(desk_police, "Save your answers", rf"{case_path(case_one)}$", "case 1, one answer saved")
    expect(ppage.locator("main")).to_contain_text("Your answers are saved.")
    grade(ppage, "submit-grade", AuditGrade.REQUIRES_IMPROVEMENT)
    ppage.locator("#id_submit-summary").fill("Visits happened but the child's day is not described.")
    ppage.get_by_role("button", name="Submit your audit", exact=True).click()
    ppage.wait_for_url(re.compile(rf"{case_path(case_one)}submit/$"))
    expect(ppage).to_have_title(re.compile(r"^Error: "))
    expect(ppage.locator(".govuk-error-summary")).to_contain_text(
        "2 questions are not answered yet: grade every question before submitting."
    )
    # The summary leads to each question still to grade, and each carries its message at its grade.
    expect(ppage.locator(".govuk-error-summary a[href='#id_answers-grade_2']")).to_contain_text(
        "Grade question 2 before you submit."
    )
    expect(ppage.locator(".govuk-error-summary a[href='#id_answers-grade_1']")).to_have_count(0)
    expect(ppage.locator("#id_answers-grade_2-error")).to_contain_text("Grade question 2 before you submit.")
    expect(ppage.locator("#id_answers-grade_3-error")).to_contain_text("Grade question 3 before you submit.")
    desk_police.check_accessibility("case 1, submit refused")
    expect(ppage.locator("#id_answers-grade_1-error")).to_have_count(0)
    screenshot(ppage, "audit-02-submit-refused")
    assert CaseAuditor.objects.get(case_audit=case_one, user=officer).submitted_on is None

    # The saved answer is still chosen; the two left are graded now.
    expect(ppage.locator(f"input[name='answers-grade_1'][value='{AuditGrade.GOOD}']")).to_be_checked()
    answer(ppage, 2, AuditGrade.REQUIRES_IMPROVEMENT, "The records say little of her day.")
    answer(ppage, 3, AuditGrade.REQUIRES_IMPROVEMENT, "Police call-outs were not shared for a month.")
    press(desk_police, "Save your answers", rf"{case_path(case_one)}$", "case 1, every answer saved")
    submit_audit(
        desk_police,
        case_one,
        AuditGrade.REQUIRES_IMPROVEMENT,
        "Visits happened but the child's day is not described.",
        "case 1, submitted by the police lead",
    )
    mine = CaseAuditor.objects.get(case_audit=case_one, user=officer)
    assert (mine.grade, mine.submitted_on) == (AuditGrade.REQUIRES_IMPROVEMENT, today)
    assert mine.answers.count() == 3
    expect(section(ppage, "answers-heading")).to_contain_text(
        f"You submitted your audit on {long_date(today)}"
    )
    # The health lead has not submitted yet: named as waiting, no grade shown.
    expect(section(ppage, "others-heading")).to_contain_text(f"Not submitted yet: {nurse.full_name}")

    ppage.locator("#id_finding-text").fill(FINDING)
    ppage.locator(f"input[name=finding-themes][value='{theme.pk}']").check()
    press(desk_police, "Add the finding", rf"{case_path(case_one)}$", "case 1, a finding added")
    expect(ppage.locator("main")).to_contain_text("Finding added.")
    findings_box = section(ppage, "findings-heading")
    expect(findings_box).to_contain_text(FINDING)
    expect(findings_box).to_contain_text(THEME)
    finding = AuditFinding.objects.get()
    assert (finding.case_audit, finding.recorded_by, list(finding.themes.all())) == (
        case_one,
        officer,
        [theme],
    )

    # --- the school's lead audits case 2, not case 1: it answers 404 (R18, R19) ---------------------
    desk_school = open_desk(journey, browser, desks, teacher, secrets[teacher.pk])
    not_found(desk_school, case_path(case_one), "case 1 for the school's lead: not found")
    desk_school.go(f"{AUDITS}mine/")
    rows = desk_school.page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"Case 2: {child_name(case_two)}")
    expect(desk_school.page.locator("main")).not_to_contain_text(child_name(case_one))
    desk_school.check_accessibility("my audits for the school's lead")
    assert not AuditEvent.objects.filter(actor=teacher, object_id=str(case_one.child_id)).exists()

    # --- the health lead grades case 1 differently --------------------------------------------------
    desk_health = open_desk(journey, browser, desks, nurse, secrets[nurse.pk])
    hpage = desk_health.page
    open_from_my_audits(desk_health, case_one, 1, "for the health lead")
    expect(section(hpage, "others-heading")).to_contain_text("shown once you have submitted yours")
    for number in (1, 2, 3):
        answer(hpage, number, AuditGrade.INADEQUATE, "Missed health appointments were not followed up.")
    press(desk_health, "Save your answers", rf"{case_path(case_one)}$", "case 1, health lead's answers")
    submit_audit(
        desk_health,
        case_one,
        AuditGrade.INADEQUATE,
        "Weight loss and missed appointments went unchallenged for months.",
        "case 1, submitted by the health lead",
    )
    others = section(hpage, "others-heading")
    expect(others.locator("tbody tr").filter(has_text=officer.full_name)).to_contain_text(
        "Requires improvement"
    )
    case_one.refresh_from_db()
    assert case_one.status == CaseAuditStatus.READY
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.AUDITING

    # Case 2's auditors submit through the services: every case is ready, so the programme is in
    # moderation.
    audited_by_services(case_two, (nurse, teacher), AuditGrade.GOOD)
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.MODERATION

    # --- the manager moderates case 1: a differing grade needs its note -------------------------------
    desk_pm.go(programme_path(programme))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Moderation")
    desk_pm.check_accessibility("programme page, in moderation")
    follow(desk_pm, "Case 1", rf"{case_path(case_one)}$", "case 1 for the manager")
    expect(section(page, "others-heading").locator("tbody tr")).to_have_count(2)
    grade(page, "moderate-grade", AuditGrade.REQUIRES_IMPROVEMENT)
    page.get_by_role("button", name="Record the moderated grade", exact=True).click()
    page.wait_for_url(re.compile(rf"{case_path(case_one)}moderate/$"))
    refused(
        desk_pm,
        "id_moderate-note",
        "Auditors graded this case Inadequate: explain why the moderated grade differs.",
        "case 1, moderation refused without a note",
    )
    screenshot(page, "audit-03-moderation-refused")
    case_one.refresh_from_db()
    assert case_one.status == CaseAuditStatus.READY

    note = "Agreed at the moderation panel: the health worries were real but the plan was working."
    grade(page, "moderate-grade", AuditGrade.REQUIRES_IMPROVEMENT)
    page.locator("#id_moderate-note").fill(note)
    press(desk_pm, "Record the moderated grade", rf"{case_path(case_one)}$", "case 1, moderated")
    expect(page.locator("main")).to_contain_text("The moderated grade is recorded.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Moderated")
    moderation = section(page, "moderation-heading")
    expect(moderation).to_contain_text("Moderated grade: Requires improvement")
    expect(moderation).to_contain_text(note)
    case_one.refresh_from_db()
    assert (case_one.status, case_one.moderated_grade, case_one.moderated_by) == (
        CaseAuditStatus.MODERATED,
        AuditGrade.REQUIRES_IMPROVEMENT,
        manager,
    )
    assert (case_one.moderation_note, case_one.moderated_on) == (note, today)

    # --- completing is refused while case 2 waits; then it completes ----------------------------------
    desk_pm.go(programme_path(programme))
    follow(
        desk_pm, "Complete the programme", rf"{programme_path(programme)}complete/$", "complete the programme"
    )
    page.get_by_role("button", name="Complete the programme", exact=True).click()
    page.wait_for_url(re.compile(rf"{programme_path(programme)}complete/$"))
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "1 case is not moderated yet: moderate every case before completing the programme."
    )
    desk_pm.check_accessibility("complete the programme, refused")
    screenshot(page, "audit-04-complete-refused")
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.MODERATION

    case_two.refresh_from_db()
    audit_moderate(
        actor=manager,
        case_audit=case_two,
        expected_version=case_two.version,
        grade=AuditGrade.GOOD,
        note="",
        moderated_on=today,
    )
    desk_pm.go(programme_path(programme))
    follow(
        desk_pm,
        "Complete the programme",
        rf"{programme_path(programme)}complete/$",
        "complete the programme, again",
    )
    press(desk_pm, "Complete the programme", rf"{programme_path(programme)}$", "programme page, complete")
    expect(page.locator("main")).to_contain_text(f"“{PROGRAMME}” is complete.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Complete")
    grades = section(page, "grades-heading")
    expect(grades.locator("tr").filter(has_text="Requires improvement")).to_contain_text("1")
    expect(grades.locator("tr").filter(has_text="Not moderated yet")).to_contain_text("0")
    expect(
        section(page, "cases-heading").get_by_role("link", name=re.compile("^Add an auditor"))
    ).to_have_count(0)
    screenshot(page, "audit-05-complete")
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.COMPLETE

    desk_pm.go(AUDITS)
    expect(page.locator("tbody tr").filter(has_text=PROGRAMME)).to_contain_text("2 of 2")
    desk_pm.check_accessibility("case audits, the programme complete")

    typed = tuple(part for given, family, born in SAMPLED for part in (given, family, born.isoformat()))
    assert_clean(journey, caplog, typed, pages=35)
