"""Leaving care eligibility (Children (Leaving Care) Act 2000; Care Leavers (England) Regulations
2010, reg. 3): 13 weeks looked after since 14, some of it at 16 or over; short breaks do not count."""

from datetime import date, timedelta

import pytest

from safehub.looked_after.constants import LeaverCategory
from safehub.looked_after.selectors.leavers import CareSpan, eligibility_from_spans, leaver_eligibility

from .cases import in_care, young_person

DOB = date(2008, 6, 15)
FOURTEEN = date(2022, 6, 15)
SIXTEEN = date(2024, 6, 15)
EIGHTEEN = date(2026, 6, 15)
ON_17 = date(2025, 9, 1)  # aged 17


def S(start: date, end: date | None = None, short: bool = False) -> CareSpan:
    return CareSpan(start, end, short)


E, R, F = LeaverCategory.ELIGIBLE, LeaverCategory.RELEVANT, LeaverCategory.FORMER_RELEVANT

CASES = [
    # (why, spans, on, expected)
    ("looked after now since 15", [S(date(2023, 6, 1))], ON_17, E),
    ("under 16: no category yet", [S(date(2023, 6, 1))], date(2024, 6, 14), None),
    ("16th birthday: eligible from that day", [S(date(2023, 6, 1))], SIXTEEN, E),
    (
        "exactly 13 weeks (91 days) from the 14th birthday",
        [S(FOURTEEN, FOURTEEN + timedelta(days=91)), S(ON_17 - timedelta(days=1))],
        ON_17,
        E,
    ),
    ("91 days counting today", [S(ON_17 - timedelta(days=90))], ON_17, E),
    ("90 days: one short", [S(ON_17 - timedelta(days=89))], ON_17, None),
    (
        "days before the 14th birthday do not count",
        [S(FOURTEEN - timedelta(days=200), FOURTEEN + timedelta(days=10)), S(ON_17 - timedelta(days=30))],
        ON_17,
        None,
    ),
    ("short breaks (V3/V4) do not count", [S(date(2023, 1, 1), None, short=True)], ON_17, None),
    ("left care at 16 after 13 weeks: relevant", [S(date(2023, 6, 1), date(2025, 1, 1))], ON_17, R),
    ("left care on the 16th birthday: relevant", [S(date(2023, 6, 1), SIXTEEN)], ON_17, R),
    (
        "left care the day before the 16th birthday: nothing",
        [S(date(2023, 6, 1), SIXTEEN - timedelta(days=1))],
        ON_17,
        None,
    ),
    ("left care today: relevant, not looked after now", [S(date(2023, 6, 1), ON_17)], ON_17, R),
    ("18 and was eligible: former relevant", [S(date(2023, 6, 1), EIGHTEEN)], date(2027, 1, 1), F),
    ("24 and was relevant: former relevant", [S(date(2023, 6, 1), date(2025, 1, 1))], date(2033, 6, 14), F),
    ("25: duties have ended", [S(date(2023, 6, 1), date(2025, 1, 1))], date(2033, 6, 15), None),
    ("18 but care only before 16", [S(date(2022, 7, 1), date(2023, 7, 1))], date(2027, 1, 1), None),
    (
        "18, first looked after at 17 for 13 weeks",
        [S(date(2025, 7, 1), date(2025, 10, 1))],
        date(2027, 1, 1),
        F,
    ),
    (
        "18, looked after at 17 for only 12 weeks",
        [S(date(2025, 7, 1), date(2025, 9, 23))],
        date(2027, 1, 1),
        None,
    ),
    ("care starting after `on` is not counted", [S(date(2026, 1, 1))], ON_17, None),
]


@pytest.mark.parametrize(("why", "spans", "on", "expected"), CASES, ids=[c[0] for c in CASES])
def test_eligibility_rules(why, spans, on, expected) -> None:
    assert eligibility_from_spans(DOB, spans, on) == expected


def test_no_date_of_birth_no_suggestion() -> None:
    assert eligibility_from_spans(None, [S(date(2023, 6, 1))], ON_17) is None


@pytest.mark.django_db
def test_short_break_legal_status_is_left_out_of_the_13_weeks() -> None:
    """From the record: a period of V3 short breaks does not count; the same under C2 does."""
    breaks = young_person(DOB)
    in_care(breaks, date(2023, 6, 1), code="V3")
    assert leaver_eligibility(breaks, ON_17) is None
    order = young_person(DOB)
    in_care(order, date(2023, 6, 1), code="C2")
    assert leaver_eligibility(order, ON_17) == E
