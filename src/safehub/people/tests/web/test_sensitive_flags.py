"""The sensitive-flag rule (`safehub.people.record`): the query and the single-object check agree,
so no list shows a flag that the object check refuses, and no flag is hidden from a list that the
check allows (R19's property, for the rule issue 3 adds)."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import AgencyFactory, UserFactory
from safehub.people.constants import RiskFlagKind, Sensitivity
from safehub.people.models import RiskFlag
from safehub.people.record import may_see_flag, visible_flags
from safehub.people.tests.factories import PersonFactory
from safehub.platform import clock

pytestmark = pytest.mark.django_db


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    role=st.sampled_from(list(Role)),
    flags=st.lists(st.tuples(st.sampled_from(list(Sensitivity)), st.integers(0, 2)), min_size=1, max_size=6),
    own_agency=st.integers(0, 3),
)
def test_the_list_and_the_check_agree(role, flags, own_agency) -> None:
    agencies = [AgencyFactory(name=f"Property agency {i}") for i in range(4)]
    person = PersonFactory()
    for sensitivity, agency in flags:
        RiskFlag.objects.create(
            person=person,
            kind=RiskFlagKind.RISK_TO_STAFF,
            source_agency=agencies[agency],
            starts_on=date(2024, 1, 1),
            review_on=clock.today() + timedelta(days=9),
            sensitivity=sensitivity,
        )
    actor = UserFactory(role=role, agency=agencies[own_agency])
    everything = RiskFlag.objects.filter(person=person)
    listed = set(visible_flags(actor, everything).values_list("pk", flat=True))
    assert listed == {flag.pk for flag in everything if may_see_flag(actor, flag)}
    # Normal flags are never hidden by this rule.
    assert {f.pk for f in everything if f.sensitivity == Sensitivity.NORMAL} <= listed
    RiskFlag.objects.filter(person=person).delete()
