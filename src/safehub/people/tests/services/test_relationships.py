"""Relationships are stored once per pair, refused twice in either direction, and read from both sides."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.people.constants import RelationshipKind as K
from safehub.people.models import Relationship
from safehub.people.selectors import relationships_for
from safehub.people.services import relationship_add, relationship_end
from safehub.people.tests.factories import audit_events_on, restrict
from safehub.platform.errors import NotFoundOrForbidden

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(new_person):
    return new_person(given_name="Ann", family_name="Hale"), new_person(given_name="Ben", family_name="Hale")


def test_a_relationship_to_oneself_is_refused_at_person_b(editor, person):
    with pytest.raises(ValidationError) as error:
        relationship_add(actor=editor, person_a=person, person_b=person, kind=K.SIBLING)
    assert list(error.value.message_dict) == ["person_b"]


def test_a_child_of_is_stored_as_parent_of_and_read_from_both_sides(editor, pair):
    parent, child = pair
    relationship_add(actor=editor, person_a=child, person_b=parent, kind=K.CHILD, valid_from=date(2015, 1, 1))

    row = Relationship.objects.get()
    assert (row.person_a, row.person_b, row.kind) == (parent, child, K.PARENT)
    [from_parent] = relationships_for(actor=editor, person=parent)
    [from_child] = relationships_for(actor=editor, person=child)
    assert (from_parent.kind, from_parent.other, from_parent.label) == (K.PARENT, child, "Parent of Ben Hale")
    assert (from_child.kind, from_child.other, from_child.label) == (K.CHILD, parent, "Child of Ann Hale")


def test_both_people_see_the_change_in_their_access_log(editor, pair):
    a, b = pair
    relationship_add(actor=editor, person_a=a, person_b=b, kind=K.PARTNER)
    assert [e.verb for e in audit_events_on(a, "relationships")] == ["create"]
    assert [e.verb for e in audit_events_on(b, "relationships")] == ["create"]


@pytest.mark.parametrize("kind", [K.SIBLING, K.HALF_SIBLING, K.PARTNER, K.HOUSEHOLD_MEMBER, K.OTHER])
@pytest.mark.parametrize("reverse", [False, True])
def test_a_symmetric_relationship_is_refused_twice_in_either_direction(editor, pair, kind, reverse):
    a, b = pair
    relationship_add(actor=editor, person_a=a, person_b=b, kind=kind)
    second = (b, a) if reverse else (a, b)
    with pytest.raises(ValidationError) as error:
        relationship_add(actor=editor, person_a=second[0], person_b=second[1], kind=kind)
    assert list(error.value.message_dict) == ["kind"]
    assert Relationship.objects.count() == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((0, 1, K.PARENT), (1, 0, K.CHILD)),  # the same fact typed from the other side
        ((0, 1, K.PARENT), (1, 0, K.PARENT)),  # a contradiction: each the other's parent
        ((0, 1, K.CARER), (0, 1, K.CARER)),
    ],
)
def test_an_asymmetric_relationship_is_refused_twice(editor, pair, first, second):
    relationship_add(actor=editor, person_a=pair[first[0]], person_b=pair[first[1]], kind=first[2])
    with pytest.raises(ValidationError):
        relationship_add(actor=editor, person_a=pair[second[0]], person_b=pair[second[1]], kind=second[2])


def test_an_ended_relationship_can_be_recorded_again(editor, pair):
    a, b = pair
    first = relationship_add(actor=editor, person_a=a, person_b=b, kind=K.PARTNER)
    relationship_end(actor=editor, relationship=first)
    again = relationship_add(actor=editor, person_a=b, person_b=a, kind=K.PARTNER)
    assert again.pk != first.pk
    sides = relationships_for(actor=editor, person=a)
    assert [s.is_current for s in sides] == [True, False]


def test_an_unknown_kind_is_refused_at_the_kind(editor, pair):
    with pytest.raises(ValidationError) as error:
        relationship_add(actor=editor, person_a=pair[0], person_b=pair[1], kind="cousin")
    assert list(error.value.message_dict) == ["kind"]


def test_relatives_the_reader_may_not_see_are_left_out(editor, pair, new_person, make_user):
    """R22: a restricted relative does not appear in another person's relationships."""
    a, b = pair
    hidden = new_person()
    relationship_add(actor=editor, person_a=a, person_b=b, kind=K.SIBLING)
    relationship_add(actor=editor, person_a=a, person_b=hidden, kind=K.SIBLING)
    restrict(hidden)

    reader = make_user(Role.SOCIAL_WORKER)
    assert [side.other for side in relationships_for(actor=reader, person=a)] == [b]
    assert audit_events_on(a, "relationships")[-1].verb == "view"


def test_a_role_that_cannot_view_people_cannot_read_relationships(person, make_user):
    with pytest.raises(NotFoundOrForbidden):
        relationships_for(actor=make_user(Role.PERFORMANCE_ANALYST), person=person)
