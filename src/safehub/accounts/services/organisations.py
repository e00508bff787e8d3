"""Agencies, teams and team membership. Membership decides which cases a person sees, so each
change is audited as a permission change (R26, R27)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.platform.locking import save_versioned

from ..models import Agency, Team, TeamMembership, User
from ._common import audit, refuse_self, require_manage_users
from .users import add_membership

AGENCY_FIELDS = ("name", "kind", "ods_code", "is_active")
TEAM_FIELDS = ("name", "kind", "agency", "is_active")


def _only(fields: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    if isinstance(fields.get("name"), str):
        fields["name"] = fields["name"].strip()
    return fields


def agency_create(*, actor: Any, **fields: Any) -> Agency:
    require_manage_users(actor)
    fields = _only(fields, AGENCY_FIELDS)
    with transaction.atomic():
        agency = Agency(updated_by=actor, **fields)
        agency.full_clean()
        agency.save()
        audit(actor=actor, verb="create", target=agency)
    return agency


def agency_update(*, actor: Any, agency: Agency, expected_version: int, **fields: Any) -> Agency:
    require_manage_users(actor)
    fields = _only(fields, AGENCY_FIELDS)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(agency, name, value)
        save_versioned(agency, expected_version=expected_version, actor=actor)
        audit(actor=actor, verb="update", target=agency, section=",".join(sorted(fields)))
    return agency


def team_create(*, actor: Any, **fields: Any) -> Team:
    require_manage_users(actor)
    fields = _only(fields, TEAM_FIELDS)
    with transaction.atomic():
        team = Team(updated_by=actor, **fields)
        team.full_clean()
        if not team.agency.is_active:
            raise ValidationError({"agency": "This agency is closed. Choose an open agency."})
        team.save()
        audit(actor=actor, verb="create", target=team)
    return team


def team_update(*, actor: Any, team: Team, expected_version: int, **fields: Any) -> Team:
    require_manage_users(actor)
    fields = _only(fields, TEAM_FIELDS)
    with transaction.atomic():
        moved = "agency" in fields and fields["agency"] != team.agency
        for name, value in fields.items():
            setattr(team, name, value)
        save_versioned(team, expected_version=expected_version, actor=actor)
        audit(actor=actor, verb="update", target=team, section=",".join(sorted(fields)))
        if moved:
            # Every member's reach changes with the team's agency.
            audit(
                actor=actor,
                verb="permission_change",
                target=team,
                section="agency",
                reason=f"moved to {team.agency}",
            )
    return team


def team_add_member(*, actor: Any, team: Team, user: User, is_manager: bool = False) -> TeamMembership:
    """Membership widens what a person may see: never self-granted (R26)."""
    require_manage_users(actor)
    refuse_self(actor, user, "You cannot change your own team membership.", field="user")
    if not user.is_active:
        raise ValidationError({"user": f"{user} is deactivated and cannot join a team."})
    with transaction.atomic():
        membership = add_membership(team, user, is_manager=is_manager)
        audit(
            actor=actor,
            verb="permission_change",
            target=user,
            section="teams",
            reason=f"added to {team.name} ({team.pk}){' as manager' if is_manager else ''}",
        )
    return membership


def team_remove_member(*, actor: Any, team: Team, user: User) -> None:
    require_manage_users(actor)
    refuse_self(actor, user, "You cannot change your own team membership.", field="user")
    with transaction.atomic():
        deleted, _ = TeamMembership.objects.filter(team=team, user=user).delete()
        if not deleted:
            raise ValidationError({"user": f"{user} is not a member of {team.name}."})
        audit(
            actor=actor,
            verb="permission_change",
            target=user,
            section="teams",
            reason=f"removed from {team.name} ({team.pk})",
        )
