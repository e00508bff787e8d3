"""Household and placement-request services: what they record and what they refuse (R49 on
conflicts; R19: a hidden child is counted, never named)."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.looked_after.models import CarerHousehold
from safehub.looked_after.services.household import (
    household_carer_add,
    household_create,
    household_status_change,
    household_update,
)
from safehub.looked_after.services.placement_request import placement_request_close
from safehub.people.tests.factories import PersonFactory, restrict
from safehub.platform.errors import ConflictError, NotFoundOrForbidden

from .cases import NOW, adult, approved, child, period_for, place, request_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def worker(make_user):
    return make_user(Role.SOCIAL_WORKER)


def terms(**kw):
    base = {
        "name": "The Testcarer household",
        "kind": "foster",
        "postcode": "ls1 4ap",
        "in_area": True,
        "age_from": 0,
        "age_to": 17,
        "places": 2,
        "sibling_group_max": 2,
        "carers": [adult()],
    }
    base.update(kw)
    return base


def test_create_numbers_the_household_and_starts_it_in_assessment(worker) -> None:
    first = household_create(actor=worker, **terms())
    second = household_create(actor=worker, **terms(name="Another"))
    assert (first.reference, second.reference) == ("HH-00001", "HH-00002")
    assert first.status == "assessment"
    assert first.postcode == "LS1 4AP"
    assert first.carers.count() == 1
    assert AuditEvent.objects.filter(object_id=str(first.pk), verb="create").exists()


def test_create_refuses_children_merged_records_and_bad_terms(worker) -> None:
    merged = adult()
    merged.merged_into = adult()
    merged.save()
    with pytest.raises(ValidationError) as caught:
        household_create(
            actor=worker,
            **terms(
                carers=[PersonFactory(date_of_birth=date(2010, 1, 1)), merged],
                age_from=10,
                age_to=5,
                places=2,
                sibling_group_max=3,
                kind="castle",
            ),
        )
    errors = caught.value.message_dict
    assert any("must be 18 or over" in m for m in errors["carers"])
    assert any("merged into another" in m for m in errors["carers"])
    assert set(errors) >= {"kind", "age_to", "sibling_group_max"}
    assert CarerHousehold.objects.count() == 0


def test_a_role_without_manage_households_cannot_create(make_user) -> None:
    with pytest.raises(NotFoundOrForbidden):
        household_create(actor=make_user(Role.IRO), **terms())


def test_approve_hold_resume_and_end(worker) -> None:
    h = household_create(actor=worker, **terms())
    with pytest.raises(ValidationError, match="Enter the date of the approval"):
        household_status_change(
            actor=worker, household=h, status="approved", on=None, expected_version=h.version
        )
    h = household_status_change(
        actor=worker, household=h, status="approved", on=date(2026, 1, 5), expected_version=h.version
    )
    h = household_status_change(
        actor=worker, household=h, status="on_hold", on=None, expected_version=h.version
    )
    h = household_status_change(
        actor=worker, household=h, status="approved", on=None, expected_version=h.version
    )
    assert h.approved_on == date(2026, 1, 5)  # a hold keeps the approval date
    with pytest.raises(ValidationError, match="Enter why the approval ended"):
        household_status_change(
            actor=worker, household=h, status="ended", on=date(2026, 3, 1), expected_version=h.version
        )
    with pytest.raises(ValidationError, match="cannot end before it started"):
        household_status_change(
            actor=worker,
            household=h,
            status="ended",
            on=date(2025, 12, 1),
            reason="Resigned",
            expected_version=h.version,
        )
    h = household_status_change(
        actor=worker,
        household=h,
        status="ended",
        on=date(2026, 3, 1),
        reason="Resigned",
        expected_version=h.version,
    )
    assert (h.status, h.ended_on, h.end_reason) == ("ended", date(2026, 3, 1), "Resigned")
    with pytest.raises(ValidationError, match="record a new household"):
        household_status_change(
            actor=worker, household=h, status="approved", on=date(2026, 3, 2), expected_version=h.version
        )


def test_ending_is_refused_while_a_child_lives_there_naming_only_visible_children(worker) -> None:
    h = approved(worker)
    seen, hidden = child(8, given_name="Ava", family_name="Testchild"), child(9)
    place(period_for(seen), h)
    place(period_for(hidden), h)
    restrict(hidden)
    with pytest.raises(ValidationError) as caught:
        household_status_change(
            actor=worker,
            household=h,
            status="ended",
            on=date(2026, 3, 1),
            reason="Resigned",
            expected_version=h.version,
        )
    message = caught.value.message_dict["status"][0]
    # R22: with a hidden child there, the message names nobody and counts nobody.
    assert message.startswith("A child placed here must move first")
    assert "Ava" not in message
    assert hidden.family_name not in message
    assert "other" not in message


def test_ending_names_the_children_when_the_actor_may_see_them_all(worker) -> None:
    h = approved(worker)
    place(period_for(child(8, given_name="Ava", family_name="Testchild")), h)
    with pytest.raises(ValidationError) as caught:
        household_status_change(
            actor=worker,
            household=h,
            status="ended",
            on=date(2026, 3, 1),
            reason="Resigned",
            expected_version=h.version,
        )
    assert "Ava Testchild lives in this household now" in caught.value.message_dict["status"][0]


def test_an_age_range_excluding_a_hidden_child_gives_no_age(worker) -> None:
    """R22: the error cannot be used to learn a hidden child's age."""
    h = approved(worker, places=3, sibling_group_max=2)
    place(period_for(child(8)), h)
    hidden = child(14)
    place(period_for(hidden), h)
    restrict(hidden)
    kw = terms(places=3, sibling_group_max=2, age_from=0, age_to=10)
    kw.pop("carers")
    with pytest.raises(ValidationError) as caught:
        household_update(actor=worker, household=h, expected_version=h.version, **kw)
    message = caught.value.message_dict["age_from"][0]
    assert message.startswith("A child placed here is outside that age range")
    assert "14" not in message
    restricted_free = approved(worker, places=3, sibling_group_max=2)
    place(period_for(child(14)), restricted_free)
    with pytest.raises(ValidationError, match="aged 14"):
        household_update(
            actor=worker, household=restricted_free, expected_version=restricted_free.version, **kw
        )


def test_terms_cannot_drop_below_the_children_placed_now(worker) -> None:
    h = approved(worker, places=3, sibling_group_max=2)
    place(period_for(child(8)), h)
    place(period_for(child(9)), h)
    kw = terms(places=1, sibling_group_max=1, age_from=0, age_to=8)
    kw.pop("carers")
    with pytest.raises(ValidationError) as caught:
        household_update(actor=worker, household=h, expected_version=h.version, **kw)
    assert "approve for at least 2" in caught.value.message_dict["places"][0]


def test_a_stale_update_is_a_conflict(worker, make_user) -> None:
    h = approved(worker)
    stale = h.version
    kw = terms(name="Renamed")
    kw.pop("carers")
    household_update(
        actor=make_user(Role.TEAM_MANAGER),
        household=CarerHousehold.objects.get(pk=h.pk),
        expected_version=stale,
        **kw,
    )
    with pytest.raises(ConflictError):  # R49
        household_update(actor=worker, household=h, expected_version=stale, **kw)


def test_carer_add_refuses_a_child_and_a_repeat(worker) -> None:
    h = approved(worker)
    second = adult()
    household_carer_add(actor=worker, household=h, person=second)
    with pytest.raises(ValidationError, match="already a carer"):
        household_carer_add(actor=worker, household=h, person=second)
    with pytest.raises(ValidationError, match="18 or over"):
        household_carer_add(actor=worker, household=h, person=child(12))


def test_placement_request_create_and_its_refusals(worker) -> None:
    period = period_for(child(7))
    with pytest.raises(ValidationError) as caught:
        request_for(
            period,
            worker,
            requested_on=date(2025, 12, 1),
            needed_by=date(2025, 11, 1),
            sibling_group_size=9,
            household_kind="palace",
        )
    errors = caught.value.message_dict
    assert "before the child became looked after" in errors["requested_on"][0]
    assert set(errors) >= {"needed_by", "sibling_group_size", "household_kind"}
    made = request_for(period, worker, sibling_group_size=2)
    assert (made.status, made.person_id) == ("open", period.person_id)
    with pytest.raises(ValidationError, match="already has an open placement request"):
        request_for(period, worker)


def test_closing_as_found_needs_an_approved_household(worker) -> None:
    period = period_for(child(7))
    made = request_for(period, worker)
    with pytest.raises(ValidationError, match="Choose the household"):
        placement_request_close(
            actor=worker,
            request=made,
            status="found",
            closed_on=date(2026, 3, 1),
            expected_version=made.version,
        )
    h = approved(worker)
    with pytest.raises(ValidationError, match="cannot close before it was made"):
        placement_request_close(
            actor=worker,
            request=made,
            status="found",
            closed_on=date(2026, 1, 15),
            household=h,
            expected_version=made.version,
        )
    closed = placement_request_close(
        actor=worker,
        request=made,
        status="found",
        closed_on=date(2026, 3, 1),
        household=h,
        expected_version=made.version,
    )
    assert (closed.status, closed.household_id) == ("found", h.pk)
    with pytest.raises(ValidationError, match="already closed"):
        placement_request_close(
            actor=worker,
            request=closed,
            status="withdrawn",
            closed_on=date(2026, 3, 2),
            expected_version=closed.version,
        )


def test_a_restricted_child_request_is_not_found(worker) -> None:
    person = child(7)
    period = period_for(person)
    restrict(person)
    with pytest.raises(NotFoundOrForbidden):
        request_for(period, worker)
