"""No lost updates (R49): a stale save becomes a clear conflict, on SQLite and PostgreSQL."""

from datetime import date

import pytest
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.people.models import Person
from safehub.people.services import person_create, person_update
from safehub.platform.errors import ConflictError

pytestmark = pytest.mark.django_db


def _person(actor):
    return person_create(
        actor=actor, given_name="Mia", family_name="Hart", sex="2", date_of_birth=date(2016, 5, 4)
    )


def test_second_stale_save_is_refused_and_first_survives(make_user):
    alice, bob = make_user(Role.SOCIAL_WORKER), make_user(Role.TEAM_MANAGER)
    created = _person(alice)
    mine, theirs = Person.objects.get(pk=created.pk), Person.objects.get(pk=created.pk)

    person_update(actor=alice, person=mine, expected_version=1, preferred_name="Mimi")
    with pytest.raises(ConflictError) as conflict:
        person_update(actor=bob, person=theirs, expected_version=1, preferred_name="Millie")

    saved = Person.objects.get(pk=created.pk)
    assert saved.preferred_name == "Mimi"
    assert saved.version == 2
    assert conflict.value.changed_by == str(alice)
    assert conflict.value.current_version == 2
    assert "changed by" in str(conflict.value)


def test_each_accepted_save_is_in_the_history(make_user):
    """R30: saves go through Model.save(), so django-simple-history keeps every version."""
    alice = make_user()
    person = _person(alice)
    person_update(actor=alice, person=person, expected_version=1, preferred_name="Mimi")
    person_update(actor=alice, person=person, expected_version=2, preferred_name="Mo")
    assert list(person.history.order_by("history_date").values_list("preferred_name", flat=True)) == [
        "",
        "Mimi",
        "Mo",
    ]


class InterleavedEdits(RuleBasedStateMachine):
    """K users load and save in any order. A save based on a stale copy must be refused (else an
    acknowledged edit would be silently overwritten); a save based on the latest copy must succeed."""

    @initialize()
    def setup(self) -> None:
        self.users = [UserFactory(role=Role.SOCIAL_WORKER) for _ in range(3)]
        self.person = _person(self.users[0])
        self.loaded: dict[int, tuple[int, Person]] = {}
        self.latest_version = 1
        self.last_acknowledged = ""

    @rule(who=st.integers(0, 2))
    def load(self, who: int) -> None:
        copy = Person.objects.get(pk=self.person.pk)
        self.loaded[who] = (copy.version, copy)

    @rule(who=st.integers(0, 2), name=st.text(alphabet="abcdefgh", min_size=1, max_size=6))
    def save(self, who: int, name: str) -> None:
        if who not in self.loaded:
            return
        version, copy = self.loaded.pop(who)
        based_on_latest = version == self.latest_version
        try:
            person_update(actor=self.users[who], person=copy, expected_version=version, preferred_name=name)
        except ConflictError:
            assert not based_on_latest, "a save based on the latest version was refused"
            return
        assert based_on_latest, "a save based on a stale copy overwrote someone else's edit"
        self.latest_version += 1
        self.last_acknowledged = name

    @invariant()
    def stored_value_is_the_last_acknowledged(self) -> None:
        if hasattr(self, "person"):
            stored = Person.objects.get(pk=self.person.pk)
            assert stored.preferred_name == self.last_acknowledged
            assert stored.version == self.latest_version


@pytest.mark.django_db
def test_interleaved_edits_never_lose_an_acknowledged_save():
    InterleavedEdits.TestCase.settings = hsettings(max_examples=25, stateful_step_count=15, deadline=None)
    InterleavedEdits.TestCase().runTest()
