"""The access-request queue for information governance and the requester's own list (R18, R22, T3)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from safehub.access.models import AccessRequest, AccessRequestStatus
from safehub.access.services.access_request import access_request_create
from safehub.accounts.constants import Role
from safehub.people.models import Person
from safehub.people.policies import person_policy
from safehub.platform import clock

from ..factories import PERSON, make_person, restrict

pytestmark = pytest.mark.django_db

QUEUE = reverse("access:access_request_queue")
MINE = reverse("access:access_requests_mine")


@pytest.fixture
def pending(make_user):
    person = make_person(given_name="Hidden", family_name="Requestee")
    restrict(person)
    requester = make_user(Role.MASH_MANAGER)
    return access_request_create(
        actor=requester, object_type=PERSON, object_id=person.pk, reason="Strategy discussion this afternoon."
    )


def _decide(request):
    return reverse("access:access_request_decide", args=[request.pk])


def _expires(days=14):
    day = clock.today() + timedelta(days=days)
    return {
        "expires_on_day": str(day.day),
        "expires_on_month": str(day.month),
        "expires_on_year": str(day.year),
    }


def test_the_queue_needs_manage_grants(signed_in, pending):
    assert signed_in(Role.MASH_MANAGER).get(QUEUE).status_code == 403
    assert signed_in(Role.SOCIAL_WORKER).get(_decide(pending)).status_code == 403
    page = signed_in(Role.IG_OFFICER).get(QUEUE).content.decode()
    assert "Strategy discussion this afternoon." in page
    assert _decide(pending) in page


def test_approve_over_http(signed_in, reauthenticate, pending):
    client = signed_in(Role.IG_OFFICER)
    assert client.get(_decide(pending))["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticate(client)
    missing_date = client.post(_decide(pending), {"decision": "approve", "note": ""})
    assert 'href="#id_expires_on"' in missing_date.content.decode()
    response = client.post(_decide(pending), {"decision": "approve", "note": ""} | _expires())
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == AccessRequestStatus.APPROVED
    person = Person.objects.get(pk=pending.object_id)
    assert person_policy.can(pending.requester, "view", person)


def test_decline_over_http_and_the_requester_is_told(signed_in, reauthenticate, pending, client_factory):
    client = signed_in(Role.IG_OFFICER)
    reauthenticate(client)
    no_note = client.post(_decide(pending), {"decision": "decline", "note": ""})
    assert 'href="#id_note"' in no_note.content.decode()
    assert (
        client.post(_decide(pending), {"decision": "decline", "note": "Not proportionate"}).status_code == 302
    )
    requester = client_factory(Role.MASH_MANAGER)
    requester.force_login(pending.requester)
    page = requester.get(MINE).content.decode()
    assert "Declined" in page
    assert "Not proportionate" in page
    # The requester's list never says which record the request was for (T3).
    assert str(pending.object_id) not in page
    assert "Requestee" not in page


def test_someone_elses_requests_are_not_listed(signed_in, pending):
    page = signed_in(Role.MASH_SOCIAL_WORKER).get(MINE).content.decode()
    assert "Strategy discussion" not in page
    assert AccessRequest.objects.count() == 1
