"""903 codes shown and offered with their words (never "F2: F2"), the closed record's reason, and
the managers' list of young people who may be owed leaving-care support without a record."""

from datetime import date

import pytest
import time_machine
from django.utils.html import escape

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.looked_after.constants import LeaverCategory
from safehub.looked_after.selectors.leavers import leaver_candidates
from safehub.looked_after.services.leaving import care_leaver_close, care_leaver_contact_record
from safehub.looked_after.web.leaver_forms import accommodation_label
from safehub.people.tests.factories import restrict

from .cases import NOW, in_care, opened, staff, url, young_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


# --- labels ------------------------------------------------------------------------------------


def test_contact_form_offers_codes_with_their_words(signed_in) -> None:
    _worker, manager = staff()
    record = opened(manager)
    page = signed_in(Role.SOCIAL_WORKER).get(url("contact_new", record)).content.decode()
    assert "YES: Yes, in touch" in page
    assert "NREQ: No longer needs services" in page
    assert "F2: Other education, full time" in page
    assert "U1: Independent living, suitable" in page
    assert "Z2: With former foster carers (18 or over), not suitable" in page
    for bare in ("YES: YES", "F2: F2", "U1: U1"):
        assert bare not in page


def test_accommodation_label_reads_place_and_suitability() -> None:
    assert accommodation_label("E2") == "E2: Supported lodgings, not suitable"
    assert accommodation_label("0") == "0: Not known"
    assert accommodation_label("") == ""
    assert accommodation_label("Q9") == "Q9"  # unknown: the bare code, never "Q9: Q9"


def test_list_and_record_show_the_last_contact_in_words(signed_in) -> None:
    worker, manager = staff()
    record = opened(manager)
    care_leaver_contact_record(
        actor=worker,
        care_leaver=record,
        contact_on=date(2026, 11, 1),
        in_touch="YES",
        activity="G6",
        accommodation="D1",
    )
    client = signed_in(Role.SOCIAL_WORKER)
    for page in (client.get(url("leaver_list")), client.get(url("leaver", record))):
        text = page.content.decode()
        assert "YES: Yes, in touch" in text
        assert "G6: Not in education, training or employment: pregnancy or parenting" in text
        assert "D1: Semi-independent, transitional accommodation, suitable" in text


def test_closed_record_says_why_it_closed(signed_in) -> None:
    _worker, manager = staff()
    record = opened(manager)
    care_leaver_close(
        actor=manager,
        care_leaver=record,
        ended_on=date(2026, 11, 20),
        reason="transferred",
        expected_version=record.version,
    )
    page = signed_in(Role.SOCIAL_WORKER).get(url("leaver", record)).content.decode()
    assert "Why the record closed" in page
    assert "Another council took over the duties" in page
    assert "transferred" not in page


def test_open_record_has_no_closing_reason(signed_in) -> None:
    _worker, manager = staff()
    record = opened(manager)
    page = signed_in(Role.SOCIAL_WORKER).get(url("leaver", record)).content.decode()
    assert "Why the record closed" not in page


# --- young people who may be owed support ------------------------------------------------------


def _people() -> dict[str, object]:
    """One young person of each kind. "Today" is 26 November 2026."""
    left_at_17 = young_person(date(2009, 3, 10))  # relevant: left care at 17
    in_care(left_at_17, date(2023, 6, 1), date(2026, 3, 10))
    in_care_at_16 = young_person(date(2010, 1, 1))  # eligible: looked after now
    in_care(in_care_at_16, date(2025, 6, 1))
    aged_21 = young_person(date(2005, 6, 1))  # former relevant
    in_care(aged_21, date(2020, 1, 1), date(2023, 6, 1))
    aged_22 = young_person(date(2004, 6, 1))  # former relevant, but past the list's ages
    in_care(aged_22, date(2019, 1, 1), date(2022, 6, 1))
    aged_15 = young_person(date(2011, 1, 1))
    in_care(aged_15, date(2024, 1, 1))
    too_short = young_person(date(2009, 5, 1))  # a month in care: no category
    in_care(too_short, date(2026, 1, 1), date(2026, 2, 1))
    short_breaks = young_person(date(2009, 5, 1))  # short breaks (V3) do not count
    in_care(short_breaks, date(2023, 1, 1), code="V3")
    return {
        "left_at_17": left_at_17,
        "in_care_at_16": in_care_at_16,
        "aged_21": aged_21,
        "aged_22": aged_22,
        "aged_15": aged_15,
        "too_short": too_short,
        "short_breaks": short_breaks,
    }


def test_candidates_are_16_to_21_with_a_category_and_no_open_record() -> None:
    _worker, manager = staff()
    people = _people()
    with_record = opened(manager)  # left care at 17, but has an open record
    closed = opened(manager)
    care_leaver_close(
        actor=manager,
        care_leaver=closed,
        ended_on=date(2026, 11, 20),
        reason="declined",
        expected_version=closed.version,
    )
    found = {c.person.pk: c for c in leaver_candidates(actor=manager)}
    assert set(found) == {
        people["left_at_17"].pk,  # type: ignore[attr-defined]
        people["in_care_at_16"].pk,  # type: ignore[attr-defined]
        people["aged_21"].pk,  # type: ignore[attr-defined]
        closed.person_id,  # a closed record is no open record
    }
    assert with_record.person_id not in found
    left = found[people["left_at_17"].pk]  # type: ignore[attr-defined]
    assert (left.age, left.category, left.left_care_on) == (17, LeaverCategory.RELEVANT, date(2026, 3, 10))
    now = found[people["in_care_at_16"].pk]  # type: ignore[attr-defined]
    assert (now.age, now.category, now.left_care_on) == (16, LeaverCategory.ELIGIBLE, None)
    assert found[people["aged_21"].pk].category == LeaverCategory.FORMER_RELEVANT  # type: ignore[attr-defined]


def test_candidates_leave_out_hidden_and_dead_young_people() -> None:
    """R19: a restricted young person is not listed to an ungranted manager."""
    _worker, manager = staff()
    hidden = young_person()
    in_care(hidden, date(2023, 6, 1), date(2026, 3, 10))
    restrict(hidden)
    died = young_person(date_of_death=date(2026, 10, 1))
    in_care(died, date(2023, 6, 1), date(2026, 3, 10))
    assert leaver_candidates(actor=manager) == []


def test_candidates_list_is_audited() -> None:
    """R27: the people shown are recorded on one list event."""
    _worker, manager = staff()
    person = young_person()
    in_care(person, date(2023, 6, 1), date(2026, 3, 10))
    leaver_candidates(actor=manager)
    event = AuditEvent.objects.get(verb="list", section="leaver_candidates")
    assert str(person.pk) in str(event.detail)


def test_manager_sees_the_candidates_table_with_a_link_to_open(signed_in) -> None:
    people = _people()
    page = signed_in(Role.TEAM_MANAGER).get(url("leaver_list")).content.decode()
    assert "Young people who may be owed leaving-care support" in page
    for key in ("left_at_17", "in_care_at_16", "aged_21"):
        assert url("leaver_open", people[key]) in page
    for key in ("aged_22", "aged_15", "too_short", "short_breaks"):
        assert url("leaver_open", people[key]) not in page
    assert escape("Relevant (16 or 17, left care)") in page
    assert "Left care on 10 March 2026" in page
    assert "Looked after now" in page
    assert page.count("<h1") == 1


def test_social_worker_does_not_see_the_candidates_table(signed_in) -> None:
    """R18: only managers open records, so only they get the list that leads there."""
    _people()
    page = signed_in(Role.SOCIAL_WORKER).get(url("leaver_list")).content.decode()
    assert "may be owed leaving-care support" not in page
    assert not AuditEvent.objects.filter(section="leaver_candidates").exists()


def test_candidates_table_query_count_does_not_grow(signed_in, django_assert_max_num_queries) -> None:
    client = signed_in(Role.TEAM_MANAGER)
    _people()
    with django_assert_max_num_queries(30) as captured:
        assert client.get(url("leaver_list")).status_code == 200
    baseline = len(captured.captured_queries)
    added = []
    for _ in range(5):
        person = young_person()
        in_care(person, date(2023, 6, 1), date(2026, 3, 10))
        in_care(person, date(2026, 5, 1), date(2026, 6, 1), code="V2")  # a second period
        added.append(person)
    with django_assert_max_num_queries(baseline):
        page = client.get(url("leaver_list")).content.decode()
    assert all(url("leaver_open", person) in page for person in added)
