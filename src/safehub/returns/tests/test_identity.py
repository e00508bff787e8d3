"""A child's return id (CIN LAchildID, 903 CHILD): kept for life, never reused (issue 7, ADR 0006)."""

import pytest

from safehub.people.tests.factories import PersonFactory
from safehub.returns.constants import CHILD_ID_PATTERN, ChildIdSource
from safehub.returns.identity import child_ids_for, people_for_child_ids
from safehub.returns.models import ChildReturnId

pytestmark = pytest.mark.django_db


def test_a_child_without_an_id_is_given_one_of_letters_and_digits_that_stays_theirs():
    child = PersonFactory()
    first = child_ids_for([child.id])[child.id]
    assert CHILD_ID_PATTERN.match(first)
    assert ChildReturnId.objects.get(person=child).source == ChildIdSource.ALLOCATED
    assert child_ids_for([child.id]) == {child.id: first}
    assert ChildReturnId.objects.count() == 1


def test_an_imported_id_is_kept_and_an_allocated_one_never_collides_with_it():
    imported, other, third = PersonFactory(), PersonFactory(), PersonFactory()
    # A legacy system that happened to use our shape: the allocator must step over it.
    ChildReturnId.objects.create(person=imported, child_id="SH00000001", source=ChildIdSource.IMPORTED)
    ids = child_ids_for([imported.id, other.id, third.id])
    assert ids[imported.id] == "SH00000001"
    assert len(set(ids.values())) == 3


def test_ids_are_never_reused_after_the_person_is_merged_or_gone_from_a_return():
    first, second = PersonFactory(), PersonFactory()
    a = child_ids_for([first.id])[first.id]
    # The first child is no longer in any return; a new child still gets a new number.
    b = child_ids_for([second.id])[second.id]
    assert a != b
    assert int(b[2:]) > int(a[2:])


def test_a_finding_links_back_to_the_child_and_ignores_ids_nobody_holds():
    child = PersonFactory()
    child_id = child_ids_for([child.id])[child.id]
    assert people_for_child_ids([child_id, "NOBODY1"]) == {child_id: child.id}
