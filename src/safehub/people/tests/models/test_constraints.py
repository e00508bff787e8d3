"""The database refuses what the services refuse, for any write that bypasses them."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from safehub.people.constants import (
    RELATIONSHIP_INVERSE,
    STORED_RELATIONSHIPS,
    SYMMETRIC_RELATIONSHIPS,
    IdentifierKind,
    NameKind,
    RelationshipKind,
)
from safehub.people.models import PersonIdentifier, PersonMatchKey, PersonName, Relationship
from safehub.people.tests.factories import PersonFactory
from safehub.platform import clock

pytestmark = pytest.mark.django_db


def refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_a_relationship_to_oneself_is_refused_by_the_database():
    person = PersonFactory()
    assert refused(lambda: Relationship.objects.create(person_a=person, person_b=person, kind="sibling"))


def test_a_child_of_row_is_refused_by_the_database():
    a, b = PersonFactory(), PersonFactory()
    assert refused(lambda: Relationship.objects.create(person_a=a, person_b=b, kind=RelationshipKind.CHILD))


def test_death_before_birth_is_refused_by_the_database():
    person = PersonFactory(date_of_birth=date(2020, 1, 2))
    person.date_of_death = date(2020, 1, 1)
    assert refused(person.save)


def test_one_current_name_per_person():
    person = PersonFactory()
    PersonName.objects.create(person=person, kind=NameKind.CURRENT, given_name="A", family_name="B")
    assert refused(
        lambda: PersonName.objects.create(
            person=person, kind=NameKind.CURRENT, given_name="C", family_name="D"
        )
    )


def test_one_active_holder_of_a_national_identifier():
    a, b = PersonFactory(), PersonFactory()
    PersonIdentifier.objects.create(person=a, kind=IdentifierKind.UPN, value="A123")
    assert refused(lambda: PersonIdentifier.objects.create(person=b, kind=IdentifierKind.UPN, value="A123"))
    PersonIdentifier.objects.filter(person=a).update(removed_at=clock.now())
    assert not refused(
        lambda: PersonIdentifier.objects.create(person=b, kind=IdentifierKind.UPN, value="A123")
    )


def test_an_agency_id_without_its_agency_is_refused_by_the_database():
    person = PersonFactory()
    assert refused(
        lambda: PersonIdentifier.objects.create(person=person, kind=IdentifierKind.AGENCY_ID, value="1")
    )


def test_a_match_key_is_stored_once_per_person():
    person = PersonFactory()
    PersonMatchKey.objects.create(person=person, kind="dob", value="2020-01-01")
    assert refused(lambda: PersonMatchKey.objects.create(person=person, kind="dob", value="2020-01-01"))


def test_every_relationship_kind_has_an_inverse_that_leads_back():
    assert set(RELATIONSHIP_INVERSE) == set(RelationshipKind.values)
    for kind, inverse in RELATIONSHIP_INVERSE.items():
        assert RELATIONSHIP_INVERSE[inverse] == kind
        # Exactly one of each pair is the stored direction (both, for a symmetric kind).
        assert (kind in STORED_RELATIONSHIPS) != (
            inverse in STORED_RELATIONSHIPS
        ) or kind in SYMMETRIC_RELATIONSHIPS


def test_a_stored_relationship_reads_as_its_inverse_from_the_other_side():
    a, b = PersonFactory(), PersonFactory()
    row = Relationship(person_a=a, person_b=b, kind=RelationshipKind.GRANDPARENT)
    assert (row.kind_for(a.pk), row.kind_for(b.pk)) == ("grandparent", "grandchild")
