"""The API key administration screens (system administrators only)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.api.constants import Scope
from safehub.api.models import ApiKey
from safehub.api.tokens import hash_secret, parse_token
from safehub.platform import clock

LIST = reverse("api_keys:list")
CREATE = reverse("api_keys:create")


@pytest.fixture
def admin_client(client, sysadmin):
    client.force_login(sysadmin)
    client.user = sysadmin
    return client


@pytest.fixture
def system_user(make_user):
    return make_user(Role.SOCIAL_WORKER, mfa=False, full_name="Police MASH system")


def _form(system_user, **overrides):
    data = {
        "name": "Police MASH feed",
        "agency": str(system_user.agency_id),
        "user": str(system_user.pk),
        "scopes": [Scope.PEOPLE_READ, Scope.ME_READ],
        "expires_on": (clock.today() + timedelta(days=90)).strftime("%d/%m/%Y"),
    }
    data.update(overrides)
    return data


def test_create_shows_the_token_once(admin_client, system_user):
    response = admin_client.post(CREATE, _form(system_user))
    assert response.status_code == 200
    token = response.context["token"]
    key = ApiKey.objects.get()
    prefix, secret = parse_token(token)
    assert (key.prefix, key.key_hash) == (prefix, hash_secret(secret))
    assert token in response.content.decode()
    assert "cannot show it again" in response.content.decode()
    assert response["Cache-Control"].startswith("no-store")
    assert set(key.scopes) == {Scope.PEOPLE_READ, Scope.ME_READ}
    # The key works to the end of the chosen day in the council's time zone.
    assert clock.now() + timedelta(days=90) < key.expires_at <= clock.now() + timedelta(days=92)
    # Afterwards, nowhere shows it again: not the list, not the revoke page.
    for url in (LIST, reverse("api_keys:revoke", args=[key.pk])):
        page = admin_client.get(url).content.decode()
        assert key.prefix in page
        assert secret not in page
    assert secret not in str(dict(admin_client.session))


def test_the_list_shows_each_keys_details_and_status(admin_client, make_key):
    active, _ = make_key(name="Health feed")
    admin_client.post(reverse("api_keys:revoke", args=[make_key(name="Old feed")[0].pk]))
    page = admin_client.get(LIST).content.decode()
    assert "Health feed" in page
    assert active.prefix in page
    assert "people:read" in page
    assert "Never" in page
    assert "Revoked" in page
    assert "Active" in page


def test_invalid_input_is_shown_at_each_field(admin_client, system_user):
    response = admin_client.post(CREATE, {"expires_on": "31/02/2027"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"name", "agency", "user", "scopes", "expires_on"}
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_name"' in page
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize(("days", "message"), [(-1, "today or in the future"), (366, "within one year")])
def test_expiry_date_limits(admin_client, system_user, days, message):
    expires = (clock.today() + timedelta(days=days)).strftime("%d/%m/%Y")
    response = admin_client.post(CREATE, _form(system_user, expires_on=expires))
    assert message in str(response.context["form"].errors["expires_on"])
    assert not ApiKey.objects.exists()


def test_a_year_from_today_is_allowed(admin_client, system_user):
    expires = (clock.today() + timedelta(days=365)).strftime("%d/%m/%Y")
    response = admin_client.post(CREATE, _form(system_user, expires_on=expires))
    assert "token" in response.context, response.context["form"].errors
    assert ApiKey.objects.get().expires_at <= clock.now() + timedelta(days=366)


def test_the_acting_user_must_belong_to_the_agency(admin_client, system_user, make_user):
    other = make_user(Role.MASH_PARTNER, mfa=False)  # a police user
    response = admin_client.post(CREATE, _form(system_user, user=str(other.pk)))
    assert "user" in response.context["form"].errors
    assert not ApiKey.objects.exists()


def test_the_administrator_is_not_offered_as_the_acting_user(admin_client, sysadmin, system_user):
    """R26: the form does not offer the administrator, and the service refuses them anyway."""
    form = admin_client.get(CREATE).context["form"]
    choices = {str(pk) for pk, _ in form.fields["user"].choices if pk}
    assert str(system_user.pk) in choices
    assert str(sysadmin.pk) not in choices
    response = admin_client.post(
        CREATE, _form(system_user, user=str(sysadmin.pk), agency=str(sysadmin.agency_id))
    )
    assert "user" in response.context["form"].errors
    assert not ApiKey.objects.exists()


def test_revoke_asks_for_confirmation_then_revokes(admin_client, make_key):
    key, _ = make_key()
    url = reverse("api_keys:revoke", args=[key.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Revoke key" in page.content.decode()
    key.refresh_from_db()
    assert key.revoked_at is None  # a GET changes nothing
    response = admin_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == LIST
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_revoking_a_missing_key_is_404(admin_client):
    import uuid

    assert admin_client.post(reverse("api_keys:revoke", args=[uuid.uuid4()])).status_code == 404


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.SYSADMIN])
def test_other_roles_are_refused(signed_in, make_key, role):
    key, _ = make_key()
    client = signed_in(role)
    for url in (LIST, CREATE, reverse("api_keys:revoke", args=[key.pk])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("api_keys:revoke", args=[key.pk])).status_code == 403
    key.refresh_from_db()
    assert key.revoked_at is None


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_an_administrator_without_a_second_factor_is_sent_to_enrol(client, make_user):
    """R7: the MFA middleware covers these pages like every other staff page."""
    client.force_login(make_user(Role.SYSADMIN, mfa=False))
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


def test_the_list_page_does_not_query_per_key(admin_client, make_key):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_key(name="First")
    admin_client.get(LIST)  # the first request of a session does its own one-off bookkeeping
    with CaptureQueriesContext(connection) as one:
        admin_client.get(LIST)
    for i in range(5):
        make_key(name=f"Key {i}")
    with CaptureQueriesContext(connection) as six:
        admin_client.get(LIST)
    assert len(six) == len(one)
