"""The derived 903 episodes (issue 6, item 1): table-driven cases from the 903 episode rules, and a
hypothesis property that any sequence of valid changes chains cleanly. Pure: no database."""

from dataclasses import replace
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safehub.looked_after.episodes import Episode, chain_problems, derive_episodes

D0 = date(2025, 4, 1)
_ids = iter(range(1, 10_000))


def period(started_on: date = D0, ended_on: date | None = None, end_reason: str = "") -> Any:
    return SimpleNamespace(
        started_on=started_on,
        ended_on=ended_on,
        end_reason=end_reason,
        need_code="N1",
        home_postcode="LS1 4AP",
    )


def ls(code: str, day: int) -> Any:
    return SimpleNamespace(pk=next(_ids), code=code, started_on=D0 + timedelta(days=day))


def pl(kind: str, day: int, reason: str = "", same: bool = False, **fields: Any) -> Any:
    fields.setdefault("provider", "PR1")
    return SimpleNamespace(
        pk=next(_ids),
        placement_type=kind,
        started_on=D0 + timedelta(days=day),
        end_reason=reason,
        same_carers=same,
        urn=fields.get("urn", ""),
        postcode=fields.get("postcode", "LS2 7EW"),
        provider=fields["provider"],
    )


def rows(episodes: list[Episode]) -> list[tuple[Any, ...]]:
    return [
        (
            (e.decom - D0).days,
            e.rne,
            e.legal_status,
            e.placement_type,
            None if e.dec is None else (e.dec - D0).days,
            e.rec,
            e.reason_place_change,
        )
        for e in episodes
    ]


CASES = [
    pytest.param(
        period(), [ls("V2", 0)], [pl("U6", 0)], [(0, "S", "V2", "U6", None, "", "")], id="start-open"
    ),
    pytest.param(
        period(),
        [ls("V2", 0), ls("C1", 30)],
        [pl("U6", 0)],
        [(0, "S", "V2", "U6", 30, "X1", ""), (30, "L", "C1", "U6", None, "", "")],
        id="legal-status-only-L",
    ),
    pytest.param(
        period(),
        [ls("V2", 0)],
        [pl("U6", 0, reason="CARPL"), pl("U4", 10)],
        [(0, "S", "V2", "U6", 10, "X1", "CARPL"), (10, "P", "V2", "U4", None, "", "")],
        id="move-P-reason-from-ended-placement",
    ),
    pytest.param(
        period(),
        [ls("V2", 0)],
        [pl("U6", 0, reason="PLACE"), pl("U4", 10, same=True)],
        [(0, "S", "V2", "U6", 10, "X1", "PLACE"), (10, "T", "V2", "U4", None, "", "")],
        id="same-carers-T",
    ),
    pytest.param(
        period(),
        [ls("V2", 0), ls("C1", 20)],
        [pl("U6", 0, reason="CARPL"), pl("K2", 20)],
        [(0, "S", "V2", "U6", 20, "X1", "CARPL"), (20, "B", "C1", "K2", None, "", "")],
        id="both-B",
    ),
    pytest.param(
        period(),
        [ls("V2", 0), ls("C2", 20)],
        [pl("U6", 0, reason="PLACE"), pl("U4", 20, same=True)],
        [(0, "S", "V2", "U6", 20, "X1", "PLACE"), (20, "U", "C2", "U4", None, "", "")],
        id="both-same-carers-U",
    ),
    pytest.param(
        period(),
        [ls("V2", 0)],
        [pl("U6", 0, reason="CARPL"), pl("T1", 5, provider="", reason="OTHER"), pl("U6", 8)],
        [
            # Rule 226: no reason on a T0-T4 episode nor on the one before it (the CARPL recorded
            # for the move into T1 is kept on the placement, never emitted); rule 225 asks for none.
            (0, "S", "V2", "U6", 5, "X1", ""),
            (5, "P", "V2", "T1", 8, "X1", ""),
            (8, "P", "V2", "U6", None, "", ""),
        ],
        id="temporary-T1-no-reason-either-side",
    ),
    pytest.param(
        period(),
        [ls("V2", 0)],
        [pl("U6", 0), pl("T0", 5, provider=""), pl("T2", 7, provider=""), pl("U4", 9)],
        [
            (0, "S", "V2", "U6", 5, "X1", ""),
            (5, "P", "V2", "T0", 7, "X1", ""),
            (7, "P", "V2", "T2", 9, "X1", ""),
            (9, "P", "V2", "U4", None, "", ""),
        ],
        id="temporary-to-temporary-no-reasons-needed",
    ),
    pytest.param(
        period(),
        [ls("V2", 0), ls("C1", 6)],
        [pl("U6", 0, reason="CARPL"), pl("T1", 5, provider=""), pl("U4", 9)],
        [
            (0, "S", "V2", "U6", 5, "X1", ""),
            (5, "P", "V2", "T1", 6, "X1", ""),
            (6, "L", "C1", "T1", 9, "X1", ""),
            (9, "P", "C1", "U4", None, "", ""),
        ],
        id="legal-change-during-temporary",
    ),
    pytest.param(
        period(ended_on=D0 + timedelta(days=40), end_reason="E4A"),
        [ls("V2", 0), ls("C1", 15)],
        [pl("U6", 0)],
        [(0, "S", "V2", "U6", 15, "X1", ""), (15, "L", "C1", "U6", 40, "E4A", "")],
        id="ended-last-has-REC-no-reason",
    ),
    pytest.param(
        period(ended_on=D0, end_reason="E13"),
        [ls("V2", 0)],
        [pl("U6", 0)],
        [(0, "S", "V2", "U6", 0, "E13", "")],
        id="one-day-period",
    ),
]


@pytest.mark.parametrize(("the_period", "statuses", "placements", "expected"), CASES)
def test_derived_episodes(the_period, statuses, placements, expected):
    episodes = derive_episodes(the_period, statuses, placements)
    assert rows(episodes) == expected
    assert chain_problems(episodes) == []


def test_episode_carries_placement_and_period_details():
    first = pl("K2", 0, urn="SC123456", provider="PR4")
    [ep] = derive_episodes(period(), [ls("V2", 0)], [first])
    assert (ep.need, ep.provider, ep.urn, ep.home_postcode, ep.placement_postcode) == (
        "N1",
        "PR4",
        "SC123456",
        "LS1 4AP",
        "LS2 7EW",
    )
    assert ep.placement_id == first.pk
    assert ep.is_open


def _good() -> list[Episode]:
    return derive_episodes(period(), [ls("V2", 0), ls("C1", 30)], [pl("U6", 0, reason="CARPL"), pl("U4", 10)])


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (lambda e: [replace(e[0], dec=e[0].dec - timedelta(days=1)), *e[1:]], "leaving a gap"),
        (lambda e: [replace(e[0], dec=e[0].dec + timedelta(days=1)), *e[1:]], "overlaps the next"),
        (lambda e: [replace(e[0], rec="E8"), *e[1:]], "must end with X1"),
        (lambda e: [*e[:-1], replace(e[-1], dec=date(2025, 6, 1), rec="X1")], "cannot end with X1"),
        (lambda e: [replace(e[0], rne="P"), *e[1:]], "only the first starts the period"),
        (lambda e: [e[0], replace(e[1], rne="S"), e[2]], "only the first starts the period"),
        (lambda e: [replace(e[0], dec=None), *e[1:]], "is open, but another episode follows"),
        (lambda e: [replace(e[0], reason_place_change=""), *e[1:]], "no reason for the placement change"),
        (lambda e: [e[0], e[1], replace(e[2], legal_status="V2")], "legal status changed, but it did not"),
        (
            lambda e: [e[0], replace(e[1], placement_id=e[0].placement_id), e[2]],
            "placement changed, but it did not",
        ),
        (lambda e: [*e[:-1], replace(e[-1], dec=date(2025, 7, 1))], "ended with no reason"),
        (lambda e: [replace(e[0], placement_type=""), *e[1:]], "has no placement"),
        (
            lambda e: [e[0], replace(e[1], placement_type="T1"), e[2]],
            "comes just before a temporary placement",
        ),
        (lambda e: [replace(e[0], placement_type="T3"), *e[1:]], "comes just before a temporary placement"),
        (lambda e: [], "There are no episodes"),
    ],
)
def test_chain_problems_names_what_is_wrong(break_it, expected):
    assert chain_problems(_good()) == []
    problems = chain_problems(break_it(_good()))
    assert any(expected in p for p in problems), problems


def test_a_placement_after_the_period_ended_breaks_the_chain():
    episodes = derive_episodes(
        period(ended_on=D0 + timedelta(days=5), end_reason="E8"),
        [ls("V2", 0)],
        [pl("U6", 0, reason="CARPL"), pl("U4", 9)],
    )
    assert any("ends before it starts" in p for p in chain_problems(episodes))


# --- property: any sequence of valid changes chains, one episode per change day -----------------

CHANGE = st.sampled_from(["legal", "move", "move_same", "both", "both_same", "temporary"])


@given(
    steps=st.lists(st.tuples(st.integers(min_value=1, max_value=60), CHANGE), max_size=12),
    end=st.one_of(st.none(), st.integers(min_value=0, max_value=30)),
)
def test_any_sequence_of_valid_changes_chains(steps, end):
    statuses = [ls("V2", 0)]
    placements = [pl("U6", 0)]
    codes = ["C1", "C2", "E1", "V2"]
    day = 0
    for gap, change in steps:
        day += gap
        if change in {"legal", "both", "both_same"}:
            current = statuses[-1].code
            statuses.append(ls(next(c for c in codes if c != current), day))
        if change != "legal":
            placements[-1].end_reason = "CARPL"
            kind = "T0" if change == "temporary" else "U4"
            placements.append(pl(kind, day, same=change.endswith("same")))
    ended = None if end is None else D0 + timedelta(days=day + end)
    the_period = period(ended_on=ended, end_reason="E8" if ended else "")
    episodes = derive_episodes(the_period, statuses, placements)
    assert chain_problems(episodes) == []
    change_days = {s.started_on for s in statuses[1:]} | {p.started_on for p in placements[1:]}
    assert len(episodes) == len(change_days) + 1 == len(steps) + 1
    assert episodes[0].rne == "S"
    assert (episodes[-1].dec is None) == (ended is None)


def test_rule_226_no_reason_either_side_of_a_temporary_placement():
    """Rule 225 wants a reason only when the next placement is not temporary; rule 226 forbids one on
    either side of a T0-T4 episode. So after U6 -> T1 -> U4 the chain is sound with no reasons at all,
    and blanking the reason on a move between two ordinary placements is still a problem."""
    episodes = derive_episodes(period(), [ls("V2", 0)], [pl("U6", 0), pl("T1", 5, provider=""), pl("U4", 9)])
    assert chain_problems(episodes) == []
    assert [e.reason_place_change for e in episodes] == ["", "", ""]
    ordinary = derive_episodes(period(), [ls("V2", 0)], [pl("U6", 0), pl("U4", 5)])
    assert any("no reason for the placement change" in p for p in chain_problems(ordinary))
