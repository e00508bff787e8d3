"""Synthetic early help families for the tests, built through the services (which keep the
clocks). Synthetic data only (en_GB Faker).

"Today" in these tests is Thursday 26 November 2026 (the `today` fixture in conftest.py).
"""

from datetime import UTC, date, datetime
from typing import Any

from safehub.accounts.constants import AgencyKind, Role, TeamKind
from safehub.accounts.tests.factories import AgencyFactory, UserFactory
from safehub.casework.tests.factories import team_with
from safehub.people.tests.factories import PersonFactory

from ..constants import EpisodeSource, MemberRole, NeedArea, TafRole
from ..models import EarlyHelpEpisode, FamilyPlan, TafMember
from ..services.episodes import episode_open

TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
OPENED = date(2026, 10, 1)


def eh_staff(*roles: str) -> tuple[Any, list[Any]]:
    """An early help team and its members (early help practitioners unless `roles` says)."""
    team, members = team_with(*(roles or (Role.EARLY_HELP,)), kind=TeamKind.EARLY_HELP)
    return team, members


def practitioner() -> Any:
    return eh_staff()[1][0]


def school(name: str = "Synthetic Primary School") -> Any:
    return AgencyFactory(name=name, kind=AgencyKind.SCHOOL)


def partner(agency: Any = None, **fields: Any) -> Any:
    """A school's designated lead (role early_help_partner)."""
    return UserFactory(role=Role.EARLY_HELP_PARTNER, agency=agency or school(), **fields)


def child(**fields: Any) -> Any:
    fields.setdefault("date_of_birth", date(2017, 3, 14))
    return PersonFactory(**fields)


def adult(**fields: Any) -> Any:
    fields.setdefault("date_of_birth", date(1988, 7, 2))
    return PersonFactory(**fields)


def opened(actor: Any, **fields: Any) -> EarlyHelpEpisode:
    """An episode opened through `episode_open`, allocated to the actor's team and the actor."""
    team = fields.pop("team", None) or actor.memberships.first().team
    fields.setdefault("family_name", "the Synthetic family")
    fields.setdefault("source", EpisodeSource.FRONT_DOOR)
    fields.setdefault("reason", "School attendance has fallen and the parent asked for help.")
    fields.setdefault("opened_on", OPENED)
    fields.setdefault("organisation", team.agency)
    fields.setdefault("children", [child()])
    fields.setdefault("worker", actor)
    return episode_open(actor=actor, team=team, **fields)


def taf_member(
    episode: EarlyHelpEpisode, *, user: Any = None, role: str = TafRole.MEMBER, **fields: Any
) -> TafMember:
    """A bare TAF membership row (the services' own tests go through `taf_member_add`)."""
    fields.setdefault("agency", user.agency if user is not None else school())
    fields.setdefault("name", user.full_name if user is not None else "Sam Synthetic")
    fields.setdefault("joined_on", episode.opened_on)
    return TafMember.objects.create(episode=episode, user=user, role=role, **fields)


def children_of(episode: EarlyHelpEpisode) -> list[Any]:
    return [m.person for m in episode.members.filter(role=MemberRole.CHILD).order_by("created_at")]


GOALS = (
    (NeedArea.EDUCATION, "Amira goes to school every day", 3),
    (NeedArea.RELATIONSHIPS, "Fewer arguments at bedtime", 4),
)


def plan_of(episode: EarlyHelpEpisode) -> FamilyPlan:
    return FamilyPlan.objects.get(episode=episode)
