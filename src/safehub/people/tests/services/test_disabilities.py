"""Disabilities: CIN codes recorded once, "No disability" never beside another, withdrawn with a reason."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safehub.audit.models import AuditEvent
from safehub.people.constants import DisabilityCode
from safehub.people.models import PersonDisability
from safehub.people.services import person_disability_add, person_disability_remove
from safehub.people.services.disability import disability_for_change, person_disabilities
from safehub.people.tests.factories import audit_events_on, restrict
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

pytestmark = pytest.mark.django_db


def _current(person: Any) -> list[str]:
    return sorted(
        PersonDisability.objects.filter(person=person, removed_at__isnull=True).values_list("code", flat=True)
    )


def test_a_disability_is_recorded_with_its_date_and_source_and_audited(editor, person, school):
    day = clock.today() - timedelta(days=3)
    row = person_disability_add(
        actor=editor, person=person, code=DisabilityCode.AUT, recorded_on=day, source_agency=school
    )
    assert (row.code, row.recorded_on, row.source_agency, row.updated_by) == ("AUT", day, school, editor)
    events = audit_events_on(person, "disabilities")
    assert [(e.verb, e.actor) for e in events] == [("create", editor)]
    # Synthetic codes only; no record content in the audit row (R27).
    assert "AUT" not in str(events[0].__dict__)


def test_several_disabilities_may_be_recorded(editor, person):
    for code in (DisabilityCode.LD, DisabilityCode.COMM, DisabilityCode.AUT):
        person_disability_add(actor=editor, person=person, code=code)
    assert _current(person) == ["AUT", "COMM", "LD"]


def test_an_unknown_code_is_refused_at_the_code(editor, person):
    with pytest.raises(ValidationError) as error:
        person_disability_add(actor=editor, person=person, code="WINGS")
    assert list(error.value.message_dict) == ["code"]
    assert not PersonDisability.objects.exists()


def test_a_code_already_current_is_refused_8794(editor, person):
    person_disability_add(actor=editor, person=person, code=DisabilityCode.HEAR)
    with pytest.raises(ValidationError) as error:
        person_disability_add(actor=editor, person=person, code=DisabilityCode.HEAR)
    assert error.value.message_dict == {"code": ["This disability is already recorded for this person."]}
    assert _current(person) == ["HEAR"]


def test_no_disability_cannot_join_another_code_8790(editor, person):
    person_disability_add(actor=editor, person=person, code=DisabilityCode.VIS)
    with pytest.raises(ValidationError) as error:
        person_disability_add(actor=editor, person=person, code=DisabilityCode.NONE)
    assert list(error.value.message_dict) == ["code"]
    message = error.value.message_dict["code"][0]
    assert '"No disability" cannot be recorded with another disability' in message
    assert "withdraw" in message
    assert _current(person) == ["VIS"]


def test_no_other_code_can_join_no_disability_8790(editor, person):
    person_disability_add(actor=editor, person=person, code=DisabilityCode.NONE)
    with pytest.raises(ValidationError) as error:
        person_disability_add(actor=editor, person=person, code=DisabilityCode.MOB)
    message = error.value.message_dict["code"][0]
    assert '"No disability"' in message
    assert "withdraw it first" in message
    assert _current(person) == ["NONE"]


def test_withdrawing_no_disability_lets_a_disability_be_recorded(editor, person):
    none = person_disability_add(actor=editor, person=person, code=DisabilityCode.NONE)
    person_disability_remove(actor=editor, disability=none, reason="Diagnosed since")
    person_disability_add(actor=editor, person=person, code=DisabilityCode.MOB)
    assert _current(person) == ["MOB"]


def test_the_date_recorded_cannot_be_in_the_future(editor, person):
    with pytest.raises(ValidationError) as error:
        person_disability_add(
            actor=editor,
            person=person,
            code=DisabilityCode.LD,
            recorded_on=clock.today() + timedelta(days=1),
        )
    assert list(error.value.message_dict) == ["recorded_on"]
    # Today is allowed, and an unknown date is left unknown.
    assert (
        person_disability_add(
            actor=editor, person=person, code=DisabilityCode.LD, recorded_on=clock.today()
        ).recorded_on
        == clock.today()
    )
    assert person_disability_add(actor=editor, person=person, code=DisabilityCode.BEH).recorded_on is None


def test_a_withdrawal_keeps_the_row_with_when_and_why_and_is_audited(editor, person):
    row = person_disability_add(actor=editor, person=person, code=DisabilityCode.CON)
    person_disability_remove(actor=editor, disability=row, reason="  Recorded in error ")
    row.refresh_from_db()
    assert row.removed_at is not None
    assert row.removed_reason == "Recorded in error"
    assert row.version == 2
    assert [e.verb for e in audit_events_on(person, "disabilities")] == ["create", "update"]
    # Withdrawn, the same code may be recorded again.
    person_disability_add(actor=editor, person=person, code=DisabilityCode.CON)
    assert _current(person) == ["CON"]


def test_a_withdrawal_needs_a_reason_and_cannot_be_repeated(editor, person):
    row = person_disability_add(actor=editor, person=person, code=DisabilityCode.INC)
    with pytest.raises(ValidationError) as error:
        person_disability_remove(actor=editor, disability=row, reason="   ")
    assert list(error.value.message_dict) == ["removed_reason"]
    person_disability_remove(actor=editor, disability=row, reason="No longer so")
    with pytest.raises(ValidationError) as error:
        person_disability_remove(actor=editor, disability=row, reason="Again")
    assert error.value.message_dict == {"removed_reason": ["This disability has already been withdrawn."]}
    row.refresh_from_db()
    assert row.removed_reason == "No longer so"


def test_a_user_who_may_not_change_the_person_is_refused_and_nothing_is_written(editor, viewer, person):
    """R19: one answer for missing and forbidden; no row and no audit event."""
    row = person_disability_add(actor=editor, person=person, code=DisabilityCode.PC)
    before = AuditEvent.objects.count()
    with pytest.raises(NotFoundOrForbidden):
        person_disability_add(actor=viewer, person=person, code=DisabilityCode.HAND)
    with pytest.raises(NotFoundOrForbidden):
        person_disability_remove(actor=viewer, disability=row, reason="x")
    assert AuditEvent.objects.count() == before
    assert _current(person) == ["PC"]


def test_a_failed_audit_write_leaves_nothing_written(editor, person, monkeypatch):
    """R28: the disability and its audit row commit together."""

    def refuse(**_: Any) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("safehub.people.services._common.record_event", refuse)
    with pytest.raises(RuntimeError):
        person_disability_add(actor=editor, person=person, code=DisabilityCode.DDA)
    assert not PersonDisability.objects.exists()


def test_reads_follow_the_person_policy(editor, viewer, person, new_person):
    """R19, R22: the page's reads check the person; a row of another person is not found."""
    kept = person_disability_add(actor=editor, person=person, code=DisabilityCode.AUT)
    withdrawn = person_disability_add(actor=editor, person=person, code=DisabilityCode.LD)
    person_disability_remove(actor=editor, disability=withdrawn, reason="Error")
    assert person_disabilities(actor=viewer, person=person) == [kept]
    assert disability_for_change(actor=editor, person=person, id=kept.pk) == kept
    with pytest.raises(NotFoundOrForbidden):
        disability_for_change(actor=viewer, person=person, id=kept.pk)
    with pytest.raises(NotFoundOrForbidden):
        disability_for_change(actor=editor, person=new_person(), id=kept.pk)
    restrict(person)
    with pytest.raises(NotFoundOrForbidden):
        person_disabilities(actor=viewer, person=person)
