"""A failed operation leaves nothing half-written, and side effects happen only after commit (R50, R51)."""

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.db.models.signals import post_save
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from safehub.accounts.constants import Role
from safehub.audit.models import AuditChainHead, AuditEvent
from safehub.audit.services import verify_audit_chain
from safehub.people.models import Person
from safehub.people.services import person_create, person_update

HistoricalPerson = Person.history.model  # type: ignore[attr-defined]
delivered: list[str] = []


@task()
def notify_partner(person_id: str) -> str:
    """Stands in for a partner notification: a side effect that must not outlive a rollback."""
    delivered.append(person_id)
    return person_id


class Injected(Exception):
    """The failure we inject part-way through an operation."""


CHILD = {"given_name": "Ava", "family_name": "Stone", "sex": "2", "date_of_birth": date(2017, 3, 9)}


def _counts() -> dict[str, int]:
    head = AuditChainHead.objects.filter(pk=1).first()
    return {
        "people": Person.objects.count(),
        "history": HistoricalPerson.objects.count(),
        "audit": AuditEvent.objects.count(),
        "head": head.seq if head else 0,
    }


def _raise(*args: Any, **kwargs: Any) -> None:
    raise Injected()


STEPS = ["after the history row", "at the audit call", "after the audit row"]


@pytest.fixture
def inject(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """`inject(step)` makes the next operation fail just after that step has written its rows."""

    def arm(step: str) -> None:
        if step == "after the history row":
            post_save.connect(_raise, sender=HistoricalPerson, dispatch_uid="inject")
        elif step == "at the audit call":
            monkeypatch.setattr("safehub.people.services.person.record_event", _raise)
        elif step == "after the audit row":
            post_save.connect(_raise, sender=AuditEvent, dispatch_uid="inject")
        else:
            raise ValueError(step)

    yield arm
    post_save.disconnect(sender=HistoricalPerson, dispatch_uid="inject")
    post_save.disconnect(sender=AuditEvent, dispatch_uid="inject")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("step", STEPS)
def test_person_create_that_fails_part_way_leaves_no_rows(
    make_user: Any, inject: Callable[[str], None], step: str
) -> None:
    """R50: the person, their history row and the audit event commit together or not at all."""
    actor = make_user(Role.SOCIAL_WORKER)
    before = _counts()
    inject(step)
    with pytest.raises(Injected):
        person_create(actor=actor, **CHILD)
    assert _counts() == before
    assert verify_audit_chain().ok


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("step", STEPS)
def test_person_update_that_fails_part_way_changes_nothing(
    make_user: Any, inject: Callable[[str], None], step: str
) -> None:
    """R50: a failed edit leaves the saved record, its version and its history as they were."""
    actor = make_user(Role.SOCIAL_WORKER)
    person = person_create(actor=actor, **CHILD)
    before = _counts()
    inject(step)
    with pytest.raises(Injected):
        person_update(actor=actor, person=person, expected_version=1, family_name="Brook")
    saved = Person.objects.get(pk=person.pk)
    assert (saved.family_name, saved.version) == ("Stone", 1)
    assert _counts() == before
    assert verify_audit_chain().ok


@pytest.mark.django_db
def test_on_commit_side_effects_run_only_after_a_commit(django_capture_on_commit_callbacks: Any) -> None:
    """R51: a callback registered in a transaction that rolls back never runs."""

    def send() -> None:
        mail.send_mail("Concern raised", "A new contact.", None, ["duty@example.gov.uk"])

    def register_then_fail() -> None:
        with transaction.atomic():
            transaction.on_commit(send)
            raise Injected()

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Injected):
        register_then_fail()
    assert callbacks == []
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            transaction.on_commit(send)
        assert mail.outbox == [], "nothing is sent while the outer transaction is still open"
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1


@pytest.fixture
def outbox_backend(settings: Any) -> Iterator[None]:
    """The production task backend: django-tasks-db, whose queue is a table in our database."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    delivered.clear()
    yield
    delivered.clear()


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_in_a_rolled_back_transaction_leaves_no_row(
    make_user: Any, outbox_backend: None
) -> None:
    """R51: with the database backend the task row is part of the transaction (an outbox)."""
    actor = make_user(Role.SOCIAL_WORKER)

    def enqueue_then_fail() -> None:
        with transaction.atomic():
            person = person_create(actor=actor, **CHILD)
            notify_partner.enqueue(str(person.pk))
            assert DBTaskResult.objects.count() == 1
            raise Injected()

    with pytest.raises(Injected):
        enqueue_then_fail()
    assert DBTaskResult.objects.count() == 0
    assert Person.objects.count() == 0

    with transaction.atomic():
        person = person_create(actor=actor, **CHILD)
        notify_partner.enqueue(str(person.pk))
    queued = DBTaskResult.objects.get()
    assert queued.status == "READY"
    assert delivered == [], "enqueueing records the work; only the worker does it"

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert delivered == [str(person.pk)]
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
