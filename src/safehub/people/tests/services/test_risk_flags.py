"""Risk flags: added with a review date, reviewed, ended."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.people.constants import RiskFlagKind, Sensitivity
from safehub.people.services import risk_flag_add, risk_flag_end, risk_flag_review
from safehub.people.tests.factories import audit_events_on

pytestmark = pytest.mark.django_db
TODAY = date(2026, 5, 4)


@pytest.fixture
def flag(editor, person, police):
    with time_machine.travel(TODAY, tick=False):
        return risk_flag_add(
            actor=editor,
            person=person,
            kind=RiskFlagKind.MAPPA_NOMINAL,
            source_agency=police,
            starts_on=date(2026, 1, 1),
            review_on=date(2026, 7, 1),
            sensitivity=Sensitivity.SENSITIVE,
        )


def test_a_flag_is_added_and_audited(flag, person):
    assert (flag.kind, flag.sensitivity, flag.ends_on) == ("mappa_nominal", "sensitive", None)
    assert [e.verb for e in audit_events_on(person, "risk_flags")] == ["create"]


def test_a_review_before_the_start_is_refused_at_review_on(editor, person, police):
    with pytest.raises(ValidationError) as error:
        risk_flag_add(
            actor=editor,
            person=person,
            kind=RiskFlagKind.MISSING,
            source_agency=police,
            starts_on=date(2026, 1, 2),
            review_on=date(2026, 1, 1),
        )
    assert list(error.value.message_dict) == ["review_on"]


def test_a_flag_needs_its_source_agency(editor, person):
    with pytest.raises(ValidationError) as error:
        risk_flag_add(
            actor=editor,
            person=person,
            kind=RiskFlagKind.MISSING,
            source_agency=None,
            starts_on=TODAY,
            review_on=TODAY,
        )
    assert "source_agency" in error.value.message_dict


@time_machine.travel(TODAY, tick=False)
def test_a_review_records_who_when_and_the_next_date(editor, flag):
    risk_flag_review(actor=editor, flag=flag, next_review_on=TODAY + timedelta(days=90), note="Still managed")
    flag.refresh_from_db()
    assert (flag.reviewed_on, flag.reviewed_by, flag.review_on) == (TODAY, editor, TODAY + timedelta(days=90))
    assert flag.note.endswith("Still managed")
    with pytest.raises(ValidationError) as error:
        risk_flag_review(actor=editor, flag=flag, next_review_on=TODAY)
    assert list(error.value.message_dict) == ["review_on"]


@time_machine.travel(TODAY, tick=False)
def test_an_ended_flag_keeps_its_dates_and_is_not_reviewed(editor, flag, person):
    risk_flag_end(actor=editor, flag=flag, reason="MAPPA management ended")
    flag.refresh_from_db()
    assert flag.ends_on == TODAY
    assert audit_events_on(person, "risk_flags")[-1].reason == "MAPPA management ended"
    with pytest.raises(ValidationError):
        risk_flag_review(actor=editor, flag=flag, next_review_on=TODAY + timedelta(days=1))
