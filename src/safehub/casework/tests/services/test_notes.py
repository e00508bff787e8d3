"""case_note_add / case_note_update: who may write, what is refused at which field, and an audit
trail that never holds the words (issue 5, item 3; R27, R30, R49)."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.casework.constants import NoteKind
from safehub.casework.services.notes import case_note_add, case_note_update
from safehub.casework.tests.factories import InvolvementFactory, team_with
from safehub.people.tests.factories import PersonFactory, restrict
from safehub.platform import clock
from safehub.platform.errors import ConflictError, NotFoundOrForbidden, PermissionRefused

pytestmark = pytest.mark.django_db

TEXT = "Synthetic: saw the child at home; the kitchen was clean."


def _add(actor: Any, person: Any, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "kind": NoteKind.HOME_VISIT,
        "occurred_at": clock.now() - timedelta(hours=2),
        "subject": "Home visit",
        "text": TEXT,
    }
    values.update(overrides)
    return case_note_add(actor=actor, person=person, **values)


def test_a_worker_adds_a_note_and_the_audit_has_no_text() -> None:
    """R27: the event says a note was written, not what it says."""
    _, (worker,) = team_with(Role.SOCIAL_WORKER)
    person = PersonFactory()
    note = _add(worker, person, significant=True)
    assert (note.author, note.person, note.significant, note.version) == (worker, person, True, 1)
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert (event.verb, event.object_id) == ("create", str(note.pk))
    row = str(AuditEvent.objects.filter(pk=event.pk).values().first())
    assert "kitchen" not in row
    assert "Home visit" not in row


def test_a_note_on_a_case_checks_the_case_and_its_child() -> None:
    _, (worker,) = team_with(Role.SOCIAL_WORKER)
    involvement = InvolvementFactory()
    note = _add(worker, involvement.person, involvement=involvement)
    assert note.involvement == involvement
    with pytest.raises(ValidationError) as refused:
        _add(worker, PersonFactory(), involvement=involvement)
    assert "involvement" in refused.value.message_dict


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": "  "}, "subject"),
        ({"text": ""}, "text"),
        ({"kind": "gossip"}, "kind"),
        ({"occurred_at": None}, "occurred_at"),
        ({"occurred_at": "future"}, "occurred_at"),
        ({"subject": "x" * 201}, "subject"),
    ],
)
def test_bad_input_is_refused_at_the_field(overrides: dict[str, Any], field: str) -> None:
    _, (worker,) = team_with(Role.SOCIAL_WORKER)
    if overrides.get("occurred_at") == "future":
        overrides["occurred_at"] = clock.now() + timedelta(minutes=5)
    with pytest.raises(ValidationError) as refused:
        _add(worker, PersonFactory(), **overrides)
    assert list(refused.value.message_dict) == [field]


def test_who_may_write() -> None:
    _, (iro, worker) = team_with(Role.IRO, Role.SOCIAL_WORKER)
    person = PersonFactory()
    with pytest.raises(PermissionRefused):
        _add(iro, person)  # sees cases, records none
    restrict(person)
    with pytest.raises(NotFoundOrForbidden):
        _add(worker, person)
    involvement = InvolvementFactory(person=person)
    with pytest.raises(NotFoundOrForbidden):
        _add(worker, person, involvement=involvement)


def test_the_author_corrects_their_note_and_history_keeps_the_first_version() -> None:
    """R30: earlier versions stay in the note's history; R49: a stale version is a conflict."""
    _, (author, colleague) = team_with(Role.SOCIAL_WORKER, Role.SOCIAL_WORKER)
    note = _add(author, PersonFactory())
    fields = {
        "kind": note.kind,
        "occurred_at": note.occurred_at,
        "subject": "Corrected",
        "significant": False,
    }
    case_note_update(actor=author, note=note, expected_version=1, text="Synthetic corrected text.", **fields)
    note.refresh_from_db()
    assert (note.subject, note.version) == ("Corrected", 2)
    assert TEXT in list(note.history.values_list("text", flat=True))
    with pytest.raises(PermissionRefused):
        case_note_update(actor=colleague, note=note, expected_version=2, text="Not mine.", **fields)
    with pytest.raises(ConflictError):
        case_note_update(actor=author, note=note, expected_version=1, text="Stale.", **fields)
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert event.verb == "update"
    assert "corrected text" not in str(AuditEvent.objects.filter(pk=event.pk).values().first())
