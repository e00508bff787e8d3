"""referral_create and referral_update: census rules at entry, one open referral, policy, atomicity."""

from datetime import date
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent
from safehub.casework.constants import CaseLevel, CaseService, TaskStatus
from safehub.casework.models import Involvement, Task
from safehub.child_protection.constants import Clock
from safehub.child_protection.models import Referral
from safehub.child_protection.services.referral import referral_update
from safehub.people.tests.factories import PersonFactory, restrict
from safehub.platform.calendar import add_working_days
from safehub.platform.errors import ConflictError, NotFoundOrForbidden

from .referral_cases import NOW, REFERRAL_DATE, child, referral, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def _refused(field: str, **kwargs):
    worker = kwargs.pop("actor", None) or staff()[0]
    with pytest.raises(ValidationError) as error:
        referral(worker, **kwargs)
    assert field in error.value.message_dict, error.value.message_dict
    return error.value.message_dict[field]


def test_a_referral_opens_the_episode_the_involvement_and_the_assessment_clock():
    worker, _ = staff()
    ref = referral(worker, summary="  Synthetic concern.  ", mash_reference="MASH-2026-000001")
    ref.refresh_from_db()
    assert ref.is_open
    assert not ref.nfa
    assert (ref.source, ref.primary_need, ref.summary) == ("2A", "N1", "Synthetic concern.")
    assert ref.recorded_by == worker
    involvement = ref.involvement
    assert involvement.service == CaseService.CHILD_IN_NEED
    assert involvement.level == CaseLevel.REFERRAL
    assert involvement.opened_on == REFERRAL_DATE
    assert involvement.title == "Referral 1 October 2026"
    assert AuditEvent.objects.filter(object_id=str(ref.pk), section="referral", verb="create").exists()
    task = Task.objects.get(involvement=involvement, status=TaskStatus.OPEN)
    assert task.key == Clock.ASSESSMENT
    assert task.due_on == add_working_days(REFERRAL_DATE, 45)


def test_a_merged_record_is_refused_and_nothing_is_written():
    survivor = child()
    merged = child(merged_into=survivor)
    messages = _refused("person", person=merged)
    assert "merged" in messages[0]
    assert not Referral.objects.exists()
    assert not Involvement.objects.exists()


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("source", {"source": ""}),
        ("source", {"source": "ZZ"}),
        ("primary_need", {"primary_need": "N99"}),
    ],
)
def test_codes_must_come_from_the_census_lists(field, values):
    _refused(field, **values)
    assert not Referral.objects.exists()


def test_a_blank_primary_need_is_allowed():
    worker, _ = staff()
    assert referral(worker, primary_need="").primary_need == ""


def test_the_referral_date_cannot_be_in_the_future():
    messages = _refused("referral_date", referral_date=date(2026, 11, 27))
    assert messages == ["The date of the referral cannot be in the future."]


def test_the_referral_date_cannot_be_before_the_child_was_born():
    messages = _refused("referral_date", person=child(date_of_birth=date(2026, 10, 5)))
    assert messages == ["The referral cannot be before the child's date of birth, 5 October 2026."]


def test_an_unborn_child_can_be_referred_before_birth():
    worker, _ = staff()
    unborn = PersonFactory(date_of_birth=None, expected_date_of_birth=date(2027, 2, 1))
    assert referral(worker, person=unborn).referral_date == REFERRAL_DATE


def test_one_open_referral_per_child_rule_8815():
    worker, _ = staff()
    person = child()
    referral(worker, person=person)
    messages = _refused("person", person=person, referral_date=date(2026, 11, 2))
    assert "already has an open referral, from 1 October 2026" in messages[0]
    assert Referral.objects.filter(person=person).count() == 1
    assert Involvement.objects.filter(person=person).count() == 1


def test_the_database_backs_one_open_referral_when_two_people_record_at_once():
    """R50 and CIN census 8815: a referral saved by someone else meanwhile is caught by the
    database constraint, with the message at the field, and the involvement is rolled back."""
    worker, _ = staff()
    person = child()
    referral(worker, person=person)
    with mock.patch("safehub.child_protection.services.referral._open_referral", return_value=None):
        messages = _refused("person", person=person, referral_date=date(2026, 11, 2))
    assert messages == ["The child already has an open referral: someone recorded it just now."]
    assert Referral.objects.filter(person=person).count() == 1
    assert Involvement.objects.filter(person=person).count() == 1


def test_a_new_referral_cannot_start_before_the_last_one_closed():
    worker, _ = staff()
    person = child()
    first = referral(worker, person=person, referral_date=date(2026, 9, 1))
    # Closed directly: the closure service has its own tests.
    Referral.objects.filter(pk=first.pk).update(closed_on=date(2026, 10, 10), closure_reason="RC7")
    messages = _refused("referral_date", person=person, referral_date=date(2026, 10, 9))
    assert "previous referral closed on 10 October 2026" in messages[0]
    again = referral(worker, person=person, referral_date=date(2026, 10, 10))
    assert again.is_open


@pytest.mark.parametrize("role", [Role.IRO, Role.MASH_SOCIAL_WORKER, Role.PERFORMANCE_ANALYST])
def test_a_role_that_cannot_record_casework_is_refused(role):
    """R18: recording a referral needs record_casework."""
    with pytest.raises(NotFoundOrForbidden):
        referral(UserFactory(role=role))
    assert not Referral.objects.exists()


def test_a_restricted_child_is_refused_without_a_grant():
    """R19: a restricted child's record is not a side door, whatever the capability."""
    from safehub.access.tests.factories import make_grant

    worker, _ = staff()
    person = child()
    restriction = restrict(person)
    with pytest.raises(NotFoundOrForbidden):
        referral(worker, person=person)
    make_grant(restriction, worker)
    assert referral(worker, person=person).person == person


def test_a_failure_after_the_involvement_is_written_leaves_nothing():
    """R50: the involvement, the referral, its tasks and the audit commit together or not at all."""
    worker, _ = staff()
    person = child()
    with (
        mock.patch(
            "safehub.child_protection.services.referral.record_event", side_effect=RuntimeError("injected")
        ),
        pytest.raises(RuntimeError),
    ):
        referral(worker, person=person)
    assert not Referral.objects.exists()
    assert not Involvement.objects.exists()
    assert not Task.objects.exists()


def test_update_changes_the_description_and_is_audited():
    worker, _ = staff()
    ref = referral(worker)
    updated = referral_update(
        actor=worker,
        referral=ref,
        expected_version=ref.version,
        source="6",
        primary_need="N4",
        summary=" Police report. ",
    )
    updated.refresh_from_db()
    assert (updated.source, updated.primary_need, updated.summary) == ("6", "N4", "Police report.")
    assert updated.version == 2
    assert AuditEvent.objects.filter(object_id=str(ref.pk), section="referral", verb="update").exists()


def test_update_refuses_a_bad_code_and_keeps_the_record():
    worker, _ = staff()
    ref = referral(worker)
    with pytest.raises(ValidationError) as error:
        referral_update(
            actor=worker, referral=ref, expected_version=ref.version, source="XX", primary_need="", summary=""
        )
    assert error.value.message_dict["source"] == ["Choose a referral source from the list."]
    ref.refresh_from_db()
    assert ref.source == "2A"


def test_update_with_a_stale_version_is_a_conflict():
    """R49: the second of two edits from the same version is refused, the first kept."""
    worker, manager = staff()
    ref = referral(worker)
    stale = ref.version
    referral_update(
        actor=manager, referral=ref, expected_version=stale, source="6", primary_need="N1", summary=""
    )
    copy = Referral.objects.get(pk=ref.pk)
    with pytest.raises(ConflictError):
        referral_update(
            actor=worker, referral=copy, expected_version=stale, source="3A", primary_need="N1", summary=""
        )
    assert Referral.objects.get(pk=ref.pk).source == "6"


def test_update_needs_record_casework():
    worker, _ = staff()
    ref = referral(worker)
    with pytest.raises(NotFoundOrForbidden):
        referral_update(
            actor=UserFactory(role=Role.IRO),
            referral=ref,
            expected_version=ref.version,
            source="6",
            primary_need="",
            summary="",
        )
