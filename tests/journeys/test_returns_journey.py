"""A returns officer produces the CIN census, validates it with the DfE validators and acts on the
findings, in a real browser.

Issue 7, item 7 ("a council analyst can see and fix every problem from the UI"). A school-age child
in need in 2025-26 has no UPN and no reason for it, so the census raises the query 8770Q. The data
officer opens "Statutory returns" from the navigation, produces the 2026 CIN census (the background
task runs at once in tests), opens it, runs the real DfE validator (var/validators-venv), reads the
run by rule and by child, explains the query (an empty explanation is refused at the field), sees it
marked explained, and follows the fix link to the child's record. Then the SSD import runs: a run
that rejected rows lists each with its table, row id, field and problem.

R59 (no serious or critical axe-core violation on any page visited), R2 (no CSP violation),
R4 (only opaque ids in the URLs visited: never the child's name, date of birth or return id).
"""

import logging
import re
from datetime import date
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.tests.factories import AgencyFactory, UserFactory, enrol_totp
from safehub.child_protection.models import Assessment, ChildInNeedPlan
from safehub.child_protection.tests.factories import ReferralFactory
from safehub.people.constants import Sex
from safehub.people.tests.factories import indexed_person
from safehub.returns.constants import ChildIdSource, ReturnKind
from safehub.returns.models import (
    ChildReturnId,
    ImportRejection,
    ImportRun,
    ProducedReturn,
    QueryExplanation,
)
from tests.conftest import Journey

from .test_people_journey import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GIVEN, FAMILY = "Tegen", "Angove"
BORN = date(2016, 5, 12)  # nine at the census date: a UPN (or the reason for none) is expected
CHILD_ID = "NB4417"  # the id the council has always submitted (kept from its SSD extract)
# The validator runs out of process in the request (immediate tasks in tests): give it time.
VALIDATOR_WAIT = 120_000
DASH = "\u2013"  # the pages join year ranges, and a rule to its child, with an en dash


def seed_census_child(officer: Any) -> Any:
    """A child in need from June to September 2025: referral, assessment, plan, closed (RC7)."""
    child = indexed_person(
        actor=officer,
        given_name=GIVEN,
        family_name=FAMILY,
        date_of_birth=BORN,
        sex=Sex.FEMALE,
        ethnicity="WBRI",
    )
    ChildReturnId.objects.create(person=child, child_id=CHILD_ID, source=ChildIdSource.IMPORTED)
    referral: Any = ReferralFactory(
        person=child,
        referral_date=date(2025, 6, 2),
        closed_on=date(2025, 9, 15),
        closure_reason="RC7",
        nfa=False,
        source="3B",
        primary_need="N4",
    )
    Assessment.objects.create(
        referral=referral,
        started_on=date(2025, 6, 3),
        due_on=date(2025, 7, 15),
        completed_on=date(2025, 6, 20),
        authorised_on=date(2025, 6, 20),
        factors=["3A"],
    )
    ChildInNeedPlan.objects.create(
        referral=referral, started_on=date(2025, 6, 21), ended_on=date(2025, 9, 15)
    )
    return child


def seed_import_run(officer: Any) -> ImportRun:
    """An SSD import that loaded most rows and refused two (what `import-ssd` leaves behind)."""
    run = ImportRun.objects.create(
        directory="/srv/ssd/northbridge-2026-11",
        started_by=officer,
        status="finished",
        rows_read=120,
        rows_loaded=118,
        rows_rejected=2,
    )
    ImportRejection.objects.create(
        run=run, table="ssd_person", row_id="P1093", field="pers_dob", problem="Not a date: 2015-02-31"
    )
    ImportRejection.objects.create(
        run=run,
        table="ssd_cin_episodes",
        row_id="CINE77",
        field="cine_referral_source_code",
        problem="Unknown code 9Z (CIN referral source)",
    )
    return run


def look(desk: Journey, label: str) -> None:
    expect(desk.page.get_by_role("heading", level=1)).to_be_visible()
    desk.check_accessibility(label)


def test_data_officer_produces_validates_and_fixes_the_cin_census(
    journey, browser, transactional_db, code_lists, settings, caplog
) -> None:
    caplog.set_level(logging.WARNING, logger="safehub.csp")
    settings.SAFEHUB_LA_CODE = "E06000045"
    settings.SAFEHUB_LA_OLD_CODE = "852"
    council: Any = AgencyFactory(name="Northbridge Children's Services", kind=AgencyKind.CHILDRENS_SERVICES)
    officer: Any = UserFactory(
        role=Role.DATA_OFFICER,
        agency=council,
        email="returns@returns-journey.example.test",
        full_name="Morwenna Jago",
    )
    secret = enrol_totp(officer)
    child = seed_census_child(officer)
    import_run = seed_import_run(officer)
    page = journey.page

    # --- 1. "Statutory returns" from the navigation -------------------------------------------------
    sign_in(journey, officer.email, secret)
    page.get_by_role("link", name="Statutory returns", exact=True).click()
    page.wait_for_url(re.compile(r"/returns/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Statutory returns")
    returns_table = page.locator("table", has=page.locator("caption", has_text="Returns"))
    expect(returns_table.locator("tbody tr").first).to_contain_text(f"2025{DASH}26: not produced")
    journey.check_accessibility("statutory returns")

    # --- 2. produce the 2026 CIN census ----------------------------------------------------------
    page.locator("#id_kind").select_option(ReturnKind.CIN.value)
    page.locator("#id_year").fill("2026")
    page.get_by_role("button", name="Produce the return", exact=True).click()
    page.wait_for_url(re.compile(r"/returns/$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Produce CIN census 2026: started")
    jobs = page.locator("h2:has-text('Background work you started') + ul")
    expect(jobs).to_contain_text("Produce CIN census 2026: done")
    produced = ProducedReturn.objects.get(kind=ReturnKind.CIN, year=2026)
    assert produced.children == 1
    cin_row = returns_table.locator("tbody tr", has=page.locator("th", has_text="CIN census"))
    expect(cin_row).to_contain_text(f"2025{DASH}26: produced")
    expect(cin_row).to_contain_text("Not validated")
    journey.check_accessibility("statutory returns, census produced")
    screenshot(page, "returns-01-produced")

    # --- 3. open it and run the DfE validators -----------------------------------------------------
    cin_row.get_by_role("link", name=re.compile(r"^produced ")).click()
    page.wait_for_url(re.compile(rf"/returns/{produced.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("CIN census 2026")
    expect(page.locator("main")).to_contain_text("Not validated")
    expect(page.locator("main")).to_contain_text("1 child.")
    download = page.get_by_role("link", name="Download cin_census_2026.xml", exact=True)
    expect(download).to_have_attribute("href", re.compile(rf"^/returns/{produced.pk}/files/\d+/$"))
    expect(page.locator("main")).to_contain_text("Not validated yet.")
    journey.check_accessibility("the produced census")

    page.get_by_role("button", name="Run the DfE validators", exact=True).click()
    page.wait_for_url(re.compile(rf"/returns/{produced.pk}/$"), timeout=VALIDATOR_WAIT)
    expect(page.locator("main")).to_contain_text("The DfE validators are running.")
    expect(page.locator("h2:has-text('Background work you started') + ul")).to_contain_text(
        "Validate CIN census 2026: done"
    )
    produced.refresh_from_db()
    run = produced.validations.get()
    assert run.issues.filter(rule_code="8770Q", child_id=CHILD_ID).exists(), list(
        run.issues.values_list("rule_code", "child_id")
    )
    runs = page.locator("table", has=page.locator("th", has_text="Queries"))
    expect(runs.locator("tbody tr")).to_have_count(1)
    expect(runs.locator("tbody tr")).to_contain_text("Failing")
    journey.check_accessibility("the census, validated")
    screenshot(page, "returns-02-validated")

    # --- 4. the run, by rule and by child -----------------------------------------------------------
    runs.locator("tbody tr a").click()
    page.wait_for_url(re.compile(rf"/returns/runs/{run.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Validation run")
    expect(page.locator("main")).to_contain_text("csc-validator-be-cin")
    by_rule = page.locator("h2:has-text('By rule') + table")
    query_rule = by_rule.locator("tbody tr", has=page.locator("th", has_text="8770Q"))
    expect(query_rule).to_contain_text("Query")
    expect(query_rule).to_contain_text("UPN is missing or reason UPN is missing")
    child_heading = page.get_by_role("heading", level=3, name=re.compile(rf"^{CHILD_ID}"))
    expect(child_heading).to_contain_text(f"{GIVEN} {FAMILY}")
    journey.check_accessibility("the validation run")
    screenshot(page, "returns-03-run")

    # --- 5. explain the query: empty is refused at the field, then saved --------------------------
    # The validator reports a finding once per field it names, so each row says which field it is.
    rows = run.issues.filter(rule_code="8770Q", child_id=CHILD_ID).count()
    explain_links = page.get_by_role("link", name=re.compile(rf"^Explain or fix 8770Q, \w+, for {CHILD_ID}$"))
    expect(explain_links).to_have_count(rows)
    explain_links.first.click()
    page.wait_for_url(re.compile(r"/returns/issues/\d+/explain/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Explain or fix")
    expect(page.locator("main")).to_contain_text(f"Query 8770Q {DASH} {CHILD_ID}")
    journey.check_accessibility("explain a query")
    page.get_by_role("button", name="Save the explanation", exact=True).click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    message = "Enter why the data is right as it is"
    expect(page.locator(".govuk-error-summary a[href='#id_text']")).to_contain_text(message)
    expect(page.locator("#id_text-error")).to_contain_text(message)
    assert not QueryExplanation.objects.exists()
    journey.check_accessibility("explain a query, refused")
    reason = "Home educated since 2023; no UPN issued. Confirmed with the education welfare team."
    page.locator("#id_text").fill(reason)
    page.get_by_role("button", name="Save the explanation", exact=True).click()
    page.wait_for_url(re.compile(rf"/returns/runs/{run.pk}/$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Explanation for 8770Q saved.")
    child_table = page.locator(f"h3:has-text('{CHILD_ID}') + table")
    query_rows = child_table.locator("tbody tr", has=page.locator("td", has_text="8770Q"))
    # One explanation per rule and child: every row of the finding shows it.
    expect(query_rows.locator(".govuk-tag")).to_have_text(["Explained"] * rows)
    explanation = QueryExplanation.objects.get(kind=ReturnKind.CIN, year=2026, rule_code="8770Q")
    assert (explanation.child_id, explanation.text, explanation.explained_by) == (CHILD_ID, reason, officer)
    journey.check_accessibility("the validation run, query explained")

    # --- 6. the fix link opens the child's record -------------------------------------------------
    query_rows.first.get_by_role("link", name=re.compile(rf"^Fix 8770Q, \w+, for {CHILD_ID}$")).click()
    page.wait_for_url(re.compile(rf"/people/{child.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{GIVEN} {FAMILY}")
    journey.check_accessibility("the child's record, from the fix link")

    # --- 7. back on the return: the explanation is listed for the submission ------------------------
    journey.go(f"/returns/{produced.pk}/")
    explained = page.locator("h2:has-text('Query explanations for the submission') + dl")
    expect(explained).to_contain_text(f"8770Q {DASH} {CHILD_ID}")
    expect(explained).to_contain_text(reason)
    journey.check_accessibility("the census with its explanation")

    # --- 8. SSD import runs: the rejected rows, each with its reason ------------------------------
    journey.go("/returns/")
    page.get_by_role("link", name="SSD import runs", exact=True).click()
    page.wait_for_url(re.compile(r"/returns/imports/$"))
    imports = page.locator("table tbody tr")
    expect(imports).to_have_count(1)
    expect(imports.first.locator("td").nth(2)).to_have_text("120")
    expect(imports.first.locator("td").nth(4)).to_have_text("2")
    journey.check_accessibility("SSD import runs")
    imports.first.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/returns/imports/{import_run.pk}/$"))
    expect(page.locator("main")).to_contain_text("118 of 120 rows loaded, 2 rejected.")
    rejected = page.locator("table", has=page.locator("caption", has_text="Rejected rows")).locator(
        "tbody tr"
    )
    expect(rejected).to_have_count(2)
    expect(rejected.nth(0)).to_contain_text("ssd_cin_episodes")
    expect(rejected.nth(0)).to_contain_text("Unknown code 9Z (CIN referral source)")
    expect(rejected.nth(1)).to_contain_text("pers_dob")
    expect(rejected.nth(1)).to_contain_text("Not a date: 2015-02-31")
    journey.check_accessibility("an SSD import run with rejections")
    screenshot(page, "returns-04-import-run")

    assert not journey.csp_violations, f"R2: CSP violations: {journey.csp_violations}"
    assert not [r for r in caplog.records if r.name == "safehub.csp"]
    typed = (GIVEN, FAMILY, BORN.isoformat(), BORN.strftime("%d/%m/%Y"), CHILD_ID)
    leaks = [u for u in journey.requested_urls if any(t in u or quote(t) in u for t in typed)]
    assert not leaks, f"R4: personal data in URLs: {leaks}"
    assert len(journey.axe_checked) >= 12, journey.axe_checked
