"""The person page's involvement and chronology sources (scoped by the care policy, R19)."""

import pytest
import time_machine

from safehub.accounts.tests.factories import UserFactory
from safehub.looked_after import chronology, involvements
from safehub.people.tests.factories import restrict

from .cases import NOW, staff, started

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def test_open_period_is_an_involvement_and_in_the_chronology():
    worker, manager = staff()
    period = started(manager)
    [inv] = involvements.open_periods(worker, [period.person_id])
    assert inv.started_on == period.started_on
    titles = [e.title for e in chronology.period_entries(period.person, worker)]
    assert titles == ["Became looked after", "Legal status", "Placement started"]
    restrict(period.person)
    other = UserFactory(role="social_worker")
    assert list(involvements.open_periods(other, [period.person_id])) == []
    assert list(chronology.period_entries(period.person, other)) == []
