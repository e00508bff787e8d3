"""Overdue requests remind the agency, then escalate to MASH managers, once each (ADR 0003, 5)."""

from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent

from ...constants import RequestStatus, ResponseKind
from ...services.reminders import requests_remind_and_escalate
from ...services.requests import information_request_send, partner_response_record
from ...tasks import remind_and_escalate_requests
from .factories_sharing import SUMMARY, decide, world

pytestmark = pytest.mark.django_db
MONDAY_10 = "2026-11-02 10:00 +0000"


def _sent(w: Any) -> Any:
    with time_machine.travel(MONDAY_10, tick=False):
        return information_request_send(
            actor=w.mash_worker, contact=w.contact, agency=w.police, question="Known?"
        )


def test_nothing_happens_before_the_due_time() -> None:
    w = world()
    _sent(w)
    with time_machine.travel("2026-11-02 13:59 +0000", tick=False):
        assert requests_remind_and_escalate() == (0, 0)
    assert mail.outbox == []


def test_remind_then_escalate_each_once(django_capture_on_commit_callbacks: Any) -> None:
    w = world()
    UserFactory(role=Role.MASH_MANAGER, is_active=False, email="gone@mash.example.test")
    request = _sent(w)  # amber: due 14:00, escalates 16:00
    with time_machine.travel("2026-11-02 14:05 +0000", tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert requests_remind_and_escalate() == (1, 0)
        with django_capture_on_commit_callbacks(execute=True):
            assert requests_remind_and_escalate() == (0, 0)
    assert [m.to for m in mail.outbox] == [["officer@police.example.test"]]
    with time_machine.travel("2026-11-02 16:01 +0000", tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert requests_remind_and_escalate() == (0, 1)
        with django_capture_on_commit_callbacks(execute=True):
            assert requests_remind_and_escalate() == (0, 0)
    assert [m.to for m in mail.outbox[1:]] == [["manager@mash.example.test"]]
    request.refresh_from_db()
    assert request.reminded_at is not None
    assert request.escalated_at is not None
    events = AuditEvent.objects.filter(object_id=str(request.pk), actor_label="front_door_tick")
    assert sorted(events.values_list("section", flat=True)) == ["escalated", "reminded"]
    for message in mail.outbox:
        text = message.subject + message.body
        for personal in ("Vexley", "Otti", "ZZ9", "1 Test Row", SUMMARY[:20], "Quentin"):
            assert personal not in text


def test_answered_withdrawn_and_decided_are_left_alone() -> None:
    w = world()
    request = _sent(w)
    partner_response_record(actor=w.police_officer, request_id=request.pk, kind=ResponseKind.NO_TRACE)
    withdrawn = _sent(world(tag="2"))
    withdrawn.status = RequestStatus.WITHDRAWN
    withdrawn.save()
    w3 = world(tag="3")
    _sent(w3)
    decide(w3.contact)
    with time_machine.travel("2026-11-03 10:00 +0000", tick=False):
        assert requests_remind_and_escalate() == (0, 0)
    request.refresh_from_db()
    assert request.status == RequestStatus.NO_TRACE
    assert request.reminded_at is None


def test_the_command_and_the_task_run_the_same_sweep() -> None:
    w = world()
    _sent(w)
    out = StringIO()
    with time_machine.travel("2026-11-03 10:00 +0000", tick=False):
        call_command("front_door_tick", stdout=out)
        assert "reminded: 1; escalated: 1" in out.getvalue()
        result = remind_and_escalate_requests.enqueue()
    assert result.return_value == [0, 0]
