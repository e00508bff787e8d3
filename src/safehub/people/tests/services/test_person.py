"""person_create / person_update keep the current name, the NHS number identifier and the keys in step."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.people.constants import IdentifierKind, NameKind
from safehub.people.models import PersonIdentifier, PersonName
from safehub.people.services import person_create, person_update
from safehub.people.tests.factories import PersonFactory, audit_events_on, synthetic_nhs_number

pytestmark = pytest.mark.django_db

CHILD = {"given_name": "Ava", "family_name": "Stone", "sex": "2", "date_of_birth": date(2017, 3, 9)}


def test_create_records_the_current_name_and_the_nhs_number_identifier(editor):
    number = synthetic_nhs_number()
    person = person_create(actor=editor, nhs_number=number, gender="Girl", ethnicity="WBRI", **CHILD)

    name = PersonName.objects.get(person=person)
    assert (name.kind, name.given_name, name.family_name, name.valid_to) == ("current", "Ava", "Stone", None)
    identifier = PersonIdentifier.objects.get(person=person)
    assert (identifier.kind, identifier.value, identifier.removed_at) == ("nhs_number", number, None)
    assert (person.gender, person.ethnicity) == ("Girl", "WBRI")
    assert [e.verb for e in audit_events_on(person)] == ["create"]


def test_a_spaced_nhs_number_is_stored_as_ten_digits(editor):
    person = person_create(actor=editor, nhs_number="943 476 5919", **CHILD)
    assert person.nhs_number == "9434765919"


def test_a_bad_nhs_number_is_refused_at_the_field(editor):
    with pytest.raises(ValidationError) as error:
        person_create(actor=editor, nhs_number="9434765918", **CHILD)
    assert list(error.value.message_dict) == ["nhs_number"]
    assert not PersonName.objects.exists()


DEATH_BEFORE_BIRTH = {"date_of_death": ["The date of death must be on or after the date of birth."]}


def test_death_before_birth_is_refused_at_the_date_of_death(editor):
    with pytest.raises(ValidationError) as error:
        person_create(actor=editor, date_of_death=date(2017, 3, 8), **CHILD)
    assert error.value.message_dict == DEATH_BEFORE_BIRTH

    person = person_create(actor=editor, **CHILD)
    with pytest.raises(ValidationError) as error:
        person_update(actor=editor, person=person, expected_version=1, date_of_death=date(2016, 1, 1))
    assert error.value.message_dict == DEATH_BEFORE_BIRTH


def test_death_on_the_day_of_birth_is_accepted(editor):
    person = person_create(actor=editor, date_of_death=CHILD["date_of_birth"], **CHILD)
    assert person.date_of_death == date(2017, 3, 9)


@time_machine.travel(date(2026, 5, 4), tick=False)
def test_a_changed_name_keeps_the_old_one_as_previous_until_today(editor):
    person = person_create(actor=editor, **CHILD)
    person_update(actor=editor, person=person, expected_version=1, family_name="Brook")

    names = {
        (n.kind, n.family_name, n.valid_from, n.valid_to) for n in PersonName.objects.filter(person=person)
    }
    assert names == {
        (NameKind.PREVIOUS, "Stone", None, date(2026, 5, 4)),
        (NameKind.CURRENT, "Brook", date(2026, 5, 4), None),
    }


def test_an_update_that_keeps_the_name_adds_no_name_rows(editor):
    person = person_create(actor=editor, **CHILD)
    person_update(actor=editor, person=person, expected_version=1, preferred_name="Avi")
    assert PersonName.objects.filter(person=person).count() == 1


def test_a_person_recorded_before_names_were_kept_gets_both_rows_on_a_name_change(editor):
    person = PersonFactory(given_name="Kai", family_name="Reed")
    person_update(actor=editor, person=person, expected_version=person.version, given_name="Kaden")

    assert set(PersonName.objects.filter(person=person).values_list("kind", "given_name")) == {
        ("previous", "Kai"),
        ("current", "Kaden"),
    }
    # And the NHS number the factory gave them becomes an identifier.
    assert PersonIdentifier.objects.get(person=person, removed_at=None).value == person.nhs_number


def test_a_changed_nhs_number_retires_the_old_identifier(editor):
    old, new = synthetic_nhs_number(), synthetic_nhs_number()
    person = person_create(actor=editor, nhs_number=old, **CHILD)
    person_update(actor=editor, person=person, expected_version=1, nhs_number=new)

    rows = PersonIdentifier.objects.filter(person=person, kind=IdentifierKind.NHS_NUMBER)
    assert {(r.value, r.removed_at is None) for r in rows} == {(old, False), (new, True)}

    person_update(actor=editor, person=person, expected_version=2, nhs_number="")
    assert not rows.filter(removed_at=None).exists()


def test_an_nhs_number_another_person_holds_is_refused_at_the_field(editor):
    number = synthetic_nhs_number()
    person_create(actor=editor, nhs_number=number, **CHILD)
    with pytest.raises(ValidationError) as error:
        person_create(
            actor=editor,
            nhs_number=number,
            given_name="Eli",
            family_name="Moss",
            sex="1",
            date_of_birth=date(2015, 1, 1),
        )
    assert error.value.message_dict == {"nhs_number": ["Another person already holds this identifier."]}
    assert PersonName.objects.filter(given_name="Eli").count() == 0
