"""RAG ratings and the working-time clocks (issue 4, item 4)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.front_door import clocks
from safehub.front_door.constants import ClockKey, ClockUnit, ContactStatus
from safehub.front_door.models import ClockSetting, Contact, RagRating
from safehub.front_door.services.clocks import clock_setting_change
from safehub.front_door.services.screening import rag_set
from safehub.front_door.tests.factories import InformationRequestFactory
from safehub.platform.errors import ConflictError, NotFoundOrForbidden, PermissionRefused
from safehub.platform.services.closures import local_closure_create

from .helpers import record

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
# Tuesday 10 November 2026, 10:00: an ordinary working morning.
TUESDAY_10AM = datetime(2026, 11, 10, 10, 0, tzinfo=LONDON)


def test_defaults_are_the_issue_s_clocks():
    assert clocks.setting(ClockKey.RAG_RED) == (4, ClockUnit.WORKING_HOURS)
    assert clocks.setting(ClockKey.RAG_AMBER) == (1, ClockUnit.WORKING_DAYS)
    assert clocks.setting(ClockKey.RAG_GREEN) == (3, ClockUnit.WORKING_DAYS)
    assert clocks.setting(ClockKey.DECISION) == (1, ClockUnit.WORKING_DAYS)


@time_machine.travel(TUESDAY_10AM, tick=False)
def test_red_amber_green_due_times_in_working_time(make_user):
    manager = make_user(Role.MASH_MANAGER)
    contact = record(make_user(Role.MASH_SOCIAL_WORKER), received_at=TUESDAY_10AM)
    assert contact.decision_due_at == datetime(2026, 11, 11, 10, 0, tzinfo=LONDON)
    rag_set(actor=manager, contact=contact, rag="red", expected_version=contact.version)
    assert contact.rag_due_at == datetime(2026, 11, 10, 14, 0, tzinfo=LONDON)
    assert contact.next_due_at == contact.rag_due_at
    assert contact.status == ContactStatus.IN_PROGRESS
    rag_set(
        actor=manager,
        contact=contact,
        rag="green",
        reason="School confirmed food parcel",
        expected_version=contact.version,
    )
    # Three working days on from Tuesday 10:00 is Friday 10:00.
    assert contact.rag_due_at == datetime(2026, 11, 13, 10, 0, tzinfo=LONDON)
    assert contact.next_due_at == contact.decision_due_at
    assert list(RagRating.objects.filter(contact=contact).values_list("previous", "rag")) == [
        ("", "red"),
        ("red", "green"),
    ]


def test_out_of_hours_contacts_start_when_the_office_opens(make_user):
    friday_night = datetime(2026, 11, 13, 21, 30, tzinfo=LONDON)
    with time_machine.travel(friday_night, tick=False):
        contact = record(make_user(Role.MASH_SOCIAL_WORKER), received_at=friday_night)
    # The clock starts when the office opens on Monday and one working day is the whole of it:
    # due at Monday's close, not before anyone could have looked.
    assert contact.decision_due_at == datetime(2026, 11, 16, 17, 0, tzinfo=LONDON)


def test_a_change_of_rating_needs_a_reason(make_user):
    manager = make_user(Role.MASH_MANAGER)
    contact = record(make_user(Role.MASH_SOCIAL_WORKER))
    rag_set(actor=manager, contact=contact, rag="amber", expected_version=contact.version)
    with pytest.raises(ValidationError) as error:
        rag_set(actor=manager, contact=contact, rag="red", expected_version=contact.version)
    assert "reason" in error.value.message_dict
    assert Contact.objects.get(pk=contact.pk).rag == "amber"


def test_only_the_mash_manager_rates(make_user):
    contact = record(make_user(Role.MASH_SOCIAL_WORKER))
    with pytest.raises(NotFoundOrForbidden):
        rag_set(actor=make_user(Role.MASH_SOCIAL_WORKER), contact=contact, rag="red", expected_version=1)


def test_a_stale_rating_is_a_conflict(make_user):
    manager = make_user(Role.MASH_MANAGER)
    contact = record(make_user(Role.MASH_SOCIAL_WORKER))
    stale = contact.version
    rag_set(actor=manager, contact=Contact.objects.get(pk=contact.pk), rag="amber", expected_version=stale)
    with pytest.raises(ConflictError):
        rag_set(actor=manager, contact=contact, rag="red", expected_version=stale)


@time_machine.travel(TUESDAY_10AM, tick=False)
def test_rating_moves_open_requests_due_times(make_user):
    manager = make_user(Role.MASH_MANAGER)
    contact = record(make_user(Role.MASH_SOCIAL_WORKER), received_at=TUESDAY_10AM)
    request = InformationRequestFactory(contact=contact, sent_at=TUESDAY_10AM)
    rag_set(actor=manager, contact=contact, rag="red", expected_version=contact.version)
    request.refresh_from_db()
    assert request.due_at == datetime(2026, 11, 10, 12, 0, tzinfo=LONDON)
    assert request.escalate_at == datetime(2026, 11, 10, 14, 0, tzinfo=LONDON)


@time_machine.travel(TUESDAY_10AM, tick=False)
def test_changing_a_clock_recomputes_open_contacts(make_user):
    manager = make_user(Role.MASH_MANAGER)
    contact = record(make_user(Role.MASH_SOCIAL_WORKER), received_at=TUESDAY_10AM)
    rag_set(actor=manager, contact=contact, rag="red", expected_version=contact.version)
    setting = ClockSetting.objects.get(key=ClockKey.RAG_RED)
    clock_setting_change(
        actor=manager,
        setting=setting,
        amount=2,
        unit=ClockUnit.WORKING_HOURS,
        expected_version=setting.version,
    )
    contact.refresh_from_db()
    assert contact.rag_due_at == datetime(2026, 11, 10, 12, 0, tzinfo=LONDON)
    fresh = clocks.contact_refresh_clocks(Contact.objects.get(pk=contact.pk))
    assert (fresh.rag_due_at, fresh.decision_due_at, fresh.next_due_at) == (
        contact.rag_due_at,
        contact.decision_due_at,
        contact.next_due_at,
    )


def test_clock_settings_are_for_the_mash_manager_and_bounded(make_user):
    setting = ClockSetting.objects.get(key=ClockKey.DECISION)
    with pytest.raises(PermissionRefused):
        clock_setting_change(
            actor=make_user(Role.MASH_SOCIAL_WORKER),
            setting=setting,
            amount=2,
            unit="working_days",
            expected_version=1,
        )
    with pytest.raises(ValidationError) as error:
        clock_setting_change(
            actor=make_user(Role.MASH_MANAGER),
            setting=setting,
            amount=0,
            unit="working_days",
            expected_version=1,
        )
    assert "amount" in error.value.message_dict


def test_a_local_closure_moves_the_stored_due_times(make_user, django_capture_on_commit_callbacks):
    monday = datetime(2026, 11, 16, 10, 0, tzinfo=LONDON)
    with time_machine.travel(monday - timedelta(days=3), tick=False):
        contact = record(make_user(Role.MASH_SOCIAL_WORKER), received_at=monday - timedelta(days=3))
        assert contact.decision_due_at == datetime(2026, 11, 16, 10, 0, tzinfo=LONDON)
        with django_capture_on_commit_callbacks(execute=True):
            local_closure_create(actor=make_user(Role.SYSADMIN), date=monday.date(), reason="Office move")
    contact.refresh_from_db()
    assert contact.decision_due_at == datetime(2026, 11, 17, 10, 0, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        (40, "breaches in 40 minutes"),
        (-120, "breached 2 hours ago"),
        (0.5, "breaches in less than a minute"),
        (60 * 50, "breaches in 2 days"),
    ],
)
def test_forecast_words(minutes, words):
    assert clocks.forecast(TUESDAY_10AM + timedelta(minutes=minutes), TUESDAY_10AM) == words
