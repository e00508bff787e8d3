"""A signed-in person without a second factor reaches nothing but enrolment (R7)."""

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.web.navigation import url_or_none


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.SYSADMIN, Role.IG_OFFICER, Role.REFERRER])
def test_unenrolled_user_is_sent_to_totp_setup_from_any_service_page(client, make_user, role) -> None:
    """R7: every route outside /accounts/ redirects an un-enrolled user to TOTP activation."""
    client.force_login(make_user(role, mfa=False))
    activate = reverse("mfa_activate_totp")
    candidates = ["/", "/no-such-page/"] + [
        url
        for name in ("audit:event_list", "accounts:user_list", "people:search", "platform:closure_list")
        if (url := url_or_none(name))
    ]
    for url in candidates:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == activate, url


@pytest.mark.django_db
def test_unenrolled_user_may_still_use_account_pages_and_session_endpoints(client, make_user) -> None:
    client.force_login(make_user(Role.SOCIAL_WORKER, mfa=False))
    assert client.get("/session/status/").status_code == 200
    response = client.get(reverse("mfa_activate_totp"))
    # allauth asks for the password again before adding a factor; either way, not a loop to /.
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/")


@pytest.mark.django_db
def test_htmx_request_from_unenrolled_user_gets_401(client, make_user) -> None:
    client.force_login(make_user(Role.SOCIAL_WORKER, mfa=False))
    assert client.get("/", headers={"HX-Request": "true"}).status_code == 401


@pytest.mark.django_db
def test_enrolled_user_reaches_home(signed_in) -> None:
    assert signed_in(Role.SOCIAL_WORKER).get("/").status_code == 200
