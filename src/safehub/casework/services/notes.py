"""Case notes: adding one, and its author correcting it (issue 5, item 3).

A note's words are the record; the audit event says only that a note was written or changed,
on whose record, by whom (R27). Corrections keep every earlier version through simple-history
(R30) and are refused if someone saved the note meanwhile (R49).
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.people.models import Person
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden, PermissionRefused
from safehub.platform.locking import save_versioned

from ..constants import NoteKind
from ..models import CaseNote, Involvement
from ..policies import involvement_policy, person_open

SUBJECT_MAX = 200
TEXT_MAX = 50_000


def _check_may_record(actor: Any, person: Person, involvement: Involvement | None) -> None:
    if involvement is not None:
        involvement_policy.check(actor, "record", involvement)
        return
    if not actor.has_capability(Capability.RECORD_CASEWORK):
        raise PermissionRefused("Recording casework needs the record casework function.")
    if not person_open(actor, person.pk):
        raise NotFoundOrForbidden()


def _validate(
    *,
    person: Person,
    involvement: Involvement | None,
    kind: str,
    occurred_at: datetime | None,
    subject: str,
    text: str,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in NoteKind.values:
        errors["kind"] = ["Choose what kind of note this is."]
    if occurred_at is None:
        errors["occurred_at"] = ["Enter when it happened."]
    elif occurred_at > clock.now():
        errors["occurred_at"] = ["When it happened must be now or in the past."]
    if not subject.strip():
        errors["subject"] = ["Enter a subject: a few words that say what the note is about."]
    elif len(subject.strip()) > SUBJECT_MAX:
        errors["subject"] = [f"The subject must be {SUBJECT_MAX} characters or fewer."]
    if not text.strip():
        errors["text"] = ["Enter the note."]
    elif len(text) > TEXT_MAX:
        errors["text"] = [f"The note must be {TEXT_MAX:,} characters or fewer; split it into two notes."]
    if involvement is not None and involvement.person_id != person.pk:
        errors["involvement"] = ["This case is about a different child."]
    return errors


def case_note_add(
    *,
    actor: Any,
    person: Person,
    involvement: Involvement | None = None,
    kind: str,
    occurred_at: datetime | None,
    subject: str,
    text: str,
    significant: bool = False,
) -> CaseNote:
    """Add a note to a child's record, on one case or on the child's record as a whole.

    On a case: the case's `record` policy. Without one: RECORD_CASEWORK and a child the actor
    may open. `significant` puts the note in the child's chronology.
    """
    _check_may_record(actor, person, involvement)
    errors = _validate(
        person=person, involvement=involvement, kind=kind, occurred_at=occurred_at, subject=subject, text=text
    )
    if errors:
        raise ValidationError(errors)
    assert occurred_at is not None
    with transaction.atomic():
        note = CaseNote(
            person=person,
            involvement=involvement,
            kind=kind,
            occurred_at=occurred_at,
            subject=subject.strip(),
            text=text.strip(),
            significant=significant,
            author=actor,
            updated_by=actor,
        )
        note.full_clean()
        note.save()
        record_event(actor=actor, verb=Verb.CREATE, target=note, section="case_note")
    return note


def case_note_update(
    *,
    actor: Any,
    note: CaseNote,
    expected_version: int,
    kind: str,
    occurred_at: datetime | None,
    subject: str,
    text: str,
    significant: bool,
) -> CaseNote:
    """The author corrects their note. Earlier versions stay in its history (R30)."""
    _check_may_record(actor, note.person, note.involvement)
    if note.author_id != actor.pk:
        raise PermissionRefused("Only the person who wrote a note can change it.")
    errors = _validate(
        person=note.person,
        involvement=note.involvement,
        kind=kind,
        occurred_at=occurred_at,
        subject=subject,
        text=text,
    )
    if errors:
        raise ValidationError(errors)
    assert occurred_at is not None
    with transaction.atomic():
        note.kind = kind
        note.occurred_at = occurred_at
        note.subject = subject.strip()
        note.text = text.strip()
        note.significant = significant
        save_versioned(note, expected_version=expected_version, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=note, section="case_note")
    return note
