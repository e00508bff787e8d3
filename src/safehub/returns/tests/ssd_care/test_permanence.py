"""ssd_permanence, ssd_cla_previous_permanence and ssd_care_leavers in and out."""

from datetime import date
from typing import Any

import pytest

from safehub.accounts.tests.factories import UserFactory
from safehub.looked_after.models import (
    AdoptionDecision,
    CareLeaver,
    CareLeaverContact,
    LookedAfterPeriod,
    PathwayPlanReview,
    PermanenceOrder,
)
from safehub.returns.ssd.care_permanence import PermanenceTable

from .extract import extract
from .helpers import by_id, export, person, run_import

pytestmark = pytest.mark.django_db


def perm(**values: str) -> dict[str, str]:
    return dict.fromkeys(PermanenceTable.fields, "") | values


PERMANENCE = [
    perm(perm_table_id="PM1", perm_person_id="P2", perm_cla_id="CLA2", perm_adm_decision_date="2023-09-01",
         perm_matched_date="2024-01-10", perm_adopted_by_carer_flag="N", perm_adopter_sex="MF",
         perm_adopter_legal_status="L11", perm_number_of_adopters="2"),
    perm(perm_table_id="PM2", perm_person_id="P1", perm_cla_id="CLA1", perm_permanence_order_date="2022-02-01",
         perm_permanence_order_type="Special guardianship order"),
]  # fmt: skip
PREVIOUS = [
    {"lapp_table_id": "PP1", "lapp_person_id": "P2", "lapp_previous_permanence_order_date": "2019-03-03",
     "lapp_previous_permanence_option": "P2", "lapp_previous_permanence_la": "E08000035"},
]  # fmt: skip
LEAVERS = [
    {"clea_table_id": "CL1", "clea_person_id": "P1", "clea_care_leaver_eligibility": "Relevant",
     "clea_care_leaver_in_touch": "YES", "clea_care_leaver_latest_contact": "2029-05-02",
     "clea_care_leaver_accommodation": "B1", "clea_care_leaver_accom_suitable": "Suitable",
     "clea_care_leaver_activity": "F2", "clea_pathway_plan_review_date": "2029-03-01",
     "clea_care_leaver_personal_advisor": "", "clea_care_leaver_allocated_team": "", "clea_care_leaver_worker_id": ""},
]  # fmt: skip


@pytest.fixture
def actor() -> Any:
    return UserFactory()


@pytest.fixture(autouse=True)
def periods(actor: Any) -> None:
    person("P1", date(2012, 5, 1))
    person("P2", date(2015, 2, 2))
    assert run_import(actor, extract()) == []


def copy(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [dict(r) for r in rows]


def test_permanence_round_trip_and_update(actor: Any) -> None:
    rows = copy(PERMANENCE)
    assert run_import(actor, {"ssd_permanence": rows}) == []
    decision = AdoptionDecision.objects.get()
    assert (decision.adopter_count, decision.adopter_sex, decision.matched_on) == (2, "MF", date(2024, 1, 10))
    assert PermanenceOrder.objects.get().kind == "sgo"
    assert by_id(export(actor, "ssd_permanence"), "perm_table_id") == by_id(rows, "perm_table_id")
    rows[0] |= {"perm_decision_reversed_date": "2024-06-01", "perm_decision_reversed_reason": "RD1"}
    assert run_import(actor, {"ssd_permanence": rows}) == []
    assert AdoptionDecision.objects.get().ceased_reason == "RD1"
    assert PermanenceOrder.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("perm_adopter_sex", "XX", "'XX' is not a sex of adopter code"),
        ("perm_decision_reversed_reason", "RD1", "go together"),
        ("perm_adm_decision_date", "2023-01-01", "before the period of care started"),
        ("perm_cla_id", "CLA404", "not a period of care that was loaded"),
        ("perm_number_of_adopters", "3", "must be 1 or 2"),
    ],
)
def test_permanence_bad_field(actor: Any, field: str, value: str, words: str) -> None:
    rows = copy(PERMANENCE)
    rows[0][field] = value
    problems = run_import(actor, {"ssd_permanence": rows})
    assert [(p.row_id, p.field) for p in problems] == [("PM1", field)]
    assert words in problems[0].problem
    assert not AdoptionDecision.objects.exists()
    assert PermanenceOrder.objects.count() == 1


def test_permanence_order_type_must_be_known(actor: Any) -> None:
    rows = copy(PERMANENCE)
    rows[1]["perm_permanence_order_type"] = "Residence-ish"
    problems = run_import(actor, {"ssd_permanence": rows})
    assert [(p.row_id, p.field) for p in problems] == [("PM2", "perm_permanence_order_type")]


def test_previous_permanence_goes_on_the_latest_period(actor: Any) -> None:
    rows = copy(PREVIOUS)
    assert run_import(actor, {"ssd_cla_previous_permanence": rows}) == []
    period = LookedAfterPeriod.objects.get(previous_permanence="P2")
    assert (period.previous_permanence_la, period.previous_permanence_on) == ("E08000035", date(2019, 3, 3))
    assert by_id(export(actor, "ssd_cla_previous_permanence"), "lapp_table_id") == by_id(
        rows, "lapp_table_id"
    )
    rows[0]["lapp_previous_permanence_option"] = "Q1"
    problems = run_import(actor, {"ssd_cla_previous_permanence": rows})
    assert [(p.row_id, p.field) for p in problems] == [("PP1", "lapp_previous_permanence_option")]
    assert LookedAfterPeriod.objects.get(previous_permanence="P2")  # the refused row changed nothing


def test_care_leaver_with_contact_and_review_round_trips(actor: Any) -> None:
    rows = copy(LEAVERS)
    assert run_import(actor, {"ssd_care_leavers": rows}) == []
    leaver = CareLeaver.objects.get()
    assert (leaver.category, leaver.started_on) == ("relevant", date(2022, 2, 1))  # the day care ended
    assert leaver.involvement.service == "leaving_care"
    contact = CareLeaverContact.objects.get()
    assert (contact.in_touch, contact.activity, contact.accommodation) == ("YES", "F2", "B1")
    assert PathwayPlanReview.objects.get().reviewed_on == date(2029, 3, 1)
    assert by_id(export(actor, "ssd_care_leavers"), "clea_table_id") == by_id(rows, "clea_table_id")
    rows[0]["clea_care_leaver_activity"] = "P1"
    assert run_import(actor, {"ssd_care_leavers": rows}) == []
    assert CareLeaver.objects.count() == 1
    assert CareLeaverContact.objects.get().activity == "P1"


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("clea_care_leaver_eligibility", "none", "is not a care leaver category"),
        ("clea_care_leaver_in_touch", "MAYBE", "'MAYBE' is not a in touch code"),
        ("clea_care_leaver_accommodation", "Q9", "not an accommodation code"),
        ("clea_care_leaver_accom_suitable", "2", "disagree"),
        ("clea_care_leaver_latest_contact", "", "is required with in touch"),
        ("clea_care_leaver_activity", "Z", "'Z' is not a activity code"),
    ],
)
def test_care_leaver_bad_field(actor: Any, field: str, value: str, words: str) -> None:
    rows = copy(LEAVERS)
    rows[0][field] = value
    problems = run_import(actor, {"ssd_care_leavers": rows})
    assert [(p.row_id, p.field) for p in problems] == [("CL1", field)]
    assert words in problems[0].problem
    assert not CareLeaver.objects.exists()
