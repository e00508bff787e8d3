"""The partner projection: their agency's requests, the minimum to search, nothing of the contact."""

from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

import pytest

from safehub.access.constants import Level
from safehub.access.tests.factories import restrict
from safehub.audit.models import AuditEvent
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

from ...constants import RequestStatus
from ...models import InformationRequest
from ...selectors import requests as requests_selectors
from ...selectors.requests import partner_inbox, partner_request_get, requests_panel_for
from ..factories import (
    ContactFactory,
    ContactSubjectFactory,
    InformationRequestFactory,
    PartnerResponseFactory,
)
from .factories_sharing import SUMMARY, add_adult, asked, decide, world

pytestmark = pytest.mark.django_db


def test_the_projection_holds_only_the_minimum() -> None:
    w = world()
    request = asked(w.contact, w.police)
    view = partner_request_get(actor=w.police_officer, id=request.pk)
    assert view.contact_reference == w.contact.reference
    [subject] = view.subjects
    assert (subject.role, subject.role_label) == ("child", "Child")
    flat = repr(asdict(view))
    for hidden in (SUMMARY, "Quentin", w.contact.referrer_email):
        assert hidden not in flat
    assert AuditEvent.objects.filter(verb="view", object_id=str(request.pk), actor=w.police_officer).exists()


def test_the_projection_never_reads_the_person_index() -> None:
    """R22, R19: a linked index record may be sealed (an adopted child's new identity); the
    partner gets the details as the contact described them, never the index's name or birth date."""
    w = world()
    subject = w.contact.subjects.get()
    person = subject.person
    person.given_name, person.family_name = "Sealedname", "Newidentity"
    person.date_of_birth = date(2014, 7, 9)
    person.save()
    restrict(person, Level.SEALED)
    view = partner_request_get(actor=w.police_officer, id=asked(w.contact, w.police).pk)
    [shown] = view.subjects
    assert (shown.given_name, shown.family_name, shown.date_of_birth) == ("Otti", "Vexley", "")
    flat = repr(asdict(view))
    for index_value in ("Sealedname", "Newidentity", "Ottoline", "2014-07-09"):
        assert index_value not in flat


def test_only_the_chosen_people_with_neutral_roles_and_no_addresses_by_default() -> None:
    """R34: the agency sees the people the MASH chose, "Child"/"Adult", addresses only if included."""
    w = world()
    child = w.contact.subjects.get()
    adult = add_adult(w.contact)
    add_adult(w.contact, given_name="Unchosen", family_name="Lodger")
    view = partner_request_get(actor=w.police_officer, id=asked(w.contact, w.police, [child, adult]).pk)
    assert [(s.given_name, s.role_label) for s in view.subjects] == [("Otti", "Child"), ("Barnaby", "Adult")]
    assert not view.addresses
    flat = repr(asdict(view))
    for hidden in ("Unchosen", "alleged", "risk", "perpetrator", "ZZ9", "1 Test Row", "ZZ1"):
        assert hidden not in flat
    with_addresses = asked(w.contact, w.health, [child], include_addresses=True)
    [shown] = partner_request_get(actor=w.health_officer, id=with_addresses.pk).subjects
    assert (shown.address_line, shown.postcode) == ("1 Test Row", "ZZ9 9ZZ")


@pytest.mark.parametrize("status", [RequestStatus.ANSWERED, RequestStatus.NO_TRACE, RequestStatus.WITHDRAWN])
def test_no_people_once_the_request_is_closed(status: str) -> None:
    """R34: once no answer is wanted, the partner keeps the request but not the people."""
    w = world()
    request = asked(w.contact, w.police, status=status)
    assert partner_request_get(actor=w.police_officer, id=request.pk).subjects == []


def test_no_people_once_the_contact_is_decided() -> None:
    """R34: a decided contact needs no more searching, even if the request was left open."""
    w = world()
    request = asked(w.contact, w.police)
    decide(w.contact)
    assert partner_request_get(actor=w.police_officer, id=request.pk).subjects == []


def test_another_agencys_request_is_not_found() -> None:
    """R19: one answer for missing and not theirs."""
    w = world()
    request = InformationRequestFactory(contact=w.contact, agency=w.police)
    for actor in (w.health_officer, w.mash_worker):
        with pytest.raises(NotFoundOrForbidden):
            partner_request_get(actor=actor, id=request.pk)


def test_the_inbox_lists_only_their_agency_open_first(django_assert_max_num_queries: Any) -> None:
    w = world()
    answered = asked(w.contact, w.police, status=RequestStatus.ANSWERED)
    asked(w.contact, w.health)
    opened = []
    for _ in range(5):
        contact = ContactFactory()
        ContactSubjectFactory(contact=contact)
        ContactSubjectFactory(contact=contact)
        opened.append(asked(contact, w.police))
    with django_assert_max_num_queries(8):
        rows = partner_inbox(actor=w.police_officer)
    assert [r.id for r in rows] == [r.pk for r in sorted(opened, key=lambda r: r.due_at)] + [answered.pk]
    # The inbox shows no people, so it reads none.
    assert all(r.subjects == [] for r in rows)
    assert partner_inbox(actor=w.mash_worker) == []
    assert [r.id for r in partner_inbox(actor=w.police_officer, status=RequestStatus.ANSWERED)] == [
        answered.pk
    ]


def test_the_inbox_keeps_90_days_of_history_at_most_100(monkeypatch: Any) -> None:
    """R34 and a bounded page: every open request, closed ones of the last 90 days (newest first,
    capped), and the audit row lists exactly what was shown."""
    w = world()
    monkeypatch.setattr(requests_selectors, "CLOSED_INBOX_LIMIT", 2)
    open_one = asked(w.contact, w.police)
    closed = []
    for days_ago in (200, 91, 30, 20, 10):
        contact = ContactFactory()
        request = InformationRequestFactory(contact=contact, agency=w.police, status=RequestStatus.ANSWERED)
        InformationRequest.objects.filter(pk=request.pk).update(
            updated_at=clock.now() - timedelta(days=days_ago)
        )
        closed.append(request)
    rows = partner_inbox(actor=w.police_officer)
    # Newest first, capped at the limit: 10 and 20 days ago; 30 days ago is past the cap.
    assert [r.id for r in rows] == [open_one.pk, closed[4].pk, closed[3].pk]
    event = AuditEvent.objects.filter(verb="list", actor=w.police_officer).latest("occurred_at")
    assert event.detail["result_ids"] == [str(r.id) for r in rows]
    monkeypatch.setattr(requests_selectors, "CLOSED_INBOX_LIMIT", 100)
    assert {r.id for r in partner_inbox(actor=w.police_officer)} == {
        open_one.pk,
        closed[2].pk,
        closed[3].pk,
        closed[4].pk,
    }


def test_the_panel_costs_the_same_whatever_its_size(django_assert_max_num_queries: Any) -> None:
    w = world()
    for agency in (w.police, w.health):
        PartnerResponseFactory(request=InformationRequestFactory(contact=w.contact, agency=agency))
    with django_assert_max_num_queries(20) as small:
        requests_panel_for(actor=w.mash_manager, contact=w.contact)
    from safehub.accounts.constants import AgencyKind
    from safehub.accounts.tests.factories import AgencyFactory

    for n in range(6):
        agency = AgencyFactory(name=f"Extra school {n}", kind=AgencyKind.SCHOOL)
        PartnerResponseFactory(request=InformationRequestFactory(contact=w.contact, agency=agency))
    with django_assert_max_num_queries(len(small.captured_queries)):
        panel = requests_panel_for(actor=w.mash_manager, contact=w.contact)
    assert len(panel.rows) == 8
    assert all(row.responses[0].visible for row in panel.rows)
