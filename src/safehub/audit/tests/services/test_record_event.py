"""The audit trail: chained, append-only, atomic with writes, fail-closed on reads (R27-R29)."""

import threading
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, connections, transaction

from safehub.audit import chain
from safehub.audit.constants import Verb
from safehub.audit.models import AuditChainHead, AuditEvent
from safehub.audit.services import record_event, verify_audit_chain
from safehub.people.models import Person

pytestmark = pytest.mark.django_db


def _tamper(sql: str, params: list) -> None:
    """Change an audit row as a superuser would: with the append-only triggers out of the way."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A superuser's way round triggers, without ALTER TABLE.
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET session_replication_role = DEFAULT")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")
            cursor.execute(sql, params)


def test_events_chain_from_genesis(make_user):
    user = make_user()
    first = record_event(actor=user, verb=Verb.VIEW, target=user)
    second = record_event(actor=user, verb=Verb.VIEW, target=user, purpose="supervision")
    assert first.prev_hash == chain.GENESIS
    assert second.prev_hash == first.hash
    assert second.seq == first.seq + 1
    assert AuditChainHead.objects.get().hash == second.hash
    assert verify_audit_chain().ok


def test_event_records_who_what_and_no_content(make_user):
    """R27: who, role, agency, verb, object; the payload holds ids only."""
    user = make_user()
    event = record_event(actor=user, verb=Verb.LIST, object_type="people.person", result_ids=[user.pk])
    assert event.actor_label == user.email
    assert event.actor_role == user.role
    assert event.actor_agency_id == user.agency_id
    assert event.detail == {"result_ids": [str(user.pk)], "result_count": 1}


def test_update_and_delete_refused_by_database(make_user):
    """R29: the triggers refuse UPDATE and DELETE whoever connects."""
    user = make_user()
    event = record_event(actor=user, verb=Verb.VIEW, target=user)
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(verb="delete")
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.verb == Verb.VIEW


def test_tampering_is_detected_at_the_first_broken_row(make_user):
    """R29(b): alter one row behind the application's back; the verifier names its seq."""
    user = make_user()
    events = [record_event(actor=user, verb=Verb.VIEW, target=user) for _ in range(5)]
    _tamper("UPDATE audit_auditevent SET purpose = %s WHERE seq = %s", ["nothing to see", events[2].seq])
    report = verify_audit_chain()
    assert report.first_broken_seq == events[2].seq
    with pytest.raises(CommandError, match=f"seq {events[2].seq}"):
        call_command("verify_audit_chain")


def test_deleted_row_is_detected(make_user):
    user = make_user()
    events = [record_event(actor=user, verb=Verb.VIEW, target=user) for _ in range(4)]
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", [events[1].seq])
    assert verify_audit_chain().first_broken_seq == events[1].seq


def test_cut_off_tail_is_detected(make_user):
    user = make_user()
    events = [record_event(actor=user, verb=Verb.VIEW, target=user) for _ in range(3)]
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", [events[-1].seq])
    assert verify_audit_chain().first_broken_seq == events[-1].seq


def test_verify_command_reports_an_intact_chain(make_user):
    user = make_user()
    record_event(actor=user, verb=Verb.VIEW, target=user)
    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert "intact" in out.getvalue()


def test_a_different_key_breaks_verification(make_user, settings):
    """The key lives outside the database: rows re-hashed without it do not verify."""
    user = make_user()
    record_event(actor=user, verb=Verb.VIEW, target=user)
    settings.SAFEHUB_AUDIT_HMAC_KEY = "another-key-" + "z" * 40
    assert verify_audit_chain().first_broken_seq == 1


def test_write_rolls_back_with_a_failed_audit(make_user, monkeypatch):
    """R28: the audit row and the change commit together or not at all."""
    from safehub.people.services import person_create

    user = make_user()

    def fail(*args, **kwargs):
        raise DatabaseError("audit store unavailable")

    monkeypatch.setattr("safehub.people.services.person.record_event", fail)
    with pytest.raises(DatabaseError):
        person_create(
            actor=user, given_name="Ava", family_name="Stone", sex="2", date_of_birth=date(2015, 3, 1)
        )
    assert not Person.objects.exists()


def test_audit_failure_on_a_read_returns_nothing(make_user, monkeypatch):
    """R28: no audit row, no data — the selector raises before returning the person."""
    from safehub.people.selectors import person_get
    from safehub.people.services import person_create

    user = make_user()
    person = person_create(
        actor=user, given_name="Ava", family_name="Stone", sex="2", date_of_birth=date(2015, 3, 1)
    )

    def fail(*args, **kwargs):
        raise DatabaseError("audit store unavailable")

    monkeypatch.setattr("safehub.people.selectors.record_event", fail)
    with pytest.raises(DatabaseError):
        person_get(actor=user, id=person.pk)


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_the_chain(make_user):
    """R29(c): 8 threads x 500 appends each, then the chain verifies end to end."""
    user = make_user()
    threads, per_thread = 8, 500
    errors: list[BaseException] = []

    def append() -> None:
        try:
            for _ in range(per_thread):
                record_event(actor=user, verb=Verb.VIEW, target=user)
        except BaseException as exc:  # a failure in a thread must fail the test, not vanish
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=append) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    report = verify_audit_chain()
    # user creation and TOTP enrolment may have written events of their own before the threads ran
    assert report.ok, report.problem
    assert AuditEvent.objects.filter(verb=Verb.VIEW, object_id=str(user.pk)).count() == threads * per_thread
    assert report.checked == AuditEvent.objects.count()
