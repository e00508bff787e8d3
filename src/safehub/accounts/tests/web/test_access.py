"""R18: every administration page needs sign-in and MANAGE_USERS; other roles get 403."""

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import TeamFactory, UserFactory
from safehub.accounts.web import urls


def _routes():
    user, team = UserFactory(), TeamFactory()
    args = {"pk": user.pk}
    for pattern in urls.urlpatterns:
        name = pattern.name
        converters = set(pattern.pattern.converters)
        if converters == {"pk", "user_pk"}:
            kwargs = {"pk": team.pk, "user_pk": user.pk}
        elif "pk" in converters:
            kwargs = {"pk": team.pk} if name.startswith("team") else {"pk": user.pk}
            if name.startswith("agency"):
                kwargs = {"pk": team.agency.pk}
        else:
            kwargs = {}
        yield name, reverse(f"accounts:{name}", kwargs=kwargs or None)
    del args


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client):
    for name, url in _routes():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response.url.startswith("/accounts/login/"), name


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in Role if r != Role.SYSADMIN])
def test_roles_without_manage_users_are_refused(signed_in, role):
    client = signed_in(role)
    for name, url in _routes():
        assert client.get(url).status_code == 403, (role, name)
        assert client.post(url, {}).status_code in (403, 405), (role, name)


@pytest.mark.django_db
def test_every_view_declares_its_capability():
    for pattern in urls.urlpatterns:
        assert getattr(pattern.callback, "required_capability", None) == "manage_users", pattern.name


@pytest.mark.django_db
def test_admin_reaches_every_page(admin_client):
    for name, url in _routes():
        if name in ("team_member_add",):
            continue  # POST only
        response = admin_client.get(url)
        assert response.status_code == 200, name
