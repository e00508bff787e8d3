"""MASH staff at work on a phone contact, the clocks, the dashboard and a partner's boundary.

Issue 4, the staff pages the referral journey (test_mash_journey.py) does not reach. A MASH
social worker records a phone contact: first without the children's details (refused at the
field, nothing saved), then with one child and one adult alleged to pose a risk. Linked to the
index from the contact page, the child's two earlier contacts this year raise the repeat-contact
alert and the adult's current risk flag the flagged-adult alert. The MASH manager rates the
contact amber, then changes it to red (refused without a reason) and shortens the red clock to
3 working hours. A performance analyst reads the dashboard by month: counts only, no reference
and no name. A health partner officer who opens the police's request by its address gets the
404 page.

R59 (no serious or critical axe-core violation on any page visited), R2 (no CSP violation),
R4 (only opaque ids in the URLs visited), R18/R19 (another agency's request does not exist).
"""

import logging
import re
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.tests.factories import AgencyFactory, UserFactory, enrol_totp
from safehub.front_door.constants import (
    CLOCK_DEFAULTS,
    Channel,
    ClockKey,
    ClockUnit,
    ConsentStatus,
    IntakeAlertKind,
    LawfulBasis,
    Rag,
    SubjectRole,
)
from safehub.front_door.models import ClockSetting, Contact, IntakeAlert, RagRating
from safehub.front_door.services.contact import ReferrerInput, SubjectInput, contact_create
from safehub.front_door.services.requests import information_request_send
from safehub.people.constants import RiskFlagKind, Sex
from safehub.people.services.risk import risk_flag_add
from safehub.people.tests.factories import indexed_person
from safehub.platform import clock

from .test_mash_journey import switch_user
from .test_people_journey import fill_date, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHILD_GIVEN, FAMILY = "Tegan", "Staffordwick"
ADULT_GIVEN, ADULT_FAMILY = "Morgan", "Quillerby"
SUMMARY = "Tegan's aunt rang: a man who has moved in with the family shouts at Tegan and locks her out."
REFERRER_PHONE = "01632 960 451"


def _earlier_contact(actor, child, days_ago: int) -> Contact:
    """A contact about the child recorded earlier, through the real service."""
    return contact_create(
        actor=actor,
        channel=Channel.PHONE,
        referral_source="2A",
        summary="School reported the child arriving late and hungry several times.",
        concerns=["neglect"],
        consent=ConsentStatus.GIVEN,
        lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
        subjects=[SubjectInput(role=SubjectRole.CHILD, person_id=child.pk)],
        referrer=ReferrerInput(name="Alex Reed", role="Designated safeguarding lead"),
        received_at=clock.now() - timedelta(days=days_ago),
    )


def _link_from_contact(journey, contact: Contact, described: str, label: str) -> None:
    """Find or create record -> Search the person index -> This is the person."""
    page = journey.page
    row = page.locator("tr").filter(has_text=described)
    row.get_by_role("link", name=re.compile("Find or create record")).click()
    page.wait_for_url(re.compile(rf"/mash/contacts/{contact.pk}/subjects/[0-9a-f-]{{36}}/match/$"))
    journey.check_accessibility(f"match page for the {label}")
    page.get_by_role("button", name="Search the person index").click()
    expect(page.get_by_role("heading", name="Possible matches")).to_be_visible()
    journey.check_accessibility(f"match page with candidates for the {label}")
    page.get_by_role("button", name="This is the person").first.click()
    page.wait_for_url(re.compile(rf"/mash/contacts/{contact.pk}/$"))


def test_mash_staff_contact_rating_clocks_dashboard_and_partner_boundary(
    journey, transactional_db, code_lists, caplog
) -> None:
    caplog.set_level(logging.WARNING, logger="safehub.csp")
    # The clock defaults come from a data migration; an earlier transactional test may have
    # flushed them.
    for key, (amount, unit) in CLOCK_DEFAULTS.items():
        ClockSetting.objects.get_or_create(key=key, defaults={"amount": amount, "unit": unit})
    police = AgencyFactory(name="Staff Journey Police", kind=AgencyKind.POLICE)
    health = AgencyFactory(name="Staff Journey Health Trust", kind=AgencyKind.HEALTH_TRUST)
    worker = UserFactory(role=Role.MASH_SOCIAL_WORKER, email="mash.worker@staff-journey.example.test")
    manager = UserFactory(role=Role.MASH_MANAGER, email="mash.manager@staff-journey.example.test")
    analyst = UserFactory(role=Role.PERFORMANCE_ANALYST, email="analyst@staff-journey.example.test")
    nurse = UserFactory(role=Role.MASH_PARTNER, agency=health, email="health.mash@staff-journey.example.test")
    secrets = {user.pk: enrol_totp(user) for user in (worker, manager, analyst, nurse)}

    child_born, adult_born = date(2015, 9, 23), date(1986, 2, 14)
    child = indexed_person(
        actor=worker, given_name=CHILD_GIVEN, family_name=FAMILY, date_of_birth=child_born, sex=Sex.FEMALE
    )
    adult = indexed_person(
        actor=worker,
        given_name=ADULT_GIVEN,
        family_name=ADULT_FAMILY,
        date_of_birth=adult_born,
        sex=Sex.MALE,
    )
    risk_flag_add(
        actor=worker,
        person=adult,
        kind=RiskFlagKind.POSING_RISK_TO_CHILDREN,
        source_agency=police,
        starts_on=clock.today() - timedelta(days=20),
        review_on=clock.today() + timedelta(days=70),
    )
    earlier = [_earlier_contact(worker, child, days) for days in (200, 60)]
    page = journey.page

    # --- 1. a MASH social worker records a phone contact ----------------------------------------
    switch_user(journey, worker, secrets[worker.pk])
    journey.go("/mash/contacts/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a contact")
    journey.check_accessibility("record a contact form")
    page.locator(f"input[name=channel][value={Channel.PHONE}]").check()
    page.locator("#id_referrer_name").fill("Rhian Staffordwick")
    page.locator("#id_referrer_role").fill("Aunt")
    page.locator("#id_referrer_phone").fill(REFERRER_PHONE)
    page.locator("#id_referral_source").select_option("2A")
    page.locator("input[name=concerns][value=emotional_abuse]").check()
    page.locator("#id_summary").fill(SUMMARY)
    page.locator(f"input[name=consent][value={ConsentStatus.GIVEN}]").check()
    # The adult is filled in, the children's rows are left blank: refused at child 1.
    page.locator("#id_adult-0-role").select_option(SubjectRole.ALLEGED_PERPETRATOR)
    page.locator("#id_adult-0-given_name").fill(ADULT_GIVEN)
    page.locator("#id_adult-0-family_name").fill(ADULT_FAMILY)
    fill_date(page, "adult-0-date_of_birth", adult_born)
    page.locator("#id_adult-0-sex").select_option("M")
    page.get_by_role("button", name="Record the contact").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary a[href='#id_child-0-given_name']")).to_contain_text(
        "Name at least one child"
    )
    expect(page.locator("#id_child-0-given_name-error")).to_contain_text("Name at least one child")
    journey.check_accessibility("record a contact with an error")
    screenshot(page, "mash-staff-01-contact-error")
    assert Contact.objects.count() == len(earlier)

    page.locator("#id_child-0-given_name").fill(CHILD_GIVEN)
    page.locator("#id_child-0-family_name").fill(FAMILY)
    fill_date(page, "child-0-date_of_birth", child_born)
    page.locator("#id_child-0-sex").select_option("F")
    page.get_by_role("button", name="Record the contact").click()
    page.wait_for_url(re.compile(r"/mash/contacts/[0-9a-f-]{36}/$"))
    contact = Contact.objects.exclude(pk__in=[c.pk for c in earlier]).get()
    assert contact.channel == Channel.PHONE
    assert sorted(contact.subjects.values_list("role", flat=True)) == sorted(
        [SubjectRole.ALLEGED_PERPETRATOR, SubjectRole.CHILD]
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(contact.reference)
    journey.check_accessibility("contact page, recorded")

    _link_from_contact(journey, contact, CHILD_GIVEN, "child")
    _link_from_contact(journey, contact, ADULT_GIVEN, "adult")
    assert {s.person_id for s in contact.subjects.all()} == {child.pk, adult.pk}
    main = page.locator("main")
    expect(main).to_contain_text("At least 3 contacts")
    expect(main).to_contain_text("Adult with a risk flag")
    expect(main).to_contain_text("current flag for risk to children")
    recent = page.locator("h3", has_text="Contacts about these children in the last 12 months").locator(
        "xpath=following-sibling::*[1]"
    )
    for other in earlier:
        expect(recent).to_contain_text(other.reference)
    flags = page.locator("h3", has_text="Risk flags on linked adults").locator(
        "xpath=following-sibling::*[1]"
    )
    expect(flags).to_contain_text(f"{ADULT_GIVEN} {ADULT_FAMILY}")
    expect(flags).to_contain_text("Person posing a risk to children")
    journey.check_accessibility("contact page with intake alerts")
    screenshot(page, "mash-staff-02-intake-alerts")
    kinds = set(IntakeAlert.objects.filter(contact=contact).values_list("kind", flat=True))
    assert {IntakeAlertKind.REPEAT_CONTACT, IntakeAlertKind.FLAGGED_ADULT} <= kinds

    # --- 2. the MASH manager rates it amber, then red -------------------------------------------
    switch_user(journey, manager, secrets[manager.pk])
    journey.go(f"/mash/contacts/{contact.pk}/")
    page.get_by_role("link", name="Set the RAG rating").click()
    page.wait_for_url(re.compile(rf"/mash/contacts/{contact.pk}/rag/$"))
    journey.check_accessibility("RAG form, first rating")
    page.locator(f"input[name=rag][value={Rag.AMBER}]").check()
    page.get_by_role("button", name="Save the rating").click()
    page.wait_for_url(re.compile(rf"/mash/contacts/{contact.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amber")
    journey.check_accessibility("contact page, amber")

    page.get_by_role("link", name="Change the RAG rating").click()
    page.wait_for_url(re.compile(rf"/mash/contacts/{contact.pk}/rag/$"))
    journey.check_accessibility("RAG form, changing")
    page.locator(f"input[name=rag][value={Rag.RED}]").check()
    page.get_by_role("button", name="Save the rating").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("#id_reason-error")).to_contain_text("Say why the rating changes")
    journey.check_accessibility("RAG form with an error")
    screenshot(page, "mash-staff-03-rag-error")
    contact.refresh_from_db()
    assert contact.rag == Rag.AMBER
    reason = "The aunt rang again: the man has been seen pushing Tegan; police attended last night."
    page.locator(f"input[name=rag][value={Rag.RED}]").check()
    page.locator("#id_reason").fill(reason)
    page.get_by_role("button", name="Save the rating").click()
    page.wait_for_url(re.compile(rf"/mash/contacts/{contact.pk}/$"))
    contact.refresh_from_db()
    assert contact.rag == Rag.RED
    history = page.locator("h2", has_text="RAG history").locator("xpath=following-sibling::table[1]")
    rows = history.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Amber")
    expect(rows.nth(0)).to_contain_text("First rating")
    expect(rows.nth(1)).to_contain_text("Amber to Red")
    expect(rows.nth(1)).to_contain_text(reason)
    journey.check_accessibility("contact page, red")
    screenshot(page, "mash-staff-04-rag-history")
    assert list(
        RagRating.objects.filter(contact=contact).order_by("created_at").values_list("rag", flat=True)
    ) == [
        Rag.AMBER,
        Rag.RED,
    ]

    red_due_before = contact.rag_due_at

    # --- 3. the MASH manager shortens the red clock ---------------------------------------------
    journey.go("/mash/clocks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Clock settings")
    red_row = page.locator("tr").filter(has=page.get_by_role("rowheader", name="Red screening", exact=True))
    expect(red_row).to_contain_text("4 working hours")
    journey.check_accessibility("clock settings")
    red_row.get_by_role("link", name=re.compile("Change")).click()
    red = ClockSetting.objects.get(key=ClockKey.RAG_RED)
    page.wait_for_url(re.compile(rf"/mash/clocks/{red.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Red screening")
    journey.check_accessibility("clock edit form")
    page.locator("#id_amount").fill("3")
    page.locator(f"input[name=unit][value={ClockUnit.WORKING_HOURS}]").check()
    page.get_by_role("button", name="Save the clock").click()
    page.wait_for_url(re.compile(r"/mash/clocks/$"))
    expect(red_row).to_contain_text("3 working hours")
    journey.check_accessibility("clock settings, changed")
    screenshot(page, "mash-staff-05-clocks")
    red.refresh_from_db()
    assert (red.amount, red.unit) == (3, ClockUnit.WORKING_HOURS)
    contact.refresh_from_db()
    assert contact.rag_due_at < red_due_before, "the open red contact takes the shorter clock"

    # The police are asked what they know (through the service), for step 5.
    police_request = information_request_send(
        actor=manager,
        contact=contact,
        agency=police,
        question="Any call-outs or intelligence about the man now living at the address?",
    )

    # --- 4. a performance analyst reads the dashboard by month ----------------------------------
    switch_user(journey, analyst, secrets[analyst.pk])
    journey.go("/mash/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("MASH dashboard")
    journey.check_accessibility("MASH dashboard, weekly")
    page.get_by_role("radio", name="Month", exact=True).check()
    for prefix in ("start", "end"):
        for suffix in ("", "-month", "-year"):
            page.locator(f"#id_{prefix}{suffix}").fill("")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_url(re.compile(r"/mash/dashboard/\?.*period=month"))
    expect(main).to_contain_text("by month")
    received = page.locator("table[data-section=received]")
    expect(received.locator("thead")).to_contain_text("Month")
    expect(received.locator("tbody tr")).to_have_count(12)
    expect(received.locator("tbody")).to_contain_text(re.compile("fewer than 5|not shown"))
    expect(page.locator("table[data-section=open-now]")).to_contain_text("All open contacts")
    journey.check_accessibility("MASH dashboard, monthly")
    screenshot(page, "mash-staff-06-dashboard")
    content = page.content()
    for secret_text in (
        contact.reference,
        *(c.reference for c in earlier),
        FAMILY,
        ADULT_FAMILY,
        CHILD_GIVEN,
    ):
        assert secret_text not in content, f"R22: {secret_text!r} on the dashboard"

    # --- 5. a health partner officer tries the police's request ---------------------------------
    switch_user(journey, nurse, secrets[nurse.pk])
    response = journey.go(f"/partner/requests/{police_request.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(main).not_to_contain_text(contact.reference)
    expect(main).not_to_contain_text(CHILD_GIVEN)
    journey.check_accessibility("404 for another agency's request")
    screenshot(page, "mash-staff-07-partner-404")

    assert not journey.csp_violations, f"R2: CSP violations: {journey.csp_violations}"
    assert not [r for r in caplog.records if r.name == "safehub.csp"]
    typed = (
        CHILD_GIVEN,
        FAMILY,
        ADULT_GIVEN,
        ADULT_FAMILY,
        child_born.isoformat(),
        adult_born.isoformat(),
        REFERRER_PHONE,
        "Rhian",
    )
    leaks = [u for u in journey.requested_urls if any(t in u or quote(t) in u for t in typed)]
    assert not leaks, f"R4: personal data in URLs: {leaks}"
    assert len(journey.axe_checked) >= 18
