"""Period pages show 903 codes with their meanings ("V2: Accommodated under section 20 ..."), never a
bare "V2: V2" (labels.py), in the period page, the list and the forms' choices."""

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from safehub.accounts.constants import Role
from safehub.looked_after.services.period import period_end

from .cases import NOW, child, staff, started

pytestmark = pytest.mark.django_db

# "V2: V2", "PR1: PR1": a code standing for its own meaning.
CODE_AS_LABEL = re.compile(r"\b([A-Z][A-Z0-9]{1,5}): \1\b")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_period_page_shows_codes_with_their_meanings(signed_in):
    _worker, manager = staff()
    period = started(manager)
    period = period_end(
        actor=manager,
        period=period,
        ended_on=date(2026, 10, 1),
        reason="E13",
        expected_version=period.version,
    )
    client = signed_in(Role.SOCIAL_WORKER)
    body = client.get(reverse("looked_after:period", args=[period.pk])).content.decode()
    assert "V2: Accommodated under section 20" in body
    assert "N1: Abuse or neglect" in body
    assert "U6: Foster: other carer, not long term" in body
    assert escape("PR1: Own council's provision") in body
    assert escape("E13: Left to live with a parent") in body
    # The 903 episodes table too: LS and PLACE twice (history and episode), REC once more.
    assert body.count("V2: Accommodated under section 20") >= 2
    assert body.count(escape("E13: Left to live with a parent")) >= 2
    assert not CODE_AS_LABEL.search(body), CODE_AS_LABEL.search(body)


def test_the_list_shows_codes_with_their_meanings(signed_in):
    _worker, manager = staff()
    started(manager)
    body = signed_in(Role.TEAM_MANAGER).get(reverse("looked_after:period_list")).content.decode()
    assert "V2: Accommodated under section 20" in body
    assert "U6: Foster: other carer, not long term" in body
    assert not CODE_AS_LABEL.search(body)


def test_the_forms_offer_codes_with_their_meanings(signed_in):
    _worker, manager = staff()
    period = started(manager)
    client = signed_in(Role.TEAM_MANAGER)
    start = client.get(reverse("looked_after:period_start", args=[child().pk])).content.decode()
    assert ">C1: Interim care order<" in start
    assert ">N2: Child&#x27;s disability<" in start
    assert ">K2: Children&#x27;s home<" in start
    assert not CODE_AS_LABEL.search(start)
    end = client.get(reverse("looked_after:period_end", args=[period.pk])).content.decode()
    assert "E2: Died" in end
    assert ">X1: " not in end  # the chain reason is the services' own, never offered
    assert not CODE_AS_LABEL.search(end)
    move = client.get(reverse("looked_after:placement_change", args=[period.pk])).content.decode()
    assert "CARPL: To carry out the care plan" in move
    assert not CODE_AS_LABEL.search(move)
