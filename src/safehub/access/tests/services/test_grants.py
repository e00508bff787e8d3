"""Named, time-bound grants and separation of duties (R22, R26)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from safehub.access.constants import GrantStatus, Level
from safehub.access.models import AccessGrant
from safehub.access.services import (
    SeparationOfDuties,
    grant_approve,
    grant_refuse,
    grant_request,
    grant_revoke,
    record_restrict,
)
from safehub.accounts.constants import Role
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.people.policies import person_policy
from safehub.platform import clock
from safehub.platform.errors import PermissionRefused

from ..factories import PERSON, make_grant, make_person, restrict

pytestmark = pytest.mark.django_db

REASON = "Named adoption worker preparing the later-life letter."


@pytest.fixture
def officer(make_user):
    return make_user(Role.IG_OFFICER, mfa=False)


@pytest.fixture
def approver(make_user):
    return make_user(Role.IG_OFFICER, mfa=False)


@pytest.fixture
def worker(make_user):
    return make_user(Role.SOCIAL_WORKER, mfa=False)


def request(actor, restriction, user, *, days=14, **kwargs):
    return grant_request(
        actor=actor,
        restriction=restriction,
        user=user,
        reason=kwargs.pop("reason", REASON),
        expires_at=clock.now() + timedelta(days=days),
        **kwargs,
    )


def test_nobody_can_grant_themselves_access(officer):
    """R26: self-grant is refused, even by someone who may grant access to others."""
    restriction = restrict(make_person())
    with pytest.raises(SeparationOfDuties):
        request(officer, restriction, officer)
    assert not AccessGrant.objects.exists()


def test_the_database_refuses_a_self_grant_too(officer):
    """R26: the rule holds for any code path, not only the service."""
    restriction = restrict(make_person())
    with pytest.raises(IntegrityError), transaction.atomic():
        make_grant(restriction, officer, requested_by=officer)


def test_restricted_grant_opens_at_once(officer, worker):
    person = make_person()
    restriction = restrict(person)
    assert not person_policy.can(worker, "view", person)
    grant = request(officer, restriction, worker)
    assert grant.status == GrantStatus.ACTIVE
    assert grant.decided_by is None
    assert person_policy.can(worker, "view", person)
    event = AuditEvent.objects.get(verb=Verb.GRANT)
    assert (event.object_id, event.reason) == (str(person.pk), REASON)
    assert str(worker.pk) in event.purpose


def test_sealed_grant_is_pending_until_a_different_approver_acts(officer, approver, worker):
    """R26: a sealed-record grant stays pending; the requester cannot approve their own request."""
    person = make_person()
    restriction = restrict(person, Level.SEALED)
    grant = request(officer, restriction, worker)
    assert grant.status == GrantStatus.PENDING
    assert not person_policy.can(worker, "view", person)
    with pytest.raises(SeparationOfDuties):
        grant_approve(actor=officer, grant=grant)
    grant.refresh_from_db()
    assert grant.status == GrantStatus.PENDING
    assert not person_policy.can(worker, "view", person)
    grant = grant_approve(actor=approver, grant=grant, notes="Checked with the adoption team manager.")
    assert (grant.status, grant.decided_by) == (GrantStatus.ACTIVE, approver)
    assert person_policy.can(worker, "view", person)
    assert AuditEvent.objects.filter(verb=Verb.GRANT, object_id=str(person.pk)).count() == 1


def test_the_grantee_cannot_approve_their_own_grant(officer, approver):
    """R26: an approver who is the grantee is a party, not a second pair of eyes."""
    restriction = restrict(make_person(), Level.SEALED)
    grant = request(officer, restriction, approver)
    with pytest.raises(SeparationOfDuties):
        grant_approve(actor=approver, grant=grant)
    with pytest.raises(SeparationOfDuties):
        grant_refuse(actor=approver, grant=grant, notes="No.")


def test_approval_needs_the_capability(officer, worker, make_user):
    restriction = restrict(make_person(), Level.SEALED)
    grant = request(officer, restriction, worker)
    with pytest.raises(PermissionRefused):
        grant_approve(actor=make_user(Role.TEAM_MANAGER, mfa=False), grant=grant)
    with pytest.raises(PermissionRefused):
        request(make_user(Role.TEAM_MANAGER, mfa=False), restriction, worker)


def test_refused_grant_never_opens(officer, approver, worker):
    person = make_person()
    restriction = restrict(person, Level.SEALED)
    grant = request(officer, restriction, worker)
    with pytest.raises(ValidationError) as unexplained:
        grant_refuse(actor=approver, grant=grant, notes="")
    assert set(unexplained.value.message_dict) == {"notes"}
    grant = grant_refuse(actor=approver, grant=grant, notes="Not allocated to this child.")
    assert grant.status == GrantStatus.REFUSED
    assert not person_policy.can(worker, "view", person)
    with pytest.raises(ValidationError):
        grant_approve(actor=approver, grant=grant)


def test_revoke_closes_access_and_needs_a_reason(officer, worker):
    person = make_person()
    restriction = restrict(person)
    grant = request(officer, restriction, worker)
    with pytest.raises(ValidationError):
        grant_revoke(actor=officer, grant=grant, reason="  ")
    grant = grant_revoke(actor=officer, grant=grant, reason="Worker left the adoption team.")
    assert (grant.status, grant.ended_by) == (GrantStatus.REVOKED, officer)
    assert not person_policy.can(worker, "view", person)
    assert AuditEvent.objects.filter(verb=Verb.REVOKE).count() == 1
    with pytest.raises(ValidationError):
        grant_revoke(actor=officer, grant=grant, reason="Again.")


@pytest.mark.parametrize(
    ("level", "days", "ok"),
    [
        (Level.RESTRICTED, 90, True),
        (Level.RESTRICTED, 91, False),
        (Level.SEALED, 30, True),
        (Level.SEALED, 31, False),
    ],
)
def test_grants_are_time_bound(officer, worker, level, days, ok):
    """R22: every grant has an end, at most 90 days (restricted) or 30 days (sealed) away."""
    restriction = restrict(make_person(), level)
    if ok:
        assert request(officer, restriction, worker, days=days).expires_at
    else:
        with pytest.raises(ValidationError) as too_long:
            request(officer, restriction, worker, days=days)
        assert set(too_long.value.message_dict) == {"expires_at"}


def test_request_validation(officer, worker, make_user):
    restriction = restrict(make_person())
    with pytest.raises(ValidationError) as missing:
        grant_request(actor=officer, restriction=restriction, user=worker, reason=" ", expires_at=None)
    assert set(missing.value.message_dict) == {"reason", "expires_at"}
    with pytest.raises(ValidationError) as past:
        request(officer, restriction, worker, starts_at=clock.now() - timedelta(days=2))
    assert set(past.value.message_dict) == {"starts_at"}
    with pytest.raises(ValidationError) as inactive:
        request(officer, restriction, make_user(Role.SOCIAL_WORKER, mfa=False, is_active=False))
    assert set(inactive.value.message_dict) == {"user"}
    request(officer, restriction, worker)
    with pytest.raises(ValidationError) as duplicate:
        request(officer, restriction, worker)
    assert set(duplicate.value.message_dict) == {"user"}


def test_a_future_grant_opens_on_its_start_and_closes_at_its_end(officer, worker):
    """R22: the window is [starts_at, expires_at), moved through with time-machine."""
    person = make_person()
    restriction = restrict(person)
    start = clock.now() + timedelta(days=3)
    grant = request(officer, restriction, worker, starts_at=start, days=10)
    with time_machine.travel(start - timedelta(seconds=1), tick=False) as traveller:
        assert not person_policy.can(worker, "view", person)
        traveller.move_to(start)
        assert person_policy.can(worker, "view", person)
        traveller.move_to(grant.expires_at)
        assert not person_policy.can(worker, "view", person)


def test_sealing_sends_single_approved_grants_back_to_pending(officer, approver, worker):
    """R26: a sealed record opens only through a grant approved by a second person."""
    person = make_person()
    restriction = restrict(person)
    grant = request(officer, restriction, worker)
    assert person_policy.can(worker, "view", person)
    record_restrict(
        actor=officer, object_type=PERSON, object_id=person.pk, level=Level.SEALED, reason="adoption"
    )
    grant.refresh_from_db()
    assert grant.status == GrantStatus.PENDING
    assert not person_policy.can(worker, "view", person)
    grant_approve(actor=approver, grant=grant)
    assert person_policy.can(worker, "view", person)
