"""Review fixes on periods of care (issue 6 review, findings 2, 3, 6a, 9, 10): moves into temporary
placements (903 rules 225, 226), households the actor cannot see (R19, R22), open placement requests
closed when care ends, placement corrections serialised on the period (R49) and the last place in a
household taken once."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.audit.models import AuditEvent
from safehub.looked_after.models import LookedAfterPeriod, Placement, PlacementRequest
from safehub.looked_after.selectors.periods import period_episodes
from safehub.looked_after.services import period as services
from safehub.looked_after.services.period import (
    legal_status_change,
    period_end,
    placement_change,
    placement_correct,
)
from safehub.looked_after.services.placement_request import placement_request_create
from safehub.looked_after.tests.factories import HouseholdCarerFactory, HouseholdFactory
from safehub.people.tests.factories import restrict
from safehub.platform.errors import ConflictError

from .cases import NOW, START, child, staff, started

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people():
    return staff()


def _move(actor, period, **kwargs):
    period.refresh_from_db()
    kwargs.setdefault("changed_on", date(2026, 10, 1))
    kwargs.setdefault("reason", "CARPL")
    kwargs.setdefault("placement_type", "U4")
    kwargs.setdefault("provider", "PR1")
    kwargs.setdefault("expected_version", period.version)
    return placement_change(actor=actor, period=period, **kwargs)


def _nothing_written(fn, field, **kwargs):
    counts = (AuditEvent.objects.count(), Placement.objects.count(), LookedAfterPeriod.objects.count())
    with pytest.raises(ValidationError) as error:
        fn(**kwargs)
    assert field in error.value.message_dict, error.value.message_dict
    assert counts == (
        AuditEvent.objects.count(),
        Placement.objects.count(),
        LookedAfterPeriod.objects.count(),
    )
    return " ".join(error.value.message_dict[field])


def _hidden_household():
    household = HouseholdFactory(places=2, postcode="LS2 7EW")
    carer = HouseholdCarerFactory(household=household)
    restrict(carer.person)  # type: ignore[arg-type]  # factory_boy types a built SubFactory loosely
    return household


# --- finding 3: 903 rules 225 and 226 -------------------------------------------------------------


def test_a_move_into_a_temporary_placement_needs_no_reason_and_chains(people):
    """Rule 225 wants a reason only when the next placement is not T0-T4; rule 226 wants none on the
    episode before a temporary one. Before the fix the service demanded one and the chain emitted it."""
    worker, manager = people
    period = started(manager)
    _move(worker, period, reason="", placement_type="T1", provider="")
    _move(worker, period, changed_on=date(2026, 10, 5), reason="", placement_type="U4")
    episodes = period_episodes(period)
    assert [(e.rne, e.placement_type, e.reason_place_change) for e in episodes] == [
        ("S", "U6", ""),
        ("P", "T1", ""),
        ("P", "U4", ""),
    ]


def test_a_move_between_ordinary_placements_still_needs_its_reason(people):
    worker, manager = people
    period = started(manager)
    message = _nothing_written(_move, "reason", actor=worker, period=period, reason="", placement_type="U4")
    assert "Choose why the child's placement ended" in message
    _move(worker, period, reason="CARPL", placement_type="U4")
    assert [e.reason_place_change for e in period_episodes(period)] == ["CARPL", ""]


# --- finding 2: a household the actor cannot see (R19, R22) ------------------------------------------


def test_starting_care_with_a_household_the_actor_cannot_see_is_refused_like_an_unapproved_one(people):
    """R19, R22: the refusal is word for word the unapproved household's and names neither."""
    _worker, manager = people
    hidden = _hidden_household()
    pending = HouseholdFactory(status="assessment", approved_on=None)
    messages = []
    for household in (hidden, pending):
        messages.append(
            _nothing_written(
                services.period_start,
                "household",
                actor=manager,
                person=child(),
                started_on=START,
                legal_status="V2",
                need_code="N1",
                placement_type="U6",
                provider="PR1",
                household=household,
            )
        )
    assert messages[0] == messages[1]
    assert "not an approved household" in messages[0]
    assert hidden.name not in messages[0]
    assert pending.name not in messages[1]


def test_moving_to_a_household_the_actor_cannot_see_is_refused(people):
    """R19, R22."""
    worker, manager = people
    period = started(manager)
    message = _nothing_written(_move, "household", actor=worker, period=period, household=_hidden_household())
    assert "not an approved household" in message


# --- finding 10: the last place is taken once ----------------------------------------------------------


def test_the_last_place_is_counted_again_under_the_household_lock(people, monkeypatch):
    """Two moves at once both pass the early check; the recount inside the transaction, with the
    household row held, refuses the second and writes nothing."""
    worker, manager = people
    full = HouseholdFactory(places=1, sibling_group_max=1, postcode="LS2 7EW")
    started(manager, household=full)
    period = started(manager)
    monkeypatch.setattr(services, "check_placement", lambda *args, **kwargs: None)  # the stale early read
    message = _nothing_written(_move, "household", actor=worker, period=period, household=full)
    assert "no free place" in message
    assert period.placements.get().ended_on is None


# --- finding 6a: ending care closes open placement requests ----------------------------------------------


def test_ending_care_withdraws_the_open_placement_request(people):
    worker, manager = people
    period = started(manager)
    request = placement_request_create(
        actor=worker, period=period, requested_on=date(2026, 10, 1), household_kind="foster"
    )
    period.refresh_from_db()
    period_end(
        actor=manager,
        period=period,
        ended_on=date(2026, 11, 20),
        reason="E4A",
        expected_version=period.version,
    )
    request.refresh_from_db()
    assert (request.status, request.closed_on, request.household_id) == (
        "withdrawn",
        date(2026, 11, 20),
        None,
    )
    assert AuditEvent.objects.filter(
        object_id=str(request.pk), section="placement_request", reason="withdrawn"
    ).exists()


def test_a_request_made_after_the_backdated_end_closes_the_day_it_was_made(people):
    worker, manager = people
    period = started(manager)
    request = placement_request_create(
        actor=worker, period=period, requested_on=date(2026, 11, 10), household_kind="foster"
    )
    period.refresh_from_db()
    period_end(
        actor=manager,
        period=period,
        ended_on=date(2026, 11, 1),
        reason="E4A",
        expected_version=period.version,
    )
    request.refresh_from_db()
    assert (request.status, request.closed_on) == ("withdrawn", date(2026, 11, 10))


# --- finding 9: correcting a placement is a write under the period (R49) -------------------------------------


def test_correcting_a_placement_bumps_the_period_so_a_stale_period_form_conflicts(people):
    """R49: the correction holds and bumps the period row, so it and any other write under the period
    run one after the other; a form opened before it conflicts instead of racing."""
    worker, manager = people
    period = started(manager)
    period.refresh_from_db()
    opened_at = period.version
    placement = period.placements.get()
    placement_correct(
        actor=worker,
        placement=placement,
        provider="PR2",
        urn="",
        placement_postcode="",
        carer_name="",
        intended_until_18=False,
        expected_version=placement.version,
    )
    period.refresh_from_db()
    assert period.version == opened_at + 1
    with pytest.raises(ConflictError):
        legal_status_change(
            actor=manager,
            period=period,
            changed_on=date(2026, 10, 15),
            legal_status="C1",
            expected_version=opened_at,
        )
    assert PlacementRequest.objects.count() == 0


def test_a_placement_in_an_ended_period_can_still_be_corrected(people):
    """Holding the period for R49 does not stop a past placement's details being corrected."""
    worker, manager = people
    period = started(manager)
    period.refresh_from_db()
    period_end(
        actor=manager,
        period=period,
        ended_on=date(2026, 11, 20),
        reason="E4A",
        expected_version=period.version,
    )
    placement = period.placements.get()
    placement_correct(
        actor=worker,
        placement=placement,
        provider="PR2",
        urn="",
        placement_postcode="",
        carer_name="",
        intended_until_18=False,
        expected_version=placement.version,
    )
    assert period.placements.get().provider == "PR2"
