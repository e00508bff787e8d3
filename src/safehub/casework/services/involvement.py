"""Opening, allocating and closing involvements (issue 5, items 1 and 4)."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.accounts.models import Team, TeamMembership
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.people.models import Person
from safehub.platform import clock
from safehub.platform.errors import ConflictError
from safehub.reference_data.selectors import code_choices

from ..constants import SW_REASON_LIST, TaskStatus
from ..models import Allocation, Involvement
from ..policies import involvement_policy


def involvement_open(
    *,
    actor: Any,
    person: Person,
    service: str,
    level: str,
    title: str,
    opened_on: date,
    url: str = "",
) -> Involvement:
    """Open a piece of work with a child. Called by the owning app's service, in its transaction,
    after that service has checked its own policy. Allocation is a separate step (`allocation_change`).
    """
    involvement = Involvement(
        person=person,
        service=service,
        level=level,
        title=title,
        url=url,
        opened_on=opened_on,
        updated_by=actor,
    )
    involvement.full_clean()
    involvement.save()
    record_event(actor=actor, verb=Verb.CREATE, target=involvement, section="involvement")
    return involvement


def involvement_update(*, involvement: Involvement, level: str | None = None, url: str | None = None) -> None:
    """The owning app says what the case is now (a plan started: level `cp`). No policy: the caller has."""
    changed = False
    if level is not None and level != involvement.level:
        involvement.level = level
        changed = True
    if url is not None and url != involvement.url:
        involvement.url = url
        changed = True
    if changed:
        involvement.version += 1
        involvement.save(update_fields=["level", "url", "version", "updated_at"])


def involvement_close(
    *, actor: Any, involvement: Involvement, closed_on: date, reason: str = "The case closed."
) -> None:
    """End the allocation and cancel the open tasks. Called by the owning app's closing service."""
    involvement.closed_on = closed_on
    involvement.version += 1
    involvement.updated_by = actor
    involvement.full_clean()
    involvement.save()
    current = involvement.allocations.filter(ended_on__isnull=True).first()
    if current is not None:
        current.ended_on = max(closed_on, current.started_on)
        current.save(update_fields=["ended_on", "updated_at"])
    for task in involvement.tasks.filter(status=TaskStatus.OPEN):
        task.status = TaskStatus.CANCELLED
        task.cancelled_reason = reason
        task.version += 1
        task.save()
    record_event(actor=actor, verb=Verb.UPDATE, target=involvement, section="involvement", reason="closed")


def allocation_change(
    *,
    actor: Any,
    involvement: Involvement,
    team: Team | None,
    worker: Any = None,
    started_on: date | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Allocation:
    """Allocate the case to a team and (usually) a worker, ending the current allocation.

    A change of worker needs the 903 SW_REASON code (SSDA903 SWEpisodes; Annex A counts the
    changes). The worker must be an active member of the team. Open tasks move to the new worker.

    `expected_version` is the involvement's version the manager read (R49): if another manager
    allocated the case meanwhile, this one gets a ConflictError naming them, not a silent overwrite.
    """
    involvement_policy.check(actor, "manage", involvement)
    # A stale page is answered first: the manager must see who holds the case now before any
    # message about what this change would need (checked again under the lock below).
    if expected_version is not None and involvement.version != expected_version:
        _conflict(involvement, involvement, expected_version)
    started_on = started_on or clock.today()
    current = involvement.allocations.filter(ended_on__isnull=True).first()
    errors: dict[str, list[str]] = {}
    if team is None:
        errors["team"] = ["Choose the team."]
    if not involvement.is_open:
        errors.setdefault("team", []).append("The case is closed; it cannot be allocated.")
    if worker is not None and team is not None:
        if not worker.is_active:
            errors["worker"] = [f"{worker.full_name} cannot be allocated: their account is not active."]
        elif not TeamMembership.objects.filter(team=team, user=worker).exists():
            errors["worker"] = [f"{worker.full_name} is not a member of {team.name}."]
    if started_on > clock.today():
        errors["started_on"] = ["The allocation cannot start in the future."]
    elif started_on < involvement.opened_on:
        errors["started_on"] = [
            f"The case opened on {involvement.opened_on:%-d %B %Y}; the allocation cannot start before."
        ]
    elif current is not None and started_on < current.started_on:
        errors["started_on"] = [
            f"The current allocation started on {current.started_on:%-d %B %Y}; choose that date or later."
        ]
    if (
        current is not None
        and current.team_id == getattr(team, "pk", None)
        and current.worker_id == getattr(worker, "pk", None)
    ):
        errors.setdefault("worker", []).append("The case is already allocated to them.")
    worker_changes = (
        current is not None
        and current.worker_id is not None
        and current.worker_id != getattr(worker, "pk", None)
    )
    if worker_changes:
        codes = dict(code_choices(SW_REASON_LIST))
        if not reason:
            errors["reason"] = ["Choose why the social worker is changing."]
        elif reason not in codes:
            errors["reason"] = ["Choose a reason from the list."]
    elif reason:
        reason = ""  # a first allocation has no "change" reason
    if errors:
        raise ValidationError(errors)
    assert team is not None
    with transaction.atomic():
        # No select_related here: PostgreSQL cannot lock the nullable side of an outer join.
        locked = Involvement.objects.select_for_update().get(pk=involvement.pk)
        if expected_version is not None and locked.version != expected_version:
            _conflict(involvement, locked, expected_version)
        if current is not None:
            current.ended_on = started_on
            current.save(update_fields=["ended_on", "updated_at"])
        allocation = Allocation.objects.create(
            involvement=involvement,
            team=team,
            worker=worker,
            started_on=started_on,
            change_reason=reason,
            allocated_by=actor,
        )
        involvement.team = team
        involvement.worker = worker
        involvement.version += 1
        involvement.updated_by = actor
        involvement.save(update_fields=["team", "worker", "version", "updated_by", "updated_at"])
        from .tasks import tasks_reassign

        tasks_reassign(involvement=involvement)
        record_event(actor=actor, verb=Verb.UPDATE, target=involvement, section="allocation", reason=reason)
    return allocation


def _conflict(involvement: Involvement, current: Involvement, expected_version: int) -> None:
    raise ConflictError(
        instance=involvement,
        expected_version=expected_version,
        current_version=current.version,
        changed_by=str(current.updated_by) if current.updated_by_id else None,
        changed_at=current.updated_at,
    )
