"""ssd_cin_assessments, ssd_assessment_factors, ssd_cin_plans, ssd_cin_visits."""

from __future__ import annotations

from datetime import date

import pytest

from safehub.child_protection.constants import AssessmentOutcome, VisitKind
from safehub.child_protection.models import Assessment, ChildInNeedPlan, Visit
from safehub.returns.ssd.casework_cin import AssessmentFactorsTable, CinAssessmentsTable
from safehub.returns.ssd.casework_cin_plans import CinPlansTable, CinVisitsTable
from safehub.returns.ssd.casework_referrals import CinEpisodesTable

from .conftest import Env, assert_round_trip, problems_by_field

ASSESSMENTS = CinAssessmentsTable()
FACTORS = AssessmentFactorsTable()
PLANS = CinPlansTable()
VISITS = CinVisitsTable()


@pytest.fixture
def case(env: Env) -> Env:
    """C1 with R1 (open from 3 April 2023) and R0 (closed NFA); C2 with no referral."""
    env.child("C1")
    env.child("C2")
    rows = [
        {
            "cine_referral_id": "R0",
            "cine_person_id": "C1",
            "cine_referral_date": "2022-01-10",
            "cine_referral_source_code": "6",
            "cine_referral_nfa": "Y",
            "cine_close_date": "2022-01-12",
            "cine_close_reason": "RC7",
        },
        {
            "cine_referral_id": "R1",
            "cine_person_id": "C1",
            "cine_referral_date": "2023-04-03",
            "cine_referral_source_code": "2A",
        },
    ]
    assert env.load(CinEpisodesTable(), rows) == []
    return env


def assessment(aid: str, **fields: str) -> dict[str, str]:
    row = {
        "cina_assessment_id": aid,
        "cina_person_id": "C1",
        "cina_referral_id": "R1",
        "cina_assessment_start_date": "2023-04-04",
        "cina_assessment_child_seen": "Yes",
        "cina_assessment_auth_date": "2023-05-20",
        "cina_assessment_outcome_nfa": "N",
        "cina_assessment_outcome_json": '{"PROV_OF_SERVICES_FLAG": "Y"}',
    }
    row.update(fields)
    return row


def test_assessments_and_factors_load_and_round_trip(case: Env) -> None:
    rows = [
        assessment("A1"),
        assessment(
            "A2",
            cina_assessment_start_date="2023-06-01",
            cina_assessment_auth_date="",
            cina_assessment_outcome_json="",
            cina_assessment_outcome_nfa="",
            cina_assessment_child_seen="No",
        ),
    ]
    assert case.load(ASSESSMENTS, rows) == []
    done = Assessment.objects.get(authorised_on__isnull=False)
    assert (done.started_on, done.child_seen_on, done.outcome) == (
        date(2023, 4, 4),
        date(2023, 4, 4),
        AssessmentOutcome.CIN_PLAN,
    )
    assert done.due_on > date(2023, 5, 30)  # 45 working days from the referral
    factor_rows = [
        {"cinf_table_id": "F1", "cinf_assessment_id": "A1", "cinf_assessment_factors_json": '["3A","16A"]'}
    ]
    assert case.load(FACTORS, factor_rows) == []
    done.refresh_from_db()
    assert done.factors == ["3A", "16A"]
    assert_round_trip(case, ASSESSMENTS, rows)
    assert_round_trip(case, FACTORS, factor_rows)
    # Reload with a change: updated, not duplicated.
    rows[1]["cina_assessment_auth_date"] = "2023-07-01"
    rows[1]["cina_assessment_outcome_json"] = '{"NFA_FLAG": "Y"}'
    rows[1]["cina_assessment_outcome_nfa"] = "Y"
    assert case.load(ASSESSMENTS, rows) == []
    assert Assessment.objects.count() == 2
    assert Assessment.objects.get(started_on=date(2023, 6, 1)).outcome == AssessmentOutcome.NO_FURTHER_ACTION


def test_bad_assessments_and_factors_are_refused(case: Env) -> None:
    rows = [
        assessment("OPEN1", cina_assessment_auth_date=""),
        assessment("OPEN2", cina_assessment_auth_date="", cina_assessment_start_date="2023-04-05"),
        assessment("EARLY", cina_assessment_start_date="2023-04-01"),
        assessment("ORDER", cina_assessment_auth_date="2023-04-01"),
        assessment("NFA", cina_referral_id="R0", cina_assessment_start_date="2022-01-11"),
        assessment("WHO", cina_person_id="C2"),
        assessment("BADJSON", cina_assessment_outcome_json="{nope"),
    ]
    found = problems_by_field(case.load(ASSESSMENTS, rows))
    assert "one assessment at a time" in found[("OPEN2", "cina_assessment_auth_date")]
    assert "cannot be before the referral" in found[("EARLY", "cina_assessment_start_date")]
    assert "cannot be before the start of the assessment" in found[("ORDER", "cina_assessment_auth_date")]
    assert "no further action" in found[("NFA", "cina_assessment_start_date")]
    assert "not the child of the referral" in found[("WHO", "cina_person_id")]
    assert "not valid JSON" in found[("BADJSON", "cina_assessment_outcome_json")]
    assert Assessment.objects.count() == 1
    factor_rows = [
        {"cinf_table_id": "F1", "cinf_assessment_id": "OPEN1", "cinf_assessment_factors_json": '["21","3A"]'},
        {"cinf_table_id": "F2", "cinf_assessment_id": "OPEN1", "cinf_assessment_factors_json": '["99Z"]'},
        {"cinf_table_id": "F3", "cinf_assessment_id": "GONE", "cinf_assessment_factors_json": '["3A"]'},
        {"cinf_table_id": "F4", "cinf_assessment_id": "OPEN1", "cinf_assessment_factors_json": '["18A"]'},
    ]
    found = problems_by_field(case.load(FACTORS, factor_rows))
    assert "cannot be combined" in found[("F1", "cinf_assessment_factors_json")]
    assert "not on the list" in found[("F2", "cinf_assessment_factors_json")]
    assert "not in ssd_cin_assessments" in found[("F3", "cinf_assessment_id")]
    assert "no longer used" in found[("F4", "cinf_assessment_factors_json")]
    assert Assessment.objects.get().factors == []


def plan(pid: str, **fields: str) -> dict[str, str]:
    row = {
        "cinp_cin_plan_id": pid,
        "cinp_referral_id": "R1",
        "cinp_person_id": "C1",
        "cinp_cin_plan_start_date": "2023-05-21",
        "cinp_cin_plan_end_date": "2023-09-01",
    }
    row.update(fields)
    return row


def test_cin_plans_and_visits_load_refuse_and_round_trip(case: Env) -> None:
    rows = [
        plan("P1"),
        plan("P2", cinp_cin_plan_start_date="2023-10-01", cinp_cin_plan_end_date=""),
        plan("OVERLAP", cinp_cin_plan_start_date="2023-08-01", cinp_cin_plan_end_date="2023-09-15"),
        plan("ORDER", cinp_cin_plan_start_date="2023-09-10", cinp_cin_plan_end_date="2023-09-02"),
        plan("FUTURE", cinp_cin_plan_start_date="2999-01-01", cinp_cin_plan_end_date=""),
    ]
    found = problems_by_field(case.load(PLANS, rows))
    assert "overlaps this one" in found[("OVERLAP", "cinp_cin_plan_start_date")]
    assert "cannot be before the plan start" in found[("ORDER", "cinp_cin_plan_end_date")]
    assert "cannot be in the future" in found[("FUTURE", "cinp_cin_plan_start_date")]
    assert ChildInNeedPlan.objects.count() == 2
    assert_round_trip(case, PLANS, rows[:2])
    assert case.load(PLANS, rows[:2]) == []
    assert ChildInNeedPlan.objects.count() == 2

    visits = [
        {
            "cinv_cin_visit_id": "V1",
            "cinv_person_id": "C1",
            "cinv_cin_visit_date": "2023-06-01",
            "cinv_cin_visit_seen": "Yes",
            "cinv_cin_visit_seen_alone": "No",
            "cinv_cin_visit_bedroom": "Yes",
        },
        {
            "cinv_cin_visit_id": "V2",
            "cinv_person_id": "C1",
            "cinv_cin_visit_date": "2023-09-20",
            "cinv_cin_visit_seen": "No",
            "cinv_cin_visit_seen_alone": "",
            "cinv_cin_visit_bedroom": "",
        },
        {
            "cinv_cin_visit_id": "ALONE",
            "cinv_person_id": "C1",
            "cinv_cin_visit_date": "2023-06-02",
            "cinv_cin_visit_seen": "No",
            "cinv_cin_visit_seen_alone": "Yes",
        },
        {
            "cinv_cin_visit_id": "NOCASE",
            "cinv_person_id": "C2",
            "cinv_cin_visit_date": "2023-06-02",
            "cinv_cin_visit_seen": "Yes",
        },
        {
            "cinv_cin_visit_id": "BADDATE",
            "cinv_person_id": "C1",
            "cinv_cin_visit_date": "yesterday",
            "cinv_cin_visit_seen": "Yes",
        },
    ]
    found = problems_by_field(case.load(VISITS, visits))
    assert "cannot have been seen alone" in found[("ALONE", "cinv_cin_visit_seen_alone")]
    assert "No CIN episode" in found[("NOCASE", "cinv_cin_visit_date")]
    assert "not a date" in found[("BADDATE", "cinv_cin_visit_date")]
    on_plan, between = Visit.objects.order_by("visited_on")
    assert on_plan.kind == VisitKind.CIN
    assert on_plan.cin_plan is not None
    assert between.cin_plan is None  # between plans: on the referral only
    assert_round_trip(case, VISITS, visits[:2])
