"""Casework's registrations with people: who works with a child, and significant notes in the chronology.

`people` sits below `casework` and learns about it only through its registries (HOUSE.md):
- `people.alerts.registry`: the workers allocated to a child's open involvements are told when,
  for example, a flagged adult is linked to the child;
- `people.chronology`: case notes marked significant appear in the child's chronology.
"""

from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from safehub.accounts.constants import Capability
from safehub.people.alerts.registry import register_allocated_workers
from safehub.people.chronology import ChronologyEntry, register_chronology_source, register_kind_label
from safehub.people.models import Person

from .models import CaseNote, Involvement

NOTE_KIND = "case_note"
NOTE_SOURCE = "casework.notes"
NOTE_DETAIL_LENGTH = 300


def allocated_workers(child: Any) -> list[Any]:
    """The current worker of each of the child's open involvements (one query). The allocation
    history is not asked: a worker who has handed the case on is no longer told about it."""
    involvements = Involvement.objects.filter(
        person_id=child.pk, closed_on__isnull=True, worker__isnull=False
    ).select_related("worker")
    return [involvement.worker for involvement in involvements]


def significant_notes(person: Person, actor: Any) -> Iterator[ChronologyEntry]:
    """Significant case notes, newest first, in one query whatever their number.

    Case notes are casework: only a role that may see cases reads them here. The person's own
    restriction was checked by `chronology_for` before any source runs.
    """
    if not actor.has_capability(Capability.VIEW_CASES):
        return
    notes = (
        CaseNote.objects.filter(person=person, significant=True)
        .select_related("author", "involvement")
        .order_by("-occurred_at")
    )
    for note in notes:
        text = " ".join(note.text.split())
        if len(text) > NOTE_DETAIL_LENGTH:
            text = text[: NOTE_DETAIL_LENGTH - 1].rstrip() + "…"
        detail = f"{text} (recorded by {note.author})" if text else f"Recorded by {note.author}"
        yield ChronologyEntry(
            date=timezone.localdate(note.occurred_at),
            kind=NOTE_KIND,
            title=f"{note.get_kind_display()}: {note.subject}",
            detail=detail,
            source="casework",
            url=(note.involvement.url or None) if note.involvement is not None else None,
        )


def register_sources() -> None:
    register_allocated_workers(allocated_workers)
    register_chronology_source(NOTE_SOURCE, significant_notes)
    register_kind_label(NOTE_KIND, "Significant case notes")
