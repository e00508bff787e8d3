"""903 SWEpisodes: each spell of a social worker holding a looked-after child's period of care.

Built from casework `Allocation` rows of the periods' involvements (each carries its 903
SW_REASON). A spell is reported when it is open at some time in the collection year, with its
real start (rule SW06 only bounds it by 31 March) and no end if it ran past 31 March.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

from safehub.casework.models import Allocation
from safehub.looked_after.models import LookedAfterPeriod

from .scope import CollectionYear
from .tables import DataProblem, checked

# The first allocation of a child's care has no change: the DfE code for it is "first contact".
FIRST_REASON = "FCONTA"
SW_ID_PREFIX = "SW"
SW_ID_LENGTH = 20  # the DfE's SW_ID is at most 20 characters


def sw_id(worker_id: UUID) -> str:
    """A stable SW_ID for a worker: "SW" and the last 18 hex digits of their id (the random end of
    a UUID4), the same in every year's return and never shared in practice."""
    return SW_ID_PREFIX + worker_id.hex.upper()[-(SW_ID_LENGTH - len(SW_ID_PREFIX)) :]


def sw_episode_rows(
    cy: CollectionYear, children: Mapping[UUID, tuple[str, date | None]], problems: list[DataProblem]
) -> list[dict[str, Any]]:
    """SWEpisodes rows for `children` (person id -> (CHILD, DOB)), from their periods' allocations."""
    involvements = dict(
        LookedAfterPeriod.objects.filter(person_id__in=list(children))
        .filter(started_on__lte=cy.end)
        .values_list("involvement_id", "person_id")
    )
    allocations = Allocation.objects.filter(
        involvement_id__in=list(involvements), started_on__lte=cy.end
    ).order_by("involvement_id", "started_on", "created_at")
    rows: list[dict[str, Any]] = []
    first_seen: set[UUID] = set()
    for allocation in allocations:
        first = allocation.involvement_id not in first_seen
        first_seen.add(allocation.involvement_id)
        if allocation.ended_on is not None and allocation.ended_on < cy.start:
            continue
        child, dob = children[involvements[allocation.involvement_id]]
        if allocation.worker_id is None:
            problems.append(
                DataProblem(
                    child,
                    "SWEpisodes",
                    "SW_ID",
                    "",
                    f"The allocation from {allocation.started_on:%d/%m/%Y} names a team but no social worker.",
                )
            )
            continue
        reason = allocation.change_reason or (FIRST_REASON if first else "")
        if not reason:
            problems.append(
                DataProblem(
                    child,
                    "SWEpisodes",
                    "SW_REASON",
                    "",
                    f"The change of social worker on {allocation.started_on:%d/%m/%Y} has no reason.",
                )
            )
        ended = (
            allocation.ended_on if allocation.ended_on is not None and allocation.ended_on <= cy.end else None
        )
        rows.append(
            {
                "CHILD": child,
                "DOB": dob,
                "SW_ID": sw_id(allocation.worker_id),
                "SW_DECOM": allocation.started_on,
                "SW_DEC": ended,
                "SW_REASON": checked(reason, "SW_REASON", child=child, table="SWEpisodes", problems=problems),
            }
        )
    return rows
