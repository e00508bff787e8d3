"""Reads of case notes (issue 5, item 3). A note goes with its child: whoever may not open the
child never sees the note, in a list, a count or on its own (R19, R22)."""

import uuid
from typing import Any

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.people.models import Person
from safehub.platform.errors import NotFoundOrForbidden

from ..models import CaseNote, Involvement
from ..policies import ACTION_CAPABILITY, involvement_policy, person_hidden, person_open

NOTE_TYPE = CaseNote._meta.label_lower


def case_person_get(*, actor: Any, id: uuid.UUID | str, action: str = "view", section: str = "") -> Person:
    """The child whose case record the actor works on: `view` needs VIEW_CASES, `record`
    RECORD_CASEWORK; a restricted child the actor may not open is NotFoundOrForbidden (R19).

    Audited (as a view of `section`) only when `section` is given: a page that goes on to read
    the notes audits that read instead, so each page writes one event.
    """
    capability = ACTION_CAPABILITY.get(action)
    if capability is None or not actor.has_capability(capability):
        raise NotFoundOrForbidden()
    person = Person.objects.filter(pk=id, merged_into__isnull=True).first()
    if person is None or not person_open(actor, person.pk):
        raise NotFoundOrForbidden()
    if section:
        record_event(actor=actor, verb=Verb.VIEW, target=person, section=section)
    return person


def _may_read(actor: Any, person: Person, involvement: Involvement | None) -> bool:
    if involvement is not None:
        return involvement.person_id == person.pk and involvement_policy.can(actor, "view", involvement)
    return bool(actor.has_capability(Capability.VIEW_CASES)) and person_open(actor, person.pk)


def notes_for(
    *,
    actor: Any,
    person: Person,
    involvement: Involvement | None = None,
    significant_only: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[CaseNote]:
    """The child's notes, newest first (optionally one case's, or only the significant ones, or
    only the newest `limit`: a panel shows a few, and the audit names only those it showed).

    One audit event names the child and the notes shown, never their text (R27).
    """
    if not _may_read(actor, person, involvement):
        raise NotFoundOrForbidden()
    qs = (
        CaseNote.objects.filter(person=person)
        .exclude(person_id__in=person_hidden(actor))
        .select_related("author", "involvement")
        .order_by("-occurred_at", "-created_at")
    )
    if involvement is not None:
        qs = qs.filter(involvement=involvement)
    if significant_only:
        qs = qs.filter(significant=True)
    notes = list(qs[offset:] if limit is None else qs[offset : offset + limit])
    record_event(
        actor=actor, verb=Verb.VIEW, target=person, section="case_notes", result_ids=[n.pk for n in notes]
    )
    return notes


def note_get(*, actor: Any, id: uuid.UUID | str, action: str = "view") -> CaseNote:
    """One note, for a child the actor may open, with the capability `action` needs; else 404."""
    capability = ACTION_CAPABILITY.get(action)
    if capability is None or not actor.has_capability(capability):
        raise NotFoundOrForbidden()
    note = (
        CaseNote.objects.exclude(person_id__in=person_hidden(actor))
        .select_related("person", "involvement", "author")
        .filter(pk=id)
        .first()
    )
    if note is None or not person_open(actor, note.person_id):
        raise NotFoundOrForbidden()
    record_event(actor=actor, verb=Verb.VIEW, target=note, section="case_note")
    return note
