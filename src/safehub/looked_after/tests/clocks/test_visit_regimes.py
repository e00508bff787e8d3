"""The visit clock across moves (reg. 28; reg. 36 for adoption): which placements make one visiting
regime, so a temporary move starts no "within 1 week" task, coming back does not restart the first
year, a move with the same carers continues it, and a placement for adoption asks for weekly visits
(R52). Pure: stand-in rows, no database.
"""

from datetime import date
from types import SimpleNamespace
from typing import Any

from safehub.looked_after.clocks import period_tasks, visit_regime
from safehub.looked_after.constants import Clock

from .test_rules import CAL, _period, _placement, _rows

START = date(2025, 1, 1)


def _visit(placement: Any, day: date, *, seen: bool = True) -> Any:
    return SimpleNamespace(placement_id=placement.pk, visited_on=day, child_seen=seen)


def _visit_task(placements: list[Any], visits: list[Any]) -> Any:
    rows = _rows(placements=placements, visits=visits)
    return next(s for s in period_tasks(_period(START), rows, CAL) if s.key == Clock.VISIT)


def _chain(*specs: tuple[date, str, dict[str, Any]]) -> list[Any]:
    """Placements one after another: each ends the day the next starts."""
    made = []
    for i, (started_on, place, extra) in enumerate(specs):
        ended_on = specs[i + 1][0] if i + 1 < len(specs) else None
        made.append(_placement(started_on, ended_on=ended_on, pk=i + 1, place=place, **extra))
    return made


def test_a_move_into_hospital_starts_no_new_week_clock() -> None:
    home, hospital = _chain((START, "U4", {"household": 7}), (date(2025, 3, 1), "T1", {}))
    task = _visit_task([home, hospital], [_visit(home, date(2025, 2, 20))])
    assert task.due_on == date(2025, 4, 3)  # 6 weeks after the last visit, not 1 week after the move
    assert "6 weeks" in task.basis


def test_a_temporary_move_before_the_first_visit_keeps_the_first_week_of_the_placement() -> None:
    home, respite = _chain((START, "U4", {}), (date(2025, 1, 3), "T4", {}))
    assert _visit_task([home, respite], []).due_on == date(2025, 1, 8)


def test_a_visit_in_hospital_counts() -> None:
    home, hospital = _chain((START, "U4", {}), (date(2025, 3, 1), "T1", {}))
    task = _visit_task(
        [home, hospital], [_visit(home, date(2025, 2, 20)), _visit(hospital, date(2025, 3, 5))]
    )
    assert task.due_on == date(2025, 4, 16)


def test_coming_back_to_the_same_household_does_not_restart_the_first_year() -> None:
    """Placed until 18 from 1 Jan 2025, in hospital in March, back home: visits go to 3-monthly
    after 1 Jan 2026, counted from the first placement, not from the return."""
    home, hospital, back = _chain(
        (START, "U4", {"household": 7, "until_18": True}),
        (date(2025, 3, 1), "T1", {}),
        (date(2025, 3, 10), "U4", {"household": 7, "until_18": True}),
    )
    regime = visit_regime([home, hospital, back], back)
    assert regime.started_on == START
    assert regime.ids == frozenset({1, 2, 3})
    task = _visit_task([home, hospital, back], [_visit(back, date(2026, 1, 10))])
    assert task.due_on == date(2026, 4, 10)
    # No visit since the return: still due from the last visit before the move, not a week after it.
    assert _visit_task([home, hospital, back], [_visit(home, date(2025, 2, 25))]).due_on == date(2025, 4, 8)


def test_coming_back_to_carers_the_worker_says_are_the_same_continues_the_regime() -> None:
    home, holiday, back = _chain(
        (START, "K2", {"carer_name": "Synthetic House"}),
        (date(2025, 3, 1), "T2", {}),
        (date(2025, 3, 10), "K2", {"same_carers": True}),
    )
    assert visit_regime([home, holiday, back], back).started_on == START
    # The same provider details typed again say so too.
    retyped = _placement(date(2025, 3, 10), pk=3, place="K2", carer_name="Synthetic House")
    assert visit_regime([home, holiday, retyped], retyped).started_on == START


def test_moving_on_from_a_temporary_placement_to_new_carers_starts_a_new_regime() -> None:
    home, respite, new = _chain(
        (START, "U4", {"household": 7}),
        (date(2025, 3, 1), "T4", {}),
        (date(2025, 3, 6), "U4", {"household": 8}),
    )
    task = _visit_task([home, respite, new], [_visit(home, date(2025, 2, 25))])
    assert task.due_on == date(2025, 3, 13)  # within a week of the new placement
    assert "within 1 week" in task.basis


def test_a_period_that_begins_in_a_temporary_placement_starts_its_regime_there() -> None:
    (hospital,) = _chain((START, "T1", {}))
    assert _visit_task([hospital], []).due_on == date(2025, 1, 8)
    hospital, home = _chain((START, "T1", {}), (date(2025, 1, 20), "U4", {}))
    assert _visit_task([hospital, home], [_visit(hospital, date(2025, 1, 6))]).due_on == date(2025, 1, 27)


def test_the_first_year_counts_from_the_earliest_placement_with_the_same_carers() -> None:
    """903 RNE T: the carers moved house with the child. Still the same placement for reg. 28."""
    first, moved = _chain(
        (START, "U4", {"until_18": True}),
        (date(2025, 8, 1), "U4", {"until_18": True, "same_carers": True}),
    )
    regime = visit_regime([first, moved], moved)
    assert regime.started_on == START
    task = _visit_task([first, moved], [_visit(first, date(2025, 7, 30))])
    assert task.due_on == date(2025, 9, 10)  # no new "within 1 week" for the move
    assert _visit_task([first, moved], [_visit(moved, date(2026, 1, 5))]).due_on == date(2026, 4, 5)


def test_placed_for_adoption_a_visit_within_a_week_then_weekly() -> None:
    """Adoption Agencies Regulations 2005, reg. 36, even with the foster carers the child lives with
    (A5 with the same carers starts a new regime)."""
    foster, adoption = _chain((START, "U4", {}), (date(2025, 6, 2), "A5", {"same_carers": True}))
    first = _visit_task([foster, adoption], [_visit(foster, date(2025, 5, 30))])
    assert first.due_on == date(2025, 6, 9)
    assert "reg. 36" in first.basis
    weekly = _visit_task([foster, adoption], [_visit(adoption, date(2025, 6, 5))])
    assert weekly.due_on == date(2025, 6, 12)
    assert "weekly" in weekly.basis


def test_a_hospital_stay_while_placed_for_adoption_keeps_the_weekly_visits() -> None:
    adoption, hospital = _chain((START, "A6", {"household": 3}), (date(2025, 2, 1), "T1", {}))
    assert _visit_task([adoption, hospital], [_visit(adoption, date(2025, 1, 30))]).due_on == date(2025, 2, 6)
    adoption, hospital, back = _chain(
        (START, "A6", {"household": 3}),
        (date(2025, 2, 1), "T1", {}),
        (date(2025, 2, 4), "A6", {"household": 3}),
    )
    assert _visit_task([adoption, hospital, back], [_visit(hospital, date(2025, 2, 3))]).due_on == date(
        2025, 2, 10
    )


def test_an_adoption_placement_ending_with_the_same_carers_starts_a_reg_28_regime() -> None:
    adoption, foster = _chain((START, "A5", {}), (date(2025, 5, 1), "U4", {"same_carers": True}))
    task = _visit_task([adoption, foster], [_visit(adoption, date(2025, 4, 28))])
    assert task.due_on == date(2025, 5, 8)
    assert "reg. 28" in task.basis
