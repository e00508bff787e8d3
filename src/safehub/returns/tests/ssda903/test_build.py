"""Who and what a year's 903 holds: scope, episodes, OC2, OC3, AD1 and the other tables."""

from datetime import date
from typing import Any

import pytest

from safehub.looked_after.constants import PermanenceOrderKind
from safehub.looked_after.models import (
    AdoptionDecision,
    CareLeaverContact,
    LookedAfterReview,
    MissingEpisode,
    PermanenceOrder,
    UascStatus,
)
from safehub.looked_after.tests.factories import CareLeaverFactory
from safehub.people.models import PersonIdentifier
from safehub.returns.identity import child_ids_for
from safehub.returns.ssda903.builder import build_903, build_903_return

from .care import allocate, care, child, legal, move, social_worker

pytestmark = pytest.mark.django_db
YEAR = 2026  # 1 April 2025 to 31 March 2026


def rows(tables: dict, table: str, person) -> list[dict]:
    cid = child_ids_for([person.pk])[person.pk]
    return [r for r in tables[table] if r["CHILD"] == cid]


def test_a_child_who_left_care_before_the_year_is_out_and_one_who_came_in_on_31_march_is_in() -> None:
    left = child(date(2012, 1, 1))
    care(left, date(2024, 5, 1), "V2", "U6", ended_on=date(2025, 3, 31), end_reason="E4A")
    arrived = child(date(2014, 2, 2))
    care(arrived, date(2026, 3, 31), "V2", "U6")
    later = child(date(2014, 2, 2))
    care(later, date(2026, 4, 1), "V2", "U6")

    tables, people = build_903(YEAR)

    assert set(people) == {arrived.pk}
    (episode,) = rows(tables, "Episodes", arrived)
    assert (episode["DECOM"], episode["RNE"], episode["DEC"], episode["REC"]) == (
        date(2026, 3, 31),
        "S",
        None,
        "",
    )
    assert [r["CHILD"] for r in tables["Header"]] == [child_ids_for([arrived.pk])[arrived.pk]]


def test_a_child_who_left_care_on_1_april_is_in_with_the_episode_that_ended() -> None:
    person = child(date(2011, 6, 1))
    care(person, date(2024, 9, 1), "V2", "U6", ended_on=date(2025, 4, 1), end_reason="E4A")

    tables, _ = build_903(YEAR)

    (episode,) = rows(tables, "Episodes", person)
    assert (episode["DEC"], episode["REC"]) == (date(2025, 4, 1), "E4A")


def test_a_child_moved_twice_has_three_episodes_chained_by_x1() -> None:
    person = child(date(2010, 1, 1))
    period = care(person, date(2025, 5, 1), "V2", "U6")
    move(period, date(2025, 8, 1), "U4", "ALLEG")
    legal(period, date(2025, 10, 1), "C1")
    move(period, date(2025, 10, 1), "K2", "CREQB", provider="PR4")

    tables, _ = build_903(YEAR)

    got = [
        (r["DECOM"], r["RNE"], r["LS"], r["PLACE"], r["DEC"], r["REC"], r["REASON_PLACE_CHANGE"])
        for r in rows(tables, "Episodes", person)
    ]
    assert got == [
        (date(2025, 5, 1), "S", "V2", "U6", date(2025, 8, 1), "X1", "ALLEG"),
        (date(2025, 8, 1), "P", "V2", "U4", date(2025, 10, 1), "X1", "CREQB"),
        (date(2025, 10, 1), "B", "C1", "K2", None, "", ""),
    ]


def test_episodes_closed_before_the_year_are_left_out_and_one_ending_after_it_is_open() -> None:
    person = child(date(2010, 1, 1))
    period = care(person, date(2024, 1, 1), "V2", "U6", ended_on=date(2026, 6, 1), end_reason="E4A")
    move(period, date(2024, 6, 1), "U4")

    tables, _ = build_903(YEAR)

    got = [(r["DECOM"], r["RNE"], r["DEC"], r["REC"]) for r in rows(tables, "Episodes", person)]
    # The care ended after 31 March 2026: at 31 March the episode was open.
    assert got == [(date(2024, 6, 1), "P", None, "")]


def test_oc2_is_for_children_looked_after_for_the_whole_year_only() -> None:
    whole = child(date(2012, 1, 1))
    care(whole, date(2025, 4, 1), "C2", "U4")
    since_before = child(date(2012, 1, 1))
    care(since_before, date(2023, 1, 1), "C2", "U4")
    new = child(date(2012, 1, 1))
    care(new, date(2025, 4, 2), "C2", "U4")
    short_breaks = child(date(2012, 1, 1))
    care(short_breaks, date(2023, 1, 1), "V3", "U4")
    left = child(date(2012, 1, 1))
    care(left, date(2023, 1, 1), "C2", "U4", ended_on=date(2026, 3, 30), end_reason="E4A")

    tables, _ = build_903(YEAR)

    in_oc2 = {r["CHILD"] for r in tables["OC2"]}
    ids = child_ids_for([p.pk for p in (whole, since_before, new, short_breaks, left)])
    assert in_oc2 == {ids[whole.pk], ids[since_before.pk]}
    (row,) = rows(tables, "OC2", whole)
    assert row["CONVICTED"] == 0
    assert row["SDQ_SCORE"] is None


def test_oc3_is_for_care_leavers_with_a_17th_to_21st_birthday_in_the_year() -> None:
    in_touch = child(date(2006, 7, 10))  # 19 on 10 July 2025
    record: Any = CareLeaverFactory(person=in_touch, started_on=date(2024, 7, 10))
    CareLeaverContact.objects.create(
        care_leaver=record,
        contact_on=date(2025, 7, 1),
        in_touch="YES",
        activity="F2",
        accommodation="U1",
        recorded_by=record.recorded_by,
    )
    no_contact = child(date(2008, 1, 15))  # 18 on 15 January 2026
    CareLeaverFactory(person=no_contact, started_on=date(2025, 1, 15))
    too_old = child(date(2003, 1, 1))  # 22 on 1 January 2025... and 23 in the year
    CareLeaverFactory(person=too_old, started_on=date(2021, 1, 1))

    built = build_903_return(YEAR)
    tables, people = built.tables, built.person_ids

    ids = child_ids_for([in_touch.pk, no_contact.pk])
    assert {r["CHILD"]: (r["IN_TOUCH"], r["ACTIV"], r["ACCOM"]) for r in tables["OC3"]} == {
        ids[in_touch.pk]: ("YES", "F2", "U1"),
        # No contact around the birthday: not in touch (rules 153, 345), and reported.
        ids[no_contact.pk]: ("NO", "0", "0"),
    }
    assert [(p.child, p.field) for p in built.problems if p.table == "OC3"] == [
        (ids[no_contact.pk], "IN_TOUCH")
    ]
    assert too_old.pk not in people
    # Care leavers seen only in OC3 have a header, without motherhood (rule 628).
    header = {r["CHILD"]: r for r in tables["Header"]}
    assert header[ids[in_touch.pk]]["MOTHER"] == ""


def test_no_oc3_for_a_young_person_still_looked_after_on_the_birthday() -> None:
    person = child(date(2008, 6, 1))  # 17 on 1 June 2025
    care(person, date(2022, 1, 1), "C2", "U4", ended_on=date(2025, 9, 1), end_reason="E5")
    record: Any = CareLeaverFactory(person=person, started_on=date(2025, 9, 1))
    CareLeaverContact.objects.create(
        care_leaver=record,
        contact_on=date(2025, 6, 2),
        in_touch="YES",
        activity="F2",
        accommodation="B1",
        recorded_by=record.recorded_by,
    )

    tables, _ = build_903(YEAR)

    # Rules 1007 and 1016 refuse values for this birthday and rule 131 refuses blanks.
    assert rows(tables, "OC3", person) == []
    assert len(rows(tables, "Episodes", person)) == 1


def test_no_oc3_for_a_young_person_who_left_care_on_the_birthday() -> None:
    person = child(date(2007, 6, 1))  # 18 on 1 June 2025
    care(person, date(2022, 1, 1), "C2", "U4", ended_on=date(2025, 6, 1), end_reason="E5")
    CareLeaverFactory(person=person, started_on=date(2025, 6, 1))

    tables, _ = build_903(YEAR)

    assert rows(tables, "OC3", person) == []


def _adopted(on: date) -> Any:
    person = child(date(2021, 1, 1))
    period = care(person, date(2022, 1, 1), "C2", "U6", ended_on=on, end_reason="E11")
    AdoptionDecision.objects.create(
        period=period,
        person=person,
        decided_on=date(2022, 6, 1),
        matched_on=date(2023, 2, 1),
        adopter_count=2,
        adopter_sex="MF",
        adopter_legal_status="L11",
        recorded_by=period.recorded_by,
    )
    PermanenceOrder.objects.create(
        period=period,
        person=person,
        kind=PermanenceOrderKind.ADOPTION,
        made_on=on,
        recorded_by=period.recorded_by,
    )
    return person


def test_ad1_is_for_children_adopted_in_the_year() -> None:
    this_year = _adopted(date(2025, 11, 1))
    last_year = _adopted(date(2025, 3, 1))

    tables, people = build_903(YEAR)

    (row,) = tables["AD1"]
    assert row["CHILD"] == child_ids_for([this_year.pk])[this_year.pk]
    assert (row["DATE_INT"], row["DATE_MATCH"], row["NB_ADOPTR"], row["SEX_ADOPTR"], row["LS_ADOPTR"]) == (
        date(2022, 6, 1),
        date(2023, 2, 1),
        "2",
        "MF",
        "L11",
    )
    assert row["FOSTER_CARE"] == 0
    assert last_year.pk not in people
    (placed,) = rows(tables, "PlacedAdoption", this_year)
    assert placed["DATE_PLACED"] == date(2022, 6, 1)
    assert placed["DATE_PLACED_CEASED"] is None


def test_header_reviews_missing_uasc_and_upn() -> None:
    person = child(date(2013, 2, 3), ethnicity="AIND")
    period = care(person, date(2025, 6, 1), "V2", "U6")
    PersonIdentifier.objects.create(person=person, kind="upn", value="A123456789012")
    LookedAfterReview.objects.create(
        period=period, held_on=date(2025, 6, 20), participation="PN1", recorded_by=period.recorded_by
    )
    LookedAfterReview.objects.create(
        period=period, held_on=date(2026, 4, 20), participation="PN1", recorded_by=period.recorded_by
    )
    MissingEpisode.objects.create(
        period=period,
        kind="M",
        started_on=date(2026, 3, 30),
        ended_on=date(2026, 4, 2),
        recorded_by=period.recorded_by,
    )
    UascStatus.objects.create(person=person, started_on=date(2025, 6, 1), recorded_by=period.recorded_by)

    tables, _ = build_903(YEAR)

    (header,) = rows(tables, "Header", person)
    assert (header["SEX"], header["ETHNIC"], header["UPN"], header["MOTHER"], header["MC_DOB"]) == (
        "F",
        "AIND",
        "A123456789012",
        0,
        None,
    )
    assert [r["REVIEW"] for r in rows(tables, "Reviews", person)] == [date(2025, 6, 20)]
    (missing,) = rows(tables, "Missing", person)
    assert (missing["MIS_START"], missing["MIS_END"]) == (
        date(2026, 3, 30),
        None,
    )  # still missing at 31 March
    (uasc,) = rows(tables, "UASC", person)
    # DUC is the 18th birthday, still to come (rule 205B; test_uasc_and_postcodes.py).
    assert (uasc["SEX"], uasc["DUC"]) == ("F", date(2031, 2, 3))


def test_a_value_not_on_the_dfe_list_is_left_blank_and_reported_by_child_and_field() -> None:
    person = child(date(2012, 1, 1), ethnicity="XXXX")
    care(person, date(2025, 6, 1), "V2", "H5")  # H5 was withdrawn in 2025-26

    built = build_903_return(YEAR)

    cid = child_ids_for([person.pk])[person.pk]
    assert {(p.child, p.table, p.field, p.value) for p in built.problems} >= {
        (cid, "Header", "ETHNIC", "XXXX"),
        (cid, "Episodes", "PLACE", "H5"),
    }
    (episode,) = rows(built.tables, "Episodes", person)
    assert episode["PLACE"] == ""


def test_social_worker_episodes_come_from_the_allocations() -> None:
    person = child(date(2012, 1, 1))
    period = care(person, date(2024, 1, 1), "C2", "U4")
    first, second = social_worker(), social_worker()
    allocate(period, first, date(2024, 1, 1), date(2025, 9, 1))
    allocate(period, second, date(2025, 9, 1), reason="LEFTRL")

    tables, _ = build_903(YEAR)

    got = [
        (r["SW_ID"], r["SW_DECOM"], r["SW_DEC"], r["SW_REASON"]) for r in rows(tables, "SWEpisodes", person)
    ]
    assert got == [
        ("SW" + first.pk.hex.upper()[-18:], date(2024, 1, 1), date(2025, 9, 1), "FCONTA"),
        ("SW" + second.pk.hex.upper()[-18:], date(2025, 9, 1), None, "LEFTRL"),
    ]
    assert all(len(r["SW_ID"]) <= 20 for r in tables["SWEpisodes"])


def test_oc2_leaves_blank_what_the_dfe_does_not_ask_of_the_child() -> None:
    young = child(date(2020, 1, 1))  # 6 at 31 March 2026: no convictions, no development check
    care(young, date(2023, 1, 1), "C2", "U4")

    built = build_903_return(YEAR)

    (row,) = rows(built.tables, "OC2", young)
    assert row["CONVICTED"] is None
    assert row["HEALTH_CHECK"] is None
    assert row["SUBSTANCE_MISUSE"] == 0
    assert (row["INTERVENTION_RECEIVED"], row["INTERVENTION_OFFERED"]) == (None, None)
    cid = child_ids_for([young.pk])[young.pk]
    assert (cid, "OC2", "SDQ_SCORE") in {(p.child, p.table, p.field) for p in built.problems}


def test_oc3_refused_contact_reports_activity_and_accommodation_as_not_known() -> None:
    person = child(date(2005, 10, 1))  # 20 on 1 October 2025
    record: Any = CareLeaverFactory(person=person, started_on=date(2023, 10, 1))
    CareLeaverContact.objects.create(
        care_leaver=record, contact_on=date(2025, 10, 2), in_touch="REFU", recorded_by=record.recorded_by
    )

    tables, _ = build_903(YEAR)

    (row,) = rows(tables, "OC3", person)
    assert (row["IN_TOUCH"], row["ACTIV"], row["ACCOM"]) == ("REFU", "0", "0")
