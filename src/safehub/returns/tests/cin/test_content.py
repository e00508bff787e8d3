"""What each child's census entry says, case by case (the collection rules in episodes.py)."""

from datetime import date

from safehub.child_protection.constants import ConferenceDecision, ConferenceKind, Section47Outcome
from safehub.people.identifiers import make_upn

from .cases import assessment, child, cin_plan, conference, cp_plan, referral, section47
from .conftest import build

AS_OF = date(2026, 5, 1)


def _texts(element: object, path: str) -> list[str]:
    return [e.text for e in element.findall(path)]  # type: ignore[attr-defined]


def test_header() -> None:
    person = child("HEADER1")
    referral(person, date(2025, 5, 1))

    root = build(2026, as_of=AS_OF).root

    assert [e.tag for e in root] == ["Header", "Children"]
    assert root.findtext("Header/CollectionDetails/Collection") == "CIN"
    assert root.findtext("Header/CollectionDetails/Year") == "2026"
    assert root.findtext("Header/Source/SourceLevel") == "L"
    assert root.findtext("Header/Source/LEA") == "852"
    assert root.findtext("Header/Source/SoftwareCode") == "Safehub"
    assert root.findtext("Header/Source/SerialNo") == "001"


def test_identifiers_of_a_born_child_with_a_upn() -> None:
    person = child("BORN1", date_of_birth=date(2015, 2, 3), sex="1", upn_serial=7, ethnicity="APKN")
    referral(person, date(2025, 5, 1))

    entry = build(2026, as_of=AS_OF).child("BORN1")

    identifiers = entry.find("ChildIdentifiers")
    assert [e.tag for e in identifiers] == ["LAchildID", "UPN", "PersonBirthDate", "Sex"]
    assert identifiers.findtext("UPN") == make_upn(la_code=852, serial=7)
    assert identifiers.findtext("PersonBirthDate") == "2015-02-03"
    assert identifiers.findtext("Sex") == "M"
    assert entry.findtext("ChildCharacteristics/Ethnicity") == "APKN"
    # No disability recorded: nothing is sent rather than an unrecorded NONE (test_disabilities.py).
    assert entry.find("ChildCharacteristics/Disabilities") is None


def test_unborn_child_has_an_expected_date_and_sex_u() -> None:
    person = child("UNBORN1", date_of_birth=None, expected_date_of_birth=date(2026, 6, 1), sex="0")
    referral(person, date(2026, 1, 10))

    identifiers = build(2026, as_of=AS_OF).child("UNBORN1").find("ChildIdentifiers")

    assert identifiers.findtext("PersonBirthDate") is None
    assert identifiers.findtext("ExpectedPersonBirthDate") == "2026-06-01"
    assert identifiers.findtext("Sex") == "U"
    assert identifiers.findtext("UPNunknown") == "UN1"


def test_a_child_born_after_the_reference_date_was_unborn_in_that_census() -> None:
    person = child("BORNLATE", date_of_birth=date(2026, 4, 20), sex="2")
    referral(person, date(2026, 2, 1))

    identifiers = build(2026, as_of=AS_OF).child("BORNLATE").find("ChildIdentifiers")

    assert identifiers.findtext("PersonBirthDate") is None
    assert identifiers.findtext("ExpectedPersonBirthDate") == "2026-04-20"
    assert identifiers.findtext("Sex") == "U"


def test_school_age_child_without_upn_gets_no_invented_reason() -> None:
    person = child("NOUPN", date_of_birth=date(2012, 1, 1))
    referral(person, date(2025, 5, 1))
    nfa_only = child("NOUPNNFA", date_of_birth=date(2012, 1, 1))
    referral(nfa_only, date(2025, 5, 1), closed=date(2025, 5, 2), reason="RC8", nfa=True)

    parsed = build(2026, as_of=AS_OF)

    assert parsed.child("NOUPN").findtext("ChildIdentifiers/UPNunknown") is None
    assert parsed.child("NOUPNNFA").findtext("ChildIdentifiers/UPNunknown") == "UN7"
    assert parsed.child("NOUPNNFA").findtext("CINdetails/ReferralNFA") == "1"


def test_closure_after_the_reference_date_is_left_open() -> None:
    person = child("CLOSELATER")
    referral(person, date(2025, 5, 1), closed=date(2026, 4, 10), reason="RC7")

    episode = build(2026, as_of=AS_OF).child("CLOSELATER").find("CINdetails")

    assert episode.findtext("CINclosureDate") is None
    assert episode.findtext("ReasonForClosure") is None
    assert episode.findtext("ReferralNFA") == "0"


def test_episode_in_xsd_order_with_its_activity() -> None:
    person = child("FULL1", date_of_birth=date(2014, 7, 1))
    ref = referral(person, date(2025, 4, 10), closed=date(2026, 3, 20), reason="RC7", source="6", need="N4")
    assessment(ref, date(2025, 4, 11), date(2025, 5, 20), ["3A", "4B", "3A"])
    enquiry = section47(ref, date(2025, 5, 21), date(2025, 6, 11), completed=date(2025, 6, 10))
    conference(ref, date(2025, 6, 10), enquiry=enquiry)
    plan = cp_plan(ref, date(2025, 6, 10), date(2025, 12, 1), initial="EMO", latest="MUL")
    conference(
        ref, date(2025, 9, 1), kind=ConferenceKind.REVIEW, plan=plan, decision=ConferenceDecision.CONTINUE
    )
    conference(ref, date(2025, 12, 1), kind=ConferenceKind.REVIEW, plan=plan, decision=ConferenceDecision.END)
    cin_plan(ref, date(2025, 12, 1), date(2026, 3, 20))

    episode = build(2026, as_of=AS_OF).child("FULL1").find("CINdetails")

    assert [e.tag for e in episode] == [
        "CINreferralDate",
        "ReferralSource",
        "PrimaryNeedCode",
        "CINclosureDate",
        "ReasonForClosure",
        "Assessments",
        "CINPlanDates",
        "Section47",
        "ReferralNFA",
        "ChildProtectionPlans",
    ]
    assert episode.findtext("ReferralSource") == "6"
    assert episode.findtext("PrimaryNeedCode") == "N4"
    assert episode.findtext("Assessments/AssessmentAuthorisationDate") == "2025-05-20"
    assert _texts(episode, "Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors") == ["3A", "4B"]
    assert _texts(episode, "CINPlanDates/*") == ["2025-12-01", "2026-03-20"]
    assert _texts(episode, "Section47/*") == ["2025-05-21", "2025-06-11", "2025-06-10", "0"]
    # The ICPC is given once, with the enquiry it ended (rule 2884), not again on the episode.
    assert episode.find("DateOfInitialCPC") is None
    plan_element = episode.find("ChildProtectionPlans")
    assert _texts(plan_element, "*")[:5] == ["2025-06-10", "2025-12-01", "EMO", "MUL", "0"]
    assert _texts(plan_element, "Reviews/CPPreviewDate") == ["2025-09-01", "2025-12-01"]


def test_activity_outside_the_year_is_left_out_or_left_open() -> None:
    person = child("CARRYOVER")
    ref = referral(person, date(2024, 10, 1))
    assessment(ref, date(2024, 10, 2), date(2024, 11, 15), ["16A"])  # ended before: out
    assessment(ref, date(2025, 3, 1), date(2025, 4, 14), ["17A"])  # ended in the year: in
    old = section47(ref, date(2024, 11, 16), date(2024, 12, 6), completed=date(2024, 12, 5))
    conference(ref, date(2024, 12, 5), enquiry=old)  # ICPC before the year: out
    plan = cp_plan(ref, date(2024, 12, 5), date(2026, 4, 20))  # still open on 31 March
    conference(
        ref, date(2025, 2, 20), kind=ConferenceKind.REVIEW, plan=plan, decision=ConferenceDecision.CONTINUE
    )
    conference(
        ref, date(2025, 8, 20), kind=ConferenceKind.REVIEW, plan=plan, decision=ConferenceDecision.CONTINUE
    )
    later = section47(
        ref,
        date(2026, 3, 25),
        date(2026, 4, 15),
        completed=date(2026, 3, 30),
        outcome=Section47Outcome.NOT_SUBSTANTIATED,
    )
    assert later.pk

    episode = build(2026, as_of=AS_OF).child("CARRYOVER").find("CINdetails")

    assert _texts(episode, "Assessments/AssessmentActualStartDate") == ["2025-03-01"]
    assert _texts(episode, "Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors") == ["17A"]
    assert _texts(episode, "Section47/S47ActualStartDate") == ["2026-03-25"]
    assert episode.findtext("Section47/ICPCnotRequired") == "1"
    assert episode.findtext("Section47/DateOfInitialCPC") is None
    plan_element = episode.find("ChildProtectionPlans")
    assert plan_element.findtext("CPPstartDate") == "2024-12-05"
    assert plan_element.findtext("CPPendDate") is None
    assert _texts(plan_element, "Reviews/CPPreviewDate") == ["2025-08-20"]


def test_open_assessment_has_no_authorisation_and_no_factors() -> None:
    person = child("OPENASSESS")
    ref = referral(person, date(2026, 3, 1))
    assessment(ref, date(2026, 3, 2), date(2026, 4, 20), ["21"])

    episode = build(2026, as_of=AS_OF).child("OPENASSESS").find("CINdetails")

    assert [e.tag for e in episode.find("Assessments")] == ["AssessmentActualStartDate"]


def test_transfer_in_conference_is_the_episode_icpc_and_previous_plans_are_counted() -> None:
    person = child("TRANSFER1")
    old = referral(person, date(2023, 1, 5), closed=date(2024, 2, 1))
    cp_plan(old, date(2023, 2, 1), date(2024, 1, 20))
    ref = referral(person, date(2025, 7, 1))
    conference(ref, date(2025, 7, 15), kind=ConferenceKind.TRANSFER_IN)
    cp_plan(ref, date(2025, 7, 15), initial="PHY", latest="PHY")

    episode = build(2026, as_of=AS_OF).child("TRANSFER1").find("CINdetails")

    assert episode.findtext("DateOfInitialCPC") == "2025-07-15"
    assert episode.findtext("ChildProtectionPlans/NumberOfPreviousCPP") == "1"


def test_unknown_codes_are_left_out_and_reported() -> None:
    person = child("BADCODES", ethnicity="ZZZZ")
    ref = referral(person, date(2025, 5, 1), source="99", need="N11")
    assessment(ref, date(2025, 5, 2), date(2025, 6, 1), ["18A", "3A"])
    cp_plan(ref, date(2025, 6, 1), initial="XXX", latest="NEG")

    parsed = build(2026, as_of=AS_OF)

    entry = parsed.child("BADCODES")
    assert entry.find("ChildCharacteristics/Ethnicity") is None
    episode = entry.find("CINdetails")
    assert episode.find("ReferralSource") is None
    assert episode.find("PrimaryNeedCode") is None
    assert _texts(episode, "Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors") == ["3A"]
    assert episode.find("ChildProtectionPlans/InitialCategoryOfAbuse") is None
    assert episode.findtext("ChildProtectionPlans/LatestCategoryOfAbuse") == "NEG"
    found = {(p.child_id, p.field, p.value) for p in parsed.census.problems}
    assert found == {
        ("BADCODES", "Ethnicity", "ZZZZ"),
        ("BADCODES", "ReferralSource", "99"),
        ("BADCODES", "PrimaryNeedCode", "N11"),
        ("BADCODES", "AssessmentFactors", "18A"),
        ("BADCODES", "InitialCategoryOfAbuse", "XXX"),
    }
    assert all(p.person_id == person.pk and p.message for p in parsed.census.problems)


def test_blank_ethnicity_is_not_yet_obtained() -> None:
    person = child("NOETHNIC", ethnicity="")
    referral(person, date(2025, 5, 1))

    parsed = build(2026, as_of=AS_OF)

    assert parsed.child("NOETHNIC").findtext("ChildCharacteristics/Ethnicity") == "NOBT"
    assert parsed.census.problems == []


def test_events_after_today_have_not_happened_in_a_running_year() -> None:
    person = child("RUNNING1")
    ref = referral(person, date(2026, 5, 1))
    cin_plan(ref, date(2026, 6, 1), date(2026, 12, 1))

    episode = build(2027, as_of=date(2026, 11, 27)).child("RUNNING1").find("CINdetails")

    assert _texts(episode, "CINPlanDates/*") == ["2026-06-01"]
