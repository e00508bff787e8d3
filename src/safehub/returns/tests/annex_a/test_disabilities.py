"""'Does the Child have a Disability': a) Yes for a current disability, b) No for "No disability"
(NONE), c) Unknown when nothing current is recorded (never a guessed No); read once per workbook."""

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from safehub.child_protection.models import Assessment, Referral
from safehub.child_protection.tests.factories import ReferralFactory
from safehub.people.models import Person, PersonDisability
from safehub.returns.annex_a.common import disability_answer
from safehub.returns.annex_a.workbook import build_annex_a
from safehub.returns.models import ChildReturnId

pytestmark = pytest.mark.django_db

AS_AT = date(2026, 6, 30)
IN_SIX = date(2026, 3, 2)
COLUMN = "Does the Child have a Disability"


def _assessed(*codes: str, withdrawn: tuple[str, ...] = ()) -> Person:
    """A child assessed in the window (list 4), with these disabilities current and withdrawn."""
    referral: Referral = ReferralFactory(referral_date=IN_SIX)  # type: ignore[assignment]
    Assessment.objects.create(
        referral=referral, started_on=IN_SIX, due_on=IN_SIX + timedelta(days=60), outcome="nfa"
    )
    for code in codes:
        PersonDisability.objects.create(person=referral.person, code=code)
    for code in withdrawn:
        PersonDisability.objects.create(
            person=referral.person, code=code, removed_at=timezone.now(), removed_reason="Error"
        )
    return referral.person


def _answers(content: bytes, number: int) -> dict[str, Any]:
    book = load_workbook(io.BytesIO(content))
    ws = next(ws for ws in book.worksheets if ws.title.startswith(f"List {number} "))
    rows = list(ws.iter_rows(values_only=True))
    headers = list(rows[0])
    return {row[0]: row[headers.index(COLUMN)] for row in rows[1:] if row[0] is not None}


def _id(person: Person) -> str:
    return ChildReturnId.objects.get(person=person).child_id


def test_yes_no_and_unknown_from_the_current_codes() -> None:
    disabled = _assessed("AUT", "LD")
    asked_none = _assessed("NONE")
    not_asked = _assessed()
    withdrawn_only = _assessed(withdrawn=("HEAR",))

    answers = _answers(build_annex_a(AS_AT)[0], 4)

    assert answers == {
        _id(disabled): "a) Yes",
        _id(asked_none): "b) No",
        _id(not_asked): "c) Unknown",
        _id(withdrawn_only): "c) Unknown",
    }


def test_more_children_add_no_queries_for_the_column() -> None:
    """HOUSE.md: one read of the disabilities for the whole workbook, not one a row."""
    _assessed("VIS")
    build_annex_a(AS_AT)
    with CaptureQueriesContext(connection) as one:
        build_annex_a(AS_AT)
    for code in ("MOB", "NONE", "COMM", "BEH"):
        _assessed(code)
    with CaptureQueriesContext(connection) as five:
        build_annex_a(AS_AT)
    disability_reads = [q for q in five.captured_queries if "people_persondisability" in q["sql"]]
    assert len(disability_reads) == 1
    assert len([q for q in one.captured_queries if "people_persondisability" in q["sql"]]) == 1


def test_the_answer_follows_ofsted_s_labels() -> None:
    assert disability_answer(["NONE"]) == "b) No"
    assert disability_answer(["NONE", "DDA"]) == "a) Yes"  # only from merged records; the disability wins
    assert disability_answer([]) == "c) Unknown"
