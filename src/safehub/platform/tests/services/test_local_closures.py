"""Local closures: sysadmin only, audited, validated at the field (R52, R18, R28)."""

from datetime import date

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError

from safehub.platform import calendar
from safehub.platform.errors import PermissionRefused
from safehub.platform.models import LocalClosure
from safehub.platform.services import local_closure_create, local_closure_delete

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday_2_november_2026():
    with time_machine.travel("2026-11-02 10:00 +0000", tick=False):
        yield


CLOSURE_DAY = date(2026, 12, 29)  # a Tuesday between Christmas and New Year


def _events(**filters):
    # platform may not import audit (it sits above), so look the model up by name.
    return apps.get_model("audit", "AuditEvent").objects.filter(**filters)


def test_create_is_audited_and_changes_the_calendar(make_user):
    admin = make_user("sysadmin")
    closure = local_closure_create(actor=admin, date=CLOSURE_DAY, reason=" Council closure day ")
    assert closure.reason == "Council closure day"
    assert closure.updated_by == admin
    event = _events(object_id=str(closure.pk)).get()
    assert event.verb == "create"
    assert event.object_type == "platform.localclosure"
    assert event.actor_label == admin.email
    assert calendar.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 30)


def test_opening_on_a_bank_holiday(make_user):
    admin = make_user("sysadmin")
    local_closure_create(
        actor=admin, date=date(2026, 12, 28), kind=LocalClosure.Kind.OPENING, reason="Duty cover"
    )
    assert calendar.is_working_day(date(2026, 12, 28))


def test_social_worker_may_not_change_the_calendar(make_user):
    worker = make_user("social_worker")
    with pytest.raises(PermissionRefused):
        local_closure_create(actor=worker, date=CLOSURE_DAY, reason="Closure")
    assert not LocalClosure.objects.exists()


def test_duplicate_date_is_a_field_error(make_user):
    admin = make_user("sysadmin")
    local_closure_create(actor=admin, date=CLOSURE_DAY, reason="Closure")
    with pytest.raises(ValidationError) as caught:
        local_closure_create(actor=admin, date=CLOSURE_DAY, reason="Again")
    assert caught.value.message_dict == {"date": ["There is already a local closure or opening on this date"]}
    assert _events(verb="create", object_type="platform.localclosure").count() == 1


@pytest.mark.parametrize(
    ("day", "kind", "message"),
    [
        (date(2026, 11, 1), LocalClosure.Kind.CLOSURE, "The date must be today or in the future"),
        (date(2026, 12, 25), LocalClosure.Kind.CLOSURE, "bank holiday (Christmas Day)"),
        (date(2026, 12, 5), LocalClosure.Kind.CLOSURE, "is a Saturday, so it is already not a working day"),
        (date(2026, 12, 29), LocalClosure.Kind.OPENING, "is already a working day"),
    ],
)
def test_pointless_or_past_dates_are_refused_at_the_field(make_user, day, kind, message):
    with pytest.raises(ValidationError) as caught:
        local_closure_create(actor=make_user("sysadmin"), date=day, kind=kind, reason="x")
    assert message in caught.value.message_dict["date"][0]


def test_blank_reason_is_a_field_error(make_user):
    with pytest.raises(ValidationError) as caught:
        local_closure_create(actor=make_user("sysadmin"), date=CLOSURE_DAY, reason="  ")
    assert "reason" in caught.value.message_dict


def test_delete_is_audited(make_user):
    admin = make_user("sysadmin")
    closure = local_closure_create(actor=admin, date=CLOSURE_DAY, reason="Closure")
    closure_id = str(closure.pk)
    local_closure_delete(actor=admin, closure=closure)
    assert not LocalClosure.objects.exists()
    event = _events(object_id=closure_id, verb="delete").get()
    assert "2026-12-29" in event.reason


def test_past_closure_cannot_be_deleted(make_user):
    admin = make_user("sysadmin")
    closure = local_closure_create(actor=admin, date=CLOSURE_DAY, reason="Closure")
    with (
        time_machine.travel("2027-01-04 10:00 +0000", tick=False),
        pytest.raises(ValidationError, match="has passed"),
    ):
        local_closure_delete(actor=admin, closure=closure)
    assert LocalClosure.objects.filter(pk=closure.pk).exists()


def test_social_worker_may_not_delete(make_user):
    closure = local_closure_create(actor=make_user("sysadmin"), date=CLOSURE_DAY, reason="Closure")
    with pytest.raises(PermissionRefused):
        local_closure_delete(actor=make_user("social_worker"), closure=closure)
    assert LocalClosure.objects.filter(pk=closure.pk).exists()


def test_failed_audit_leaves_no_closure(make_user, monkeypatch):
    """R28: the closure and its audit event commit together or not at all."""
    from safehub.platform import auditing

    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(auditing, "_recorder", broken)
    with pytest.raises(RuntimeError):
        local_closure_create(actor=make_user("sysadmin"), date=CLOSURE_DAY, reason="Closure")
    assert not LocalClosure.objects.exists()
