"""A child in need, from a referral recorded on the child's record to the closure of the case.

Issue 5. A social worker records a referral for Caspian from his person record (one that did not
come through the MASH), starts the child and family assessment and completes it: first with
"21" (no factors identified) ticked beside another factor, refused at the factors (CIN census
rule 8869), then with the factors alone and the outcome "child in need plan". The team manager
authorises it. The worker starts the child in need plan, records a child in need visit and a
plan review, and ends the plan; the manager closes the case. The chronology shows the work.

Each user has a desk of their own (test_child_protection_journey.py explains), so nobody waits for
a fresh TOTP code.

R59 (no serious or critical axe-core violation on any page visited), R2 (no CSP violation),
R4 (only opaque ids in the URLs visited).
"""

import logging
import re
from datetime import date
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from safehub.accounts.constants import AgencyKind, Role, TeamKind
from safehub.accounts.models import TeamMembership
from safehub.accounts.tests.factories import AgencyFactory, TeamFactory, UserFactory, enrol_totp
from safehub.casework.models import Task
from safehub.child_protection.constants import Stage
from safehub.child_protection.models import Assessment, ChildInNeedPlan, Referral
from safehub.people.constants import Sex
from safehub.people.tests.factories import indexed_person
from safehub.platform import clock

from .test_child_protection_journey import (
    ago,
    case_tasks,
    desks,  # noqa: F401  (the fixture)
    follow,
    long_date,
    open_desk,
    signed_in_here,
    stage_tag,
    submit,
)
from .test_people_journey import fill_date, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHILD_GIVEN, FAMILY = "Caspian", "Wrenfield"
BORN = date(2015, 10, 2)
SUMMARY = "Caspian's grandmother says his mother's depression has worsened and he is missing school."


def test_referral_to_child_in_need_plan_to_closure(
    journey,
    desks,  # noqa: F811  (the fixture imported above)
    browser,
    transactional_db,
    code_lists,
    caplog,
) -> None:
    caplog.set_level(logging.WARNING, logger="safehub.csp")
    council: Any = AgencyFactory(name="Eastmere Children's Services", kind=AgencyKind.CHILDRENS_SERVICES)
    team: Any = TeamFactory(name="Eastmere Children in Need Team", kind=TeamKind.ASSESSMENT, agency=council)
    worker: Any = UserFactory(
        role=Role.SOCIAL_WORKER,
        agency=council,
        email="worker@cin-journey.example.test",
        full_name="Nia Rosewarne",
    )
    manager: Any = UserFactory(
        role=Role.TEAM_MANAGER,
        agency=council,
        email="manager@cin-journey.example.test",
        full_name="Owain Feltham",
    )
    for member in (manager, worker):
        TeamMembership.objects.create(team=team, user=member)
    secrets = {user.pk: enrol_totp(user) for user in (worker, manager)}
    child = indexed_person(
        actor=worker, given_name=CHILD_GIVEN, family_name=FAMILY, date_of_birth=BORN, sex=Sex.MALE
    )

    # --- 1. the social worker records a referral from the child's record --------------------------
    desk_worker = signed_in_here(journey, worker, secrets[worker.pk])
    page = desk_worker.page
    desk_worker.go(f"/people/{child.pk}/")
    desk_worker.check_accessibility("the child's record")
    new_referral = f"/cases/referrals/new/{child.pk}/"
    record_link = page.locator(f"main a[href='{new_referral}']")
    if record_link.count():
        record_link.first.click()
    else:
        # The person page has no link to record a referral yet: go to the form's address.
        desk_worker.go(new_referral)
    page.wait_for_url(re.compile(rf"{new_referral}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a referral")
    desk_worker.check_accessibility("record a referral")
    fill_date(page, "referral_date", ago(90))
    page.locator("#id_source").select_option("1A")
    page.locator("#id_primary_need").select_option("N3")
    page.locator("#id_summary").fill(SUMMARY)
    page.get_by_role("button", name="Record the referral", exact=True).click()
    page.wait_for_url(re.compile(r"/cases/referrals/[0-9a-f-]{36}/$"))
    referral = Referral.objects.get(person=child)
    assert (referral.referral_date, referral.source, referral.primary_need) == (ago(90), "1A", "N3")
    expect(stage_tag(page)).to_have_text(f"Stage: {Stage.REFERRAL.label}")
    expect(case_tasks(page)).to_contain_text("Start and complete the child and family assessment")
    desk_worker.check_accessibility("case page, new referral")
    screenshot(page, "cin-01-referral")

    # --- 2. the assessment: started, then completed (first with "21" and another factor) ----------
    follow(
        desk_worker,
        "Start an assessment",
        rf"/cases/referrals/{referral.pk}/assessment/start/$",
        "start an assessment",
    )
    fill_date(page, "started_on", ago(88))
    submit(desk_worker, "Start the assessment", referral)
    expect(stage_tag(page)).to_have_text(f"Stage: {Stage.ASSESSMENT.label}")
    assessment = Assessment.objects.get(referral=referral)
    follow(
        desk_worker,
        "Complete the assessment",
        rf"/cases/assessments/{assessment.pk}/complete/$",
        "complete the assessment",
    )
    fill_date(page, "completed_on", ago(40))
    page.locator("input[name=outcome][value=cin_plan]").check()
    fill_date(page, "child_seen_on", ago(85))
    page.locator("input[name=factors][value='4B']").check()
    page.locator("input[name=factors][value='21']").check()
    page.locator("#id_summary").fill("Caspian is caring for his mother and missing school; he needs support.")
    page.get_by_role("button", name="Complete and send for authorisation").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary a[href='#id_factors']")).to_contain_text(
        "cannot be combined with other factors"
    )
    expect(page.locator("#id_factors-error")).to_contain_text("21 (no factors identified) cannot be combined")
    desk_worker.check_accessibility("complete the assessment, factors refused")
    screenshot(page, "cin-02-factors-refused")
    assessment.refresh_from_db()
    assert assessment.completed_on is None
    page.locator("input[name=factors][value='21']").uncheck()
    page.locator("input[name=factors][value='7A']").check()
    submit(desk_worker, "Complete and send for authorisation", referral)
    expect(page.locator("section[aria-labelledby=assessment-heading]")).to_contain_text(
        "Waiting for a manager"
    )
    assessment.refresh_from_db()
    assert sorted(assessment.factors) == ["4B", "7A"]

    # --- 3. the manager authorises it -------------------------------------------------------------
    desk_manager = open_desk(journey, browser, desks, manager, secrets[manager.pk])
    mpage = desk_manager.page
    desk_manager.go(f"/cases/referrals/{referral.pk}/")
    desk_manager.check_accessibility("case page for the manager, assessment completed")
    follow(
        desk_manager,
        "Authorise or return the assessment",
        rf"/cases/assessments/{assessment.pk}/authorise/$",
        "authorise the assessment",
    )
    expect(mpage.locator("main")).to_contain_text("Child in need plan")
    fill_date(mpage, "authorise-authorised_on", ago(38))
    submit(desk_manager, "Authorise the assessment", referral)
    expect(stage_tag(mpage)).to_have_text(f"Stage: {Stage.CHILD_IN_NEED.label}")

    # --- 4. the worker: the CIN plan, a visit, a review, the end of the plan -----------------------
    page.reload()
    expect(stage_tag(page)).to_have_text(f"Stage: {Stage.CHILD_IN_NEED.label}")
    follow(
        desk_worker,
        "Start a child in need plan",
        rf"/cases/protection/referrals/{referral.pk}/cin-plan/$",
        "start a child in need plan",
    )
    fill_date(page, "started_on", ago(35))
    page.locator("#id_summary").fill(
        "Young carers' support, school attendance plan, GP review for his mother."
    )
    submit(desk_worker, "Start the plan", referral)
    expect(stage_tag(page)).to_have_text(f"Stage: {Stage.CIN_PLAN.label}")
    expect(case_tasks(page)).to_contain_text("Visit and see the child (child in need plan)")
    expect(case_tasks(page)).to_contain_text("Review the child in need plan")
    desk_worker.check_accessibility("case page, child in need plan")
    plan = ChildInNeedPlan.objects.get(referral=referral)

    follow(
        desk_worker,
        "Record a visit",
        rf"/cases/protection/referrals/{referral.pk}/visit/$",
        "record a visit",
    )
    page.locator("input[name=kind][value=cin]").check()
    fill_date(page, "visited_on", ago(20))
    page.locator("input[name=child_seen][value=yes]").check()
    page.locator("input[name=seen_alone][value=no]").check()
    page.locator("input[name=bedroom_seen][value=yes]").check()
    submit(desk_worker, "Save the visit", referral)
    visits = page.locator("section[aria-labelledby=visits-heading] tbody tr")
    expect(visits).to_have_count(1)
    expect(visits.first).to_contain_text("Child in need visit")

    follow(
        desk_worker,
        "Record a review of the child in need plan",
        rf"/cases/protection/cin-plans/{plan.pk}/review/$",
        "record a child in need plan review",
    )
    fill_date(page, "held_on", ago(10))
    page.locator("#id_notes").fill("Attendance up to 92%; carers' support group twice a week.")
    submit(desk_worker, "Save the review", referral)
    cin = page.locator("section[aria-labelledby=cin-heading]")
    expect(cin).to_contain_text(long_date(ago(10)))
    desk_worker.check_accessibility("case page, plan reviewed")

    follow(
        desk_worker,
        "End the plan (child in need)",
        rf"/cases/protection/cin-plans/{plan.pk}/end/$",
        "end the child in need plan",
    )
    fill_date(page, "ended_on", ago(2))
    submit(desk_worker, "End the plan", referral)
    expect(stage_tag(page)).to_have_text(f"Stage: {Stage.CHILD_IN_NEED.label}")
    expect(cin).to_contain_text(long_date(ago(2)))
    desk_worker.check_accessibility("case page, plan ended")
    screenshot(page, "cin-03-plan-ended")
    plan.refresh_from_db()
    assert plan.ended_on == ago(2)

    # --- 5. the manager closes the case -------------------------------------------------------------
    mpage.reload()
    follow(desk_manager, "Close the case", rf"/cases/referrals/{referral.pk}/close/$", "close the case")
    fill_date(mpage, "closed_on", clock.today())
    mpage.locator("#id_reason").select_option("RC7")
    submit(desk_manager, "Close the case", referral)
    expect(stage_tag(mpage)).to_have_text(f"Stage: {Stage.CLOSED.label}")
    expect(case_tasks(mpage)).to_contain_text("No open tasks.")
    desk_manager.check_accessibility("case page, closed")
    screenshot(mpage, "cin-04-closed")
    referral.refresh_from_db()
    assert (referral.closed_on, referral.closure_reason) == (clock.today(), "RC7")
    assert not Task.objects.filter(involvement=referral.involvement, status="open").exists()

    mpage.get_by_role("link", name=re.compile(r"^View .*'s record$")).click()
    mpage.wait_for_url(re.compile(rf"/people/{child.pk}/$"))
    mpage.get_by_role("link", name="Chronology", exact=True).click()
    mpage.wait_for_url(re.compile(rf"/people/{child.pk}/chronology/$"))
    events = mpage.locator("tbody")
    for day, title in (
        (ago(90), "Referral to children's social care"),
        (ago(88), "Child and family assessment started"),
        (ago(38), "Child and family assessment authorised"),
        (ago(35), "Child in need plan started"),
        (ago(20), "Child in need visit: child seen"),
        (ago(2), "Child in need plan ended"),
        (clock.today(), "Case closed"),
    ):
        expect(
            events.locator("tr").filter(has_text=title).filter(has_text=long_date(day)).first
        ).to_be_visible()
    desk_manager.check_accessibility("the child's chronology")

    assert not journey.csp_violations, f"R2: CSP violations: {journey.csp_violations}"
    assert not [r for r in caplog.records if r.name == "safehub.csp"]
    typed = (CHILD_GIVEN, FAMILY, BORN.isoformat())
    leaks = [u for u in journey.requested_urls if any(t in u or quote(t) in u for t in typed)]
    assert not leaks, f"R4: personal data in URLs: {leaks}"
    assert len(journey.axe_checked) >= 16, journey.axe_checked
