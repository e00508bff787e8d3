"""A referral from a school through the MASH to the feedback the school reads, in a real browser.

Issue 4, item 10. A school's designated safeguarding lead sends a referral through the portal
(first with a mistake, refused at the field) and is given a reference. The MASH manager finds
it at the top of the queue, links the child to the record already in the index, rates it red
and asks the police what they know. The police MASH officer sees only that request, with the
minimum to search their systems, and answers. The manager reads the answer, decides on early
help with a rationale and authorises it; the school sees the outcome meant for it in the portal.

R59 (no serious or critical axe-core violation on any page visited), R2 (no CSP violation),
R4 (only opaque ids in the URLs visited), R21 (the partner's page never shows the referral's
summary).
"""

import logging
import re
import time
from datetime import date
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.tests.factories import AgencyFactory, UserFactory, enrol_totp
from safehub.front_door.constants import ContactStatus, HandoverStatus, Outcome
from safehub.front_door.models import Contact, Handover, ReferrerFeedback
from safehub.people.constants import Sex
from safehub.people.tests.factories import indexed_person

from .test_people_journey import PERIOD, fill_date, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FAMILY = "Journeywell"
SUMMARY = "Ffion has come to school hungry four days this week and said there is no food at home."


_LAST_PERIOD: dict[str, int] = {}


def switch_user(journey, user, secret) -> None:
    """Sign out and in as `user`. A TOTP code is accepted once, so a second sign-in by the same
    person waits for the next code."""
    journey.context.clear_cookies()
    while int(time.time()) // PERIOD == _LAST_PERIOD.get(user.email):
        time.sleep(0.5)
    sign_in(journey, user.email, secret)
    _LAST_PERIOD[user.email] = int(time.time()) // PERIOD


def test_a_referral_through_the_mash_to_feedback(journey, transactional_db, code_lists, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="safehub.csp")
    school = AgencyFactory(name="Journey Primary School", kind=AgencyKind.SCHOOL)
    police = AgencyFactory(name="Journey Police", kind=AgencyKind.POLICE)
    dsl = UserFactory(
        role=Role.REFERRER, agency=school, email="dsl@journey.example.test", full_name="Sam Lowe"
    )
    manager = UserFactory(role=Role.MASH_MANAGER, email="mash.manager@journey.example.test")
    officer = UserFactory(role=Role.MASH_PARTNER, agency=police, email="police.mash@journey.example.test")
    secrets = {user.pk: enrol_totp(user) for user in (dsl, manager, officer)}
    born = date(2016, 4, 11)
    child = indexed_person(
        actor=manager, given_name="Ffion", family_name=FAMILY, date_of_birth=born, sex=Sex.FEMALE
    )
    page = journey.page

    # --- the school refers ---------------------------------------------------------------------
    switch_user(journey, dsl, secrets[dsl.pk])
    journey.go("/portal/referrals/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Make a referral to the MASH")
    journey.check_accessibility("portal referral form")
    page.locator("#id_referrer_role").fill("Designated safeguarding lead")
    page.locator("#id_referrer_phone").fill("01632 960 123")
    page.locator("input[name=identity_withheld][value=no]").check()
    page.locator("#id_child_0_given_name").fill("Ffion")
    page.locator("#id_child_0_family_name").fill(FAMILY)
    fill_date(page, "child_0_date_of_birth", born)
    page.locator("input[name=child_0_sex][value=F]").check()
    page.locator("input[name=concerns][value=neglect]").check()
    page.locator("#id_summary").fill(SUMMARY)
    # Consent not sought, without the reason: refused at that field.
    page.locator("input[name=consent][value=not_sought]").check()
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    journey.check_accessibility("portal referral form with an error")
    assert not Contact.objects.exists()
    page.locator("input[name=consent][value=given]").check()
    page.get_by_role("button", name="Send referral").click()
    page.wait_for_url(re.compile(r"/portal/referrals/[0-9a-f-]{36}/received/$"))
    contact = Contact.objects.get()
    expect(page.locator(".govuk-panel")).to_contain_text(contact.reference)
    journey.check_accessibility("portal acknowledgement")
    screenshot(page, "mash-01-acknowledgement")

    # --- the MASH manager screens ---------------------------------------------------------------
    switch_user(journey, manager, secrets[manager.pk])
    journey.go("/mash/")
    row = page.locator("tr").filter(has_text=contact.reference)
    expect(row).to_contain_text("breaches in")
    journey.check_accessibility("MASH queue")
    row.get_by_role("link", name=contact.reference).click()
    page.wait_for_url(re.compile(rf"/mash/contacts/{contact.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(contact.reference)
    journey.check_accessibility("contact page, new")

    page.get_by_role("link", name=re.compile("Find or create record")).first.click()
    page.get_by_role("button", name="Search the person index").click()
    expect(page.locator("main")).to_contain_text(FAMILY.upper())
    journey.check_accessibility("match page with candidates")
    page.get_by_role("button", name="This is the person").first.click()
    page.wait_for_url(re.compile(rf"/mash/contacts/{contact.pk}/"))
    assert contact.subjects.get().person == child

    page.get_by_role("link", name="Set the RAG rating").click()
    journey.check_accessibility("RAG form")
    page.locator("input[name=rag][value=red]").check()
    page.get_by_role("button", name="Save the rating").click()
    page.wait_for_url(re.compile(rf"/mash/contacts/{contact.pk}/"))
    expect(page.locator("main")).to_contain_text("Red")

    page.get_by_role("link", name="Send an information request").click()
    journey.check_accessibility("information request form")
    page.get_by_label(police.name).check()
    page.locator("#id_question").fill(
        "Any call-outs or intelligence at the family's address in the last year?"
    )
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url(re.compile(rf"/mash/contacts/{contact.pk}/"))
    expect(page.locator("main")).to_contain_text(police.name)
    journey.check_accessibility("contact page, request sent")
    screenshot(page, "mash-02-contact-screened")

    # --- the police answer ----------------------------------------------------------------------
    switch_user(journey, officer, secrets[officer.pk])
    journey.go("/partner/")
    journey.check_accessibility("partner inbox")
    page.get_by_role("link", name=re.compile(contact.reference)).first.click()
    expect(page.locator("main")).to_contain_text("Ffion")
    expect(page.locator("main")).not_to_contain_text(SUMMARY)
    journey.check_accessibility("partner request")
    page.locator("input[name=kind][value=information]").check()
    page.locator("#id_content").fill("One call-out in June: neighbours reported shouting; no arrests.")
    page.locator("input[name=sensitivity][value=official_sensitive]").check()
    page.get_by_role("button", name="Send the answer to the MASH").click()
    expect(page.locator("main")).to_contain_text(re.compile("answer|sent|thank", re.IGNORECASE))
    journey.check_accessibility("partner after answering")

    # --- the decision ---------------------------------------------------------------------------
    switch_user(journey, manager, secrets[manager.pk])
    journey.go(f"/mash/contacts/{contact.pk}/")
    expect(page.locator("main")).to_contain_text("One call-out in June")
    page.get_by_role("link", name="Record the decision").click()
    journey.check_accessibility("decision form")
    page.locator(f"input[name=outcome][value={Outcome.EARLY_HELP}]").check()
    page.locator("#id_rationale").fill(
        "Neglect concerns below the threshold for a statutory assessment; mother agrees to early help."
    )
    page.locator("#id_authorise").check()
    page.get_by_role("button", name="Save the decision").click()
    page.wait_for_url(re.compile(rf"/mash/contacts/{contact.pk}/"))
    journey.check_accessibility("contact page, decided")
    screenshot(page, "mash-03-decided")
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DECIDED
    assert contact.outcome == Outcome.EARLY_HELP
    assert Handover.objects.get(contact=contact).status == HandoverStatus.WAITING
    feedback = ReferrerFeedback.objects.get(contact=contact)

    # --- the school reads the outcome -----------------------------------------------------------
    switch_user(journey, dsl, secrets[dsl.pk])
    journey.go("/portal/")
    journey.check_accessibility("portal home")
    page.get_by_role("link", name=re.compile(contact.reference)).first.click()
    expect(page.locator("main")).to_contain_text(feedback.body.splitlines()[0][:40])
    expect(page.locator("main")).not_to_contain_text("One call-out in June")
    expect(page.locator("main")).not_to_contain_text("below the threshold")
    journey.check_accessibility("portal referral after the decision")
    screenshot(page, "mash-04-portal-feedback")

    assert not journey.csp_violations, f"R2: CSP violations: {journey.csp_violations}"
    assert not [r for r in caplog.records if r.name == "safehub.csp"]
    typed = ("Ffion", FAMILY, born.isoformat())
    leaks = [u for u in journey.requested_urls if any(t in u or quote(t) in u for t in typed)]
    assert not leaks, f"R4: personal data in URLs: {leaks}"
    assert len(journey.axe_checked) >= 14
