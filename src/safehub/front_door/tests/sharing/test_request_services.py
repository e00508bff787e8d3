"""Sending, withdrawing and answering information requests (issue 4, item 5)."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.tests.factories import AgencyFactory, UserFactory
from safehub.audit.models import AuditEvent
from safehub.platform.errors import NotFoundOrForbidden

from ...constants import Rag, RequestStatus, ResponseKind, Sensitivity
from ...models import InformationRequest, PartnerResponse
from ...services.requests import (
    information_request_send,
    information_request_withdraw,
    partner_response_record,
    requests_recompute_due,
)
from .factories_sharing import SUMMARY, decide, world

pytestmark = pytest.mark.django_db
MONDAY_10 = "2026-11-02 10:00 +0000"
LONDON = ZoneInfo("Europe/London")


def _send(w: Any, agency: Any = None, question: str = "Any call-outs to the address?") -> InformationRequest:
    return information_request_send(
        actor=w.mash_worker, contact=w.contact, agency=agency or w.police, question=question
    )


def test_send_times_the_request_from_the_rag_and_tells_the_agency_without_names(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with time_machine.travel(MONDAY_10, tick=False):
        w = world(rag=Rag.RED, rag_due_at=datetime(2026, 11, 2, 14, tzinfo=LONDON))
        with django_capture_on_commit_callbacks(execute=True):
            request = _send(w)
    assert request.status == RequestStatus.OPEN
    # Red: 2 working hours, then 2 more to escalation.
    assert request.due_at == datetime(2026, 11, 2, 12, tzinfo=LONDON)
    assert request.escalate_at == datetime(2026, 11, 2, 14, tzinfo=LONDON)
    assert [m.to for m in mail.outbox] == [["officer@police.example.test"]]
    body = mail.outbox[0].subject + mail.outbox[0].body
    for personal in ("Vexley", "Otti", "ZZ9", SUMMARY[:20], "Quentin", w.contact.reference):
        assert personal not in body
    assert str(request.pk) in body
    assert AuditEvent.objects.filter(verb="create", object_id=str(request.pk)).exists()


def test_an_unrated_contact_runs_on_the_amber_request_clock() -> None:
    with time_machine.travel(MONDAY_10, tick=False):
        w = world()
        request = _send(w)
    assert request.due_at == datetime(2026, 11, 2, 14, tzinfo=LONDON)


def test_every_error_is_reported_at_its_field() -> None:
    w = world()
    council = AgencyFactory(name="Children's services", kind=AgencyKind.CHILDRENS_SERVICES)
    with pytest.raises(ValidationError) as caught:
        _send(w, agency=council, question="  ")
    assert set(caught.value.message_dict) == {"agency", "question"}
    assert not InformationRequest.objects.exists()


def test_one_request_per_agency_per_contact() -> None:
    w = world()
    _send(w)
    with pytest.raises(ValidationError) as caught:
        _send(w)
    assert "already been sent to Test Police" in caught.value.message_dict["agency"][0]
    _send(w, agency=w.health)
    assert InformationRequest.objects.count() == 2


def test_a_withdrawn_request_can_be_sent_again() -> None:
    w = world()
    first = _send(w)
    information_request_withdraw(
        actor=w.mash_worker, request=first, reason="Police already at the strategy meeting"
    )
    again = _send(w, question="A new question")
    assert again.pk == first.pk
    assert again.status == RequestStatus.OPEN
    assert again.question == "A new question"


def test_no_request_once_the_contact_is_decided() -> None:
    w = world()
    decide(w.contact)
    with pytest.raises(ValidationError) as caught:
        _send(w)
    assert NON_FIELD_ERRORS in caught.value.message_dict


def test_only_mash_recorders_send_requests() -> None:
    """R18: a partner officer or a referrer cannot send a request (one answer: not found)."""
    w = world()
    for actor in (w.police_officer, UserFactory(role=Role.REFERRER), UserFactory(role=Role.SOCIAL_WORKER)):
        with pytest.raises(NotFoundOrForbidden):
            information_request_send(actor=actor, contact=w.contact, agency=w.police, question="?")


def test_withdraw_needs_a_reason_and_an_open_request() -> None:
    w = world()
    request = _send(w)
    with pytest.raises(ValidationError) as caught:
        information_request_withdraw(actor=w.mash_worker, request=request, reason="")
    assert "reason" in caught.value.message_dict
    information_request_withdraw(actor=w.mash_worker, request=request, reason="Not needed")
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        information_request_withdraw(actor=w.mash_worker, request=request, reason="Again")


def test_recompute_follows_a_rag_change() -> None:
    with time_machine.travel(MONDAY_10, tick=False):
        w = world()
        request = _send(w)
        w.contact.rag, w.contact.rag_due_at = Rag.RED, datetime(2026, 11, 2, 14, tzinfo=LONDON)
        requests_recompute_due(w.contact)
    request.refresh_from_db()
    assert request.due_at == datetime(2026, 11, 2, 12, tzinfo=LONDON)


# --- answers ---------------------------------------------------------------------------------------


def _answer(w: Any, request: Any, actor: Any = None, **fields: Any) -> PartnerResponse:
    return partner_response_record(actor=actor or w.police_officer, request_id=request.pk, **fields)


def test_information_needs_content_and_sensitivity() -> None:
    w = world()
    request = _send(w)
    with pytest.raises(ValidationError) as caught:
        _answer(w, request, kind=ResponseKind.INFORMATION)
    assert set(caught.value.message_dict) == {"content", "sensitivity"}
    assert not PartnerResponse.objects.exists()
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert request.answered_at is None


def test_held_not_shareable_needs_the_condition() -> None:
    w = world()
    request = _send(w)
    with pytest.raises(ValidationError) as caught:
        _answer(w, request, kind=ResponseKind.HELD_NOT_SHAREABLE)
    assert set(caught.value.message_dict) == {"condition"}
    response = _answer(
        w, request, kind=ResponseKind.HELD_NOT_SHAREABLE, condition="a court order", content="x"
    )
    assert response.condition == "a court order"
    assert response.content == ""
    request.refresh_from_db()
    assert request.status == RequestStatus.HELD_NOT_SHAREABLE


def test_an_answer_sets_the_status_and_time() -> None:
    w = world()
    request = _send(w)
    version = InformationRequest.objects.get(pk=request.pk).version
    _answer(
        w, request, kind=ResponseKind.INFORMATION, content="Two call-outs", sensitivity=Sensitivity.OFFICIAL
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED
    assert request.answered_at is not None
    assert request.version == version + 1
    no_trace = _answer(w, _send(w, agency=w.health), actor=w.health_officer, kind=ResponseKind.NO_TRACE)
    assert no_trace.request.status == RequestStatus.NO_TRACE


def test_an_unknown_kind_is_refused_at_the_field() -> None:
    w = world()
    with pytest.raises(ValidationError) as caught:
        _answer(w, _send(w), kind="gossip")
    assert set(caught.value.message_dict) == {"kind"}


def test_answering_another_agencys_request_is_not_found() -> None:
    """R18, R19: a partner answering a request that is not theirs gets a 404, and nothing is saved."""
    w = world()
    request = _send(w)
    for actor in (w.health_officer, w.mash_worker, UserFactory(role=Role.REFERRER)):
        with pytest.raises(NotFoundOrForbidden):
            _answer(w, request, actor=actor, kind=ResponseKind.NO_TRACE)
    with pytest.raises(NotFoundOrForbidden):
        partner_response_record(
            actor=w.police_officer, request_id="not-a-uuid-at-all", kind=ResponseKind.NO_TRACE
        )
    assert not PartnerResponse.objects.exists()


def test_a_request_is_answered_once() -> None:
    w = world()
    request = _send(w)
    _answer(w, request, kind=ResponseKind.NO_TRACE)
    with pytest.raises(ValidationError) as caught:
        _answer(w, request, kind=ResponseKind.NO_TRACE)
    assert "already answered" in caught.value.message_dict[NON_FIELD_ERRORS][0]
    assert PartnerResponse.objects.count() == 1
