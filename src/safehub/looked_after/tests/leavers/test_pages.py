"""Care leaver pages: who may use them (R18), hidden young people are a 404 (R19), errors at the
fields with "Error: " titles, a stale version shown as a conflict (R49), the list's query count."""

from datetime import date

import pytest
import time_machine
from django.utils.html import escape

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.looked_after.models import CareLeaver, CareLeaverContact, PathwayPlanReview
from safehub.looked_after.services.leaving import care_leaver_contact_record
from safehub.people.tests.factories import restrict

from .cases import NOW, day, in_care, opened, staff, url, young_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def test_manager_opens_a_record_with_the_suggested_category(signed_in) -> None:
    person = young_person()
    in_care(person, date(2023, 6, 1), date(2026, 3, 10))
    client = signed_in(Role.TEAM_MANAGER)
    page = client.get(url("leaver_open", person)).content.decode()
    assert "looks relevant" in page
    assert page.count("<h1") == 1
    assert "govuk-back-link" in page
    response = client.post(
        url("leaver_open", person), {**day(date(2026, 3, 10), "started_on"), "category": "relevant"}
    )
    record = CareLeaver.objects.get(person=person)
    assert response.status_code == 302
    assert response["Location"] == url("leaver", record)


def test_open_refusal_shows_errors_and_title(signed_in) -> None:
    person = young_person()  # never looked after
    client = signed_in(Role.TEAM_MANAGER)
    response = client.post(
        url("leaver_open", person), {**day(date(2026, 3, 10), "started_on"), "category": "relevant"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "no period of care" in page
    response = client.post(url("leaver_open", person), {"category": "relevant"})
    page = response.content.decode()
    assert 'href="#id_started_on"' in page
    assert not CareLeaver.objects.exists()


def test_record_page_shows_category_windows_contacts_and_tasks(signed_in) -> None:
    worker, manager = staff()
    record = opened(manager)
    care_leaver_contact_record(
        actor=worker,
        care_leaver=record,
        contact_on=date(2026, 3, 20),
        in_touch="YES",
        activity="F2",
        accommodation="U1",
    )
    client = signed_in(Role.SOCIAL_WORKER)
    response = client.get(url("leaver", record))
    page = response.content.decode()
    assert response.status_code == 200
    assert escape("Relevant (16 or 17, left care)") in page
    assert "F2: Other education, full time" in page
    assert "U1: Independent living, suitable" in page
    assert "17th birthday, 10 March 2026" in page
    assert "Contact made" in page
    assert "Birthday contact (18th birthday)" in page
    assert "Review the pathway plan" in page
    assert escape(record.person.family_name) in page
    assert (
        AuditEvent.objects.filter(verb="view", section="care_leaver", object_id=str(record.pk)).count() == 1
    )


def test_social_worker_records_a_contact_and_a_review(signed_in) -> None:
    _worker, manager = staff()
    record = opened(manager)
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get(url("contact_new", record)).status_code == 200
    response = client.post(
        url("contact_new", record), {**day(date(2026, 11, 20), "contact_on"), "in_touch": "YES"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_activity"' in page
    assert 'href="#id_accommodation"' in page
    response = client.post(
        url("contact_new", record),
        {**day(date(2026, 11, 20), "contact_on"), "in_touch": "YES", "activity": "F2", "accommodation": "U1"},
    )
    assert response.status_code == 302
    assert CareLeaverContact.objects.filter(care_leaver=record).count() == 1
    response = client.post(
        url("pathway_review_new", record), {**day(date(2026, 11, 1), "reviewed_on"), "summary": "Synthetic."}
    )
    assert response.status_code == 302
    assert PathwayPlanReview.objects.filter(care_leaver=record).count() == 1


@pytest.mark.parametrize("role", [Role.IRO, Role.MASH_SOCIAL_WORKER, Role.REFERRER])
def test_roles_without_record_casework_may_not_record(signed_in, role) -> None:
    """R18: contacts and reviews are casework (record_casework)."""
    _worker, manager = staff()
    record = opened(manager)
    client = signed_in(role)
    assert client.get(url("contact_new", record)).status_code == 403
    assert (
        client.post(url("pathway_review_new", record), day(date(2026, 11, 1), "reviewed_on")).status_code
        == 403
    )
    assert not PathwayPlanReview.objects.exists()


def test_social_worker_may_not_open_change_or_close(signed_in) -> None:
    """R18: opening, changing and closing need manage_cases."""
    _worker, manager = staff()
    record = opened(manager)
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get(url("leaver_edit", record)).status_code == 403
    assert client.get(url("leaver_close", record)).status_code == 403
    assert client.get(url("leaver_open", record.person)).status_code == 403


def test_hidden_young_person_is_not_found(signed_in) -> None:
    """R19: a restricted young person's record and forms are a 404 to an ungranted worker."""
    _worker, manager = staff()
    # A surname no signed-in user or page text can share, so its absence from the list means something.
    person = young_person(family_name="Quillfeather")
    in_care(person, date(2023, 6, 1), date(2026, 3, 10))
    record = opened(manager, person=person)
    restrict(record.person)
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get(url("leaver", record)).status_code == 404
    assert client.get(url("contact_new", record)).status_code == 404
    assert client.post(url("contact_new", record), {"in_touch": "NO"}).status_code == 404
    listing = client.get(url("leaver_list")).content.decode()
    assert "Quillfeather" not in listing
    assert url("leaver", record) not in listing
    manager_client = signed_in(Role.TEAM_MANAGER)
    assert manager_client.get(url("leaver_close", record)).status_code == 404
    assert manager_client.get(url("leaver_open", record.person)).status_code == 404


def test_edit_conflict_says_who_changed_it(signed_in) -> None:
    """R49: a save over another manager's change is refused and says so."""
    worker, manager = staff()
    record = opened(manager)
    client = signed_in(Role.TEAM_MANAGER)
    stale = record.version
    ok = client.post(
        url("leaver_edit", record), {"category": "relevant", "personal_adviser": worker.pk, "version": stale}
    )
    assert ok.status_code == 302
    response = client.post(url("leaver_edit", record), {"category": "former_relevant", "version": stale})
    page = response.content.decode()
    assert response.status_code == 200
    assert "This record was changed by" in page
    record.refresh_from_db()
    assert (record.category, record.personal_adviser) == ("relevant", worker)


def test_close_page(signed_in) -> None:
    _worker, manager = staff()
    record = opened(manager)
    client = signed_in(Role.TEAM_MANAGER)
    assert client.get(url("leaver_close", record)).status_code == 200
    bad = client.post(
        url("leaver_close", record), {"version": record.version, **day(date(2026, 11, 20), "ended_on")}
    )
    assert 'href="#id_reason"' in bad.content.decode()
    response = client.post(
        url("leaver_close", record),
        {"version": record.version, "reason": "declined", **day(date(2026, 11, 20), "ended_on")},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.ended_on == date(2026, 11, 20)


def test_list_query_count_does_not_grow(signed_in, django_assert_max_num_queries) -> None:
    worker, manager = staff()
    for _ in range(4):
        record = opened(manager)
        care_leaver_contact_record(
            actor=worker, care_leaver=record, contact_on=date(2026, 11, 1), in_touch="NO"
        )
    client = signed_in(Role.SOCIAL_WORKER)
    with django_assert_max_num_queries(25) as captured:
        response = client.get(url("leaver_list"))
    baseline = len(captured.captured_queries)
    assert response.status_code == 200
    assert response.content.decode().count("No, not in touch") == 4
    for _ in range(4):
        opened(manager)
    with django_assert_max_num_queries(baseline):
        assert client.get(url("leaver_list") + "?category=relevant").status_code == 200
