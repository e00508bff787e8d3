"""Who may see and act on children in care records and households (R18, R19).

`care_policy` guards the period-of-care aggregate (legal statuses, placements, reviews, visits,
health, missing episodes, permanence) and the care-leaver record, reached only through their
period or record. Actions: `view` (view_cases), `record` (record_casework), `manage`
(manage_cases: starting and ending care, legal status, permanence decisions, IRO allocation) and
`review` (chair_conferences or manage_cases: the IRO's looked-after reviews).

`household_policy` guards carer households: `view` (view_cases), `manage` (manage_households).
A household with a carer whose record is hidden from the actor is hidden with it (R21).
"""

from collections.abc import Mapping
from typing import Any, TypeVar

from django.db.models import QuerySet

from safehub.access.policies import Policy
from safehub.accounts.constants import Capability
from safehub.casework.policies import person_hidden, person_open

from .models import CareLeaver, CarerHousehold, LookedAfterPeriod

_CARE = {
    "view": (Capability.VIEW_CASES,),
    "record": (Capability.RECORD_CASEWORK,),
    "manage": (Capability.MANAGE_CASES,),
    "review": (Capability.CHAIR_CONFERENCES, Capability.MANAGE_CASES),
}
_HOUSEHOLD = {
    "view": (Capability.VIEW_CASES,),
    "manage": (Capability.MANAGE_HOUSEHOLDS,),
}


M = TypeVar("M", CareLeaver, LookedAfterPeriod)


def _capable(actor: Any, table: Mapping[str, tuple[str, ...]], action: str) -> bool:
    return any(actor.has_capability(c) for c in table[action])


class _PersonRecordPolicy(Policy[M]):
    actions = tuple(_CARE)

    def base_scope(self, actor: Any, qs: QuerySet[M], action: str) -> QuerySet[M]:
        if not _capable(actor, _CARE, action):
            return qs.none()
        return qs.exclude(person_id__in=person_hidden(actor))

    def base_can(self, actor: Any, action: str, obj: M) -> bool:
        return _capable(actor, _CARE, action) and person_open(actor, obj.person_id)  # type: ignore[attr-defined]


class CarePolicy(_PersonRecordPolicy[LookedAfterPeriod]):
    model = LookedAfterPeriod


class CareLeaverPolicy(_PersonRecordPolicy[CareLeaver]):
    model = CareLeaver


class HouseholdPolicy(Policy[CarerHousehold]):
    model = CarerHousehold
    actions = tuple(_HOUSEHOLD)

    def base_scope(self, actor: Any, qs: QuerySet[CarerHousehold], action: str) -> QuerySet[CarerHousehold]:
        if not _capable(actor, _HOUSEHOLD, action):
            return qs.none()
        return qs.exclude(carers__person_id__in=person_hidden(actor))

    def base_can(self, actor: Any, action: str, obj: CarerHousehold) -> bool:
        if not _capable(actor, _HOUSEHOLD, action):
            return False
        return all(person_open(actor, pid) for pid in obj.carers.values_list("person_id", flat=True))


care_policy = CarePolicy()
care_leaver_policy = CareLeaverPolicy()
household_policy = HouseholdPolicy()
