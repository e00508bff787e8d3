"""R19/R22: the placement forms offer only the households the worker may see; a household whose
carer's record is restricted is not named to someone without access to it."""

from datetime import date
from typing import Any

from django.urls import reverse

from safehub.access.tests.factories import make_person, restrict
from safehub.accounts.constants import Role

from .factories import (
    HouseholdCarerFactory,
    HouseholdFactory,
    LegalStatusFactory,
    PeriodFactory,
    PlacementFactory,
)


def test_the_move_form_leaves_out_a_household_whose_carer_is_restricted(signed_in: Any) -> None:
    client = signed_in(Role.TEAM_MANAGER)
    open_household = HouseholdFactory(name="Openfield household")
    HouseholdCarerFactory(
        household=open_household, person=make_person("Olwen", "Openfield", date_of_birth=date(1970, 1, 1))
    )
    hidden_household = HouseholdFactory(name="Quietwater household")
    carer = make_person("Quinn", "Quietwater", date_of_birth=date(1970, 1, 1))
    HouseholdCarerFactory(household=hidden_household, person=carer)
    restrict(carer)
    period = PeriodFactory()
    LegalStatusFactory(period=period)
    PlacementFactory(period=period)

    for url in (
        reverse("looked_after:placement_change", args=[period.pk]),
        reverse("looked_after:period_start", args=[make_person("Tegan", "Startwell").pk]),
    ):
        page = client.get(url).content.decode()
        assert "Openfield household" in page
        assert "Quietwater household" not in page
        assert str(hidden_household.pk) not in page


def test_the_period_page_does_not_name_a_household_whose_carer_is_restricted(signed_in: Any) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    household = HouseholdFactory(name="Quietwater household")
    carer = make_person("Quinn", "Quietwater", date_of_birth=date(1970, 1, 1))
    HouseholdCarerFactory(household=household, person=carer)
    restrict(carer)
    period = PeriodFactory()
    LegalStatusFactory(period=period)
    PlacementFactory(period=period, household=household)
    page = client.get(reverse("looked_after:period", args=[period.pk])).content.decode()
    assert "A household whose record you cannot see" in page
    assert "Quietwater" not in page
    assert str(household.pk) not in page
