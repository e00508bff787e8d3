"""Golden files: the 903 CSVs of a small fixed synthetic set, byte for byte.

Time is frozen and every id is fixed, so the files only change when the return does. After a
deliberate change, rewrite them with SAFEHUB_REWRITE_GOLDENS=1 and review the diff.
"""

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import time_machine

from safehub.looked_after.models import CareLeaverContact, LookedAfterReview, MissingEpisode, UascStatus
from safehub.looked_after.tests.factories import CareLeaverFactory
from safehub.returns.ssda903.builder import build_903
from safehub.returns.ssda903.tables import write_903_csv

from .care import allocate, care, child, legal, move, social_worker

GOLDEN = Path(__file__).parent / "golden"
REWRITE = os.environ.get("SAFEHUB_REWRITE_GOLDENS") == "1"


def _city() -> None:
    first, second = social_worker(101), social_worker(102)
    # In care since before the year, moved once in it, a review and a missing episode.
    settled = care(child(date(2011, 5, 6), n=1), date(2023, 2, 1), "C2", "U4")
    move(settled, date(2025, 9, 15), "U6", "CREQO")
    allocate(settled, first, date(2023, 2, 1), date(2025, 10, 1))
    allocate(settled, second, date(2025, 10, 1), reason="LEFTRL")
    LookedAfterReview.objects.create(
        period=settled, held_on=date(2025, 8, 1), participation="PN1", recorded_by=first
    )
    MissingEpisode.objects.create(
        period=settled, kind="A", started_on=date(2025, 11, 2), ended_on=date(2025, 11, 3), recorded_by=first
    )
    # New in the year under section 20, then an interim care order and a move on the same day.
    new = care(child(date(2016, 10, 11), n=2, sex="1"), date(2025, 6, 2), "V2", "U6", need="N2")
    legal(new, date(2025, 12, 1), "C1")
    move(new, date(2025, 12, 1), "U4", "CARPL")
    allocate(new, first, date(2025, 6, 2))
    # Left care home in the year.
    home = care(
        child(date(2014, 1, 20), n=3),
        date(2024, 11, 1),
        "V2",
        "U6",
        ended_on=date(2025, 7, 1),
        end_reason="E4A",
    )
    allocate(home, second, date(2024, 11, 1))
    # An unaccompanied asylum-seeking child, new in the year: DUC is his 18th birthday, still to
    # come, and he has no home postcode (rules 205B, 406).
    uasc = care(child(date(2009, 7, 15), n=5, sex="1"), date(2025, 6, 1), "V2", "U6", home="")
    UascStatus.objects.create(person=uasc.person, started_on=date(2025, 6, 1), recorded_by=first)
    allocate(uasc, second, date(2025, 6, 1))
    # A care leaver who turned 19 in the year and was in touch.
    leaver: Any = CareLeaverFactory(
        person=child(date(2006, 9, 9), n=4), started_on=date(2024, 9, 9), recorded_by=first
    )
    CareLeaverContact.objects.create(
        care_leaver=leaver,
        contact_on=date(2025, 9, 1),
        in_touch="YES",
        activity="F5",
        accommodation="U1",
        recorded_by=first,
    )


@pytest.mark.django_db
@time_machine.travel("2026-04-20 09:00:00+00:00", tick=False)
def test_the_903_for_a_fixed_synthetic_set_matches_the_golden_files() -> None:
    _city()
    tables, _ = build_903(2026)
    files = write_903_csv(tables)
    if REWRITE:
        GOLDEN.mkdir(exist_ok=True)
        for old in GOLDEN.glob("*.csv"):
            old.unlink()
        for name, content in files.items():
            (GOLDEN / name).write_bytes(content)
    assert sorted(files) == sorted(p.name for p in GOLDEN.glob("*.csv"))
    for name, content in files.items():
        assert content.decode() == (GOLDEN / name).read_bytes().decode(), name
