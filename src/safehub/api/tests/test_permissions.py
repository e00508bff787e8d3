"""Scopes narrow a key; the acting user's role decides the rest, as on every channel (R18, R24)."""

import uuid

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.api.constants import Scope
from safehub.people.models import Person
from safehub.platform import context

from .conftest import assert_error

SEARCH = {"family_name": "Testperson", "given_name": "Amara"}
NEW_PERSON = {"given_name": "Kai", "family_name": "Example", "date_of_birth": "2019-02-03", "sex": "1"}


def _calls(person_id: uuid.UUID) -> dict[str, tuple[str, str, dict | None]]:
    detail = reverse("api:person-detail", args=[person_id])
    return {
        Scope.ME_READ: ("get", reverse("api:me"), None),
        Scope.PEOPLE_READ: ("post", reverse("api:person-search"), SEARCH),
        Scope.PEOPLE_WRITE: ("post", reverse("api:person-create"), NEW_PERSON),
        "people:read (detail)": ("get", detail, None),
        "people:write (patch)": ("patch", detail, {"version": 1, "preferred_name": "K"}),
    }


SCOPE_OF = {
    Scope.ME_READ: Scope.ME_READ,
    Scope.PEOPLE_READ: Scope.PEOPLE_READ,
    Scope.PEOPLE_WRITE: Scope.PEOPLE_WRITE,
    "people:read (detail)": Scope.PEOPLE_READ,
    "people:write (patch)": Scope.PEOPLE_WRITE,
}


@pytest.mark.parametrize("call", list(SCOPE_OF))
def test_a_key_without_the_scope_is_refused(key_client, make_person, call):
    person = make_person()
    others = [s for s in Scope.values if s != SCOPE_OF[call]]
    client = key_client(Role.SOCIAL_WORKER, scopes=others)
    method, url, body = _calls(person.pk)[call]
    error = assert_error(getattr(client, method)(url, body, format="json"), 403, "permission_denied")
    assert SCOPE_OF[call] in error["message"]


@pytest.mark.parametrize("call", list(SCOPE_OF))
def test_a_key_with_the_scope_is_allowed(key_client, make_person, call):
    person = make_person(family_name="Testperson", given_name="Amara")
    client = key_client(Role.SOCIAL_WORKER, scopes=[SCOPE_OF[call]])
    method, url, body = _calls(person.pk)[call]
    response = getattr(client, method)(url, body, format="json")
    assert response.status_code in {200, 201}, response.content


def test_a_scope_does_not_widen_the_acting_users_role(key_client, make_person):
    """A key acting as a police partner officer (no people capability) gets nothing, whatever its scopes."""
    person = make_person()
    client = key_client(Role.MASH_PARTNER)
    for method, url, body in list(_calls(person.pk).values())[1:]:
        assert_error(getattr(client, method)(url, body, format="json"), 403, "permission_denied")
    assert client.get(reverse("api:me")).status_code == 200


def test_a_read_only_role_cannot_write_through_a_key(key_client, make_person):
    person = make_person()
    client = key_client(Role.IRO)  # may view people, may not edit them
    assert client.get(reverse("api:person-detail", args=[person.pk])).status_code == 200
    assert_error(
        client.post(reverse("api:person-create"), NEW_PERSON, format="json"), 403, "permission_denied"
    )


@pytest.mark.parametrize(
    ("role", "search", "create"),
    [
        (Role.SOCIAL_WORKER, 200, 201),
        (Role.IRO, 200, 403),
        (Role.PERFORMANCE_ANALYST, 403, 403),
        (Role.SYSADMIN, 403, 403),
    ],
)
def test_session_users_are_governed_by_their_role(session_client, role, search, create):
    client = session_client(role)
    assert client.post(reverse("api:person-search"), SEARCH, format="json").status_code == search
    assert client.post(reverse("api:person-create"), NEW_PERSON, format="json").status_code == create
    assert client.get(reverse("api:me")).status_code == 200


def test_a_method_without_a_handler_is_405(key_client, make_person):
    person = make_person()
    client = key_client()
    assert_error(client.delete(reverse("api:person-detail", args=[person.pk])), 405, "method_not_allowed")
    assert Person.objects.filter(pk=person.pk).exists()


def test_a_handler_the_view_does_not_declare_is_refused_to_everyone(key_client, session_client):
    """Deny by default (R18): a handler added without declaring its capability and scope is shut."""
    from safehub.api.views.me import MeView

    class Careless(MeView):
        def post(self, request):  # declared in neither mapping
            raise AssertionError("must not run")

    view = Careless.as_view()
    clients = (key_client(), session_client(Role.SOCIAL_WORKER))
    # Called without the middleware, so keep the audit context this test binds to itself.
    token = context.bind(context.RequestContext())
    try:
        _call_each(view, clients)
    finally:
        context.reset(token)


def _call_each(view, clients):
    from rest_framework.test import APIRequestFactory

    for client in clients:
        request = APIRequestFactory().post("/api/v1/me/", {}, format="json")
        if hasattr(client, "token"):
            request.META["HTTP_AUTHORIZATION"] = f"Bearer {client.token}"
        else:
            request.user = client.user
            request._dont_enforce_csrf_checks = True
            request.session = {}
        response = view(request)
        assert response.status_code == 403
