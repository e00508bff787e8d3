"""Synthetic people, restrictions, grants and emergency uses for the access tests.

These write rows directly, bypassing the services, so a test can build any state (an expired
grant, an old emergency use) in one line. Tests of the services themselves call the services.
"""

from datetime import date, timedelta
from typing import Any

from safehub.access.constants import BreakGlassReason, GrantStatus, Level, RestrictionReason
from safehub.access.models import AccessGrant, BreakGlassAccess, RestrictedRecord
from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.people.models import Person
from safehub.platform import clock

PERSON = "people.person"


def make_person(given_name: str = "Aled", family_name: str = "Testperson", **fields: Any) -> Person:
    fields.setdefault("date_of_birth", date(2015, 3, 14))
    return Person.objects.create(given_name=given_name, family_name=family_name, **fields)


def restrict(obj: Any, level: str = Level.RESTRICTED, *, by: Any = None) -> RestrictedRecord:
    return RestrictedRecord.objects.create(
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        level=level,
        reason=RestrictionReason.HIGH_PROFILE,
        restricted_by=by or UserFactory(role=Role.IG_OFFICER),
    )


def make_grant(
    restriction: RestrictedRecord,
    user: Any,
    *,
    status: str = GrantStatus.ACTIVE,
    starts_in: timedelta = timedelta(days=-1),
    lasts: timedelta = timedelta(days=7),
    requested_by: Any = None,
) -> AccessGrant:
    starts_at = clock.now() + starts_in
    return AccessGrant.objects.create(
        restriction=restriction,
        user=user,
        reason="Allocated adoption worker for the post-adoption support plan.",
        starts_at=starts_at,
        expires_at=starts_at + lasts,
        status=status,
        requested_by=requested_by or UserFactory(role=Role.IG_OFFICER),
    )


def make_break_glass(
    user: Any,
    obj: Any,
    *,
    started_ago: timedelta = timedelta(minutes=5),
    lasts: timedelta = timedelta(hours=2),
) -> BreakGlassAccess:
    started_at = clock.now() - started_ago
    return BreakGlassAccess.objects.create(
        user=user,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        reason_code=BreakGlassReason.OUT_OF_HOURS,
        reason_text="Police called the emergency duty team about this child tonight.",
        started_at=started_at,
        expires_at=started_at + lasts,
    )
