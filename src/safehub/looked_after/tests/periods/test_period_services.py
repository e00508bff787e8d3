"""Period of care services: each happy path, each refusal at its field with nothing written, the
903 chain guard, concurrency (R49) and the care policy (R18, R19)."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent
from safehub.casework.constants import CaseService
from safehub.looked_after.constants import PermanenceOrderKind
from safehub.looked_after.models import LegalStatus, LookedAfterPeriod, PermanenceOrder, Placement
from safehub.looked_after.selectors.periods import period_episodes
from safehub.looked_after.services import period as services
from safehub.looked_after.services.period import (
    iro_assign,
    legal_status_change,
    period_end,
    placement_change,
    placement_correct,
)
from safehub.looked_after.tests.factories import HouseholdFactory
from safehub.platform.errors import ConflictError, NotFoundOrForbidden
from safehub.reference_data.models import PostcodeLocation

from .cases import NOW, START, child, staff, started

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people():
    return staff()


def _refused(fn, field, **kwargs):
    counts = (AuditEvent.objects.count(), Placement.objects.count(), LegalStatus.objects.count())
    with pytest.raises(ValidationError) as error:
        fn(**kwargs)
    assert field in error.value.message_dict, error.value.message_dict
    assert counts == (AuditEvent.objects.count(), Placement.objects.count(), LegalStatus.objects.count())
    return " ".join(error.value.message_dict[field])


def _move(actor, period, **kwargs):
    period.refresh_from_db()
    kwargs.setdefault("changed_on", date(2026, 10, 1))
    kwargs.setdefault("reason", "CARPL")
    kwargs.setdefault("placement_type", "U4")
    kwargs.setdefault("provider", "PR1")
    kwargs.setdefault("expected_version", period.version)
    return placement_change(actor=actor, period=period, **kwargs)


def _legal(actor, period, **kwargs):
    period.refresh_from_db()
    kwargs.setdefault("changed_on", date(2026, 10, 15))
    kwargs.setdefault("legal_status", "C1")
    kwargs.setdefault("expected_version", period.version)
    return legal_status_change(actor=actor, period=period, **kwargs)


def _end(actor, period, **kwargs):
    period.refresh_from_db()
    kwargs.setdefault("ended_on", date(2026, 11, 20))
    kwargs.setdefault("reason", "E4A")
    kwargs.setdefault("expected_version", period.version)
    return period_end(actor=actor, period=period, **kwargs)


# --- start ------------------------------------------------------------------------------------------


def test_starting_care_opens_the_involvement_period_status_and_placement(people):
    PostcodeLocation.objects.create(postcode="LS1 4AP", easting=430000, northing=433000)
    PostcodeLocation.objects.create(postcode="LS2 7EW", easting=430000, northing=434609)
    _worker, manager = people
    period = started(manager, home_postcode="ls1 4ap", placement_postcode="LS2 7EW")
    assert period.involvement.service == CaseService.LOOKED_AFTER
    assert period.involvement.opened_on == START
    assert period.involvement.url.endswith(f"/{period.pk}/")
    [status] = period.legal_statuses.all()
    [placement] = period.placements.all()
    assert (status.code, status.started_on, placement.started_on) == ("V2", START, START)
    assert placement.distance_miles == 1
    [episode] = period_episodes(period)
    assert (episode.rne, episode.legal_status, episode.placement_type, episode.dec) == ("S", "V2", "U6", None)
    assert AuditEvent.objects.filter(object_id=str(period.pk), section="period", reason="started").exists()


def test_starting_care_refusals(people):
    _worker, manager = people
    person = child(date_of_birth=date(2020, 1, 1))
    base = {
        "actor": manager,
        "person": person,
        "legal_status": "V2",
        "need_code": "N1",
        "placement_type": "U6",
        "provider": "PR1",
    }
    assert "future" in _refused(services.period_start, "started_on", **base, started_on=date(2026, 12, 1))
    assert "date of birth" in _refused(
        services.period_start, "started_on", **base, started_on=date(2019, 1, 1)
    )
    assert "from the list" in _refused(
        services.period_start, "legal_status", **{**base, "legal_status": "ZZ"}, started_on=START
    )
    assert "from the list" in _refused(
        services.period_start, "placement_type", **{**base, "placement_type": "Q9"}, started_on=START
    )
    assert "Choose the placement provider" in _refused(
        services.period_start, "provider", **{**base, "provider": ""}, started_on=START
    )
    assert "only with a provider" in _refused(
        services.period_start,
        "urn",
        **{**base, "placement_type": "T1", "provider": "", "urn": "SC1"},
        started_on=START,
    )
    # Rule 178: no provider for a temporary placement is fine.
    assert services.period_start(**{**base, "placement_type": "T1", "provider": ""}, started_on=START).pk
    assert "already looked after" in _refused(services.period_start, "started_on", **base, started_on=START)


def test_care_cannot_restart_before_the_previous_period_ended(people):
    _worker, manager = people
    period = started(manager)
    _end(manager, period)
    message = _refused(
        services.period_start,
        "started_on",
        actor=manager,
        person=period.person,
        started_on=date(2026, 11, 1),
        legal_status="V2",
        need_code="N1",
        placement_type="U6",
        provider="PR1",
    )
    assert "previous period of care ended on 20 November 2026" in message


def test_a_household_must_be_approved_with_a_place_free(people):
    _worker, manager = people
    full = HouseholdFactory(places=1, sibling_group_max=1, postcode="LS2 7EW")
    started(manager, household=full)
    assert "no free place" in _refused(
        services.period_start,
        "household",
        actor=manager,
        person=child(),
        started_on=START,
        legal_status="V2",
        need_code="N1",
        placement_type="U6",
        provider="PR1",
        household=full,
    )
    pending = HouseholdFactory(status="assessment", approved_on=None)
    assert "not an approved household" in _refused(
        services.period_start,
        "household",
        actor=manager,
        person=child(),
        started_on=START,
        legal_status="V2",
        need_code="N1",
        placement_type="U6",
        provider="PR1",
        household=pending,
    )


def test_only_a_manager_starts_care(people):
    """R18: starting care is `manage`; a social worker (record only) and an IRO are refused."""
    worker, _manager = people
    with pytest.raises(NotFoundOrForbidden):
        started(worker)
    with pytest.raises(NotFoundOrForbidden):
        started(UserFactory(role=Role.IRO))


# --- legal status -----------------------------------------------------------------------------------


def test_legal_status_change_starts_an_L_episode_and_bumps_the_period(people):
    _worker, manager = people
    period = started(manager)
    _legal(manager, period)
    period.refresh_from_db()
    assert period.version == 2
    assert [(e.rne, e.legal_status, e.rec) for e in period_episodes(period)] == [
        ("S", "V2", "X1"),
        ("L", "C1", ""),
    ]


def test_legal_status_change_refusals(people):
    worker, manager = people
    period = started(manager)
    assert "already V2" in _refused(_legal, "legal_status", actor=manager, period=period, legal_status="V2")
    assert "before the child became looked after" in _refused(
        _legal, "changed_on", actor=manager, period=period, changed_on=date(2026, 8, 1)
    )
    assert "must start after that" in _refused(
        _legal, "changed_on", actor=manager, period=period, changed_on=START
    )
    assert "future" in _refused(
        _legal, "changed_on", actor=manager, period=period, changed_on=date(2027, 1, 1)
    )
    _move(worker, period, changed_on=date(2026, 10, 20))
    assert "latest placement change" in _refused(_legal, "changed_on", actor=manager, period=period)
    with pytest.raises(NotFoundOrForbidden):
        _legal(worker, period)


def test_a_stale_version_conflicts(people):
    """R49: two managers on the same period; the second save is told, not silently applied."""
    _worker, manager = people
    period = started(manager)
    stale = period.version
    _legal(manager, period)
    with pytest.raises(ConflictError):
        _legal(manager, period, changed_on=date(2026, 11, 1), legal_status="C2", expected_version=stale)
    assert LegalStatus.objects.filter(period=period).count() == 2


# --- placements -------------------------------------------------------------------------------------


def test_placement_change_ends_one_and_starts_the_next_the_same_day(people):
    worker, manager = people
    period = started(manager)
    new = _move(worker, period)
    first = period.placements.get(started_on=START)
    assert (first.ended_on, first.end_reason, new.started_on) == (
        date(2026, 10, 1),
        "CARPL",
        date(2026, 10, 1),
    )
    assert [(e.rne, e.reason_place_change) for e in period_episodes(period)] == [("S", "CARPL"), ("P", "")]


def test_every_reason_for_a_placement_change_is_kept_even_the_six_letter_one(people):
    """CUSTOD (custody arrangement) is the list's one six-letter code: a 50,000-child SSD import
    found it refused by a five-letter column."""
    worker, manager = people
    period = started(manager)
    _move(worker, period, reason="CUSTOD")
    assert period.placements.get(started_on=START).end_reason == "CUSTOD"
    assert period_episodes(period)[0].reason_place_change == "CUSTOD"


def test_moving_with_the_same_household_is_T_and_same_day_legal_change_is_U(people):
    worker, manager = people
    household = HouseholdFactory(places=2)
    period = started(manager, household=household)
    _legal(manager, period, changed_on=date(2026, 10, 1))
    _move(worker, period, household=household, reason="PLACE")
    assert [e.rne for e in period_episodes(period)] == ["S", "U"]
    assert Placement.objects.get(period=period, ended_on__isnull=True).same_carers


def test_placement_change_refusals(people):
    """The issue's bad input: overlapping placements, a placement before the period."""
    worker, manager = people
    period = started(manager)
    assert "must be after that" in _refused(
        _move, "changed_on", actor=worker, period=period, changed_on=START
    )
    assert "before the child became looked after" in _refused(
        _move, "changed_on", actor=worker, period=period, changed_on=date(2026, 8, 1)
    )
    assert "Choose why" in _refused(_move, "reason", actor=worker, period=period, reason="")
    assert "from the list" in _refused(_move, "reason", actor=worker, period=period, reason="BORED")
    _move(worker, period)
    # Overlap: a move dated before the current placement started.
    assert "must be after that" in _refused(
        _move, "changed_on", actor=worker, period=period, changed_on=date(2026, 9, 15)
    )


def test_no_reason_needed_after_a_temporary_placement(people):
    """903 rule 226: no reason on a T0-T4 episode nor on the one before it. The CARPL given for the
    move into T1 is kept on the ended placement but not emitted in the episodes."""
    worker, manager = people
    period = started(manager)
    _move(worker, period, placement_type="T1", provider="")
    _move(worker, period, changed_on=date(2026, 10, 5), reason="", placement_type="U6")
    assert [e.reason_place_change for e in period_episodes(period)] == ["", "", ""]
    assert period.placements.order_by("started_on").first().end_reason == "CARPL"


def test_a_change_that_would_break_the_chain_is_refused(people, monkeypatch):
    """The issue's bad input: the chain guard refuses and rolls back."""
    worker, manager = people
    period = started(manager)
    monkeypatch.setattr(
        services, "chain_problems", lambda episodes: ["The episode from 1 October 2026 is broken."]
    )
    message = _refused(_move, "__all__", actor=worker, period=period)
    assert message.startswith("This change would break the 903 episode chain:")
    assert Placement.objects.filter(period=period).count() == 1


def test_correcting_a_placement_changes_details_not_dates(people):
    worker, manager = people
    period = started(manager)
    placement = period.placements.get()
    placement_correct(
        actor=worker,
        placement=placement,
        provider="PR4",
        urn="SC123456",
        placement_postcode="ls2 7ew",
        carer_name="Rose Lane",
        intended_until_18=True,
        expected_version=placement.version,
    )
    placement.refresh_from_db()
    assert (placement.provider, placement.urn, placement.postcode, placement.started_on) == (
        "PR4",
        "SC123456",
        "LS2 7EW",
        START,
    )
    with pytest.raises(ConflictError):
        placement_correct(
            actor=worker,
            placement=placement,
            provider="PR1",
            urn="",
            placement_postcode="",
            carer_name="",
            intended_until_18=False,
            expected_version=1,
        )


# --- end, IRO -----------------------------------------------------------------------------------------


def test_ending_care_ends_the_placement_period_and_involvement(people):
    worker, manager = people
    period = started(manager)
    _end(manager, period)
    period.refresh_from_db()
    assert (period.ended_on, period.end_reason) == (date(2026, 11, 20), "E4A")
    assert period.placements.get().ended_on == date(2026, 11, 20)
    assert period.involvement.closed_on == date(2026, 11, 20)
    assert period_episodes(period)[-1].rec == "E4A"
    assert "nothing more is recorded" in _refused(_move, "__all__", actor=worker, period=period)


def test_end_reason_refusals(people):
    _worker, manager = people
    period = started(manager)
    assert "never chosen" in _refused(_end, "reason", actor=manager, period=period, reason="X1")
    assert "adoption order made with consent" in _refused(
        _end, "reason", actor=manager, period=period, reason="E11"
    )
    assert "special guardianship order" in _refused(
        _end, "reason", actor=manager, period=period, reason="E45"
    )
    assert "child arrangements order" in _refused(_end, "reason", actor=manager, period=period, reason="E41")
    assert "18 or over" in _refused(_end, "reason", actor=manager, period=period, reason="E17")
    assert "before the child became looked after" in _refused(
        _end, "ended_on", actor=manager, period=period, ended_on=date(2026, 8, 31)
    )


def test_adoption_and_sgo_reasons_need_the_matching_order(people):
    _worker, manager = people
    period = started(manager)
    PermanenceOrder.objects.create(
        period=period,
        person=period.person,
        kind=PermanenceOrderKind.SPECIAL_GUARDIANSHIP,
        made_on=date(2026, 11, 10),
        to_former_foster_carers=True,
        carers_are_relatives=False,
        recorded_by=manager,
    )
    assert "special guardianship" in _refused(_end, "reason", actor=manager, period=period, reason="E45")
    _end(manager, period, reason="E46")
    assert LookedAfterPeriod.objects.get(pk=period.pk).end_reason == "E46"


def test_iro_assign(people):
    _worker, manager = people
    period = started(manager)
    other = UserFactory(role=Role.SOCIAL_WORKER)
    assert "independent reviewing officer" in _refused(
        iro_assign, "iro", actor=manager, period=period, iro=other, expected_version=period.version
    )
    iro = UserFactory(role=Role.IRO)
    iro_assign(actor=manager, period=period, iro=iro, expected_version=period.version)
    period.refresh_from_db()
    assert period.iro == iro
