"""Who may see and act on referrals and everything recorded under them (R18, R19).

One policy guards the referral aggregate: its assessments, strategy discussions, enquiries,
conferences, plans and visits are reached only through their referral. Actions:
`view` (view_cases), `record` (record_casework: assessments, strategy discussions, s47, visits,
core groups, CIN plans), `manage` (manage_cases: allocation, authorising, closing) and `chair`
(chair_conferences or manage_cases: conferences and their decisions).
"""

from typing import Any

from django.db.models import QuerySet

from safehub.access.policies import Policy
from safehub.accounts.constants import Capability
from safehub.casework.policies import person_hidden, person_open

from .models import Referral

_CAPABILITIES = {
    "view": (Capability.VIEW_CASES,),
    "record": (Capability.RECORD_CASEWORK,),
    "manage": (Capability.MANAGE_CASES,),
    "chair": (Capability.CHAIR_CONFERENCES, Capability.MANAGE_CASES),
}


def _capable(actor: Any, action: str) -> bool:
    return any(actor.has_capability(c) for c in _CAPABILITIES[action])


class ReferralPolicy(Policy[Referral]):
    model = Referral
    actions = tuple(_CAPABILITIES)

    def base_scope(self, actor: Any, qs: QuerySet[Referral], action: str) -> QuerySet[Referral]:
        if not _capable(actor, action):
            return qs.none()
        return qs.exclude(person_id__in=person_hidden(actor))

    def base_can(self, actor: Any, action: str, obj: Referral) -> bool:
        return _capable(actor, action) and person_open(actor, obj.person_id)


referral_policy = ReferralPolicy()
