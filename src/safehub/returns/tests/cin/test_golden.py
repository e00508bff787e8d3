"""The census for a small fixed set of cases is byte-identical to golden/cin_2026.xml.

A deliberate change to the output (a new element, a fixed rule) changes this file: regenerate it
with `SAFEHUB_WRITE_GOLDEN=1 DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/pytest
src/safehub/returns/tests/cin/test_golden.py`, read the diff, and commit it with the change.
The golden file also passes the DfE validator (csc-validator-be-cin 0.1.13, ruleset 2026) with
no error rules; see docs/domain/returns-validation.md for how to run it.
"""

import os
from datetime import UTC, date, datetime
from pathlib import Path

import time_machine

from safehub.child_protection.constants import ConferenceDecision, ConferenceKind, Section47Outcome
from safehub.people.constants import Sex
from safehub.returns.cin.builder import census_build
from safehub.returns.cin.schema import schema_errors

from .cases import assessment, child, cin_plan, conference, cp_plan, disabilities, referral, section47

GOLDEN = Path(__file__).parent / "golden" / "cin_2026.xml"


def _cases() -> None:
    # Referred, assessed, section 47, ICPC, plan with a review, plan ended, CIN plan, closed.
    a = child("GOLD01", date_of_birth=date(2014, 7, 1), sex=Sex.MALE, upn_serial=1, ethnicity="WBRI")
    disabilities(a, "LD", "AUT")
    ref = referral(a, date(2025, 4, 10), closed=date(2026, 3, 20), reason="RC7", source="6", need="N1")
    assessment(ref, date(2025, 4, 11), date(2025, 5, 20), ["3A", "4B"])
    enquiry = section47(ref, date(2025, 5, 21), date(2025, 6, 11), completed=date(2025, 6, 10))
    conference(ref, date(2025, 6, 10), enquiry=enquiry)
    plan = cp_plan(ref, date(2025, 6, 10), date(2025, 12, 1), initial="EMO", latest="MUL")
    conference(
        ref, date(2025, 9, 1), kind=ConferenceKind.REVIEW, plan=plan, decision=ConferenceDecision.CONTINUE
    )
    conference(ref, date(2025, 12, 1), kind=ConferenceKind.REVIEW, plan=plan, decision=ConferenceDecision.END)
    cin_plan(ref, date(2025, 12, 2), date(2026, 3, 20))
    # Unborn: expected in June, referred in February, assessment still going on 31 March.
    b = child("GOLD02", date_of_birth=None, expected_date_of_birth=date(2026, 6, 1), sex=Sex.UNBORN)
    ref = referral(b, date(2026, 2, 19), source="3B", need="N1")
    assessment(ref, date(2026, 2, 20))
    # Referral with no further action, closed the next day (RC7: no assessment, so not RC8, 8825Q).
    c = child("GOLD03", date_of_birth=date(2011, 3, 3), sex=Sex.FEMALE, upn_serial=2, ethnicity="BAFR")
    referral(c, date(2025, 11, 4), closed=date(2025, 11, 5), reason="RC7", nfa=True, source="2A", need="")
    # Open on 1 April on a plan from the year before, still on it on 31 March.
    d = child("GOLD04", date_of_birth=date(2019, 9, 9), sex=Sex.MALE, upn_serial=4, ethnicity="MWBA")
    disabilities(d, "NONE")
    ref = referral(d, date(2024, 10, 1), source="5D", need="N4")
    assessment(ref, date(2024, 10, 2), date(2024, 11, 1), ["16A"])
    old = section47(ref, date(2024, 11, 4), date(2024, 11, 25), completed=date(2024, 11, 22))
    conference(ref, date(2024, 11, 22), enquiry=old)
    plan = cp_plan(ref, date(2024, 11, 22), initial="NEG", latest="NEG")
    conference(
        ref, date(2025, 2, 20), kind=ConferenceKind.REVIEW, plan=plan, decision=ConferenceDecision.CONTINUE
    )
    conference(
        ref, date(2025, 8, 14), kind=ConferenceKind.REVIEW, plan=plan, decision=ConferenceDecision.CONTINUE
    )
    conference(
        ref, date(2026, 2, 12), kind=ConferenceKind.REVIEW, plan=plan, decision=ConferenceDecision.CONTINUE
    )
    # Assessed, a section 47 found no need for a conference, services ended; no ethnicity asked yet.
    e = child("GOLD05", date_of_birth=date(2021, 1, 15), sex=Sex.FEMALE, ethnicity="")
    ref = referral(e, date(2025, 8, 1), closed=date(2025, 9, 30), reason="RC7", source="1A", need="N5")
    assessment(ref, date(2025, 8, 4), date(2025, 9, 26), ["4B", "3B"])
    section47(
        ref,
        date(2025, 8, 20),
        date(2025, 9, 10),
        completed=date(2025, 9, 1),
        outcome=Section47Outcome.NOT_SUBSTANTIATED,
    )
    # Transferred in on a plan; a plan here two years before counts as a previous plan.
    f = child("GOLD06", date_of_birth=date(2016, 12, 24), sex=Sex.FEMALE, upn_serial=3, ethnicity="APKN")
    old_ref = referral(f, date(2023, 1, 5), closed=date(2024, 2, 1), source="6", need="N1")
    cp_plan(old_ref, date(2023, 2, 1), date(2024, 1, 20))
    ref = referral(f, date(2025, 7, 1), source="5C", need="N1")
    conference(ref, date(2025, 7, 15), kind=ConferenceKind.TRANSFER_IN)
    cp_plan(ref, date(2025, 7, 15), initial="PHY", latest="PHY")


def test_golden_cin_2026() -> None:
    _cases()
    with time_machine.travel(datetime(2026, 4, 20, 8, 30, tzinfo=UTC), tick=False):
        census = census_build(2026)

    if os.environ.get("SAFEHUB_WRITE_GOLDEN") == "1":
        GOLDEN.write_bytes(census.xml)
    assert census.problems == []
    assert schema_errors(census.xml) == []
    assert census.xml == GOLDEN.read_bytes()
