"""Restricting records and granting access over HTTP (R17, R18, R22, R26)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from safehub.access.constants import GrantStatus, Level, RestrictionReason
from safehub.access.models import AccessGrant, RestrictedRecord
from safehub.accounts.constants import Role
from safehub.platform import clock

from ..factories import PERSON, make_grant, make_person, restrict

pytestmark = pytest.mark.django_db


def detail_url(person, object_type=PERSON):
    return reverse("access:restriction_detail", args=[object_type, person.pk])


def test_restricting_over_http_needs_step_up_and_shows_field_errors(signed_in, reauthenticate):
    """R17: granting and restricting are step-up actions; bad input is answered at the field."""
    client = signed_in(Role.IG_OFFICER)
    person = make_person()
    url = reverse("access:record_restrict", args=[PERSON, person.pk])
    assert client.get(url)["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticate(client)
    assert client.get(url).status_code == 200
    bad = client.post(url, {"level": Level.SEALED, "reason": RestrictionReason.OTHER, "explanation": ""})
    assert bad.status_code == 200
    assert 'href="#id_explanation"' in bad.content.decode()
    assert not RestrictedRecord.objects.exists()
    done = client.post(url, {"level": Level.SEALED, "reason": RestrictionReason.ADOPTION, "explanation": ""})
    assert done.status_code == 302
    assert done["Location"] == detail_url(person)
    assert RestrictedRecord.objects.get().level == Level.SEALED
    page = client.get(detail_url(person)).content.decode()
    assert "Sealed" in page
    assert "Adoption record" in page


def test_grant_request_and_second_approver_over_http(signed_in, make_user, reauthenticate, client_factory):
    """R26: the requester cannot approve; a different approver can, after stepping up."""
    requester = signed_in(Role.IG_OFFICER)
    reauthenticate(requester)
    worker = make_user(Role.SOCIAL_WORKER, mfa=False, email="named.worker@example.test")
    person = make_person()
    restrict(person, Level.SEALED)
    last_day = clock.today() + timedelta(days=20)
    expires = {
        "expires_at_day": last_day.day,
        "expires_at_month": last_day.month,
        "expires_at_year": last_day.year,
    }
    url = reverse("access:grant_request", args=[PERSON, person.pk])
    form_page = requester.get(url).content.decode()
    assert 'name="expires_at_day"' in form_page  # the GOV.UK day, month and year boxes
    assert 'name="expires_at_year"' in form_page
    own = requester.post(url, {"user": requester.user.email, "reason": "Self.", **expires})
    assert own.status_code == 200
    assert "other than yourself" in own.content.decode()
    response = requester.post(
        url, {"user": "Named.Worker@example.test", "reason": "Later-life letter.", **expires}
    )
    assert response.status_code == 302
    grant = AccessGrant.objects.get()
    assert (grant.user, grant.status) == (worker, GrantStatus.PENDING)

    approve_url = reverse("access:grant_approve", args=[grant.pk])
    refused = requester.post(approve_url, {"notes": ""})
    assert refused.status_code == 200
    assert "different approver" in refused.content.decode()
    grant.refresh_from_db()
    assert grant.status == GrantStatus.PENDING

    approver = client_factory(Role.IG_OFFICER)
    assert approver.get(approve_url)["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticate(approver)
    assert approver.post(approve_url, {"notes": "Checked."}).status_code == 302
    grant.refresh_from_db()
    assert (grant.status, grant.decided_by) == (GrantStatus.ACTIVE, approver.user)


def test_pending_list_and_refusal(signed_in, make_user):
    client = signed_in(Role.IG_OFFICER)
    restriction = restrict(make_person(), Level.SEALED)
    grant = make_grant(restriction, make_user(Role.SOCIAL_WORKER, mfa=False), status=GrantStatus.PENDING)
    page = client.get(reverse("access:grant_pending_list"))
    assert page.status_code == 200
    assert reverse("access:grant_approve", args=[grant.pk]) in page.content.decode()
    url = reverse("access:grant_refuse", args=[grant.pk])
    assert 'href="#id_reason"' in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "Not allocated."}).status_code == 302
    grant.refresh_from_db()
    assert grant.status == GrantStatus.REFUSED


def test_revoke_over_http(signed_in, make_user):
    client = signed_in(Role.IG_OFFICER)
    grant = make_grant(restrict(make_person()), make_user(Role.SOCIAL_WORKER, mfa=False))
    response = client.post(reverse("access:grant_revoke", args=[grant.pk]), {"reason": "Left the team."})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.status == GrantStatus.REVOKED


def test_unrestrict_over_http(signed_in, reauthenticate):
    client = signed_in(Role.IG_OFFICER)
    person = make_person()
    restrict(person)
    reauthenticate(client)
    url = reverse("access:record_unrestrict", args=[PERSON, person.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "Subject's court case concluded."}).status_code == 302
    assert not RestrictedRecord.objects.exists()


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SYSADMIN, Role.MASH_PARTNER])
def test_casework_and_admin_roles_get_403(signed_in, make_user, role):
    """R18: governance pages need the grant capabilities."""
    client = signed_in(role)
    person = make_person()
    grant = make_grant(restrict(person), make_user(Role.SOCIAL_WORKER, mfa=False))
    for url in (
        reverse("access:restriction_list"),
        detail_url(person),
        reverse("access:record_restrict", args=[PERSON, person.pk]),
        reverse("access:grant_request", args=[PERSON, person.pk]),
        reverse("access:grant_pending_list"),
        reverse("access:grant_approve", args=[grant.pk]),
        reverse("access:grant_revoke", args=[grant.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_unknown_type_or_record_is_404(signed_in, make_user):
    client = signed_in(Role.IG_OFFICER)
    person = make_person()
    assert client.get(detail_url(person, "people.unknown")).status_code == 404
    assert client.get(reverse("access:restriction_detail", args=[PERSON, client.user.pk])).status_code == 404
    assert client.get(reverse("access:grant_revoke", args=[person.pk])).status_code == 404
    assert client.get(detail_url(person)).status_code == 200


def test_restriction_list(signed_in):
    client = signed_in(Role.IG_OFFICER)
    person = make_person()
    restrict(person, Level.SEALED)
    page = client.get(reverse("access:restriction_list")).content.decode()
    assert detail_url(person) in page
