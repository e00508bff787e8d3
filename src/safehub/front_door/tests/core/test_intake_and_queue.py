"""Intake alerts, intake intelligence and the MASH queue (issue 4, items 3 and 4)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.tests.factories import AgencyFactory
from safehub.front_door.constants import IntakeAlertKind, SubjectRole
from safehub.front_door.models import IntakeAlert
from safehub.front_door.selectors.contacts import contact_get, contact_queue, queue_summary
from safehub.front_door.selectors.intake import intake_for
from safehub.front_door.services.contact import ReferrerInput, SubjectInput, contact_subject_link
from safehub.front_door.services.screening import rag_set
from safehub.front_door.tests.factories import ContactFactory, ContactSubjectFactory
from safehub.people.constants import RiskFlagKind
from safehub.people.involvements import (
    Involvement,
    register_involvement_source,
    unregister_involvement_source,
)
from safehub.people.services.risk import risk_flag_add
from safehub.people.tests.factories import PersonFactory
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

from .helpers import record

pytestmark = pytest.mark.django_db


def _linked_child(person):
    return [SubjectInput(role=SubjectRole.CHILD, details={}, person_id=person.pk)]


def test_a_third_contact_in_twelve_months_raises_a_repeat_alert(make_user):
    worker = make_user(Role.MASH_SOCIAL_WORKER)
    child = PersonFactory()
    now = clock.now()
    record(worker, subjects=_linked_child(child), received_at=now - timedelta(days=300))
    second = record(worker, subjects=_linked_child(child), received_at=now - timedelta(days=100))
    assert not IntakeAlert.objects.filter(contact=second, kind=IntakeAlertKind.REPEAT_CONTACT).exists()
    third = record(worker, subjects=_linked_child(child))
    alert = IntakeAlert.objects.get(contact=third, kind=IntakeAlertKind.REPEAT_CONTACT)
    assert alert.person == child
    assert "At least 3 contacts" in alert.message


def test_an_old_contact_does_not_count_towards_a_repeat(make_user):
    worker = make_user(Role.MASH_SOCIAL_WORKER)
    child = PersonFactory()
    record(worker, subjects=_linked_child(child), received_at=clock.now() - timedelta(days=400))
    record(worker, subjects=_linked_child(child), received_at=clock.now() - timedelta(days=30))
    third = record(worker, subjects=_linked_child(child))
    assert not third.intake_alerts.filter(kind=IntakeAlertKind.REPEAT_CONTACT).exists()


def test_two_agencies_within_seven_days_raise_a_multi_agency_alert(make_user):
    worker = make_user(Role.MASH_SOCIAL_WORKER)
    child = PersonFactory()
    school = AgencyFactory(name="Riverside Primary", kind=AgencyKind.SCHOOL)
    gp = AgencyFactory(name="Beech Surgery", kind=AgencyKind.GP_PRACTICE)
    record(
        worker,
        subjects=_linked_child(child),
        referrer=ReferrerInput(agency=school),
        received_at=clock.now() - timedelta(days=5),
    )
    same_agency = record(worker, subjects=_linked_child(child), referrer=ReferrerInput(agency=school))
    assert not same_agency.intake_alerts.filter(kind=IntakeAlertKind.MULTI_AGENCY).exists()
    other = record(
        worker, subjects=_linked_child(child), referrer=ReferrerInput(agency=gp), referral_source="3A"
    )
    assert other.intake_alerts.filter(kind=IntakeAlertKind.MULTI_AGENCY).exists()


def test_linking_later_raises_the_alerts_then(make_user):
    worker = make_user(Role.MASH_SOCIAL_WORKER)
    child = PersonFactory()
    for days in (200, 50):
        record(worker, subjects=_linked_child(child), received_at=clock.now() - timedelta(days=days))
    portal = record(make_user(Role.REFERRER), channel="portal")
    subject = portal.subjects.get()
    contact_subject_link(actor=worker, subject=subject, person=child)
    assert portal.intake_alerts.filter(kind=IntakeAlertKind.REPEAT_CONTACT).count() == 1
    with pytest.raises(ValidationError):
        contact_subject_link(actor=worker, subject=subject, person=child)
    assert portal.intake_alerts.count() == 1


def test_a_flagged_adult_in_a_contact_raises_both_alerts(make_user):
    worker = make_user(Role.MASH_SOCIAL_WORKER)
    police = AgencyFactory(name="Test Police", kind=AgencyKind.POLICE)
    adult, child = PersonFactory(date_of_birth=clock.today() - timedelta(days=365 * 40)), PersonFactory()
    risk_flag_add(
        actor=worker,
        person=adult,
        kind=RiskFlagKind.POSING_RISK_TO_CHILDREN,
        source_agency=police,
        starts_on=clock.today() - timedelta(days=10),
        review_on=clock.today() + timedelta(days=80),
    )
    contact = record(
        worker,
        subjects=[
            *_linked_child(child),
            SubjectInput(role=SubjectRole.ALLEGED_PERPETRATOR, details={}, person_id=adult.pk),
        ],
    )
    assert contact.intake_alerts.filter(kind=IntakeAlertKind.FLAGGED_ADULT, person=adult).exists()
    intake = intake_for(actor=worker, contact=contact)
    assert [a.person for a in intake.adult_flags] == [adult]


def test_intake_shows_recent_contacts_and_open_involvements(make_user):
    worker = make_user(Role.MASH_SOCIAL_WORKER)
    child = PersonFactory()
    earlier = record(worker, subjects=_linked_child(child), received_at=clock.now() - timedelta(days=60))
    contact = record(worker, subjects=_linked_child(child))

    def source(actor, ids):
        return [Involvement(person_id=i, service="Early help", started_on=clock.today()) for i in ids]

    register_involvement_source("test", source)
    try:
        intake = intake_for(actor=worker, contact=contact)
    finally:
        unregister_involvement_source("test")
    assert intake.recent_contacts == [earlier]
    assert [i.service for i in intake.involvements] == ["Early help"]


def test_the_queue_puts_the_nearest_breach_first_and_forecasts_it(make_user):
    manager = make_user(Role.MASH_MANAGER)
    now = clock.now()
    later = ContactFactory(next_due_at=now + timedelta(hours=5))
    soon = ContactFactory(next_due_at=now + timedelta(minutes=40))
    late = ContactFactory(next_due_at=now - timedelta(hours=2))
    ContactFactory(status="decided", next_due_at=None)
    with time_machine.travel(now, tick=False):
        rows = contact_queue(actor=manager)
        summary = queue_summary(actor=manager)
    assert [r.contact for r in rows] == [late, soon, later]
    assert rows[0].overdue
    assert rows[0].forecast == "breached 2 hours ago"
    assert rows[1].due_soon
    assert rows[1].forecast == "breaches in 40 minutes"
    assert (summary.open, summary.overdue, summary.due_soon) == (3, 1, 1)


def test_the_queue_query_count_does_not_grow(make_user, django_assert_max_num_queries):
    manager = make_user(Role.MASH_MANAGER)
    for _ in range(3):
        ContactSubjectFactory()
    with django_assert_max_num_queries(10) as few:
        contact_queue(actor=manager)
    for _ in range(30):
        ContactSubjectFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(contact_queue(actor=manager)) == 33


@pytest.mark.parametrize(
    "role", [Role.MASH_PARTNER, Role.REFERRER, Role.SOCIAL_WORKER, Role.PERFORMANCE_ANALYST]
)
def test_only_mash_roles_see_the_queue_and_contacts(make_user, role):
    """R18, R19: the queue and a contact are MASH work."""
    contact = ContactFactory()
    user = make_user(role)
    assert contact_queue(actor=user) == []
    with pytest.raises(NotFoundOrForbidden):
        contact_get(actor=user, id=contact.pk)


def test_a_referrer_tracks_only_their_own(make_user):
    referrer, other = make_user(Role.REFERRER), make_user(Role.REFERRER)
    mine = record(referrer, channel="portal")
    assert contact_get(actor=referrer, id=mine.pk, action="track") == mine
    with pytest.raises(NotFoundOrForbidden):
        contact_get(actor=other, id=mine.pk, action="track")
    with pytest.raises(NotFoundOrForbidden):
        contact_get(actor=referrer, id=mine.pk)


def test_rating_is_recorded_for_the_queue(make_user):
    manager = make_user(Role.MASH_MANAGER)
    contact = record(make_user(Role.MASH_SOCIAL_WORKER))
    rag_set(actor=manager, contact=contact, rag="red", expected_version=contact.version)
    [row] = contact_queue(actor=manager, rag="red")
    assert row.clock == "Red screening"
