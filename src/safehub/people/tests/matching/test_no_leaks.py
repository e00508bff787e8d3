"""R22 / R19(c), property-based: no restricted record leaks through match candidates or counts.

A small population with near-twins is restricted at random; random searches (derived from the
people, with slips) are run by random roles. Whatever the draw: no candidate is a record the actor
may not open; a non-MASH actor's count is 0; and the visible list is exactly what the scorer ranks
when the hidden people are left out entirely, so their presence cannot be read from the order,
the probabilities or the number of candidates either.
"""

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safehub.access.constants import Level
from safehub.access.models import RestrictedRecord
from safehub.accounts.constants import Role
from safehub.people.matching import scorer
from safehub.people.normalise import query_keys
from safehub.people.services import person_match
from safehub.people.services.match import MAX_CANDIDATES, parse_query
from safehub.people.tests.factories import indexed_person, restrict

pytestmark = pytest.mark.django_db

FAMILY = ("Hartley", "Hartly", "Okafor", "Nowak")
GIVEN = ("Olivia", "Olivea", "Amara", "Jan")
ROLES = (Role.SOCIAL_WORKER, Role.EARLY_HELP, Role.MASH_SOCIAL_WORKER, Role.MASH_MANAGER)


def _population() -> list[Any]:
    people = []
    for i, (given_name, family_name) in enumerate((g, f) for f in FAMILY for g in GIVEN):
        people.append(
            indexed_person(
                given_name=given_name,
                family_name=family_name,
                date_of_birth=date(2014, 3 + i % 3, 9 + i % 2),
            )
        )
    return people


def _typo(text: str, at: int) -> str:
    at %= len(text)
    return text[:at] + text[at + 1 :] if len(text) > 3 else text


def test_no_restricted_record_leaks_through_matching(make_user: Any) -> None:
    people = _population()
    users: dict[str, Any] = {role: make_user(role) for role in ROLES}

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        hidden=st.sets(st.integers(0, len(people) - 1), max_size=10),
        sealed=st.booleans(),
        role=st.sampled_from(ROLES),
        who=st.integers(0, len(people) - 1),
        slip=st.integers(0, 20),
        with_dob=st.booleans(),
        limit=st.integers(1, MAX_CANDIDATES),
    )
    def check(
        hidden: set[int], sealed: bool, role: str, who: int, slip: int, with_dob: bool, limit: int
    ) -> None:
        RestrictedRecord.objects.all().delete()
        for index in hidden:
            restrict(people[index], Level.SEALED if sealed else Level.RESTRICTED)
        hidden_ids = {people[i].pk for i in hidden}
        person = people[who]
        query = {"given_name": _typo(person.given_name, slip), "family_name": person.family_name}
        if with_dob:
            query["date_of_birth"] = person.date_of_birth.isoformat()

        result = person_match(actor=users[role], query=query, limit=limit)

        returned = [c.person_id for c in result.candidates]
        assert not hidden_ids & set(returned)
        if role not in (Role.MASH_SOCIAL_WORKER, Role.MASH_MANAGER):
            assert result.restricted_matches == 0
        else:
            assert 0 <= result.restricted_matches <= min(len(hidden_ids), limit)
        searched = parse_query(query)
        rows = [row for row in scorer.candidates(query_keys(searched)) if row[0] not in hidden_ids]
        expected = scorer.rank(scorer.comparable(searched), rows, scorer.current_weights())[:limit]
        assert returned == [s.person_id for s in expected]
        assert [c.probability for c in result.candidates] == [s.probability for s in expected]

    check()
