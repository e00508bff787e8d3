"""A social worker opens a child's family network, then the chronology, then the alerts inbox,
in a real browser.

Issue 3 item 2 and 5; R59 (no serious or critical axe-core violation on the network page, with its
SVG, or on the chronology and alerts pages), R2 (the SVG draws under the strict CSP with no
violation: presentation attributes only), R4 (only opaque ids in the URLs visited).
"""

import logging
import re
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

from safehub.accounts.constants import Role, TeamKind
from safehub.accounts.models import TeamMembership
from safehub.accounts.tests.factories import (
    DEFAULT_PASSWORD,
    AgencyFactory,
    TeamFactory,
    UserFactory,
    enrol_totp,
)
from safehub.people.constants import RelationshipKind as K
from safehub.people.constants import RiskFlagKind, Sex
from safehub.people.services import (
    household_create,
    household_member_add,
    relationship_add,
    risk_flag_add,
)
from safehub.people.tests.factories import AddressFactory, indexed_person
from safehub.platform import clock

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "journeys"
PERIOD = 30


def current_code(secret: str) -> str:
    while True:
        now = time.time()
        if now % PERIOD < PERIOD - 2:
            return format_hotp_value(hotp_value(secret, int(now) // PERIOD))
        time.sleep(0.5)


def sign_in(journey, email: str, secret: str) -> None:
    page = journey.page
    journey.go("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.locator("#id_code").fill(current_code(secret))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(journey.base_url + "/")


def make_family(actor):
    def person(given, sex, born, **fields):
        return indexed_person(
            actor=actor, given_name=given, family_name="Journeyfamily", sex=sex, date_of_birth=born, **fields
        )

    gran = person("Gwen", Sex.FEMALE, date(1950, 5, 5), date_of_death=date(2021, 1, 1))
    mum = person("Mair", Sex.FEMALE, date(1978, 3, 3))
    partner = person("Rhys", Sex.MALE, date(1976, 4, 4))
    ex = person("Sion", Sex.UNKNOWN, date(1975, 1, 1))
    child = person("Cai", Sex.MALE, date(2016, 6, 6))
    sister = person("Nia", Sex.FEMALE, date(2018, 7, 7))
    unborn = person("Baby", Sex.UNKNOWN, None, expected_date_of_birth=clock.today() + timedelta(days=90))
    relationship_add(actor=actor, person_a=gran, person_b=mum, kind=K.PARENT)
    relationship_add(actor=actor, person_a=mum, person_b=partner, kind=K.PARTNER)
    relationship_add(
        actor=actor,
        person_a=mum,
        person_b=ex,
        kind=K.PARTNER,
        valid_from=date(2010, 1, 1),
        valid_to=date(2014, 1, 1),
    )
    for kid in (child, sister, unborn):
        relationship_add(actor=actor, person_a=mum, person_b=kid, kind=K.PARENT)
    relationship_add(actor=actor, person_a=partner, person_b=child, kind=K.PARENT)
    relationship_add(actor=actor, person_a=ex, person_b=sister, kind=K.PARENT)
    relationship_add(actor=actor, person_a=child, person_b=sister, kind=K.SIBLING)
    household = household_create(actor=actor, address=AddressFactory())
    for member in (mum, child, sister):
        household_member_add(actor=actor, household=household, person=member)
    police = AgencyFactory(name="Journey Constabulary")
    today = clock.today()
    risk_flag_add(
        actor=actor,
        person=partner,
        kind=RiskFlagKind.POSING_RISK_TO_CHILDREN,
        source_agency=police,
        starts_on=today - timedelta(days=5),
        review_on=today + timedelta(days=60),
    )
    # Joining the household after the flag: an alert for the MASH queue.
    household_member_add(actor=actor, household=household, person=partner)
    return child


def test_family_network_chronology_and_alerts_in_a_browser(journey, transactional_db, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="safehub.csp")
    user = UserFactory(
        role=Role.MASH_SOCIAL_WORKER, email="network-journey@example.test", full_name="Jan Journey"
    )
    secret = enrol_totp(user)
    TeamMembership.objects.create(team=TeamFactory(name="Journey MASH", kind=TeamKind.MASH), user=user)
    child = make_family(user)
    page = journey.page
    sign_in(journey, user.email, secret)

    journey.go(f"/people/{child.pk}/network/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Family network")
    svg = page.locator("svg.app-family-network")
    expect(svg).to_be_visible()
    picture = svg.locator("svg[role='img']")
    expect(picture).to_have_accessible_name("Family network of Cai Journeyfamily")
    expect(picture.locator("g[data-person]")).to_have_count(7)
    expect(picture.locator("g[data-focus='true']")).to_have_count(1)
    expect(picture.locator("g[data-flagged='true']")).to_have_count(1)
    expect(picture.locator("path[stroke-dasharray]")).to_have_count(1)
    expect(svg.locator("a[data-link]")).to_have_count(7)
    expect(page.locator("tr[data-relationship]")).to_have_count(9)
    expect(page.locator("tr[data-person]")).to_have_count(7)
    journey.check_accessibility("family network page")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "network-01-family-network.png"), full_page=True)

    page.get_by_role("link", name="Chronology").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chronology")
    page.locator("#kind").select_option("relationship")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("tr[data-kind='relationship']").first).to_be_visible()
    expect(page.locator("tr[data-kind='name']")).to_have_count(0)
    journey.check_accessibility("chronology page")

    journey.go("/people/alerts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerts about flagged adults")
    journey.check_accessibility("alerts inbox")
    page.locator("tr[data-recipient] a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alert about a flagged adult")
    journey.check_accessibility("alert page")
    page.get_by_role("button", name="Acknowledge alert").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    journey.check_accessibility("alert page with an error")
    page.get_by_label("What have you done or decided?").fill("Checked with the allocated worker.")
    page.get_by_role("button", name="Acknowledge alert").click()
    page.wait_for_url(re.compile(r"/people/alerts/$"))
    expect(page.get_by_text("Alert acknowledged")).to_be_visible()
    journey.check_accessibility("alerts inbox after acknowledging")
    page.screenshot(path=str(SCREENSHOTS / "network-02-alerts.png"), full_page=True)

    assert not journey.csp_violations, f"R2: CSP violations: {journey.csp_violations}"
    assert not [r for r in caplog.records if r.name == "safehub.csp"]
    leaks = [u for u in journey.requested_urls if "Journeyfamily" in u or "2016-06-06" in u]
    assert not leaks, f"R4: personal data in URLs: {leaks}"
