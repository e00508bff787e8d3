"""Creating and editing users. Each write: capability check, validation, audit, one transaction."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.platform import clock
from safehub.platform.errors import ConflictError

from ..models import Agency, Team, TeamMembership, User
from ._common import audit, describe_change, refuse_self, require_manage_users
from .notifications import send_welcome

EDITABLE_FIELDS = ("email", "full_name", "job_title", "role", "agency")
# Fields whose change widens or narrows what the person may see: audited as permission changes.
ACCESS_FIELDS = ("role", "agency")


def _normalise(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    if "email" in fields:
        fields["email"] = (fields["email"] or "").strip().lower()
    return fields


def _check_email_free(email: str, *, exclude: Any = None) -> None:
    others = User.objects.filter(email__iexact=email)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if email and others.exists():
        raise ValidationError({"email": "A user with this email address already exists."})


def _check_agency_open(agency: Agency | None) -> None:
    if agency is not None and not agency.is_active:
        raise ValidationError({"agency": "This agency is closed. Choose an open agency."})


def lock_user(user: User) -> User:
    """The current row, held for the rest of the transaction (FOR UPDATE on PostgreSQL; SQLite
    transactions already hold the write lock because Safehub begins them IMMEDIATE)."""
    return User.objects.select_for_update().get(pk=user.pk)


def stamp(user: User, actor: Any) -> list[str]:
    """Move the version on, so any form opened before this change meets a conflict (R49)."""
    user.version += 1
    user.updated_by = actor
    user.updated_at = clock.now()
    return ["version", "updated_by", "updated_at"]


def _label(name: str) -> str:
    return str(getattr(User._meta.get_field(name), "verbose_name", name))


def conflict(current: User, expected_version: int, submitted: dict[str, Any]) -> ConflictError:
    changed_by = User.objects.filter(pk=current.updated_by_id).first() if current.updated_by_id else None
    changes = {
        _label(name): (getattr(current, name), value)
        for name, value in submitted.items()
        if getattr(current, name) != value
    }
    return ConflictError(
        instance=current,
        expected_version=expected_version,
        current_version=current.version,
        changed_by=str(changed_by) if changed_by else None,
        changed_at=current.updated_at,
        changes=changes,
    )


def user_create(
    *,
    actor: Any,
    email: str,
    full_name: str,
    role: str,
    agency: Agency | None,
    job_title: str = "",
    teams: Iterable[Team] = (),
    site_url: str,
) -> User:
    """A named account with no password: the person chooses one from a single-use e-mailed link (R12)."""
    require_manage_users(actor)
    fields = _normalise(
        {"email": email, "full_name": full_name, "role": role, "agency": agency, "job_title": job_title}
    )
    teams = list(teams)
    with transaction.atomic():
        _check_email_free(fields["email"])
        _check_agency_open(agency)
        user = User(**fields, updated_by=actor, updated_at=clock.now())
        user.set_unusable_password()
        user.full_clean()
        user.save()
        audit(actor=actor, verb="create", target=user)
        for team in teams:
            add_membership(team, user)
        granted = f"role: {user.role}; agency: {agency or '(none)'}; teams: {', '.join(t.name for t in teams) or '(none)'}"
        audit(actor=actor, verb="permission_change", target=user, section="role,agency,teams", reason=granted)
        send_welcome(user, site_url)
    return user


def add_membership(team: Team, user: User, *, is_manager: bool = False) -> TeamMembership:
    if not team.is_active:
        raise ValidationError({"team": f"{team.name} is closed. Choose an open team."})
    membership = TeamMembership(team=team, user=user, is_manager=is_manager)
    try:
        membership.full_clean()
    except ValidationError as exc:
        raise ValidationError({"user": f"{user} is already a member of {team.name}."}) from exc
    membership.save()
    return membership


def user_update(*, actor: Any, user: User, expected_version: int, **fields: Any) -> User:
    """Edit a user's details, role or agency; ConflictError if someone saved since `expected_version` (R49).

    An administrator cannot change their own role or agency (separation of duties, R26).
    """
    require_manage_users(actor)
    fields = _normalise(fields)
    with transaction.atomic():
        current = lock_user(user)
        if current.version != expected_version:
            raise conflict(current, expected_version, fields)
        changed = {name: value for name, value in fields.items() if getattr(current, name) != value}
        for name in ACCESS_FIELDS:
            if name in changed:
                refuse_self(actor, current, "You cannot change your own role or agency.", field=name)
        if "email" in changed:
            _check_email_free(changed["email"], exclude=current.pk)
        if "agency" in changed:
            _check_agency_open(changed["agency"])
        before = {name: getattr(current, name) for name in changed}
        for name, value in changed.items():
            setattr(current, name, value)
        current.full_clean()
        current.save(update_fields=[*changed, *stamp(current, actor)])
        audit(actor=actor, verb="update", target=current, section=",".join(sorted(changed)))
        access = [name for name in ACCESS_FIELDS if name in changed]
        if access:
            reason = "; ".join(f"{name}: {describe_change(before[name], changed[name])}" for name in access)
            audit(
                actor=actor, verb="permission_change", target=current, section=",".join(access), reason=reason
            )
    user.refresh_from_db()
    return current
