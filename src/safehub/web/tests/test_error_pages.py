"""Error pages render in the GOV.UK layout with the right status."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from safehub.accounts.constants import Role
from safehub.web.views import errors


@pytest.mark.django_db
def test_unknown_route_renders_govuk_404(signed_in) -> None:
    response = signed_in(Role.SOCIAL_WORKER).get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in body
    assert "govuk-header" in body
    assert "Page not found \u2013 Safehub" in body


@pytest.mark.django_db
def test_unknown_route_for_anonymous_is_also_404(client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("handler", "status", "heading"),
    [
        (errors.bad_request, 400, "There is a problem with this request"),
        (errors.permission_denied, 403, "You cannot use this page"),
        (errors.page_not_found, 404, "Page not found"),
    ],
)
def test_error_handlers(signed_in, handler, status, heading) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    request = RequestFactory().get("/somewhere/")
    request.user = client.user
    response = handler(request, PermissionDenied())
    assert response.status_code == status
    assert heading in response.content.decode()


@pytest.mark.django_db
def test_500_page_renders(client) -> None:
    request = RequestFactory().get("/boom/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = errors.server_error(request)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_500_page_survives_broken_context(monkeypatch) -> None:
    """If the database is what broke, the 500 page must not break too."""

    def broken(request):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr("safehub.web.views.errors.render", lambda *a, **k: broken(a[0]))
    response = errors.server_error(RequestFactory().get("/boom/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
