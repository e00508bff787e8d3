"""Placement requests: one request per sibling group, one open request per child even when two
saves race (the database index), and the period's version moves with every request (R49)."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.looked_after.models import LookedAfterPeriod, PlacementRequest
from safehub.looked_after.services import placement_request as service
from safehub.people.constants import RelationshipKind
from safehub.people.services import relationship_add
from safehub.people.tests.factories import restrict

from .cases import NOW, child, period_for, request_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def worker(make_user):
    return make_user(Role.SOCIAL_WORKER)


def siblings(worker, a, b, kind=RelationshipKind.SIBLING):
    relationship_add(actor=worker, person_a=a, person_b=b, kind=kind)


def test_a_second_group_request_for_a_brother_or_sister_is_refused(worker) -> None:
    older = child(9, given_name="Olu", family_name="Testchild")
    younger = child(6)
    siblings(worker, older, younger, RelationshipKind.HALF_SIBLING)
    request_for(period_for(older), worker, sibling_group_size=2)
    with pytest.raises(ValidationError) as caught:
        request_for(period_for(younger), worker, sibling_group_size=2)
    message = caught.value.message_dict["sibling_group_size"][0]
    assert "Olu Testchild" in message
    assert "One request covers the whole sibling group" in message
    assert PlacementRequest.objects.count() == 1


def test_the_sibling_may_still_be_asked_for_alone(worker) -> None:
    older, younger = child(9), child(6)
    siblings(worker, older, younger)
    request_for(period_for(older), worker, sibling_group_size=2)
    made = request_for(period_for(younger), worker, sibling_group_size=1)
    assert made.sibling_group_size == 1


def test_a_hidden_siblings_request_is_not_given_away(worker) -> None:
    """R22: a brother the worker may not see neither blocks the request nor appears in an error."""
    hidden, seen = child(9), child(6)
    siblings(worker, hidden, seen)
    request_for(period_for(hidden), worker, sibling_group_size=2)
    restrict(hidden)
    made = request_for(period_for(seen), worker, sibling_group_size=2)
    assert made.status == "open"


def test_a_lost_race_on_the_open_request_index_is_a_field_error_not_a_500(worker, monkeypatch) -> None:
    period = period_for(child(7))
    request_for(period, worker)
    # As if the other save landed after this one's check: only the database's index stops it.
    monkeypatch.setattr(service, "_check_already_open", lambda errors, period: None)
    with pytest.raises(ValidationError) as caught:
        request_for(period, worker)
    assert "already has an open placement request, from 1 February 2026" in caught.value.messages[0]
    assert PlacementRequest.objects.filter(status="open").count() == 1


def test_a_request_bumps_the_period_version_so_writes_under_it_take_turns(worker) -> None:
    """R49: the period row is locked and its version moved on, on a fresh copy."""
    period = period_for(child(7))
    before = period.version
    request_for(period, worker)
    assert LookedAfterPeriod.objects.get(pk=period.pk).version == before + 1
    assert period.version == before + 1  # the caller's copy follows, so its next save is not stale


def test_a_request_in_a_period_ended_meanwhile_is_refused(worker) -> None:
    period = period_for(child(7))
    LookedAfterPeriod.objects.filter(pk=period.pk).update(ended_on=date(2026, 3, 1), end_reason="E11")
    with pytest.raises(ValidationError, match="ended on 1 March 2026"):
        request_for(period, worker)
