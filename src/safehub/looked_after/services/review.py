"""Looked-after reviews and regulation 28 visits (issue 6, item 2). Each records what a clock asks
for, so the clock moves on (`clocks.py`).
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform.locking import save_versioned

from ..clocks import age_on, period_clocks_sync, visit_regime
from ..constants import PARTICIPATION_LIST, Clock
from ..models import LookedAfterPeriod, LookedAfterReview, Placement, PlacementVisit
from ..policies import care_policy
from . import _rules
from ._rules import Errors, _d, add

UNDER_4_PARTICIPATION = "PN0"
CHAIR_CAPABILITIES = (Capability.CHAIR_CONFERENCES, Capability.MANAGE_CASES)


def lock_period(
    period: LookedAfterPeriod, *, actor: Any, expected_version: int | None = None
) -> LookedAfterPeriod:
    """Take the period's row lock and bump its version, inside the caller's transaction (R49).

    Every write under a period calls this first, so two writes on one period run one after the
    other: the second reads the first's rows and clock tasks instead of tripping the database's
    one-open-task-per-clock index. The lock is taken before the version is read, so without
    `expected_version` there is nothing to conflict with; with it (the version the form was opened
    on) a period changed since is a ConflictError. Returns a fresh copy of the period, read under
    the lock, for the checks, so a stale instance in the caller cannot write old values back; the
    caller copies the new version onto its instance once the write has succeeded (`.version`). No
    nullable select_related: PostgreSQL cannot lock the nullable side of an outer join.
    """
    current = LookedAfterPeriod.objects.select_for_update().get(pk=period.pk)
    save_versioned(
        current,
        expected_version=current.version if expected_version is None else expected_version,
        actor=actor,
    )
    return current


def _check_participation(
    errors: Errors, period: LookedAfterPeriod, participation: str, held_on: date | None
) -> None:
    """903 REVIEW_CODE: a code from the list; PN0 ("child under 4") only for a child under 4 on the day."""
    _rules.check_code(
        errors, "participation", participation, PARTICIPATION_LIST, label="child's participation"
    )
    if participation != UNDER_4_PARTICIPATION or held_on is None:
        return
    born = period.person.date_of_birth
    if born is None:
        add(
            errors,
            "participation",
            "PN0 is only for a child under 4, and the child has no date of birth recorded: "
            "choose how the child took part.",
        )
    elif age_on(born, held_on) >= 4:
        add(
            errors,
            "participation",
            f"PN0 is only for a child under 4; the child was {age_on(born, held_on)} on {_d(held_on)}: "
            "choose how the child took part.",
        )


def review_record(
    *,
    actor: Any,
    period: LookedAfterPeriod,
    held_on: date | None,
    participation: str,
    chair: Any = None,
    summary: str = "",
    expected_version: int | None = None,
) -> LookedAfterReview:
    """A looked-after review was held (Care Planning Regulations 2010, reg. 33; 903 Reviews).

    Recorded by the IRO or a manager (`review`). The review bumps the period's version (R49):
    given `expected_version`, a period changed since the form was opened is a ConflictError. The
    checks run under the period's lock, so two people cannot both record a review on one day.
    """
    care_policy.check(actor, "review", period)
    with transaction.atomic():
        current = lock_period(period, actor=actor, expected_version=expected_version)
        errors: Errors = {}
        _rules.check_date(errors, current, "held_on", held_on, label="date of the review")
        _check_participation(errors, current, participation, held_on)
        if chair is not None and not any(chair.has_capability(c) for c in CHAIR_CAPABILITIES):
            add(errors, "chair", "Choose an independent reviewing officer or a manager as the chair.")
        if held_on is not None and current.reviews.filter(held_on=held_on).exists():
            add(errors, "held_on", f"A review on {_d(held_on)} is already recorded.")
        if errors:
            raise ValidationError(errors)
        assert held_on is not None
        review = LookedAfterReview(
            period=period,
            held_on=held_on,
            participation=participation,
            chair=chair,
            summary=summary.strip(),
            recorded_by=actor,
        )
        review.full_clean()
        review.save()
        record_event(actor=actor, verb=Verb.CREATE, target=review, section="la_review")
        # A late entry older than the last review satisfies nothing now.
        later = current.reviews.filter(held_on__gt=held_on).exists()
        period_clocks_sync(period=current, done={} if later else {Clock.REVIEW: held_on}, done_by=actor)
    period.version = current.version
    return review


def placement_on(period: LookedAfterPeriod, day: date) -> Placement | None:
    """The placement the child lived in on `day` (on a change day, the one starting that day)."""
    for placement in period.placements.order_by("-started_on", "-created_at"):
        if placement.started_on <= day and (placement.ended_on is None or day < placement.ended_on):
            return placement
        if placement.started_on <= day and placement.ended_on == day == period.ended_on:
            return placement  # the last day in care: the placement ended with the period
    return None


def visit_record(
    *,
    actor: Any,
    period: LookedAfterPeriod,
    visited_on: date | None,
    child_seen: bool,
    seen_alone: bool = False,
    bedroom_seen: bool = False,
    summary: str = "",
    expected_version: int | None = None,
) -> PlacementVisit:
    """A social worker visited the child in placement (reg. 28). The visit belongs to the placement
    the child lived in that day; only a visit where the child was seen satisfies the visit clock,
    and only when it was in the current visiting regime (`clocks.visit_regime`: a temporary move or
    a move with the same carers does not start a new one). Bumps the period's version (R49).
    """
    care_policy.check(actor, "record", period)
    with transaction.atomic():
        current = lock_period(period, actor=actor, expected_version=expected_version)
        placement = _check_visit(current, visited_on, child_seen, seen_alone, bedroom_seen)
        assert visited_on is not None
        visit = PlacementVisit(
            period=period,
            placement=placement,
            visited_on=visited_on,
            child_seen=child_seen,
            seen_alone=seen_alone,
            bedroom_seen=bedroom_seen,
            summary=summary.strip(),
            recorded_by=actor,
        )
        visit.full_clean()
        visit.save()
        record_event(actor=actor, verb=Verb.CREATE, target=visit, section="la_visit")
        done: dict[str, date] = {}
        if child_seen and _counts_now(current, placement, visited_on):
            done[Clock.VISIT] = visited_on
        period_clocks_sync(period=current, done=done, done_by=actor)
    period.version = current.version
    return visit


def _check_visit(
    period: LookedAfterPeriod, visited_on: date | None, child_seen: bool, seen_alone: bool, bedroom_seen: bool
) -> Placement:
    """The placement the visit belongs to, or a ValidationError saying what is wrong."""
    errors: Errors = {}
    _rules.check_date(errors, period, "visited_on", visited_on, label="date of the visit")
    placement: Placement | None = None
    if visited_on is not None and "visited_on" not in errors:
        placement = placement_on(period, visited_on)
        if placement is None:
            first = period.placements.order_by("started_on").first()
            if first is not None and visited_on < first.started_on:
                add(
                    errors,
                    "visited_on",
                    f"The date of the visit cannot be before the placement started on {_d(first.started_on)}.",
                )
            else:
                add(errors, "visited_on", f"The child had no placement recorded on {_d(visited_on)}.")
    if not child_seen:
        if seen_alone:
            add(
                errors,
                "seen_alone",
                "The child cannot have been seen alone: the visit says they were not seen.",
            )
        if bedroom_seen:
            add(
                errors,
                "bedroom_seen",
                "Record the child's bedroom as seen only when the child was seen on the visit.",
            )
    if errors:
        raise ValidationError(errors)
    assert placement is not None
    return placement


def _counts_now(period: LookedAfterPeriod, placement: Placement, visited_on: date) -> bool:
    """Does a visit that saw the child satisfy the open visit task? Only in the current regime, and
    not a late entry older than the last visit seen in it (that satisfies nothing now)."""
    placements = list(period.placements.all())
    current = next((p for p in placements if p.ended_on is None), None)
    if current is None:
        return False
    regime = visit_regime(placements, current)
    if placement.pk not in regime.ids:
        return False
    later = PlacementVisit.objects.filter(
        placement_id__in=regime.ids, child_seen=True, visited_on__gt=visited_on
    )
    return not later.exists()
