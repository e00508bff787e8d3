"""Who may see and act on early help episodes (issue 9, item 3; R18, R19).

One policy guards the episode aggregate: its members, assessments, consent, TAF, plan, reviews
and steps are reached only through their episode. Actions: `view` (view_early_help), `record`
(record_early_help), `manage` (manage_early_help: open, allocate, close, step up) and `count`
(view_early_help_dashboard: the dashboard's aggregates only).

Council staff with the capability see every episode whose family they may see. A partner
professional (role `early_help_partner`) sees only the episodes they are a current TAF member
of, and nothing else: the day they leave the team the episode is gone from their lists and its
pages answer 404 like a record that does not exist. An episode is hidden from anyone restricted
from any person in it, because its pages show the whole family.
"""

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from safehub.access.policies import Policy
from safehub.accounts.constants import Capability, Role
from safehub.casework.policies import person_hidden

from .models import EarlyHelpEpisode, EpisodeMember, TafMember

_CAPABILITY = {
    "view": Capability.VIEW_EARLY_HELP,
    "record": Capability.RECORD_EARLY_HELP,
    "manage": Capability.MANAGE_EARLY_HELP,
    # Counting for the dashboard (R22: counts, never a family's details): a performance analyst
    # counts every family they could not open one by one. Restricted families are still left out.
    "count": Capability.VIEW_EARLY_HELP_DASHBOARD,
}


def is_partner(actor: Any) -> bool:
    return getattr(actor, "role", None) == Role.EARLY_HELP_PARTNER


def _member_of(actor: Any) -> QuerySet[TafMember]:
    return TafMember.objects.filter(user_id=actor.pk, left_on__isnull=True)


class EpisodePolicy(Policy[EarlyHelpEpisode]):
    model = EarlyHelpEpisode
    actions = tuple(_CAPABILITY)

    def base_scope(
        self, actor: Any, qs: QuerySet[EarlyHelpEpisode], action: str
    ) -> QuerySet[EarlyHelpEpisode]:
        if not actor.has_capability(_CAPABILITY[action]):
            return qs.none()
        if is_partner(actor):
            qs = qs.filter(Exists(_member_of(actor).filter(episode_id=OuterRef("pk"))))
        hidden_member = EpisodeMember.objects.filter(
            episode_id=OuterRef("pk"), person_id__in=person_hidden(actor)
        )
        return qs.exclude(Exists(hidden_member))

    def base_can(self, actor: Any, action: str, obj: EarlyHelpEpisode) -> bool:
        if not actor.has_capability(_CAPABILITY[action]):
            return False
        if is_partner(actor) and not _member_of(actor).filter(episode_id=obj.pk).exists():
            return False
        return not EpisodeMember.objects.filter(
            episode_id=obj.pk, person_id__in=person_hidden(actor)
        ).exists()


episode_policy = EpisodePolicy()
