"""Open early help episodes as involvements, for the front door's "already open to children's
services" panel (issue 4, item 3): a contact about a child in early help shows the episode, its
lead professional and its worker, so the MASH knows who already knows the family.

Registered with `people.involvements` (people sits below this app). One query for any number of
people, through the episode policy (R19): a partner sees only their own families here too.
"""

from collections.abc import Iterable
from typing import Any

from safehub.people.involvements import Involvement

from .models import EarlyHelpEpisode, EpisodeMember
from .policies import episode_policy
from .services.episodes import episode_url

SOURCE_NAME = "early_help"


def open_episodes(actor: Any, person_ids: list[Any]) -> Iterable[Involvement]:
    visible = episode_policy.scope(actor, EarlyHelpEpisode.objects.filter(closed_on__isnull=True), "view")
    members = (
        EpisodeMember.objects.filter(person_id__in=person_ids, episode__in=visible)
        .select_related("episode__lead_professional", "episode__team", "involvement__worker")
        .order_by("episode__opened_on", "created_at")
    )
    for member in members:
        episode = member.episode
        involvement = member.involvement
        worker = involvement.worker if involvement is not None and involvement.worker_id else None
        lead = episode.lead_professional
        yield Involvement(
            person_id=member.person_id,
            service=f"Early help ({member.get_role_display().lower()})",
            started_on=episode.opened_on,
            worker=str(worker or lead or ""),
            team=str(episode.team),
            url=episode_url(episode),
            kind="early_help",
        )
