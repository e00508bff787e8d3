"""Sealed records leak nothing to an unlisted user, and open only through an active grant (R22)."""

from datetime import timedelta

import pytest
import time_machine

from safehub.access.constants import GrantStatus, Level
from safehub.access.selectors import restriction_get
from safehub.accounts.constants import Role
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.people.selectors import PersonSearch, person_get, person_search
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

from .factories import make_grant, make_person, restrict

pytestmark = pytest.mark.django_db

SEARCH = PersonSearch(family_name="Ashworth-Kaur", given_name="Mira")


@pytest.fixture
def worker(make_user):
    return make_user(Role.SOCIAL_WORKER, mfa=False)


@pytest.fixture
def twins():
    """A normal person and a sealed one with the same name and date of birth."""
    normal = make_person("Mira", "Ashworth-Kaur")
    sealed = make_person("Mira", "Ashworth-Kaur")
    restrict(sealed, Level.SEALED)
    return normal, sealed


def ids(result):
    return [p.pk for p in result.people]


def test_search_shows_an_unlisted_user_only_the_normal_twin_with_identical_counts(worker, make_user):
    """R22 (T3): the sealed twin changes neither the hits nor the count an unlisted user sees."""
    normal = make_person("Mira", "Ashworth-Kaur")
    before = person_search(actor=worker, criteria=SEARCH)
    sealed = make_person("Mira", "Ashworth-Kaur")
    restrict(sealed, Level.SEALED)
    after = person_search(actor=worker, criteria=SEARCH)
    assert ids(before) == ids(after) == [normal.pk]
    assert (len(before.people), before.truncated) == (len(after.people), after.truncated) == (1, False)
    # The audit of the search names only what was shown.
    logged = AuditEvent.objects.filter(verb=Verb.LIST).order_by("seq").last()
    assert logged.detail == {"result_ids": [str(normal.pk)], "result_count": 1}


def test_opening_the_sealed_twin_is_not_found_for_an_unlisted_user(worker, twins):
    """R22: the sealed record answers exactly as a missing one does."""
    normal, sealed = twins
    assert person_get(actor=worker, id=normal.pk) == normal
    with pytest.raises(NotFoundOrForbidden) as sealed_answer:
        person_get(actor=worker, id=sealed.pk)
    with pytest.raises(NotFoundOrForbidden) as missing_answer:
        person_get(actor=worker, id=worker.pk)
    assert str(sealed_answer.value) == str(missing_answer.value)
    assert not AuditEvent.objects.filter(verb=Verb.VIEW, object_id=str(sealed.pk)).exists()


def test_a_user_with_an_active_grant_sees_the_sealed_twin(worker, twins):
    normal, sealed = twins
    make_grant(sealed_restriction(sealed), worker)
    assert sorted(ids(person_search(actor=worker, criteria=SEARCH))) == sorted([normal.pk, sealed.pk])
    assert person_get(actor=worker, id=sealed.pk) == sealed


@pytest.mark.parametrize(
    ("status", "starts_in", "lasts"),
    [
        (GrantStatus.PENDING, timedelta(days=-1), timedelta(days=7)),
        (GrantStatus.ACTIVE, timedelta(days=-10), timedelta(days=3)),  # expired
        (GrantStatus.ACTIVE, timedelta(days=2), timedelta(days=3)),  # not started
        (GrantStatus.REFUSED, timedelta(days=-1), timedelta(days=7)),
        (GrantStatus.REVOKED, timedelta(days=-1), timedelta(days=7)),
    ],
)
def test_a_grant_that_is_not_active_now_does_not_open_it(worker, twins, status, starts_in, lasts):
    normal, sealed = twins
    make_grant(sealed_restriction(sealed), worker, status=status, starts_in=starts_in, lasts=lasts)
    assert ids(person_search(actor=worker, criteria=SEARCH)) == [normal.pk]
    with pytest.raises(NotFoundOrForbidden):
        person_get(actor=worker, id=sealed.pk)


def test_another_users_grant_does_not_open_it(worker, twins, make_user):
    _, sealed = twins
    make_grant(sealed_restriction(sealed), make_user(Role.SOCIAL_WORKER, mfa=False))
    with pytest.raises(NotFoundOrForbidden):
        person_get(actor=worker, id=sealed.pk)


def test_the_grant_closes_when_it_expires(worker, twins):
    """R22: time-bound — the grant opens the record until expires_at and not a second longer."""
    normal, sealed = twins
    grant = make_grant(sealed_restriction(sealed), worker, starts_in=timedelta(0), lasts=timedelta(days=30))
    assert person_get(actor=worker, id=sealed.pk) == sealed
    with time_machine.travel(grant.expires_at - timedelta(seconds=1), tick=False) as traveller:
        assert person_get(actor=worker, id=sealed.pk) == sealed
        traveller.move_to(grant.expires_at)
        assert ids(person_search(actor=worker, criteria=SEARCH)) == [normal.pk]
        with pytest.raises(NotFoundOrForbidden):
            person_get(actor=worker, id=sealed.pk)
    assert clock.now() < grant.expires_at


def sealed_restriction(person):
    return restriction_get(object_type="people.person", object_id=person.pk)
