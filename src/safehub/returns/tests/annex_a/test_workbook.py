"""Ofsted Annex A: the workbook read back with openpyxl, list by list (issue 7, item 5)."""

import io
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from safehub.child_protection.constants import ConferenceDecision, ConferenceKind, StrategyDecision
from safehub.child_protection.models import (
    Assessment,
    ChildProtectionPlan,
    Conference,
    Section47Enquiry,
    StrategyDiscussion,
)
from safehub.child_protection.tests.factories import ReferralFactory
from safehub.front_door.tests.factories import ContactSubjectFactory
from safehub.looked_after.constants import HouseholdKind, LeaverCategory
from safehub.looked_after.models import AdoptionDecision, LegalStatus
from safehub.looked_after.tests.factories import (
    CareLeaverFactory,
    HouseholdCarerFactory,
    HouseholdFactory,
    PeriodFactory,
    PlacementFactory,
)
from safehub.people.tests.factories import PersonFactory
from safehub.returns.annex_a.workbook import build_annex_a
from safehub.returns.models import ChildReturnId

pytestmark = pytest.mark.django_db

AS_AT = date(2026, 6, 30)
IN_SIX = date(2026, 3, 2)  # inside the six months before the inspection date
BEFORE_SIX = date(2025, 11, 2)  # before the six-month window, inside twelve months
BEFORE_TWELVE = date(2025, 1, 10)  # before every window


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=10))


def _sheet(content: bytes, number: int) -> tuple[list[str], list[dict[str, Any]], list[Any]]:
    """(headers, data rows as dicts, note cells) of list `number`."""
    book = load_workbook(io.BytesIO(content))
    ws = next(ws for ws in book.worksheets if ws.title.startswith(f"List {number} "))
    rows = list(ws.iter_rows(values_only=True))
    headers = list(rows[0])
    data: list[dict[str, Any]] = []
    notes: list[Any] = []
    in_notes = False
    for row in rows[1:]:
        if all(v is None for v in row):
            in_notes = True
            continue
        if in_notes:
            notes.append(row[0])
        else:
            data.append(dict(zip(headers, row, strict=False)))
    return headers, data, notes


def _id(person: Any) -> str:
    return ChildReturnId.objects.get(person=person).child_id


def _as_date(value: Any) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def test_every_list_has_its_sheet_header_frozen_row_and_real_dates() -> None:
    child = PersonFactory(date_of_birth=date(2016, 7, 1), sex="1", ethnicity="WBRI")
    ReferralFactory(person=child, referral_date=IN_SIX)
    content, people = build_annex_a(AS_AT)

    book = load_workbook(io.BytesIO(content))
    assert [ws.title for ws in book.worksheets] == [
        "List 1 Contacts",
        "List 2 Early help",
        "List 3 Referrals",
        "List 4 Assessments",
        "List 5 Section 47",
        "List 6 Children in need",
        "List 7 Child protection",
        "List 8 Children in care",
        "List 9 Care leavers",
        "List 10 Adoption",
        "List 11 Adopters",
    ]
    for ws in book.worksheets[:10]:
        header = [c.value for c in ws[1]]
        first = ["Child Unique ID"] + (["Family identifier"] if ws.title.startswith("List 10") else [])
        assert header[: len(first)] == first
        assert "Gender" in header
        assert "Ethnicity" in header
        assert "Date of Birth" in header
        assert "Age of Child (Years)" in header
        assert ws.freeze_panes == "A2"
        assert ws.column_dimensions["A"].width >= 10
    for ws in book.worksheets[3:10]:
        assert "Does the Child have a Disability" in [c.value for c in ws[1]], ws.title
    referrals = book["List 3 Referrals"]
    dob, referred = referrals["D2"], referrals["F2"]
    assert _as_date(dob.value) == date(2016, 7, 1)
    assert dob.number_format == "dd/mm/yyyy"
    assert _as_date(referred.value) == IN_SIX
    assert referred.number_format == "dd/mm/yyyy"
    assert people == [child.pk]


def test_ages_are_computed_at_the_inspection_date() -> None:
    day_before_birthday = PersonFactory(date_of_birth=date(2016, 7, 1))
    on_birthday = PersonFactory(date_of_birth=date(2016, 6, 30))
    for person in (day_before_birthday, on_birthday):
        ReferralFactory(person=person, referral_date=IN_SIX)
    _, rows, _ = _sheet(build_annex_a(AS_AT)[0], 3)
    ages = {row["Child Unique ID"]: row["Age of Child (Years)"] for row in rows}
    assert ages == {_id(day_before_birthday): 9, _id(on_birthday): 10}


def test_list_1_contacts_in_the_six_months_only_and_unmatched_children_are_counted() -> None:
    inside = ContactSubjectFactory(contact__received_at=_aware(IN_SIX), contact__referral_source="3A")
    ContactSubjectFactory(contact__received_at=_aware(BEFORE_SIX))
    ContactSubjectFactory(contact__received_at=_aware(IN_SIX), person=None)
    content, _ = build_annex_a(AS_AT)
    headers, rows, notes = _sheet(content, 1)
    assert headers[5:] == ["Date of Contact", "Contact Source"]
    assert [(r["Child Unique ID"], _as_date(r["Date of Contact"]), r["Contact Source"]) for r in rows] == [
        (_id(inside.person), IN_SIX, "3A")
    ]
    assert rows[0]["Gender"] == "b) Female"
    assert notes
    assert notes[0].startswith("1 child subject(s)")


def test_list_2_early_help_is_a_header_and_a_note() -> None:
    headers, rows, notes = _sheet(build_annex_a(AS_AT)[0], 2)
    assert headers[5:] == [
        "Assessment start date",
        "Assessment completion date",
        "Organisation completing assessment",
    ]
    assert rows == []
    assert notes == ["No early help records held yet."]


def test_list_3_referrals_counts_the_last_twelve_months() -> None:
    repeat = ReferralFactory(referral_date=BEFORE_SIX, closed_on=BEFORE_SIX, closure_reason="RC8")
    ReferralFactory(person=repeat.person, referral_date=IN_SIX, nfa=True)
    ReferralFactory(referral_date=BEFORE_SIX)
    _, rows, _ = _sheet(build_annex_a(AS_AT)[0], 3)
    assert len(rows) == 1
    assert rows[0]["Child Unique ID"] == _id(repeat.person)
    assert rows[0]["Referral NFA?"] == "a) Yes"
    assert rows[0]["Number of Referrals in Last 12 Months"] == 2


def test_list_4_assessments_started_or_authorised_in_the_window() -> None:
    inside = ReferralFactory(referral_date=IN_SIX)
    Assessment.objects.create(
        referral=inside,
        started_on=IN_SIX,
        due_on=IN_SIX + timedelta(days=60),
        child_seen_on=IN_SIX + timedelta(days=3),
        outcome="cin_plan",
        completed_on=IN_SIX + timedelta(days=20),
        authorised_on=IN_SIX + timedelta(days=21),
    )
    outside = ReferralFactory(referral_date=BEFORE_TWELVE)
    Assessment.objects.create(
        referral=outside,
        started_on=BEFORE_TWELVE,
        due_on=BEFORE_TWELVE + timedelta(days=60),
        outcome="nfa",
        completed_on=BEFORE_TWELVE + timedelta(days=20),
        authorised_on=BEFORE_TWELVE + timedelta(days=21),
    )
    _, rows, _ = _sheet(build_annex_a(AS_AT)[0], 4)
    assert [r["Child Unique ID"] for r in rows] == [_id(inside.person)]
    row = rows[0]
    assert row["Child Seen During Continuous Assessment"] == "a) Yes"
    assert _as_date(row["Continuous Assessment Date of Authorisation"]) == IN_SIX + timedelta(days=21)
    assert row["Was the child assessed as requiring LA children's social care support?"] == "a) Yes"
    assert row["Does the Child have a Disability"] == "c) Unknown"


def _s47(referral: Any, day: date) -> Section47Enquiry:
    discussion = StrategyDiscussion.objects.create(
        referral=referral,
        held_on=day,
        decision=StrategyDecision.SECTION_47,
        rationale="Synthetic",
        recorded_by=referral.recorded_by,
    )
    return Section47Enquiry.objects.create(
        referral=referral,
        strategy_discussion=discussion,
        started_on=day,
        icpc_due_on=day + timedelta(days=15),
    )


def test_list_5_section_47_with_its_conference() -> None:
    inside = ReferralFactory(referral_date=IN_SIX)
    enquiry = _s47(inside, IN_SIX)
    enquiry.completed_on, enquiry.outcome = IN_SIX + timedelta(days=5), "conference"
    enquiry.save()
    Conference.objects.create(
        referral=inside,
        kind=ConferenceKind.INITIAL,
        section47=enquiry,
        held_on=IN_SIX + timedelta(days=14),
        decision=ConferenceDecision.PLAN,
        recorded_by=inside.recorded_by,
    )
    _s47(ReferralFactory(referral_date=BEFORE_TWELVE), BEFORE_TWELVE)
    _, rows, _ = _sheet(build_annex_a(AS_AT)[0], 5)
    assert [r["Child Unique ID"] for r in rows] == [_id(inside.person)]
    row = rows[0]
    assert row["Was an Initial Child Protection Conference deemed unnecessary?"] == "b) No"
    assert _as_date(row["Date of Initial Child Protection Conference"]) == IN_SIX + timedelta(days=14)
    assert row["Did the Initial Child Protection Conference Result in a Child Protection Plan"] == "a) Yes"
    assert row["Number of Section 47 Enquiries in the last 12 months"] == 1
    assert row["Number of ICPCs in the last 12 months"] == 1


def test_lists_6_and_7_children_in_need_and_on_a_plan() -> None:
    on_plan = ReferralFactory(referral_date=BEFORE_SIX)
    ChildProtectionPlan.objects.create(
        referral=on_plan,
        person=on_plan.person,
        started_on=BEFORE_SIX + timedelta(days=30),
        initial_category="NEG",
        latest_category="EMO",
    )
    closed_long_ago = ReferralFactory(
        referral_date=BEFORE_TWELVE, closed_on=BEFORE_TWELVE + timedelta(days=30), closure_reason="RC7"
    )
    ChildProtectionPlan.objects.create(
        referral=closed_long_ago,
        person=closed_long_ago.person,
        started_on=BEFORE_TWELVE,
        initial_category="PHY",
        latest_category="PHY",
        ended_on=BEFORE_TWELVE + timedelta(days=30),
        end_reason="review",
    )
    content, _ = build_annex_a(AS_AT)
    _, cin_rows, _ = _sheet(content, 6)
    assert [(r["Child Unique ID"], r["Case Status"]) for r in cin_rows] == [
        (_id(on_plan.person), "b) Child Protection plan")
    ]
    _, cp_rows, _ = _sheet(content, 7)
    assert len(cp_rows) == 1
    assert cp_rows[0]["Initial Category of Abuse"] == "a) Neglect"
    assert cp_rows[0]["Latest Category of Abuse"] == "d) Emotional abuse"
    assert cp_rows[0]["Child Protection Plan End Date"] is None


def test_list_8_children_in_care_now_or_ceased_in_the_window() -> None:
    in_care = PeriodFactory(started_on=BEFORE_SIX)
    LegalStatus.objects.create(
        period=in_care, code="C2", started_on=BEFORE_SIX, recorded_by=in_care.recorded_by
    )
    PlacementFactory(period=in_care, started_on=BEFORE_SIX, placement_type="U4", postcode="AB1 2CD")
    PeriodFactory(started_on=BEFORE_TWELVE, ended_on=BEFORE_TWELVE + timedelta(days=10), end_reason="E13")
    _, rows, _ = _sheet(build_annex_a(AS_AT)[0], 8)
    assert [r["Child Unique ID"] for r in rows] == [_id(in_care.person)]
    row = rows[0]
    assert row["Child's Legal Status"] == "C2"
    assert row["Placement Type"] == "U4"
    assert row["Placement postcode"] == "AB1 2CD"
    assert row["Number of Placements in the Last 12 months"] == 1
    assert row["Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)"] == "b) No"


def test_list_9_care_leavers_entitled_on_the_date() -> None:
    leaver = CareLeaverFactory(category=LeaverCategory.RELEVANT, started_on=BEFORE_SIX)
    CareLeaverFactory(started_on=BEFORE_TWELVE, ended_on=BEFORE_SIX, end_reason="aged_out")
    CareLeaverFactory(category=LeaverCategory.ELIGIBLE, started_on=BEFORE_SIX)
    _, rows, _ = _sheet(build_annex_a(AS_AT)[0], 9)
    assert [(r["Child Unique ID"], r["Eligibility Category"]) for r in rows] == [
        (_id(leaver.person), "a) Relevant child")
    ]


def test_lists_10_and_11_adoption_and_adopters() -> None:
    adopters = HouseholdFactory(kind=HouseholdKind.ADOPTERS, approved_on=BEFORE_TWELVE)
    carer = HouseholdCarerFactory(household=adopters)
    period = PeriodFactory(started_on=BEFORE_TWELVE)
    AdoptionDecision.objects.create(
        period=period,
        person=period.person,
        decided_on=IN_SIX,
        matched_on=IN_SIX + timedelta(days=10),
        household=adopters,
        recorded_by=period.recorded_by,
    )
    old = PeriodFactory(started_on=BEFORE_TWELVE - timedelta(days=400))
    AdoptionDecision.objects.create(
        period=old,
        person=old.person,
        decided_on=BEFORE_TWELVE - timedelta(days=300),
        ceased_on=BEFORE_TWELVE - timedelta(days=200),
        ceased_reason="RD4",
        recorded_by=old.recorded_by,
    )
    gone = HouseholdFactory(kind=HouseholdKind.ADOPTERS, ended_on=BEFORE_TWELVE, status="ended")
    HouseholdCarerFactory(household=gone)
    content, people = build_annex_a(AS_AT)
    _, children, _ = _sheet(content, 10)
    assert [(r["Child Unique ID"], r["Family identifier"]) for r in children] == [
        (_id(period.person), adopters.reference)
    ]
    assert _as_date(children[0]["Date of Matching Child and Prospective Adopters"]) == IN_SIX + timedelta(
        days=10
    )
    headers, rows, _ = _sheet(content, 11)
    assert headers[0] == "Individual adopter identifier"
    assert [(r["Individual adopter identifier"], r["Family identifier"]) for r in rows] == [
        (str(carer.person.pk), adopters.reference)
    ]
    assert carer.person.pk in people
    assert period.person.pk in people
    # Adopters are not children: no child return id is handed out for them.
    assert not ChildReturnId.objects.filter(person=carer.person).exists()


def test_text_that_starts_like_a_formula_stays_text() -> None:
    """Team, worker and household text typed by staff or imported must never run in Excel (R42)."""
    from safehub.accounts.tests.factories import TeamFactory, UserFactory

    team: Any = TeamFactory(name='=HYPERLINK("http://evil.test","Team")')
    worker: Any = UserFactory(full_name="=1+2 Worker")
    referral = ReferralFactory(referral_date=IN_SIX)
    involvement: Any = referral.involvement
    involvement.team, involvement.worker = team, worker
    involvement.save(update_fields=["team", "worker"])
    adopters = HouseholdFactory(
        kind=HouseholdKind.ADOPTERS, approved_on=BEFORE_TWELVE, reference="=SUM(A1:A9)"
    )
    HouseholdCarerFactory(household=adopters)

    content, _ = build_annex_a(AS_AT)

    book = load_workbook(io.BytesIO(content))
    cells = [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    looks_like_formula = {cell.value: cell.data_type for cell in cells if str(cell.value).startswith("'=")}
    assert looks_like_formula["'" + team.name] == "s"
    assert looks_like_formula["'=1+2 Worker"] == "s"
    assert looks_like_formula["'=SUM(A1:A9)"] == "s"
    assert not [cell.value for cell in cells if isinstance(cell.value, str) and cell.value.startswith("=")]
