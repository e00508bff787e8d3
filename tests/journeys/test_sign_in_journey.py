"""Signing in to Safehub in a real browser: password, TOTP enrolment, home page, sign out, and
signing in again with a code from the authenticator app; then the idle-timeout warning.

R7 (MFA for every user), R14 (timeouts, warned and extendable: WCAG 2.2.1), R2 (no CSP
violation), R38 (nothing left in localStorage), R4 (no personal data in URLs) and R59 (no serious
or critical axe-core violation on any page visited, with and without validation errors).
"""

import logging
import re
import time
from pathlib import Path
from urllib.parse import quote
from uuid import uuid4

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory, enrol_totp

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "journeys"
PERIOD = 30  # allauth's TOTP period (MFA_TOTP_PERIOD default)


def totp_code(secret: str, *, not_counter: int | None = None) -> tuple[str, int]:
    """The current code, avoiding a time step already used (allauth refuses a code twice) and
    the last two seconds of a step (the server might see the next one)."""
    while True:
        now = time.time()
        counter = int(now) // PERIOD
        if counter != not_counter and now % PERIOD < PERIOD - 2:
            return format_hotp_value(hotp_value(secret, counter)), counter
        time.sleep(0.5)


def heading(page):
    return page.get_by_role("heading", level=1)


def submit_password(journey, email: str) -> None:
    page = journey.page
    journey.go("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def local_storage_size(page) -> int:
    return page.evaluate("() => window.localStorage.length")


def sign_out(journey) -> None:
    page = journey.page
    page.locator(".app-header__sign-out-button").click()
    page.wait_for_url(re.compile(r"/accounts/login/$"))
    assert local_storage_size(page) == 0, "R38: nothing may linger in localStorage"


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def assert_nothing_leaked(journey, email: str, caplog) -> None:
    assert not journey.csp_violations, f"R2: CSP violations: {journey.csp_violations}"
    assert not [r for r in caplog.records if r.name == "safehub.csp"], "R2: a CSP report reached the server"
    leaks = [
        u for u in journey.requested_urls if email in u or quote(email) in u or quote(email, safe="") in u
    ]
    assert not leaks, f"R4: the user's email address appeared in URLs: {leaks}"
    assert journey.requested_urls, "the journey should have recorded its requests"


def test_sign_in_enrol_totp_reach_home_sign_out_and_sign_in_again(journey, transactional_db, caplog) -> None:
    """R7, R59, R2, R38, R4: the whole first-day journey of a new social worker."""
    caplog.set_level(logging.WARNING, logger="safehub.csp")
    email = f"journey-{uuid4().hex[:8]}@example.test"
    UserFactory(role=Role.SOCIAL_WORKER, email=email, full_name="Jo Journey")
    page = journey.page

    journey.go("/accounts/login/")
    expect(heading(page)).to_have_text("Sign in to Safehub")
    journey.check_accessibility("sign-in page")
    screenshot(page, "01-sign-in")

    submit_password(journey, email)
    page.wait_for_url(re.compile(r"/accounts/(reauthenticate|2fa/totp/activate)/"))
    if "/accounts/reauthenticate/" in page.url:
        # allauth asks for the password once more before a factor is added.
        expect(heading(page)).to_have_text("Confirm it is you")
        journey.check_accessibility("confirm-it-is-you page")
        page.locator("#id_password").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    expect(heading(page)).to_have_text("Set up your authenticator app")
    expect(page.locator(".app-totp-qr img")).to_be_visible()
    journey.check_accessibility("TOTP set-up page")
    screenshot(page, "02-totp-setup")

    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#authenticator-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}=*", secret), secret

    # A wrong code first: the page with a validation error must be just as usable.
    code, _ = totp_code(secret)
    page.locator("#id_code").fill(f"{(int(code) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: Set up your authenticator app"))
    page.wait_for_function("() => document.activeElement.classList.contains('govuk-error-summary')")
    expect(page.locator("#id_code-error")).to_be_visible()
    journey.check_accessibility("TOTP set-up page with an error")
    screenshot(page, "03-totp-setup-error")

    code, used_counter = totp_code(secret)
    page.locator("#id_code").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    expect(heading(page)).to_have_text("Your recovery codes")
    expect(page.locator(".app-recovery-codes li").first).to_be_visible()
    journey.check_accessibility("recovery codes page")
    page.get_by_role("link", name=re.compile("I have saved my codes")).click()

    page.wait_for_url(journey.base_url + "/")
    expect(heading(page)).to_have_text("Safehub")
    expect(page.locator(".govuk-caption-l")).to_contain_text("Social worker")
    expect(page.locator(".app-header__name")).to_have_text("Jo Journey")
    journey.check_accessibility("home page")
    screenshot(page, "04-home")
    assert local_storage_size(page) == 0

    sign_out(journey)

    submit_password(journey, email)
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/$"))
    expect(heading(page)).to_have_text("Enter your security code")
    journey.check_accessibility("security code page")
    code, _ = totp_code(secret, not_counter=used_counter)
    page.locator("#id_code").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(journey.base_url + "/")
    expect(heading(page)).to_have_text("Safehub")

    sign_out(journey)
    assert_nothing_leaked(journey, email, caplog)
    assert len(journey.axe_checked) >= 6


def test_idle_warning_lets_the_user_stay_signed_in_then_signs_out(
    journey, transactional_db, settings, caplog
) -> None:
    """R14 and WCAG 2.2.1: warned before the idle limit, can extend, else signed out and told why."""
    caplog.set_level(logging.WARNING, logger="safehub.csp")
    email = f"idle-{uuid4().hex[:8]}@example.test"
    user = UserFactory(role=Role.IG_OFFICER, email=email)
    secret = enrol_totp(user)
    page = journey.page
    submit_password(journey, email)
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.locator("#id_code").fill(totp_code(secret)[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(journey.base_url + "/")

    # Shrink the limits (the live server reads settings per request): warn 9 s before a 12 s limit.
    settings.SAFEHUB_SESSION_IDLE_SECONDS = 12
    settings.SAFEHUB_SESSION_WARNING_SECONDS = 9
    page.reload()
    dialog = page.locator("dialog.app-timeout-dialog")
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog.get_by_role("heading")).to_have_text("You are about to be signed out")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    journey.check_accessibility("timeout warning")
    screenshot(page, "05-timeout-warning")

    with page.expect_response(re.compile(r"/session/extend/$")) as extended:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert extended.value.status == 204
    expect(dialog).to_be_hidden()
    assert page.url == journey.base_url + "/"

    # Doing nothing this time: the warning returns and then the session ends.
    expect(dialog).to_be_visible(timeout=10_000)
    page.wait_for_url(re.compile(r"/accounts/login/\?timeout=idle$"), timeout=20_000)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You were signed out because you had not used Safehub"
    )
    journey.check_accessibility("sign-in page after a timeout")
    assert local_storage_size(page) == 0
    assert_nothing_leaked(journey, email, caplog)
