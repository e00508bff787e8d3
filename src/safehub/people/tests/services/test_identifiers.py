"""UPNs, agency ids and police references: validated, unique where they must be, removed softly."""

import pytest
from django.core.exceptions import ValidationError

from safehub.accounts.constants import AgencyKind
from safehub.accounts.tests.factories import AgencyFactory
from safehub.people.constants import IdentifierKind
from safehub.people.identifiers import make_upn
from safehub.people.models import PersonIdentifier
from safehub.people.services import person_identifier_add, person_identifier_remove
from safehub.people.tests.factories import audit_events_on

pytestmark = pytest.mark.django_db


def test_a_upn_is_stored_upper_case_without_spaces(editor, person):
    upn = make_upn(serial=7)
    identifier = person_identifier_add(
        actor=editor, person=person, kind=IdentifierKind.UPN, value=upn.lower()
    )
    assert identifier.value == upn
    assert [e.verb for e in audit_events_on(person, "identifiers")] == ["create"]


def test_a_bad_upn_is_refused_at_the_value_with_the_reason(editor, person):
    good = make_upn(serial=8)
    wrong_letter = ("B" if good[0] == "A" else "A") + good[1:]
    with pytest.raises(ValidationError) as error:
        person_identifier_add(actor=editor, person=person, kind=IdentifierKind.UPN, value=wrong_letter)
    assert list(error.value.message_dict) == ["value"]
    assert "check letter" in error.value.message_dict["value"][0]


def test_a_new_upn_makes_the_old_one_a_former_upn(editor, person):
    first, second = make_upn(serial=1), make_upn(serial=2)
    person_identifier_add(actor=editor, person=person, kind=IdentifierKind.UPN, value=first)
    person_identifier_add(actor=editor, person=person, kind=IdentifierKind.UPN, value=second)
    kinds = dict(
        PersonIdentifier.objects.filter(person=person).exclude(kind="nhs_number").values_list("value", "kind")
    )
    assert kinds == {first: IdentifierKind.FORMER_UPN, second: IdentifierKind.UPN}


def test_the_nhs_number_is_changed_on_the_person_not_here(editor, person):
    with pytest.raises(ValidationError) as error:
        person_identifier_add(actor=editor, person=person, kind=IdentifierKind.NHS_NUMBER, value="9434765919")
    assert list(error.value.message_dict) == ["kind"]


def test_an_agency_id_needs_its_issuing_agency(editor, person):
    with pytest.raises(ValidationError) as error:
        person_identifier_add(actor=editor, person=person, kind=IdentifierKind.AGENCY_ID, value="CH-1")
    assert list(error.value.message_dict) == ["issuing_agency"]


def test_two_people_cannot_hold_the_same_agency_id(editor, person, new_person, police):
    person_identifier_add(
        actor=editor,
        person=person,
        kind=IdentifierKind.POLICE_REFERENCE,
        value="PR-42",
        issuing_agency=police,
    )
    other = new_person()
    with pytest.raises(ValidationError) as error:
        person_identifier_add(
            actor=editor,
            person=other,
            kind=IdentifierKind.POLICE_REFERENCE,
            value="PR-42",
            issuing_agency=police,
        )
    assert error.value.message_dict == {"value": ["Another person already holds this identifier."]}
    assert not PersonIdentifier.objects.filter(person=other, value="PR-42").exists()


def test_the_same_id_from_another_agency_is_someone_else_s_business(editor, person, new_person, police):
    person_identifier_add(
        actor=editor, person=person, kind=IdentifierKind.AGENCY_ID, value="123", issuing_agency=police
    )
    health = AgencyFactory(name="Synthetic Health Trust", kind=AgencyKind.HEALTH_TRUST)
    other = new_person()
    added = person_identifier_add(
        actor=editor, person=other, kind=IdentifierKind.AGENCY_ID, value="123", issuing_agency=health
    )
    assert added.pk is not None


def test_removal_is_soft_needs_a_reason_and_frees_the_value(editor, person, new_person, police):
    identifier = person_identifier_add(
        actor=editor, person=person, kind=IdentifierKind.AGENCY_ID, value="X9", issuing_agency=police
    )
    with pytest.raises(ValidationError) as error:
        person_identifier_remove(actor=editor, identifier=identifier, reason=" ")
    assert list(error.value.message_dict) == ["removed_reason"]

    person_identifier_remove(actor=editor, identifier=identifier, reason="Recorded on the wrong child")
    identifier.refresh_from_db()
    assert identifier.removed_at is not None
    assert identifier.removed_reason == "Recorded on the wrong child"
    assert audit_events_on(person, "identifiers")[-1].reason == "Recorded on the wrong child"

    moved = person_identifier_add(
        actor=editor, person=new_person(), kind=IdentifierKind.AGENCY_ID, value="X9", issuing_agency=police
    )
    assert moved.removed_at is None
