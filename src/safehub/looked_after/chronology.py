"""The child's chronology entries from periods of care: care starting and ending, legal status
changes and moves. Registered with `people.chronology`; through the care policy's scope (R19); a
fixed number of queries (one per table, and one for the code-list labels)."""

from collections.abc import Iterator
from typing import Any

from safehub.people.chronology import ChronologyEntry
from safehub.people.models import Person
from safehub.reference_data.models import Code

from .constants import (
    CEASED_REASON_LIST,
    LEGAL_STATUS_LIST,
    PLACEMENT_CHANGE_REASON_LIST,
    PLACEMENT_TYPE_LIST,
)
from .involvements import period_url
from .models import LookedAfterPeriod
from .policies import care_policy
from .selectors.periods import prefetch_history

SOURCE_NAME = "looked_after"
KIND = "la_period"
KIND_LABELS = {KIND: "Periods of care, legal statuses and placements"}
LISTS = (LEGAL_STATUS_LIST, PLACEMENT_TYPE_LIST, CEASED_REASON_LIST, PLACEMENT_CHANGE_REASON_LIST)


def period_entries(person: Person, actor: Any) -> Iterator[ChronologyEntry]:
    periods = list(care_policy.scope(actor, LookedAfterPeriod.objects.filter(person=person), "view"))
    if not periods:
        return
    prefetch_history(periods)
    rows = Code.objects.filter(code_list__key__in=LISTS).values_list("code_list__key", "code", "label")
    labels = {(key, code): label for key, code, label in rows}

    def code(key: str, value: str) -> str:
        return labels.get((key, value), value)

    for period in periods:
        url = period_url(period.pk) or None

        def entry(day: Any, title: str, detail: str = "", url: str | None = url) -> ChronologyEntry:
            return ChronologyEntry(
                date=day, kind=KIND, title=title, detail=detail, source=SOURCE_NAME, url=url
            )

        yield entry(period.started_on, "Became looked after")
        for status in period.legal_statuses.all():
            yield entry(status.started_on, "Legal status", code(LEGAL_STATUS_LIST, status.code))
        for placement in period.placements.all():
            yield entry(
                placement.started_on, "Placement started", code(PLACEMENT_TYPE_LIST, placement.placement_type)
            )
        if period.ended_on is not None:
            yield entry(
                period.ended_on, "Stopped being looked after", code(CEASED_REASON_LIST, period.end_reason)
            )


def register() -> None:
    from safehub.people.chronology import register_chronology_source, register_kind_label

    register_chronology_source(SOURCE_NAME, period_entries)
    for kind, label in KIND_LABELS.items():
        register_kind_label(kind, label)
