"""Access requests: a MASH worker asks for a restricted record that matched; information governance
approve (a time-bound grant through the grant service) or decline; the requester is told (R22, R26)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from safehub.access.constants import GrantStatus, Level
from safehub.access.models import AccessRequest, AccessRequestStatus
from safehub.access.services import SeparationOfDuties
from safehub.access.services.access_request import (
    access_request_approve,
    access_request_create,
    access_request_decline,
)
from safehub.accounts.constants import Role
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.people.policies import person_policy
from safehub.platform import clock
from safehub.platform.errors import PermissionRefused

from ..factories import PERSON, make_person, restrict

pytestmark = pytest.mark.django_db

REASON = "Contact from the school about this child this morning."


@pytest.fixture
def mash(make_user):
    return make_user(Role.MASH_SOCIAL_WORKER, mfa=False)


@pytest.fixture
def officer(make_user):
    return make_user(Role.IG_OFFICER, mfa=False)


@pytest.fixture
def hidden():
    person = make_person()
    restrict(person)
    return person


def _ask(user, person, reason=REASON):
    return access_request_create(actor=user, object_type=PERSON, object_id=person.pk, reason=reason)


def test_request_approve_opens_the_record_until_the_grant_ends(mash, officer, hidden):
    assert not person_policy.can(mash, "view", hidden)
    request = _ask(mash, hidden)
    assert request.status == AccessRequestStatus.PENDING
    assert AuditEvent.objects.filter(object_id=str(hidden.pk), section="access_request").count() == 1
    expires_at = clock.now() + timedelta(days=7)
    request = access_request_approve(
        actor=officer, request=request, expires_at=expires_at, note="For this contact"
    )
    assert (request.status, request.decided_by, request.grant.status) == (
        AccessRequestStatus.APPROVED,
        officer,
        GrantStatus.ACTIVE,
    )
    assert request.grant.user == mash
    assert person_policy.can(mash, "view", hidden)
    assert AuditEvent.objects.filter(verb=Verb.GRANT, object_id=str(hidden.pk)).exists()


def test_a_sealed_record_still_needs_its_second_approver(mash, officer, make_user):
    person = make_person()
    restrict(person, Level.SEALED)
    request = access_request_approve(
        actor=officer, request=_ask(mash, person), expires_at=clock.now() + timedelta(days=3)
    )
    assert request.grant.status == GrantStatus.PENDING
    assert not person_policy.can(mash, "view", person)


def test_decline_needs_a_note_and_the_requester_sees_it(mash, officer, hidden):
    request = _ask(mash, hidden)
    with pytest.raises(ValidationError) as error:
        access_request_decline(actor=officer, request=request, note="  ")
    assert "note" in error.value.message_dict
    request = access_request_decline(actor=officer, request=request, note="Not needed for this contact")
    assert request.status == AccessRequestStatus.DECLINED
    assert not person_policy.can(mash, "view", hidden)
    with pytest.raises(ValidationError):
        access_request_approve(actor=officer, request=request, expires_at=clock.now() + timedelta(days=1))


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.IG_OFFICER])
def test_only_mash_roles_may_ask(make_user, hidden, role):
    with pytest.raises(PermissionRefused):
        _ask(make_user(role, mfa=False), hidden)
    assert not AccessRequest.objects.exists()


def test_a_reason_is_required(mash, hidden):
    with pytest.raises(ValidationError) as error:
        _ask(mash, hidden, reason=" ")
    assert "reason" in error.value.message_dict


def test_asking_twice_files_one_request(mash, hidden):
    assert _ask(mash, hidden) == _ask(mash, hidden)
    assert AccessRequest.objects.count() == 1


def test_deciding_needs_manage_grants_and_not_ones_own_request(make_user, mash, hidden):
    request = _ask(mash, hidden)
    with pytest.raises(PermissionRefused):
        access_request_decline(actor=make_user(Role.MASH_MANAGER, mfa=False), request=request, note="No")
    # An IG officer who somehow made a request may not decide it (R26), in the service and the database.
    ig = make_user(Role.IG_OFFICER, mfa=False)
    own = AccessRequest.objects.create(requester=ig, object_type=PERSON, object_id=hidden.pk, reason=REASON)
    with pytest.raises(SeparationOfDuties):
        access_request_decline(actor=ig, request=own, note="Mine")
    own.status, own.decided_by, own.decided_at = AccessRequestStatus.DECLINED, ig, clock.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        own.save()


def test_an_approval_that_fails_leaves_nothing_half_written(mash, officer, hidden):
    """R50: a grant refused by the grant service (end in the past) leaves the request pending."""
    request = _ask(mash, hidden)
    with pytest.raises(ValidationError) as error:
        access_request_approve(actor=officer, request=request, expires_at=clock.now() - timedelta(days=1))
    assert "expires_at" in error.value.message_dict
    request.refresh_from_db()
    assert (request.status, request.grant) == (AccessRequestStatus.PENDING, None)
