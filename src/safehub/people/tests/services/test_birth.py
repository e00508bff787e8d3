"""Recording the birth of an unborn child on the same record: `person_record_birth` (issue 5)."""

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.child_protection.models import ChildProtectionPlan
from safehub.child_protection.tests.factories import ReferralFactory
from safehub.people.constants import NameKind, Sex
from safehub.people.models import Person, PersonName
from safehub.people.services.birth import person_record_birth
from safehub.people.tests.factories import audit_events_on, indexed_person
from safehub.platform.errors import ConflictError, NotFoundOrForbidden

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 11)
EXPECTED = date(2026, 5, 20)


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def unborn(editor: Any) -> Person:
    return indexed_person(
        actor=editor,
        given_name="Baby",
        family_name="Thornbury",
        date_of_birth=None,
        expected_date_of_birth=EXPECTED,
        sex=Sex.UNBORN,
        nhs_number="",
    )


def test_the_birth_is_recorded_on_the_same_record_and_keeps_its_history(editor: Any, unborn: Person) -> None:
    """An unborn child's record becomes the born child's record at birth: the referral and the
    pre-birth child protection plan stay on the same person."""
    referral = ReferralFactory(person=unborn, referral_date=TODAY - timedelta(days=60))
    plan = ChildProtectionPlan.objects.create(
        referral=referral,
        person=unborn,
        started_on=TODAY - timedelta(days=30),
        initial_category="NEG",
        latest_category="NEG",
        unborn_at_start=True,
    )
    born = person_record_birth(
        actor=editor,
        person=unborn,
        expected_version=unborn.version,
        date_of_birth=TODAY - timedelta(days=2),
        given_name="Ada",
        sex=Sex.FEMALE,
    )
    born.refresh_from_db()
    assert born.pk == unborn.pk
    assert (born.date_of_birth, born.expected_date_of_birth) == (TODAY - timedelta(days=2), EXPECTED)
    assert (born.given_name, born.family_name, born.sex) == ("Ada", "Thornbury", Sex.FEMALE)
    plan.refresh_from_db()
    assert (plan.person_id, plan.unborn_at_start, plan.is_open) == (born.pk, True, True)
    assert list(born.referrals.all()) == [referral]
    names = {(n.kind, n.given_name) for n in PersonName.objects.filter(person=born)}
    assert {(NameKind.CURRENT, "Ada"), (NameKind.PREVIOUS, "Baby")} <= names


def test_the_audit_event_carries_a_fixed_code_and_no_name(editor: Any, unborn: Person) -> None:
    """R27: the event says a birth was recorded; never the name or the date typed."""
    person_record_birth(
        actor=editor, person=unborn, expected_version=unborn.version, date_of_birth=TODAY, given_name="Ada"
    )
    (event,) = audit_events_on(unborn, section="birth")
    assert event.reason == "birth_recorded"
    assert "Ada" not in str(event.__dict__)


def test_an_unborn_sex_becomes_not_known_when_none_is_given(editor: Any, unborn: Person) -> None:
    born = person_record_birth(
        actor=editor, person=unborn, expected_version=unborn.version, date_of_birth=TODAY
    )
    assert (born.sex, born.given_name) == (Sex.UNKNOWN, "Baby")


def test_only_an_unborn_child(editor: Any, new_person: Any) -> None:
    born = new_person(date_of_birth=date(2020, 1, 1))
    with pytest.raises(ValidationError, match="already has a date of birth, 1 January 2020"):
        person_record_birth(actor=editor, person=born, expected_version=born.version, date_of_birth=TODAY)
    unknown = new_person(date_of_birth=None, expected_date_of_birth=None, sex=Sex.UNKNOWN)
    with pytest.raises(ValidationError, match="not recorded as an unborn child"):
        person_record_birth(
            actor=editor, person=unknown, expected_version=unknown.version, date_of_birth=TODAY
        )


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (None, "Enter the date of birth"),
        (TODAY + timedelta(days=1), "cannot be in the future"),
        (EXPECTED - timedelta(weeks=24, days=1), "more than 24 weeks before the expected date, 20 May 2026"),
    ],
)
def test_dates_are_checked_at_the_field(editor: Any, unborn: Person, day: Any, message: str) -> None:
    with pytest.raises(ValidationError) as error:
        person_record_birth(actor=editor, person=unborn, expected_version=unborn.version, date_of_birth=day)
    assert message in " ".join(error.value.message_dict["date_of_birth"])
    unborn.refresh_from_db()
    assert unborn.date_of_birth is None


def test_a_date_long_after_the_expected_date_is_refused(editor: Any) -> None:
    overdue = indexed_person(
        actor=editor, date_of_birth=None, expected_date_of_birth=TODAY - timedelta(days=400), sex=Sex.UNBORN
    )
    with pytest.raises(ValidationError, match="more than a year after the expected date"):
        person_record_birth(
            actor=editor, person=overdue, expected_version=overdue.version, date_of_birth=TODAY
        )


def test_a_save_since_the_page_was_opened_is_a_conflict(editor: Any, unborn: Person) -> None:
    """R49: the second of two saves from version v gets ConflictError; the first's data survives."""
    stale = Person.objects.get(pk=unborn.pk)
    person_record_birth(
        actor=editor, person=unborn, expected_version=unborn.version, date_of_birth=TODAY, given_name="Ada"
    )
    with pytest.raises(ConflictError):
        person_record_birth(
            actor=editor, person=stale, expected_version=stale.version, date_of_birth=TODAY, given_name="Eve"
        )
    unborn.refresh_from_db()
    assert unborn.given_name == "Ada"


def test_whoever_may_not_change_people_is_refused(make_user: Any, unborn: Person) -> None:
    with pytest.raises(NotFoundOrForbidden):
        person_record_birth(
            actor=make_user(Role.IRO, mfa=False),
            person=unborn,
            expected_version=unborn.version,
            date_of_birth=TODAY,
        )


def test_a_birth_on_or_before_the_start_of_a_plan_made_before_birth_is_refused(
    editor: Any, unborn: Person
) -> None:
    """A plan marked unborn at start began before the birth: a date of birth on or before the
    plan's start contradicts it, and is refused at the field with nothing written."""
    started = TODAY - timedelta(days=5)
    referral = ReferralFactory(person=unborn, referral_date=TODAY - timedelta(days=60))
    ChildProtectionPlan.objects.create(
        referral=referral,
        person=unborn,
        started_on=started,
        initial_category="NEG",
        latest_category="NEG",
        unborn_at_start=True,
    )
    for day in (started, started - timedelta(days=1)):
        with pytest.raises(ValidationError) as error:
            person_record_birth(
                actor=editor, person=unborn, expected_version=unborn.version, date_of_birth=day
            )
        assert error.value.message_dict["date_of_birth"] == [
            "A child protection plan started on 6 May 2026 while the child was unborn: "
            "the date of birth must be after that date."
        ]
    unborn.refresh_from_db()
    assert unborn.date_of_birth is None
    assert audit_events_on(unborn, section="birth") == []
    born = person_record_birth(
        actor=editor,
        person=unborn,
        expected_version=unborn.version,
        date_of_birth=started + timedelta(days=1),
    )
    assert born.date_of_birth == date(2026, 5, 7)
