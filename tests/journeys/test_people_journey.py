"""Find or create a person, then add an identifier to their record, in a real browser.

Issue 3 items 1 and 3. A social worker looks for a child before recording them: the one candidate
shown is not the child, so "None of these" opens the new-record form already filled in with what
was searched for. On the new record a UPN with a wrong check letter is refused with the reason at
the field; corrected, it is saved. R59 (no serious or critical axe-core violation on the find page,
with results and with an error, or on the person page), R2 (no CSP violation), R4 (only opaque ids
and a random token in the URLs visited: never the name, date of birth or UPN typed).
"""

import logging
import re
import time
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory, enrol_totp
from safehub.people.constants import IdentifierKind, Sex
from safehub.people.identifiers import make_upn
from safehub.people.models import Person, PersonIdentifier
from safehub.people.tests.factories import indexed_person

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "journeys"
PERIOD = 30
FAMILY = "Journeyfinder"


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


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"people-{name}.png"), full_page=True)


def fill_date(page, prefix: str, value: date) -> None:
    page.locator(f"#id_{prefix}").fill(str(value.day))
    page.locator(f"#id_{prefix}-month").fill(str(value.month))
    page.locator(f"#id_{prefix}-year").fill(str(value.year))


def test_find_or_create_a_person_and_add_an_identifier(journey, transactional_db, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="safehub.csp")
    user = UserFactory(role=Role.SOCIAL_WORKER, email="people-journey@example.test", full_name="Pat Journey")
    secret = enrol_totp(user)
    # Her brother (born the same year) is already recorded: same family name, a different child.
    brother = indexed_person(
        actor=user, given_name="Emrys", family_name=FAMILY, date_of_birth=date(2016, 1, 5), sex=Sex.MALE
    )
    born = date(2016, 8, 19)
    upn = make_upn(serial=321)
    wrong_upn = ("B" if upn[0] != "B" else "C") + upn[1:]
    page = journey.page
    sign_in(journey, user.email, secret)

    journey.go("/people/find/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check if the person is already recorded")
    journey.check_accessibility("find page")

    # Not enough to search on: refused at the field, and the page with the error is accessible too.
    page.locator("#id_family_name").fill(FAMILY)
    page.get_by_role("button", name="Find matches").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    journey.check_accessibility("find page with an error")

    page.locator("#id_given_name").fill("Eira")
    fill_date(page, "date_of_birth", born)
    page.get_by_label("Female").check()
    page.get_by_role("button", name="Find matches").click()
    expect(page.get_by_role("heading", name="Possible matches")).to_be_visible()
    card = page.locator(".govuk-summary-card").filter(has_text=f"{FAMILY.upper()}, Emrys")
    expect(card).to_contain_text("likely to be the same person")
    card.get_by_text("Why this match").click()
    expect(card.locator("table")).to_contain_text("Family name")
    journey.check_accessibility("find page with candidates")
    screenshot(page, "01-find-candidates")

    page.get_by_role("link", name="None of these: record a new person").click()
    page.wait_for_url(re.compile(r"/people/new/\?find=[\w-]+$"))
    expect(page.locator("#id_given_name")).to_have_value("Eira")
    expect(page.locator("#id_family_name")).to_have_value(FAMILY)
    expect(page.locator("#id_date_of_birth-year")).to_have_value(str(born.year))
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/people/[0-9a-f-]{36}/$"))
    eira = Person.objects.get(given_name="Eira", family_name=FAMILY)
    assert eira.pk != brother.pk
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Eira {FAMILY}")
    journey.check_accessibility("person page")

    # A UPN with the wrong check letter is refused with the reason; corrected, it is saved.
    page.get_by_role("link", name="Add an identifier").click()
    page.get_by_label("Unique Pupil Number", exact=True).check()
    page.locator("#id_value").fill(wrong_upn)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("check letter")
    expect(page.locator("#id_value-error")).to_be_visible()
    journey.check_accessibility("add identifier with an error")
    screenshot(page, "02-identifier-error")
    page.locator("#id_value").fill(upn)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"/people/{eira.pk}/#identifiers$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Identifier added")
    expect(page.locator("#identifiers + table")).to_contain_text(upn)
    journey.check_accessibility("person page with an identifier")
    screenshot(page, "03-person-page")
    assert PersonIdentifier.objects.filter(person=eira, kind=IdentifierKind.UPN, value=upn).exists()

    assert not journey.csp_violations, f"R2: CSP violations: {journey.csp_violations}"
    assert not [r for r in caplog.records if r.name == "safehub.csp"]
    typed = ("Eira", FAMILY, upn, wrong_upn, born.isoformat(), f"{born.day}/{born.month}/{born.year}")
    leaks = [u for u in journey.requested_urls if any(t in u or quote(t) in u for t in typed)]
    assert not leaks, f"R4: personal data in URLs: {leaks}"
    assert len(journey.axe_checked) >= 6
