"""Case notes are read only by those who may open the child (R19, R22), newest first."""

from datetime import timedelta

import pytest

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.casework.selectors.notes import case_person_get, notes_for
from safehub.casework.tests.factories import CaseNoteFactory, InvolvementFactory, team_with
from safehub.people.tests.factories import PersonFactory, emergency_access, restrict
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

pytestmark = pytest.mark.django_db


def test_notes_newest_first_and_significant_filter() -> None:
    _, (worker,) = team_with(Role.SOCIAL_WORKER)
    person = PersonFactory()
    old = CaseNoteFactory(person=person, occurred_at=clock.now() - timedelta(days=3), significant=True)
    new = CaseNoteFactory(person=person, occurred_at=clock.now() - timedelta(hours=1))
    CaseNoteFactory()  # another child's
    assert notes_for(actor=worker, person=person) == [new, old]
    assert notes_for(actor=worker, person=person, significant_only=True) == [old]


def test_notes_of_one_case() -> None:
    _, (worker,) = team_with(Role.SOCIAL_WORKER)
    involvement = InvolvementFactory()
    on_case = CaseNoteFactory(person=involvement.person, involvement=involvement)
    CaseNoteFactory(person=involvement.person)
    assert notes_for(actor=worker, person=involvement.person, involvement=involvement) == [on_case]
    with pytest.raises(NotFoundOrForbidden):
        notes_for(actor=worker, person=PersonFactory(), involvement=involvement)


def test_a_restricted_childs_notes_are_not_read_without_access() -> None:
    """R19/R22: refused as not found; emergency access opens them (R23)."""
    _, (worker,) = team_with(Role.SOCIAL_WORKER)
    person = PersonFactory()
    CaseNoteFactory(person=person)
    restrict(person)
    with pytest.raises(NotFoundOrForbidden):
        notes_for(actor=worker, person=person)
    with pytest.raises(NotFoundOrForbidden):
        case_person_get(actor=worker, id=person.pk)
    emergency_access(worker, person)
    assert len(notes_for(actor=worker, person=person)) == 1


def test_roles_without_view_cases_read_no_notes() -> None:
    _, (early_help,) = team_with(Role.EARLY_HELP)
    person = PersonFactory()
    with pytest.raises(NotFoundOrForbidden):
        notes_for(actor=early_help, person=person)


def test_reading_notes_is_one_audit_event_without_their_text() -> None:
    """R27: the event names the child and the note ids, never the words."""
    _, (worker,) = team_with(Role.SOCIAL_WORKER)
    person = PersonFactory()
    note = CaseNoteFactory(person=person, subject="Synthetic subject", text="Synthetic words of the note")
    before = AuditEvent.objects.count()
    notes_for(actor=worker, person=person)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert event.object_id == str(person.pk)
    assert event.detail["result_ids"] == [str(note.pk)]
    row = str(AuditEvent.objects.filter(pk=event.pk).values().first())
    assert "Synthetic" not in row
