"""Children's return ids: read them, and allocate the missing ones (ADR 0006, decision 5)."""

from collections.abc import Iterable
from uuid import UUID

from django.db import transaction

from .constants import ALLOCATED_PREFIX, ChildIdSource
from .models import ChildIdSequence, ChildReturnId

_SEQUENCE = "child"


def child_ids_for(person_ids: Iterable[UUID]) -> dict[UUID, str]:
    """person id -> return id, allocating an id for each person who has none yet.

    Allocation takes the sequence row's lock, so two returns produced at once never hand out the
    same number; an id that an imported person already holds is stepped over.
    """
    wanted = set(person_ids)
    found = dict(ChildReturnId.objects.filter(person_id__in=wanted).values_list("person_id", "child_id"))
    missing = sorted(wanted - set(found))
    if not missing:
        return found
    with transaction.atomic():
        ChildIdSequence.objects.get_or_create(name=_SEQUENCE)
        sequence = ChildIdSequence.objects.select_for_update().get(name=_SEQUENCE)
        value = sequence.last_value
        rows = []
        for person_id in missing:
            while True:
                value += 1
                candidate = f"{ALLOCATED_PREFIX}{value:08d}"
                if not ChildReturnId.objects.filter(child_id=candidate).exists():
                    break
            rows.append(
                ChildReturnId(person_id=person_id, child_id=candidate, source=ChildIdSource.ALLOCATED)
            )
            found[person_id] = candidate
        ChildReturnId.objects.bulk_create(rows)
        sequence.last_value = value
        sequence.save(update_fields=["last_value"])
    return found


def people_for_child_ids(child_ids: Iterable[str]) -> dict[str, UUID]:
    """return id -> person id, for linking a validator's finding back to the child's record."""
    return dict(
        ChildReturnId.objects.filter(child_id__in=set(child_ids)).values_list("child_id", "person_id")
    )
