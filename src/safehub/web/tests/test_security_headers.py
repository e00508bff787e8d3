"""Security headers on the pages this app serves (R2, R38)."""

import re

import pytest

from safehub.accounts.constants import Role


def _assert_r2_headers(response) -> None:
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert "report-uri /csp-report/" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_signed_in_page_has_security_headers_and_no_store(signed_in) -> None:
    """R2 and R38: CSP with a nonce that matches the page's scripts; nothing cached."""
    client = signed_in(Role.SOCIAL_WORKER)
    response = client.get("/")
    assert response.status_code == 200
    _assert_r2_headers(response)
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert nonce, "script-src must carry a per-request nonce"
    body = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", body)
    assert scripts
    for tag in scripts:
        assert f'nonce="{nonce.group(1)}"' in tag
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_nonce_changes_per_request(signed_in) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    first = client.get("/")["Content-Security-Policy"]
    second = client.get("/")["Content-Security-Policy"]
    assert re.search(r"'nonce-[^']+'", first).group(0) != re.search(r"'nonce-[^']+'", second).group(0)


@pytest.mark.django_db
def test_anonymous_pages_have_security_headers(client) -> None:
    """R2 covers every response, including the sign-in page and error pages."""
    for url, status in (("/accounts/login/", 200), ("/no-such-page/", 404)):
        response = client.get(url)
        assert response.status_code == status
        _assert_r2_headers(response)
        assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_pages_have_no_inline_script_or_style(signed_in) -> None:
    """CSP forbids inline code, so none may be in the markup (it would silently not run)."""
    client = signed_in(Role.IG_OFFICER)
    for url in ("/", "/accounts/2fa/", "/accounts/sessions/", "/no-such-page/"):
        body = client.get(url).content.decode()
        assert " style=" not in body
        for tag, content in re.findall(r"(<script\b[^>]*>)(.*?)</script>", body, flags=re.S):
            assert "src=" in tag or 'type="application/json"' in tag, tag
            assert content.strip() == "" or 'type="application/json"' in tag


@pytest.mark.django_db
def test_logout_clears_site_data(signed_in) -> None:
    """R38: signing out tells the browser to drop anything it kept for the origin."""
    client = signed_in(Role.SOCIAL_WORKER)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert '"storage"' in response["Clear-Site-Data"]
    assert '"cookies"' in response["Clear-Site-Data"]
