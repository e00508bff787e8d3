"""A care leaver's record, and the households and sufficiency pages, in a real browser.

Issue 6, items 7 and 8. Tegen was looked after from 15 and stayed put with her foster carers when
care ended on her 18th birthday, three weeks ago (set up through the services). The team manager
opens her care leaver record (former relevant) with a personal adviser; the record shows the
pathway plan review and the 18th birthday contact as open tasks. The adviser records the birthday
contact (in touch, in full-time education, living with her former foster carers): the birthday
task moves on to the 19th birthday; then a pathway plan review, which moves that task on. The team
manager then looks at the households list, the sufficiency page (chart and table), and a placement
request for another child where the matching helper, limited to 10 miles, lists the household
3 miles from the child's home and not the one 40 miles away.

R59 (no serious or critical axe-core violation on any page visited), R2 (no CSP violation),
R4 (only opaque ids in the URLs visited), R22 (the sufficiency page is counts only).
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
from safehub.casework.models import Task
from safehub.casework.timescales import add_months
from safehub.looked_after.constants import ApprovalStatus, Clock, HouseholdKind
from safehub.looked_after.models import CareLeaver
from safehub.looked_after.services.period import period_end, period_start
from safehub.looked_after.services.placement_request import placement_request_create
from safehub.looked_after.tests.factories import HouseholdCarerFactory, HouseholdFactory
from safehub.people.constants import Sex
from safehub.people.tests.factories import indexed_person
from safehub.platform import clock
from safehub.reference_data.models import PostcodeLocation
from tests.conftest import Journey

from .test_child_protection_journey import desks, open_desk, signed_in_here  # noqa: F401 (fixture)
from .test_people_journey import fill_date, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GIVEN, FAMILY = "Tegen", "Angove"
OTHER_GIVEN, OTHER_FAMILY = "Jory", "Carveth"
HOME, NEAR, FAR = "NB1 1AA", "NB2 2BB", "NB9 9ZZ"
METRES_PER_MILE = 1609.344


def ago(days: int) -> date:
    return clock.today() - timedelta(days=days)


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def follow(desk: Journey, link: str, url: str, label: str) -> None:
    desk.page.get_by_role("link", name=link, exact=True).click()
    desk.page.wait_for_url(re.compile(url))
    expect(desk.page.get_by_role("heading", level=1)).to_be_visible()
    desk.check_accessibility(label)


def locate(postcode: str, miles_east: float) -> None:
    PostcodeLocation.objects.create(
        postcode=postcode, easting=400_000 + round(miles_east * METRES_PER_MILE), northing=300_000
    )


def household(name: str, postcode: str, carer: tuple[str, str], **terms: Any) -> Any:
    found = HouseholdFactory(
        name=name,
        kind=terms.pop("kind", HouseholdKind.MAINSTREAM_FOSTER),
        status=ApprovalStatus.APPROVED,
        approved_on=ago(1500),
        postcode=postcode,
        age_from=0,
        age_to=17,
        places=2,
        **terms,
    )
    HouseholdCarerFactory(
        household=found,
        person=indexed_person(
            actor=found.recorded_by,
            given_name=carer[0],
            family_name=carer[1],
            date_of_birth=date(1970, 3, 3),
            sex=Sex.FEMALE,
        ),
        added_on=ago(1500),
    )
    return found


def open_tasks(page: Any) -> Any:
    return page.locator("h2:has-text('Open tasks') + ul")


def test_care_leaver_and_sufficiency(journey, desks, browser, transactional_db, code_lists, caplog) -> None:  # noqa: F811
    caplog.set_level(logging.WARNING, logger="safehub.csp")
    council: Any = AgencyFactory(name="Northbridge Children's Services", kind=AgencyKind.CHILDRENS_SERVICES)
    team: Any = TeamFactory(
        name="Northbridge Leaving Care Team", kind=TeamKind.CHILDREN_IN_CARE, agency=council
    )
    manager: Any = UserFactory(
        role=Role.TEAM_MANAGER,
        agency=council,
        email="manager@cl-journey.example.test",
        full_name="Wenna Pascoe",
    )
    adviser: Any = UserFactory(
        role=Role.SOCIAL_WORKER,
        agency=council,
        email="adviser@cl-journey.example.test",
        full_name="Bryok Tonkin",
    )
    for member in (manager, adviser):
        TeamMembership.objects.create(team=team, user=member)
    secrets = {user.pk: enrol_totp(user) for user in (manager, adviser)}

    today = clock.today()
    eighteenth = today - timedelta(days=21)
    born = add_months(eighteenth, -12 * 18)
    young_person = indexed_person(
        actor=adviser, given_name=GIVEN, family_name=FAMILY, date_of_birth=born, sex=Sex.FEMALE
    )
    locate(HOME, 0)
    locate(NEAR, 3)
    locate(FAR, 40)
    foster = household("The Pengelly household", NEAR, ("Elowen", "Pengelly"))
    far = household("The Rosewarne household", FAR, ("Ia", "Rosewarne"))
    # Tegen's period of care: from 15 with the Pengellys, ended on her 18th birthday (staying put).
    cared = period_start(
        actor=manager,
        person=young_person,
        started_on=add_months(born, 12 * 15),
        legal_status="C2",
        need_code="N1",
        placement_type="U4",
        provider="PR1",
        household=foster,
        home_postcode=HOME,
    )
    period_end(actor=manager, period=cared, ended_on=eighteenth, reason="E17", expected_version=cared.version)
    # Jory (9) is looked after and waiting for foster carers within 10 miles of home.
    other = indexed_person(
        actor=adviser,
        given_name=OTHER_GIVEN,
        family_name=OTHER_FAMILY,
        date_of_birth=ago(9 * 365 + 40),
        sex=Sex.MALE,
    )
    other_period = period_start(
        actor=manager,
        person=other,
        started_on=ago(30),
        legal_status="C2",
        need_code="N1",
        placement_type="T0",
        home_postcode=HOME,
    )
    request = placement_request_create(
        actor=adviser,
        period=other_period,
        requested_on=ago(25),
        household_kind=HouseholdKind.MAINSTREAM_FOSTER,
        max_distance_miles=10,
        needs="A quiet home near his school.",
    )

    # --- 1. the team manager opens the care leaver record -------------------------------------------
    desk_manager = signed_in_here(journey, manager, secrets[manager.pk])
    page = desk_manager.page
    desk_manager.go(f"/people/{young_person.pk}/")
    desk_manager.check_accessibility("the young person's record")
    follow(
        desk_manager,
        "Open a care leaver record",
        rf"/care/leavers/open/{young_person.pk}/$",
        "open a care leaver record",
    )
    expect(page.locator("main")).to_contain_text("former relevant")
    fill_date(page, "started_on", eighteenth)
    page.locator("input[name=category][value=former_relevant]").check()
    page.locator("#id_personal_adviser").select_option(str(adviser.pk))
    fill_date(page, "pathway_plan_on", eighteenth)
    page.get_by_role("button", name="Open the record", exact=True).click()
    page.wait_for_url(re.compile(r"/care/leavers/[0-9a-f-]{36}/$"))
    record = CareLeaver.objects.get(person=young_person)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    summary = page.locator("main dl").first
    expect(summary).to_contain_text("Former relevant")
    expect(summary).to_contain_text(adviser.full_name)
    expect(open_tasks(page)).to_contain_text("Birthday contact (18th birthday)")
    expect(open_tasks(page)).to_contain_text("Review the pathway plan")
    desk_manager.check_accessibility("care leaver record, opened")
    screenshot(page, "cl-01-opened")
    kit_before = Task.objects.get(involvement=record.involvement, key=Clock.KEEPING_IN_TOUCH, status="open")
    assert kit_before.due_on == add_months(eighteenth, 1)

    # --- 2. the personal adviser: the birthday contact, a pathway plan review -----------------------
    desk_adviser = open_desk(journey, browser, desks, adviser, secrets[adviser.pk])
    apage = desk_adviser.page
    desk_adviser.go(f"/care/leavers/{record.pk}/")
    desk_adviser.check_accessibility("care leaver record for the adviser")
    follow(desk_adviser, "Record a contact", rf"/care/leavers/{record.pk}/contacts/new/$", "record a contact")
    fill_date(apage, "contact_on", today)
    apage.locator("input[name=in_touch][value=YES]").check()
    # In touch, but no activity or accommodation: refused at the fields (903 OC3).
    apage.get_by_role("button", name="Save the contact", exact=True).click()
    expect(apage).to_have_title(re.compile(r"^Error: "))
    expect(apage.locator(".govuk-error-summary a[href='#id_activity']")).to_contain_text(
        "needed when in touch"
    )
    desk_adviser.check_accessibility("record a contact, activity missing")
    apage.locator("#id_activity").select_option("F2")
    apage.locator("#id_accommodation").select_option("Z1")
    apage.locator("#id_notes").fill("Birthday call: Tegen is at college and staying put with the Pengellys.")
    apage.get_by_role("button", name="Save the contact", exact=True).click()
    apage.wait_for_url(re.compile(rf"/care/leavers/{record.pk}/$"))
    expect(open_tasks(apage)).not_to_contain_text("18th birthday")
    expect(open_tasks(apage)).to_contain_text("Birthday contact (19th birthday)")
    contacts = apage.locator("table", has=apage.locator("caption", has_text="Keeping-in-touch contacts"))
    expect(contacts.locator("tbody tr")).to_have_count(1)
    expect(contacts).to_contain_text("YES")
    expect(contacts).to_contain_text("F2")
    expect(contacts).to_contain_text("Z1")
    desk_adviser.check_accessibility("care leaver record, after the contact")
    screenshot(apage, "cl-02-contact")
    kit_before.refresh_from_db()
    assert kit_before.status == "done"

    pathway_before = Task.objects.get(involvement=record.involvement, key=Clock.PATHWAY_REVIEW, status="open")
    follow(
        desk_adviser,
        "Record a pathway plan review",
        rf"/care/leavers/{record.pk}/pathway-reviews/new/$",
        "record a pathway plan review",
    )
    fill_date(apage, "reviewed_on", today)
    apage.locator("#id_summary").fill("Tegen wants to start an apprenticeship in September.")
    apage.get_by_role("button", name="Save the review", exact=True).click()
    apage.wait_for_url(re.compile(rf"/care/leavers/{record.pk}/$"))
    reviews = apage.locator("h2:has-text('Pathway plan reviews') + ul")
    expect(reviews).to_contain_text("apprenticeship")
    pathway_after = Task.objects.get(involvement=record.involvement, key=Clock.PATHWAY_REVIEW, status="open")
    assert pathway_after.due_on == add_months(today, 6) > pathway_before.due_on
    expect(open_tasks(apage)).to_contain_text(long_date(pathway_after.due_on))
    desk_adviser.check_accessibility("care leaver record, after the review")

    desk_adviser.go("/care/leavers/")
    expect(apage.get_by_role("heading", level=1)).to_be_visible()
    desk_adviser.check_accessibility("care leavers list")

    # --- 3. the team manager: households, sufficiency, the matching helper --------------------------
    desk_manager.go("/care/households/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text(foster.name)
    expect(page.locator("main")).to_contain_text(far.name)
    desk_manager.check_accessibility("households list")
    page.get_by_role("link", name=foster.name).first.click()
    page.wait_for_url(re.compile(rf"/care/households/{foster.pk}/$"))
    desk_manager.check_accessibility("a household")

    desk_manager.go("/care/households/sufficiency/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Placement sufficiency")
    expect(page.locator("svg").first).to_be_visible()
    totals = page.locator("table[data-section=totals]")
    foster_row = totals.locator("tbody tr").filter(has_text=str(HouseholdKind.MAINSTREAM_FOSTER.label))
    # Jory, waiting: one child, shown as a small count (R22: cells of 1 to 4 are not published).
    expect(foster_row.locator("td").nth(0)).to_have_text("fewer than 5")
    expect(page.locator("table[data-section=series]")).to_be_visible()
    # Counts only (R22): no child is named on the page.
    for name in (GIVEN, OTHER_GIVEN, OTHER_FAMILY):
        expect(page.locator("main")).not_to_contain_text(name)
    desk_manager.check_accessibility("sufficiency")
    screenshot(page, "cl-03-sufficiency")

    desk_manager.go("/care/households/requests/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Placement requests")
    desk_manager.check_accessibility("placement requests")
    page.locator("tbody tr").first.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/care/households/requests/{request.pk}/$"))
    matches = page.locator("table[data-section=matches]")
    expect(matches.locator("tbody tr")).to_have_count(1)
    expect(matches).to_contain_text(foster.name)
    expect(matches).to_contain_text("3.0 miles")
    expect(matches).not_to_contain_text(far.name)
    desk_manager.check_accessibility("placement request, matches within 10 miles")
    page.locator("#id_within_miles").fill("50")
    page.get_by_role("button", name="Apply distance").click()
    page.wait_for_url(re.compile(r"within_miles=50"))
    expect(matches.locator("tbody tr")).to_have_count(2)
    expect(matches.locator("tbody tr").nth(1)).to_contain_text(far.name)
    expect(matches.locator("tbody tr").nth(1)).to_contain_text("40.0 miles")
    desk_manager.check_accessibility("placement request, matches within 50 miles")
    screenshot(page, "cl-04-matches")

    assert not journey.csp_violations, f"R2: CSP violations: {journey.csp_violations}"
    assert not [r for r in caplog.records if r.name == "safehub.csp"]
    typed = (GIVEN, FAMILY, OTHER_GIVEN, OTHER_FAMILY, born.isoformat(), "Pengelly", HOME, NEAR)
    leaks = [u for u in journey.requested_urls if any(t in u or quote(t) in u for t in typed)]
    assert not leaks, f"R4: personal data in URLs: {leaks}"
    assert len(journey.axe_checked) >= 15, journey.axe_checked
