"""The duplicate review queue: a dedupe run's clusters going in, "not duplicates" decisions coming out.

Merges are `person_merge` (services/merge.py); these are the other writes the queue needs.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock
from safehub.platform.errors import ConflictError, NotFoundOrForbidden, PermissionRefused

from ..models import DedupeRun, DuplicateCluster, DuplicateClusterMember, Person
from ..models.duplicates import ClusterStatus, DedupeRunStatus
from ..policies import person_policy

# A cluster that is waiting, or that someone has already judged to be different people, is not
# queued again for the same members.
_STILL_STANDS = (ClusterStatus.OPEN, ClusterStatus.NOT_DUPLICATES)
ACTOR_LABEL = "safehub people dedupe"


@dataclass(frozen=True)
class ClusterFound:
    """(person id, probability) pairs, as the Splink run reports them."""

    members: Sequence[tuple[str, float]]


def _chunks(values: list[Any], size: int = 900) -> Iterable[list[Any]]:
    """Bounded IN lists: SQLite refuses a statement with more than 32,766 parameters."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def member_key(person_ids: Iterable[Any]) -> str:
    return ",".join(sorted(str(person_id) for person_id in person_ids))


def dedupe_run_save(
    *,
    actor: Any,
    clusters: Iterable[ClusterFound],
    threshold: float,
    started_at: datetime,
    model_version: int | None,
    people_scored: int,
    pairs_scored: int,
    duration_seconds: float,
) -> DedupeRun:
    """Record a completed run and queue its new clusters, in one transaction (ADR 0002 s.8).

    `actor` may be None for a run started by the system; a user must hold the merge function.
    """
    if actor is not None and not actor.has_capability(Capability.MERGE_PEOPLE):
        raise PermissionRefused()
    if not 0 < threshold <= 1:
        raise ValidationError({"threshold": "The threshold is a probability above 0 and at most 1."})
    clusters = [cluster for cluster in clusters if len(cluster.members) >= 2]
    with transaction.atomic():
        run = DedupeRun(
            started_by=actor,
            started_at=started_at,
            finished_at=clock.now(),
            model_version=model_version,
            threshold=threshold,
            people_scored=people_scored,
            pairs_scored=pairs_scored,
            clusters_found=len(clusters),
            status=DedupeRunStatus.COMPLETED,
            duration_seconds=duration_seconds,
        )
        run.full_clean()
        run.save()
        keys = {member_key(person_id for person_id, _ in cluster.members): cluster for cluster in clusters}
        standing: set[str] = set()
        for chunk in _chunks(list(keys)):
            standing.update(
                DuplicateCluster.objects.filter(status__in=_STILL_STANDS, member_key__in=chunk).values_list(
                    "member_key", flat=True
                )
            )
        # An absorbed record (merged since the profiles were read) is never offered again. Absorbed
        # records are few beside the index, so one query for all of them beats 300 IN lists.
        merged = {
            str(pk) for pk in Person.objects.filter(merged_into__isnull=False).values_list("pk", flat=True)
        }
        now = clock.now()
        cluster_rows: list[dict[str, Any]] = []
        member_rows: list[dict[str, Any]] = []
        for key, found in keys.items():
            members = [(person_id, p) for person_id, p in found.members if str(person_id) not in merged]
            if key in standing or len(members) < 2:
                continue
            cluster_id = uuid.uuid4()
            cluster_rows.append(
                {
                    "id": cluster_id,
                    "run_id": run.pk,
                    "member_key": key,
                    "max_probability": max(p for _, p in members),
                    "updated_by_id": actor.pk if actor is not None else None,
                }
            )
            member_rows.extend(
                {
                    "id": uuid.uuid4(),
                    "cluster_id": cluster_id,
                    "person_id": _uuid(person_id),
                    "probability": p,
                }
                for person_id, p in members
            )
        # The import's bulk loader: one statement per table instead of `bulk_create`, which took
        # 68 s for 131k clusters and their members on SQLite (16 s this way); its 256 MB SQLite page
        # cache because random UUID keys land all over the tables' indexes. Imported here: the
        # import package imports these services.
        from ..imports import bulk

        with bulk.load_settings():
            bulk.insert(DuplicateCluster, cluster_rows, now=now)
            bulk.insert(DuplicateClusterMember, member_rows, now=now)
        run.clusters_queued = len(cluster_rows)
        run.save(update_fields=["clusters_queued", "updated_at"])
        record_event(
            actor=actor,
            verb=Verb.CREATE,
            target=run,
            section="dedupe",
            actor_label="" if actor is not None else ACTOR_LABEL,
        )
    return run


def _uuid(value: Any) -> uuid.UUID:
    """Splink hands ids back as text; the bulk loader stores a UUID in each database's own form."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def dedupe_run_failed(*, actor: Any, threshold: float, started_at: datetime, error: str) -> DedupeRun:
    """Leave a record of a run that did not finish, so the queue's history shows the gap."""
    with transaction.atomic():
        run = DedupeRun.objects.create(
            started_by=actor,
            started_at=started_at,
            finished_at=clock.now(),
            threshold=threshold,
            status=DedupeRunStatus.FAILED,
            duration_seconds=(clock.now() - started_at).total_seconds(),
            error=error[:2000],
        )
        record_event(
            actor=actor,
            verb=Verb.CREATE,
            target=run,
            section="dedupe",
            outcome="failure",
            actor_label="" if actor is not None else ACTOR_LABEL,
        )
    return run


def duplicate_cluster_dismiss(
    *, actor: Any, cluster: DuplicateCluster, reason: str, expected_version: int | None = None
) -> DuplicateCluster:
    """Record that the people in a cluster are different people; the run will not queue them again."""
    if not actor.has_capability(Capability.MERGE_PEOPLE):
        raise PermissionRefused()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why these are different people."})
    with transaction.atomic():
        cluster = DuplicateCluster.objects.select_for_update().get(pk=cluster.pk)
        members = list(Person.objects.filter(duplicate_memberships__cluster=cluster))
        visible = person_policy.scope(actor, Person.objects.filter(pk__in=[p.pk for p in members]), "merge")
        if visible.count() != len(members):
            raise NotFoundOrForbidden()
        if expected_version is not None and cluster.version != expected_version:
            raise ConflictError(
                instance=cluster,
                expected_version=expected_version,
                current_version=cluster.version,
                changed_by=str(cluster.decided_by or cluster.updated_by or "") or None,
                changed_at=cluster.updated_at,
            )
        if cluster.status != ClusterStatus.OPEN:
            raise ValidationError({"reason": "A decision on these records has already been recorded."})
        cluster.status = ClusterStatus.NOT_DUPLICATES
        cluster.decision_reason = reason
        cluster.decided_by = actor
        cluster.decided_at = clock.now()
        cluster.version += 1
        cluster.updated_by = actor
        cluster.full_clean()
        cluster.save()
        record_event(actor=actor, verb=Verb.UPDATE, target=cluster, section="not_duplicates", reason=reason)
    return cluster


def duplicate_cluster_merge(
    *,
    actor: Any,
    cluster: DuplicateCluster,
    survivor: Person,
    reason: str,
    versions: dict[str, int] | None = None,
) -> list[Any]:
    """Merge every other unmerged member of the cluster into `survivor`, all or nothing (R50).

    `versions` maps person id to the version the reviewer compared (R49).
    """
    from .merge import person_merge

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why these records are the same person."})
    versions = versions or {}
    with transaction.atomic():
        members = list(Person.objects.filter(duplicate_memberships__cluster=cluster).order_by("pk"))
        if survivor.pk not in {member.pk for member in members}:
            raise ValidationError({"survivor": "Choose the record to keep from this group."})
        others = [member for member in members if member.pk != survivor.pk and member.merged_into_id is None]
        if not others:
            raise ValidationError({"survivor": "The other records in this group have already been merged."})
        return [
            person_merge(
                actor=actor,
                survivor=survivor,
                absorbed=other,
                reason=reason,
                cluster=cluster,
                survivor_version=versions.get(str(survivor.pk)) if index == 0 else None,
                absorbed_version=versions.get(str(other.pk)),
            )
            for index, other in enumerate(others)
        ]
