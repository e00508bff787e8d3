"""ssd_s47_enquiry, ssd_initial_cp_conference, ssd_cp_plans, ssd_cp_reviews, ssd_cp_visits."""

from __future__ import annotations

from datetime import date

import pytest

from safehub.child_protection.constants import (
    ConferenceDecision,
    ConferenceKind,
    PlanEndReason,
    Section47Outcome,
)
from safehub.child_protection.models import (
    ChildProtectionPlan,
    Conference,
    Section47Enquiry,
    StrategyDiscussion,
    Visit,
)
from safehub.returns.ssd.casework_cin_plans import CinPlansTable
from safehub.returns.ssd.casework_cp import InitialConferenceTable, Section47Table
from safehub.returns.ssd.casework_cp_plans import CpPlansTable, CpReviewsTable, CpVisitsTable
from safehub.returns.ssd.casework_referrals import CinEpisodesTable

from .conftest import Env, assert_round_trip, problems_by_field

S47 = Section47Table()
ICPC = InitialConferenceTable()
PLANS = CpPlansTable()
REVIEWS = CpReviewsTable()
VISITS = CpVisitsTable()


@pytest.fixture
def case(env: Env) -> Env:
    """C1 with R1 (referred 3 April 2023, closed 1 March 2024): an s47, an ICPC, a plan."""
    env.child("C1")
    referral = {
        "cine_referral_id": "R1",
        "cine_person_id": "C1",
        "cine_referral_date": "2023-04-03",
        "cine_referral_source_code": "6",
        "cine_close_date": "2024-03-01",
        "cine_close_reason": "RC7",
    }
    assert env.load(CinEpisodesTable(), [referral]) == []
    return env


S47_ROW = {
    "s47e_s47_enquiry_id": "S1",
    "s47e_referral_id": "R1",
    "s47e_person_id": "C1",
    "s47e_s47_start_date": "2023-04-05",
    "s47e_s47_end_date": "2023-04-20",
    "s47e_s47_nfa": "N",
    "s47e_s47_outcome_json": '{"CP_CONFERENCE_FLAG": "Y"}',
}
ICPC_ROW = {
    "icpc_icpc_id": "IC1",
    "icpc_s47_enquiry_id": "S1",
    "icpc_person_id": "C1",
    "icpc_cp_plan_id": "PL1",
    "icpc_referral_id": "R1",
    "icpc_icpc_transfer_in": "N",
    "icpc_icpc_target_date": "2023-04-26",
    "icpc_icpc_date": "2023-04-25",
    "icpc_icpc_outcome_cp_flag": "Y",
}
PLAN_ROW = {
    "cppl_cp_plan_id": "PL1",
    "cppl_referral_id": "R1",
    "cppl_icpc_id": "IC1",
    "cppl_person_id": "C1",
    "cppl_cp_plan_start_date": "2023-04-25",
    "cppl_cp_plan_end_date": "2023-10-24",
    "cppl_cp_plan_initial_category": "Neglect",
    "cppl_cp_plan_latest_category": "Emotional Abuse",
}


def test_the_child_protection_journey_loads_and_round_trips(case: Env) -> None:
    assert case.load(S47, [S47_ROW]) == []
    enquiry = Section47Enquiry.objects.get()
    assert (enquiry.outcome, enquiry.completed_on) == (Section47Outcome.CONFERENCE, date(2023, 4, 20))
    # Safehub's model starts an enquiry from a strategy discussion: one is made, dated its start.
    assert StrategyDiscussion.objects.get().held_on == date(2023, 4, 5)
    assert case.load(ICPC, [ICPC_ROW]) == []
    assert case.load(PLANS, [PLAN_ROW]) == []
    plan = ChildProtectionPlan.objects.get()
    assert (plan.initial_category, plan.latest_category, plan.end_reason) == (
        "NEG",
        "EMO",
        PlanEndReason.OTHER,
    )
    icpc = Conference.objects.get(kind=ConferenceKind.INITIAL)
    assert (icpc.plan, icpc.category, icpc.decision) == (plan, "NEG", ConferenceDecision.PLAN)
    reviews = [
        {
            "cppr_cp_review_id": "RV1",
            "cppr_person_id": "C1",
            "cppr_cp_plan_id": "PL1",
            "cppr_cp_review_due": "2023-07-25",
            "cppr_cp_review_date": "2023-07-20",
            "cppr_cp_review_outcome_continue_cp": "Yes",
            "cppr_cp_review_quorate": "Y",
        },
        {
            "cppr_cp_review_id": "RV2",
            "cppr_person_id": "C1",
            "cppr_cp_plan_id": "PL1",
            "cppr_cp_review_due": "2024-01-20",
            "cppr_cp_review_date": "2023-10-24",
            "cppr_cp_review_outcome_continue_cp": "No",
            "cppr_cp_review_quorate": "N",
        },
    ]
    assert case.load(REVIEWS, reviews) == []
    plan.refresh_from_db()
    assert plan.end_reason == PlanEndReason.REVIEW_CONFERENCE
    visits = [
        {
            "cppv_cp_visit_id": "V1",
            "cppv_person_id": "C1",
            "cppv_cp_plan_id": "PL1",
            "cppv_cp_visit_date": "2023-05-02",
            "cppv_cp_visit_seen": "Yes",
            "cppv_cp_visit_seen_alone": "Yes",
            "cppv_cp_visit_bedroom": "No",
        }
    ]
    assert case.load(VISITS, visits) == []
    assert Visit.objects.get().cp_plan == plan
    for adapter, rows in (
        (S47, [S47_ROW]),
        (ICPC, [ICPC_ROW]),
        (PLANS, [PLAN_ROW]),
        (REVIEWS, reviews),
        (VISITS, visits),
    ):
        assert_round_trip(case, adapter, rows)
        assert case.load(adapter, rows) == []  # a second run changes nothing
    assert (Conference.objects.count(), ChildProtectionPlan.objects.count(), Visit.objects.count()) == (
        3,
        1,
        1,
    )
    # A changed row updates its record.
    assert case.load(PLANS, [{**PLAN_ROW, "cppl_cp_plan_latest_category": "Physical Abuse"}]) == []
    assert ChildProtectionPlan.objects.get().latest_category == "PHY"


def test_bad_child_protection_rows_are_refused(case: Env) -> None:
    found = problems_by_field(
        case.load(
            S47,
            [
                S47_ROW,
                {**S47_ROW, "s47e_s47_enquiry_id": "EARLY", "s47e_s47_start_date": "2023-04-01"},
                {**S47_ROW, "s47e_s47_enquiry_id": "ORDER", "s47e_s47_end_date": "2023-04-02"},
                {**S47_ROW, "s47e_s47_enquiry_id": "LATE", "s47e_s47_end_date": "2024-04-02"},
            ],
        )
    )
    assert "cannot be before the referral" in found[("EARLY", "s47e_s47_start_date")]
    assert "cannot be before the start of the enquiry" in found[("ORDER", "s47e_s47_end_date")]
    assert "after the case closed" in found[("LATE", "s47e_s47_end_date")]
    found = problems_by_field(
        case.load(
            ICPC,
            [
                ICPC_ROW,
                {**ICPC_ROW, "icpc_icpc_id": "NO-S47", "icpc_s47_enquiry_id": ""},
                {**ICPC_ROW, "icpc_icpc_id": "BEFORE", "icpc_icpc_date": "2023-04-04"},
                {**ICPC_ROW, "icpc_icpc_id": "NO-OUTCOME", "icpc_icpc_outcome_cp_flag": ""},
            ],
        )
    )
    assert "follows a section 47 enquiry" in found[("NO-S47", "icpc_s47_enquiry_id")]
    assert "cannot be before the strategy discussion" in found[("BEFORE", "icpc_icpc_date")]
    assert "needs a child protection plan" in found[("NO-OUTCOME", "icpc_icpc_outcome_cp_flag")]
    # A CIN plan running into the CP plan's dates (census 4016) refuses the plan.
    assert (
        case.load(
            CinPlansTable(),
            [
                {
                    "cinp_cin_plan_id": "CIN1",
                    "cinp_referral_id": "R1",
                    "cinp_person_id": "C1",
                    "cinp_cin_plan_start_date": "2023-04-21",
                    "cinp_cin_plan_end_date": "2023-05-10",
                }
            ],
        )
        == []
    )
    found = problems_by_field(
        case.load(
            PLANS,
            [
                PLAN_ROW,
                {
                    **PLAN_ROW,
                    "cppl_cp_plan_id": "BADCAT",
                    "cppl_icpc_id": "",
                    "cppl_cp_plan_initial_category": "Bad luck",
                },
            ],
        )
    )
    assert "child in need plan from 21 April 2023" in found[("PL1", "cppl_cp_plan_start_date")]
    assert "not a category of abuse" in found[("BADCAT", "cppl_cp_plan_initial_category")]
    assert not ChildProtectionPlan.objects.exists()


def test_overlapping_cp_plans_reviews_and_visits_outside_the_plan_are_refused(case: Env) -> None:
    assert case.load(S47, [S47_ROW]) == []
    assert case.load(ICPC, [ICPC_ROW]) == []
    second = {
        **PLAN_ROW,
        "cppl_cp_plan_id": "PL2",
        "cppl_icpc_id": "",
        "cppl_cp_plan_start_date": "2023-10-01",
        "cppl_cp_plan_end_date": "",
    }
    found = problems_by_field(case.load(PLANS, [PLAN_ROW, second]))
    assert "overlaps this one" in found[("PL2", "cppl_cp_plan_start_date")]
    review = {
        "cppr_cp_review_id": "RV1",
        "cppr_person_id": "C1",
        "cppr_cp_plan_id": "PL1",
        "cppr_cp_review_date": "2023-11-20",
        "cppr_cp_review_outcome_continue_cp": "Y",
    }
    ends_wrongly = {
        **review,
        "cppr_cp_review_id": "RV2",
        "cppr_cp_review_date": "2023-09-01",
        "cppr_cp_review_outcome_continue_cp": "N",
    }
    found = problems_by_field(case.load(REVIEWS, [review, ends_wrongly]))
    assert "a review cannot be later" in found[("RV1", "cppr_cp_review_date")]
    assert "but the plan ended on 24 October 2023" in found[("RV2", "cppr_cp_review_outcome_continue_cp")]
    visit = {
        "cppv_cp_visit_id": "V1",
        "cppv_person_id": "C1",
        "cppv_cp_plan_id": "PL1",
        "cppv_cp_visit_date": "2023-04-24",
        "cppv_cp_visit_seen": "N",
        "cppv_cp_visit_bedroom": "Y",
    }
    found = problems_by_field(case.load(VISITS, [visit]))
    assert "cannot be before the plan start" in found[("V1", "cppv_cp_visit_date")]
    assert "bedroom" in found[("V1", "cppv_cp_visit_bedroom")]
    assert not Visit.objects.exists()
