"""Reads for user, agency and team administration. Everything here needs MANAGE_USERS (R18);
without it a list is empty and an object is not found (R19)."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.db.models import Count, Prefetch, Q, QuerySet

from safehub.platform import auditing, clock
from safehub.platform.errors import NotFoundOrForbidden

from .constants import Capability
from .models import Agency, Team, TeamMembership, User

# R12, T9: an active account unused for this long is flagged at access recertification.
DORMANT_AFTER = timedelta(days=90)


def _may_manage(actor: Any) -> bool:
    return actor is not None and actor.is_authenticated and actor.has_capability(Capability.MANAGE_USERS)


def _scope(actor: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs if _may_manage(actor) else qs.none()


@dataclass(frozen=True)
class UserFilters:
    role: str = ""
    team: uuid.UUID | None = None
    agency: uuid.UUID | None = None
    active: bool | None = None


def user_list(*, actor: Any, filters: UserFilters | None = None) -> QuerySet[User]:
    """Users with agency and teams loaded: three queries whatever the page size."""
    filters = filters or UserFilters()
    qs = _scope(actor, User.objects.all())
    if filters.role:
        qs = qs.filter(role=filters.role)
    if filters.team:
        qs = qs.filter(memberships__team_id=filters.team)
    if filters.agency:
        qs = qs.filter(agency_id=filters.agency)
    if filters.active is not None:
        qs = qs.filter(is_active=filters.active)
    return qs.select_related("agency").prefetch_related("teams").order_by("full_name", "email")


def user_get(*, actor: Any, id: uuid.UUID | str) -> User:
    user = _scope(actor, User.objects.select_related("agency", "updated_by")).filter(pk=id).first()
    if user is None:
        raise NotFoundOrForbidden()
    return user


@dataclass(frozen=True)
class SecuritySummary:
    """What an administrator may know of a person's sign-in security: counts, never secrets."""

    totp: int
    webauthn: int
    recovery_codes_unused: int
    active_sessions: int

    @property
    def has_mfa(self) -> bool:
        return bool(self.totp or self.webauthn)


def user_security_summary(*, actor: Any, user: User) -> SecuritySummary:
    if not _may_manage(actor):
        raise NotFoundOrForbidden()
    totp = webauthn = unused = 0
    for authenticator in Authenticator.objects.filter(user_id=user.pk):
        if authenticator.type == Authenticator.Type.TOTP:
            totp += 1
        elif authenticator.type == Authenticator.Type.WEBAUTHN:
            webauthn += 1
        elif authenticator.type == Authenticator.Type.RECOVERY_CODES:
            unused = len(authenticator.wrap().get_unused_codes())
    # purge_and_list drops rows whose session has already expired or been ended.
    sessions = len(UserSession.objects.purge_and_list(user))
    return SecuritySummary(
        totp=totp, webauthn=webauthn, recovery_codes_unused=unused, active_sessions=sessions
    )


def user_memberships(*, actor: Any, user: User) -> QuerySet[TeamMembership]:
    return (
        _scope(actor, TeamMembership.objects.filter(user=user))
        .select_related("team__agency")
        .order_by("team__name")
    )


def agency_list(*, actor: Any) -> QuerySet[Agency]:
    return _scope(actor, Agency.objects.all()).annotate(
        user_count=Count("users", filter=Q(users__is_active=True), distinct=True),
        team_count=Count("teams", distinct=True),
    )


def agency_get(*, actor: Any, id: uuid.UUID | str) -> Agency:
    agency = _scope(actor, Agency.objects.all()).filter(pk=id).first()
    if agency is None:
        raise NotFoundOrForbidden()
    return agency


def team_list(*, actor: Any) -> QuerySet[Team]:
    return (
        _scope(actor, Team.objects.all())
        .select_related("agency")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("agency__name", "name")
    )


def team_get(*, actor: Any, id: uuid.UUID | str) -> Team:
    members = Prefetch(
        "memberships", queryset=TeamMembership.objects.select_related("user").order_by("user__full_name")
    )
    team = (
        _scope(actor, Team.objects.select_related("agency").prefetch_related(members)).filter(pk=id).first()
    )
    if team is None:
        raise NotFoundOrForbidden()
    return team


def open_agencies(*, actor: Any) -> QuerySet[Agency]:
    return _scope(actor, Agency.objects.filter(is_active=True))


def open_teams(*, actor: Any) -> QuerySet[Team]:
    return _scope(actor, Team.objects.filter(is_active=True).select_related("agency")).order_by(
        "agency__name", "name"
    )


def active_users(*, actor: Any) -> QuerySet[User]:
    return _scope(actor, User.objects.filter(is_active=True)).order_by("full_name", "email")


@dataclass(frozen=True)
class RecertificationRow:
    user: User
    teams: list[str] = field(default_factory=list)
    last_login: datetime | None = None
    dormant: bool = False


def recertification_rows(*, actor: Any) -> list[RecertificationRow]:
    """Every active account with what it can reach, for the quarterly access review (R12, T9).

    An account is dormant when nobody has signed in to it for DORMANT_AFTER, counting from when
    it was created if it has never been used.
    """
    cutoff = clock.now() - DORMANT_AFTER
    rows = []
    for user in user_list(actor=actor, filters=UserFilters(active=True)):
        seen = user.last_login or user.date_joined
        rows.append(
            RecertificationRow(
                user=user,
                teams=[t.name for t in user.teams.all()],
                last_login=user.last_login,
                dormant=seen < cutoff,
            )
        )
    return rows


def user_by_email(*, actor: Any, email: str) -> User | None:
    return _scope(actor, User.objects.filter(is_active=True)).filter(email__iexact=email.strip()).first()


def recertification_export(*, actor: Any) -> list[RecertificationRow]:
    """The recertification rows for download. The export is audited before any row is returned, so
    a failed audit write means no file (R27, R28)."""
    if not _may_manage(actor):
        raise NotFoundOrForbidden()
    rows = recertification_rows(actor=actor)
    auditing.record(
        actor=actor,
        verb="export",
        object_type=User._meta.label_lower,
        purpose="access recertification",
        result_ids=[row.user.pk for row in rows],
    )
    return rows
