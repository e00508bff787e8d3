"""Addresses over time and households."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.people.models import PersonAddress
from safehub.people.services import (
    household_create,
    household_member_add,
    household_member_end,
    person_address_add,
    person_address_end,
)
from safehub.people.tests.factories import AddressFactory, audit_events_on
from safehub.platform.errors import PermissionRefused

pytestmark = pytest.mark.django_db


def test_a_new_address_has_its_postcode_normalised(editor, person):
    lived = person_address_add(
        actor=editor, person=person, line_1="1 Test Street", postcode="sw1a1aa", uprn="100023336956"
    )
    assert (lived.address.postcode, lived.address.uprn, lived.kind) == ("SW1A 1AA", "100023336956", "home")
    assert [e.verb for e in audit_events_on(person, "addresses")] == ["create"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"line_1": "1 Test Street", "postcode": "ZZ1 1ZZ9"}, "postcode"),
        ({"line_1": "1 Test Street", "uprn": "12AB"}, "uprn"),
        ({"line_1": "", "postcode": "M1 1AE"}, "line_1"),
    ],
)
def test_a_bad_address_is_refused_at_the_field(editor, person, fields, field):
    with pytest.raises(ValidationError) as error:
        person_address_add(actor=editor, person=person, **fields)
    assert list(error.value.message_dict) == [field]
    assert not PersonAddress.objects.exists()


def test_the_same_current_address_twice_is_refused(editor, person):
    address = AddressFactory()
    person_address_add(actor=editor, person=person, address=address)
    with pytest.raises(ValidationError) as error:
        person_address_add(actor=editor, person=person, address=address)
    assert list(error.value.message_dict) == ["address"]


@time_machine.travel(date(2026, 5, 4), tick=False)
def test_ending_an_address_dates_it(editor, person):
    lived = person_address_add(
        actor=editor, person=person, address=AddressFactory(), valid_from=date(2020, 1, 1)
    )
    person_address_end(actor=editor, person_address=lived)
    lived.refresh_from_db()
    assert lived.valid_to == date(2026, 5, 4)
    with pytest.raises(ValidationError):
        person_address_end(actor=editor, person_address=lived)


def test_an_address_that_ends_before_it_starts_is_refused_at_valid_to(editor, person):
    lived = person_address_add(
        actor=editor, person=person, address=AddressFactory(), valid_from=date(2020, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        person_address_end(actor=editor, person_address=lived, valid_to=date(2019, 12, 31))
    assert list(error.value.message_dict) == ["valid_to"]


def test_household_membership_is_added_once_and_ended(editor, person):
    household = household_create(actor=editor, address=AddressFactory())
    member = household_member_add(
        actor=editor, household=household, person=person, valid_from=date(2024, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        household_member_add(actor=editor, household=household, person=person)
    assert list(error.value.message_dict) == ["person"]
    household_member_end(actor=editor, member=member)
    member.refresh_from_db()
    assert member.valid_to is not None
    assert [e.verb for e in audit_events_on(person, "households")] == ["create", "update"]
    # After leaving, the person can join again.
    assert household_member_add(actor=editor, household=household, person=person).pk != member.pk


def test_a_role_that_cannot_edit_people_cannot_create_a_household(make_user):
    with pytest.raises(PermissionRefused):
        household_create(actor=make_user(Role.IRO), address=AddressFactory())
