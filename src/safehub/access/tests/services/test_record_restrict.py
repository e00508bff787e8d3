"""Restricting, re-levelling and lifting a restriction (R22)."""

import pytest
from django.core.exceptions import ValidationError

from safehub.access.constants import Level, RestrictionReason
from safehub.access.models import AccessGrant, RestrictedRecord
from safehub.access.services import record_restrict, record_unrestrict
from safehub.accounts.constants import Role
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.people.policies import person_policy
from safehub.platform.errors import NotFoundOrForbidden, PermissionRefused

from ..factories import PERSON, make_grant, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user):
    return make_user(Role.IG_OFFICER, mfa=False)


def restrict_person(
    actor, person, level=Level.RESTRICTED, reason=RestrictionReason.HIGH_PROFILE, explanation=""
):
    return record_restrict(
        actor=actor,
        object_type=PERSON,
        object_id=person.pk,
        level=level,
        reason=reason,
        explanation=explanation,
    )


def test_restricting_hides_the_record_and_is_audited(officer, make_user):
    worker = make_user(Role.SOCIAL_WORKER, mfa=False)
    person = make_person()
    assert person_policy.can(worker, "view", person)
    restriction = restrict_person(officer, person)
    assert (restriction.level, restriction.restricted_by) == (Level.RESTRICTED, officer)
    assert not person_policy.can(worker, "view", person)
    event = AuditEvent.objects.get(verb=Verb.PERMISSION_CHANGE)
    assert (event.object_type, event.object_id, event.purpose) == (
        PERSON,
        str(person.pk),
        "unrestricted -> restricted",
    )


def test_changing_the_level_updates_the_one_restriction(officer):
    person = make_person()
    restrict_person(officer, person)
    restrict_person(officer, person, Level.SEALED, RestrictionReason.ADOPTION)
    assert RestrictedRecord.objects.get().level == Level.SEALED


def test_needs_the_capability(make_user):
    with pytest.raises(PermissionRefused):
        restrict_person(make_user(Role.TEAM_MANAGER, mfa=False), make_person())


def test_bad_input_is_refused_at_the_field(officer):
    person = make_person()
    with pytest.raises(ValidationError) as other:
        restrict_person(officer, person, reason=RestrictionReason.OTHER)
    assert set(other.value.message_dict) == {"explanation"}
    with pytest.raises(ValidationError) as level:
        restrict_person(officer, person, level="secret")
    assert set(level.value.message_dict) == {"level"}
    assert not RestrictedRecord.objects.exists()


def test_unknown_type_or_record_is_not_found(officer):
    person = make_person()
    with pytest.raises(NotFoundOrForbidden):
        record_restrict(
            actor=officer,
            object_type="people.ghost",
            object_id=person.pk,
            level=Level.SEALED,
            reason="adoption",
        )
    with pytest.raises(NotFoundOrForbidden):
        record_restrict(
            actor=officer, object_type=PERSON, object_id=officer.pk, level=Level.SEALED, reason="adoption"
        )


def test_unrestricting_reopens_and_removes_the_grants(officer, make_user):
    worker = make_user(Role.SOCIAL_WORKER, mfa=False)
    person = make_person()
    restriction = restrict_person(officer, person, Level.SEALED, RestrictionReason.ADOPTION)
    make_grant(restriction, make_user(Role.SOCIAL_WORKER, mfa=False))
    with pytest.raises(ValidationError):
        record_unrestrict(actor=officer, object_type=PERSON, object_id=person.pk, reason="")
    record_unrestrict(
        actor=officer, object_type=PERSON, object_id=person.pk, reason="Adoption order revoked."
    )
    assert not RestrictedRecord.objects.exists()
    assert not AccessGrant.objects.exists()
    assert person_policy.can(worker, "view", person)
    assert (
        AuditEvent.objects.filter(verb=Verb.PERMISSION_CHANGE, purpose="sealed -> unrestricted").count() == 1
    )
    with pytest.raises(NotFoundOrForbidden):
        record_unrestrict(actor=officer, object_type=PERSON, object_id=person.pk, reason="Again.")
