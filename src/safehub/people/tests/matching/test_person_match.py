"""The match service: ranking, explanation, bad input, audit and restricted records (R22, R27)."""

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safehub.access.constants import Level
from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.people.constants import Sex
from safehub.people.services import person_match
from safehub.people.tests.factories import indexed_person, restrict, synthetic_nhs_number
from safehub.platform.errors import PermissionRefused

pytestmark = pytest.mark.django_db

OLIVIA = {
    "given_name": "Olivia",
    "family_name": "Hartley",
    "date_of_birth": date(2014, 3, 9),
    "sex": Sex.FEMALE,
}


@pytest.fixture
def worker(make_user: Any) -> Any:
    return make_user(Role.SOCIAL_WORKER)


@pytest.fixture
def mash(make_user: Any) -> Any:
    return make_user(Role.MASH_SOCIAL_WORKER)


def test_the_person_typed_with_a_slip_comes_first_with_reasons(worker: Any) -> None:
    olivia = indexed_person(**OLIVIA)
    indexed_person(given_name="Oliver", family_name="Hartley", date_of_birth=date(2012, 7, 1), sex=Sex.MALE)
    indexed_person(given_name="Grace", family_name="Ng", date_of_birth=date(2014, 3, 9))

    result = person_match(
        actor=worker, query={"given_name": "Olivai", "family_name": "hartley", "date_of_birth": "2014-09-03"}
    )

    assert result.candidates[0].person_id == olivia.pk
    assert result.candidates[0].person == olivia
    probabilities = [c.probability for c in result.candidates]
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(0 <= p <= 1 for p in probabilities)
    explained = {e.field: e for e in result.candidates[0].explanation}
    assert explained["family_name"].outcome == "agreed"
    assert explained["family_name"].weight > 0
    assert explained["given_name"].outcome == "partly agreed"
    assert explained["date_of_birth"].level == "day and month swapped"
    assert explained["nhs_number"].outcome == "missing"
    assert explained["nhs_number"].weight == 0
    assert result.model_version == 0  # no model trained: the built-in defaults
    assert ("nhs_number", olivia.nhs_number) in result.candidates[0].identifiers


def test_an_nhs_number_alone_finds_the_person_with_high_probability(worker: Any) -> None:
    olivia = indexed_person(**OLIVIA)
    result = person_match(actor=worker, query={"nhs_number": olivia.nhs_number})
    assert [c.person_id for c in result.candidates] == [olivia.pk]


def test_a_probable_match_needs_more_than_a_name(worker: Any) -> None:
    indexed_person(**OLIVIA)
    result = person_match(actor=worker, query={"given_name": "Olivia", "family_name": "Hartley"})
    assert result.candidates
    assert result.candidates[0].probability < 0.9


def test_at_most_ten_candidates(worker: Any) -> None:
    for day in range(1, 14):
        indexed_person(**{**OLIVIA, "date_of_birth": date(2014, 3, day)})
    result = person_match(actor=worker, query={"given_name": "Olivia", "family_name": "Hartley"})
    assert len(result.candidates) == 10


@pytest.mark.parametrize(
    ("query", "field", "reason"),
    [
        ({"family_name": "Hartley", "nhs_number": "9434765918"}, "nhs_number", "check digit"),
        ({"family_name": "Hartley", "upn": "A12345678901Z"}, "upn", ""),
        ({"family_name": "Hartley", "date_of_birth": "2014-02-30"}, "date_of_birth", "not a real date"),
        ({"family_name": "Hartley", "date_of_birth": "03/04/2014"}, "date_of_birth", "YYYY-MM-DD"),
        ({"family_name": "Hartley", "given_name": "Ann", "postcode": "NOTAPOSTCODE"}, "postcode", ""),
        ({"family_name": "Hartley", "given_name": "Ann", "sex": "X"}, "sex", "M, F or U"),
        ({"postcode": "SW1A 1AA"}, "family_name", "NHS number or UPN"),
        ({"family_name": "Hartley"}, "family_name", "given name or date of birth"),
        ({"surname": "Hartley"}, "surname", "Not a match field"),
    ],
)
def test_bad_input_is_refused_at_the_field_with_the_reason(
    worker: Any, query: dict[str, str], field: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        person_match(actor=worker, query=query)
    messages = refused.value.message_dict[field]
    assert messages
    assert reason in " ".join(messages)
    assert not AuditEvent.objects.filter(section="match").exists()


def test_a_role_without_the_search_function_is_refused(make_user: Any) -> None:
    with pytest.raises(PermissionRefused):
        person_match(actor=make_user(Role.PERFORMANCE_ANALYST), query={"nhs_number": synthetic_nhs_number()})


def test_the_audit_event_lists_only_the_returned_ids(worker: Any) -> None:
    shown = indexed_person(**OLIVIA)
    hidden = indexed_person(**{**OLIVIA, "given_name": "Olivia May"})
    restrict(hidden)
    result = person_match(
        actor=worker, query={"given_name": "Olivia", "family_name": "Hartley", "date_of_birth": "2014-03-09"}
    )
    event = AuditEvent.objects.get(section="match")
    assert str(event.actor_id) == str(worker.pk)
    assert event.detail["result_ids"] == [str(c.person_id) for c in result.candidates] == [str(shown.pk)]
    assert "Hartley" not in str(event.detail)
    assert "Olivia" not in str(event.detail)


class TestRestrictedRecords:
    """R22: a restricted twin changes nothing a user who may not see it receives; MASH is told."""

    QUERY = {"given_name": "Olivia", "family_name": "Hartley", "date_of_birth": "2014-03-09"}

    def test_hidden_from_a_social_worker_without_a_trace(self, worker: Any) -> None:
        visible = indexed_person(**{**OLIVIA, "date_of_birth": date(2014, 3, 10)})
        before = person_match(actor=worker, query=self.QUERY)
        twin = indexed_person(**OLIVIA)
        restrict(twin)
        after = person_match(actor=worker, query=self.QUERY)
        assert (
            [c.person_id for c in after.candidates]
            == [c.person_id for c in before.candidates]
            == [visible.pk]
        )
        assert [c.probability for c in after.candidates] == [c.probability for c in before.candidates]
        assert after.restricted_matches == 0

    @pytest.mark.parametrize("role", [Role.MASH_SOCIAL_WORKER, Role.MASH_MANAGER])
    def test_mash_roles_are_told_a_restricted_record_matches(self, make_user: Any, role: str) -> None:
        twin = indexed_person(**OLIVIA)
        restrict(twin, Level.SEALED)
        result = person_match(actor=make_user(role), query=self.QUERY)
        assert result.candidates == []
        assert result.restricted_matches == 1

    def test_mash_is_not_told_about_a_weak_restricted_neighbour(self, mash: Any) -> None:
        other = indexed_person(given_name="Zed", family_name="Quill", date_of_birth=date(2014, 3, 9))
        restrict(other)
        result = person_match(actor=mash, query=self.QUERY)
        assert result.restricted_matches == 0

    def test_emergency_access_opens_the_record(self, worker: Any) -> None:
        from safehub.people.tests.factories import emergency_access

        twin = indexed_person(**OLIVIA)
        restrict(twin)
        emergency_access(worker, twin)
        assert [c.person_id for c in person_match(actor=worker, query=self.QUERY).candidates] == [twin.pk]


def test_only_the_people_sharing_most_keys_are_scored_when_many_share_one(
    worker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SCORE_LIMIT keeps the people who share the most key weight: the true person shares birth date,
    name and surname-with-year; a namesake born the same year shares only forename-with-year."""
    from safehub.people.matching import scorer

    monkeypatch.setattr(scorer, "SCORE_LIMIT", 1)
    monkeypatch.setattr(scorer, "_statements", {})
    amara = indexed_person(given_name="Amara", family_name="Testwood", date_of_birth=date(2015, 3, 14))
    indexed_person(given_name="Amara", family_name="Quince", date_of_birth=date(2015, 11, 2))

    result = person_match(
        actor=worker, query={"given_name": "Amara", "family_name": "Testwood", "date_of_birth": "2015-03-14"}
    )

    assert [c.person_id for c in result.candidates] == [amara.pk]


def test_without_a_tight_limit_the_namesake_is_scored_too(worker: Any) -> None:
    amara = indexed_person(given_name="Amara", family_name="Testwood", date_of_birth=date(2015, 3, 14))
    namesake = indexed_person(given_name="Amara", family_name="Quince", date_of_birth=date(2015, 11, 2))

    result = person_match(
        actor=worker, query={"given_name": "Amara", "family_name": "Testwood", "date_of_birth": "2015-03-14"}
    )

    assert [c.person_id for c in result.candidates] == [amara.pk, namesake.pk]
