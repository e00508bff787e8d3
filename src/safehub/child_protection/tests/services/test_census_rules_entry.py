"""The CIN census rules, enforced when the data is typed (issue 5, item 5; ADR 0004, decision 4).

Each test names the census rule it mirrors; the message is at the field and nothing is saved.
"""

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.child_protection.models import Assessment, Referral
from safehub.child_protection.services.assessment import assessment_complete, assessment_update
from safehub.child_protection.services.referral import referral_close

from .referral_cases import NOW, authorised, completed, referral, staff, started, strategy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def _factor_errors(factors: list[str], *, complete: bool = True) -> list[str]:
    worker, _ = staff()
    a = started(worker, referral(worker))
    call: Any = assessment_complete if complete else assessment_update
    extra: dict[str, Any] = {"completed_on": date(2026, 11, 2), "outcome": "cin_plan"} if complete else {}
    with pytest.raises(ValidationError) as error:
        call(
            actor=worker,
            assessment=a,
            expected_version=a.version,
            factors=factors,
            child_seen_on=None,
            summary="",
            **extra,
        )
    saved = Assessment.objects.get(pk=a.pk)
    assert saved.factors == []
    assert saved.completed_on is None
    return error.value.message_dict["factors"]


@pytest.mark.parametrize("complete", [True, False])
def test_8869_no_factors_identified_stands_alone(complete):
    assert _factor_errors(["21", "16A"], complete=complete) == [
        "21 (no factors identified) cannot be combined with other factors: remove 21 or the other factors."
    ]


def test_21_alone_is_accepted():
    worker, _ = staff()
    a = completed(worker, referral(worker), factors=["21"], outcome="nfa")
    assert a.factors == ["21"]


@pytest.mark.parametrize(
    ("code", "replacement"),
    [
        ("18A", "18B (child on child) or 18C (adult on child)"),
        ("19A", "19B (child on child) or 19C (adult on child)"),
    ],
)
def test_8945q_8950q_the_legacy_abuse_factors_name_their_replacements(code, replacement):
    assert _factor_errors([code]) == [f"Factor {code} is no longer used: choose {replacement}."]


def test_8897q_factors_come_from_the_census_list():
    assert _factor_errors(["16A", "99Z"]) == ["Factor 99Z is not on the list of assessment factors."]


def test_each_factor_once():
    assert _factor_errors(["3B", "16A", "3B"]) == ["Choose each factor once: 3B is listed more than once."]


def test_factors_are_required_on_completion_only():
    assert _factor_errors([]) == ["Choose the factors identified, or 21 (no factors identified)."]
    worker, _ = staff()
    a = started(worker, referral(worker))
    assessment_update(
        actor=worker, assessment=a, expected_version=a.version, child_seen_on=None, factors=[], summary=""
    )


@pytest.mark.parametrize("reason", ["RC8", "RC9"])
def test_8825q_closed_after_assessment_needs_an_authorised_assessment(reason):
    worker, manager = staff()
    ref = referral(worker)
    with pytest.raises(ValidationError) as error:
        referral_close(
            actor=manager,
            referral=ref,
            expected_version=ref.version,
            closed_on=date(2026, 10, 2),
            reason=reason,
        )
    assert error.value.message_dict["reason"] == [
        f"Reason {reason} means the case closed after an assessment, and no assessment has been authorised "
        "on this referral: choose another reason, or complete the assessment first."
    ]
    assert Referral.objects.get(pk=ref.pk).is_open
    authorised(worker, manager, ref, authorised_on=date(2026, 11, 5))
    closed = referral_close(
        actor=manager, referral=ref, expected_version=ref.version, closed_on=date(2026, 11, 5), reason=reason
    )
    assert closed.closure_reason == reason


@pytest.mark.parametrize("record", ["assessment", "strategy"])
def test_8831_a_no_further_action_referral_has_nothing_recorded_on_it(record):
    worker, manager = staff()
    ref = referral(worker)
    if record == "assessment":
        authorised(worker, manager, ref, authorised_on=date(2026, 11, 5))
    else:
        strategy(worker, ref, decision="nfa")
    with pytest.raises(ValidationError) as error:
        referral_close(
            actor=manager,
            referral=ref,
            expected_version=ref.version,
            closed_on=date(2026, 11, 20),
            reason="RC7",
            nfa=True,
        )
    assert "cannot be closed as no further action" in error.value.message_dict["nfa"][0]
    assert Referral.objects.get(pk=ref.pk).is_open
