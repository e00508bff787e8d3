"""What the period pages show, in words: 903 codes with their meanings (labels.py), household
links guarded until the households area is wired."""

from typing import Any

from django.urls import NoReverseMatch, reverse

from safehub.reference_data.models import Code

from ..constants import (
    CEASED_REASON_LIST,
    LEGAL_STATUS_LIST,
    NEED_LIST,
    PLACEMENT_CHANGE_REASON_LIST,
    PLACEMENT_TYPE_LIST,
    PROVIDER_LIST,
)
from ..labels import code_label

LISTS = (
    LEGAL_STATUS_LIST,
    NEED_LIST,
    PLACEMENT_TYPE_LIST,
    PROVIDER_LIST,
    CEASED_REASON_LIST,
    PLACEMENT_CHANGE_REASON_LIST,
)


class Labels:
    """`labels.of(key, code)` → "V2: Accommodated under section 20 (single period)".

    The words come from labels.py; reference data's own labels (read in one query, withdrawn codes
    included) are only the fallback for a code labels.py does not know yet.
    """

    def __init__(self) -> None:
        rows = Code.objects.filter(code_list__key__in=LISTS).values_list("code_list__key", "code", "label")
        self.table = {(key, code): label for key, code, label in rows}

    def of(self, key: str, code: str) -> str:
        return code_label(key, code, self.table.get((key, code), ""))


def household_url(household_id: Any) -> str:
    if household_id is None:
        return ""
    try:
        return reverse("looked_after_households:household", args=[household_id])
    except NoReverseMatch:
        return ""


def placement_rows(
    placements: list[Any], labels: Labels, visible_households: set[Any] | None = None
) -> list[dict[str, Any]]:
    """`visible_households`: the ids of the households the reader may see; another household is
    not named (a restricted carer hides it, R22) and its row shows a placeholder."""
    visible = visible_households if visible_households is not None else set()
    return [
        {
            "placement": p,
            "type": labels.of(PLACEMENT_TYPE_LIST, p.placement_type),
            "provider": labels.of(PROVIDER_LIST, p.provider),
            "end_reason": labels.of(PLACEMENT_CHANGE_REASON_LIST, p.end_reason),
            "household": p.household if p.household_id in visible else None,
            "household_hidden": p.household_id is not None and p.household_id not in visible,
            "household_url": household_url(p.household_id) if p.household_id in visible else "",
        }
        for p in placements
    ]


def legal_status_rows(statuses: list[Any], labels: Labels) -> list[dict[str, Any]]:
    return [{"status": s, "label": labels.of(LEGAL_STATUS_LIST, s.code)} for s in statuses]


def episode_rows(episodes: list[Any], labels: Labels) -> list[dict[str, Any]]:
    return [
        {
            "episode": e,
            "ls": labels.of(LEGAL_STATUS_LIST, e.legal_status),
            "place": labels.of(PLACEMENT_TYPE_LIST, e.placement_type),
            "provider": labels.of(PROVIDER_LIST, e.provider),
            "rec": labels.of(CEASED_REASON_LIST, e.rec),
            "reason": labels.of(PLACEMENT_CHANGE_REASON_LIST, e.reason_place_change),
        }
        for e in episodes
    ]
