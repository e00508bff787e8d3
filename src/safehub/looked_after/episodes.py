"""The SSDA903 episodes of a period of care, derived from its legal statuses and placements.

A 903 episode is one row per stretch in which neither the legal status nor the placement changed.
Workers record what happened (care started, the legal status changed, the child moved); the episodes,
their RNE and the X1 chaining follow from those facts, so they can never be typed in wrong. Pure:
no queries, so the same derivation serves pages, services (as a guard) and the return.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .constants import CHAIN_REASON, TEMPORARY_PLACEMENTS, NewEpisodeReason

RNE = NewEpisodeReason
# An episode that ends because the child moved: the next starts with one of these (903 rule 226 et al.).
PLACEMENT_MOVES = frozenset({RNE.PLACEMENT, RNE.SAME_CARERS, RNE.BOTH, RNE.BOTH_SAME_CARERS})
LEGAL_CHANGES = frozenset({RNE.LEGAL_STATUS, RNE.BOTH, RNE.BOTH_SAME_CARERS})


@dataclass(frozen=True)
class Episode:
    """One 903 Episodes row (CHILD and the derived location fields are the return's business)."""

    decom: date
    rne: str
    legal_status: str
    need: str
    placement_type: str
    provider: str
    dec: date | None
    rec: str
    reason_place_change: str
    home_postcode: str
    placement_postcode: str
    urn: str
    placement_id: Any
    legal_status_id: Any

    @property
    def is_open(self) -> bool:
        return self.dec is None


def _latest(rows: Sequence[Any], day: date) -> Any:
    """The row in force on `day`: the last (in date, then given order) started on or before it."""
    found = None
    for row in sorted(rows, key=lambda r: r.started_on):  # stable: keeps the given order within a day
        if row.started_on <= day:
            found = row
    return found


def _rne(first: bool, legal: bool, moved: bool, same_carers: bool) -> str:
    if first:
        return RNE.STARTED.value
    if legal and moved:
        return (RNE.BOTH_SAME_CARERS if same_carers else RNE.BOTH).value
    if moved:
        return (RNE.SAME_CARERS if same_carers else RNE.PLACEMENT).value
    return RNE.LEGAL_STATUS.value


def derive_episodes(period: Any, legal_statuses: Sequence[Any], placements: Sequence[Any]) -> list[Episode]:
    """The period's episodes, oldest first.

    A new episode starts on the period's start (RNE S), on each legal-status change (L), each
    placement change (P, or T with the same carers) and both on one day (B, or U). Each ends the day
    the next starts with REC X1; the last ends with the period (its `end_reason`) or is open. An
    episode that ends because its placement ended carries that placement's REASON_PLACE_CHANGE,
    except around a temporary placement: 903 rule 226 wants it null both in an episode whose
    placement is T0-T4 and in the episode just before one (a move into a temporary placement).
    """
    start: date = period.started_on
    days = sorted({start} | {r.started_on for r in legal_statuses} | {p.started_on for p in placements})
    legal_days = {r.started_on for r in legal_statuses}
    move_days = {p.started_on for p in placements}
    rows: list[dict[str, Any]] = []
    for day in days:
        status = _latest(legal_statuses, day)
        placement = _latest(placements, day)
        rows.append(
            {
                "decom": day,
                "rne": _rne(
                    day == start,
                    day in legal_days,
                    day in move_days,
                    bool(placement is not None and placement.same_carers),
                ),
                "legal_status": status.code if status is not None else "",
                "need": period.need_code,
                "placement_type": placement.placement_type if placement is not None else "",
                "provider": placement.provider if placement is not None else "",
                "home_postcode": period.home_postcode,
                "placement_postcode": placement.postcode if placement is not None else "",
                "urn": placement.urn if placement is not None else "",
                "placement_id": placement.pk if placement is not None else None,
                "legal_status_id": status.pk if status is not None else None,
                "_placement": placement,
            }
        )
    episodes: list[Episode] = []
    for i, row in enumerate(rows):
        placement = row.pop("_placement")
        if i + 1 < len(rows):
            following = rows[i + 1]
            dec, rec = following["decom"], CHAIN_REASON
            moved = following["rne"] in PLACEMENT_MOVES
            temporary = placement is not None and placement.placement_type in TEMPORARY_PLACEMENTS
            # A reason recorded for a move into T0-T4 is kept on the placement, never emitted (226).
            into_temporary = following["placement_type"] in TEMPORARY_PLACEMENTS
            emit = moved and placement is not None and not temporary and not into_temporary
            reason = placement.end_reason if emit else ""
        else:
            dec, rec, reason = period.ended_on, (period.end_reason or ""), ""
        episodes.append(
            Episode(dec=dec, rec=rec if dec is not None else "", reason_place_change=reason, **row)
        )
    return episodes


def chain_problems(episodes: Sequence[Episode]) -> list[str]:
    """What is wrong with the 903 chain, in plain words (empty when it is sound).

    Mirrors the validator's episode rules: one RNE S, first; each DEC is the next DECOM (no gap,
    no overlap); X1 exactly when another episode follows; only the last may be open; every episode
    has a legal status and a placement, and changes something; a move has its reason unless it
    is from or into a temporary placement (903 rules 225, 226), when it has none.
    """
    if not episodes:
        return ["There are no episodes: a period of care starts with a legal status and a placement."]
    problems: list[str] = []
    last = len(episodes) - 1
    for i, ep in enumerate(episodes):
        when = f"The episode from {ep.decom:%-d %B %Y}"
        if (i == 0) != (ep.rne == RNE.STARTED):
            problems.append(
                f"{when} has the wrong reason for a new episode: only the first starts the period (RNE S)."
            )
        if not ep.legal_status:
            problems.append(f"{when} has no legal status.")
        if not ep.placement_type:
            problems.append(f"{when} has no placement.")
        if ep.dec is not None and (ep.dec < ep.decom or (i < last and ep.dec == ep.decom)):
            problems.append(f"{when} ends before it starts.")
        if i < last:
            following = episodes[i + 1]
            if ep.dec is None:
                problems.append(f"{when} is open, but another episode follows it.")
            elif ep.dec < following.decom:
                problems.append(f"{when} ends on {ep.dec:%-d %B %Y}, leaving a gap before the next episode.")
            elif ep.dec > following.decom:
                problems.append(
                    f"{when} overlaps the next episode, which starts on {following.decom:%-d %B %Y}."
                )
            if ep.rec != CHAIN_REASON:
                problems.append(f"{when} is followed by another, so it must end with X1.")
            if following.rne in LEGAL_CHANGES and following.legal_status == ep.legal_status:
                problems.append(
                    f"The episode from {following.decom:%-d %B %Y} says the legal status changed, but it did not."
                )
            if following.rne in PLACEMENT_MOVES and following.placement_id == ep.placement_id:
                problems.append(
                    f"The episode from {following.decom:%-d %B %Y} says the placement changed, but it did not."
                )
            temporary_either_side = (
                ep.placement_type in TEMPORARY_PLACEMENTS or following.placement_type in TEMPORARY_PLACEMENTS
            )
            if following.rne in PLACEMENT_MOVES and not temporary_either_side and not ep.reason_place_change:
                problems.append(f"{when} ends with a move but has no reason for the placement change.")
            if ep.reason_place_change and temporary_either_side:
                problems.append(
                    f"{when} is or comes just before a temporary placement, so it has no reason for the "
                    "placement change (903 rule 226)."
                )
        else:
            if ep.rec == CHAIN_REASON:
                problems.append(f"{when} is the last, so it cannot end with X1.")
            if ep.dec is not None and not ep.rec:
                problems.append(f"{when} ended with no reason.")
    return problems
