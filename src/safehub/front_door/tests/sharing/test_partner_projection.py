"""The partner projection: their agency's requests, the minimum to search, nothing of the contact."""

from dataclasses import asdict
from typing import Any

import pytest

from safehub.audit.models import AuditEvent
from safehub.platform.errors import NotFoundOrForbidden

from ...constants import RequestStatus
from ...selectors.requests import partner_inbox, partner_request_get, requests_panel_for
from ..factories import (
    ContactFactory,
    ContactSubjectFactory,
    InformationRequestFactory,
    PartnerResponseFactory,
)
from .factories_sharing import SUMMARY, world

pytestmark = pytest.mark.django_db


def test_the_projection_holds_only_the_minimum() -> None:
    w = world()
    request = InformationRequestFactory(contact=w.contact, agency=w.police)
    view = partner_request_get(actor=w.police_officer, id=request.pk)
    assert view.contact_reference == w.contact.reference
    [subject] = view.subjects
    # The linked index record's name wins over the referrer's description; the address is the referrer's.
    assert (subject.given_name, subject.family_name, subject.postcode) == ("Ottoline", "Vexley", "ZZ9 9ZZ")
    flat = repr(asdict(view))
    for hidden in (SUMMARY, "Quentin", w.contact.referrer_email):
        assert hidden not in flat
    assert AuditEvent.objects.filter(verb="view", object_id=str(request.pk), actor=w.police_officer).exists()


def test_another_agencys_request_is_not_found() -> None:
    """R19: one answer for missing and not theirs."""
    w = world()
    request = InformationRequestFactory(contact=w.contact, agency=w.police)
    for actor in (w.health_officer, w.mash_worker):
        with pytest.raises(NotFoundOrForbidden):
            partner_request_get(actor=actor, id=request.pk)


def test_a_withdrawn_request_shows_no_people() -> None:
    w = world()
    request = InformationRequestFactory(contact=w.contact, agency=w.police, status=RequestStatus.WITHDRAWN)
    assert partner_request_get(actor=w.police_officer, id=request.pk).subjects == []


def test_the_inbox_lists_only_their_agency_open_first(django_assert_max_num_queries: Any) -> None:
    w = world()
    answered = InformationRequestFactory(contact=w.contact, agency=w.police, status=RequestStatus.ANSWERED)
    InformationRequestFactory(contact=w.contact, agency=w.health)
    opened = []
    for _ in range(5):
        contact = ContactFactory()
        ContactSubjectFactory(contact=contact)
        ContactSubjectFactory(contact=contact)
        opened.append(InformationRequestFactory(contact=contact, agency=w.police))
    with django_assert_max_num_queries(12):
        rows = partner_inbox(actor=w.police_officer)
    assert [r.id for r in rows] == [r.pk for r in sorted(opened, key=lambda r: r.due_at)] + [answered.pk]
    assert partner_inbox(actor=w.mash_worker) == []
    assert [r.id for r in partner_inbox(actor=w.police_officer, status=RequestStatus.ANSWERED)] == [
        answered.pk
    ]


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
