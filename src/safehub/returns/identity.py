"""Children's return ids: read them, and allocate the missing ones (ADR 0006, decision 5)."""

from collections.abc import Iterable
from uuid import UUID

from django.db import transaction

from .constants import ALLOCATED_PREFIX, ChildIdSource
from .models import ChildIdSequence, ChildReturnId

_SEQUENCE = "child"
_SLICE = 10_000


def child_ids_for(person_ids: Iterable[UUID]) -> dict[UUID, str]:
    """person id -> return id, allocating an id for each person who has none yet.

    Allocation takes the sequence row's lock, so two returns produced at once never hand out the
    same number; an id that an imported person already holds is stepped over.
    """
    wanted = sorted(set(person_ids))
    found = _known(wanted)
    if len(found) == len(wanted):
        return found
    with transaction.atomic():
        ChildIdSequence.objects.get_or_create(name=_SEQUENCE)
        sequence = ChildIdSequence.objects.select_for_update().get(name=_SEQUENCE)
        # Read again under the lock: a return produced at the same moment may have just given some
        # of these children their ids.
        found = _known(wanted)
        missing = [person_id for person_id in wanted if person_id not in found]
        value = sequence.last_value
        # Imported ids that happen to look like ours are stepped over; read them once, not per child.
        taken = set(
            ChildReturnId.objects.filter(child_id__startswith=ALLOCATED_PREFIX).values_list(
                "child_id", flat=True
            )
        )
        rows = []
        for person_id in missing:
            while True:
                value += 1
                candidate = f"{ALLOCATED_PREFIX}{value:08d}"
                if candidate not in taken:
                    break
            rows.append(
                ChildReturnId(person_id=person_id, child_id=candidate, source=ChildIdSource.ALLOCATED)
            )
            found[person_id] = candidate
        ChildReturnId.objects.bulk_create(rows)
        sequence.last_value = value
        sequence.save(update_fields=["last_value"])
    return found


def _known(person_ids: list[UUID]) -> dict[UUID, str]:
    # In slices: SQLite refuses a statement with more than 32,766 parameters.
    found: dict[UUID, str] = {}
    for start in range(0, len(person_ids), _SLICE):
        found.update(
            ChildReturnId.objects.filter(person_id__in=person_ids[start : start + _SLICE]).values_list(
                "person_id", "child_id"
            )
        )
    return found


def people_for_child_ids(child_ids: Iterable[str]) -> dict[str, UUID]:
    """return id -> person id, for linking a validator's finding back to the child's record."""
    wanted = sorted(set(child_ids))
    found: dict[str, UUID] = {}
    for start in range(0, len(wanted), _SLICE):
        found.update(
            ChildReturnId.objects.filter(child_id__in=wanted[start : start + _SLICE]).values_list(
                "child_id", "person_id"
            )
        )
    return found
