"""Merging two records of one person, approving a merge, and undoing one (issue 3 item 4, T16).

A merge needs a recorded reason and, where the council turns it on (`SAFEHUB_MERGE_SECOND_APPROVER`),
a second person with the same function to approve it. It moves every registered reference
(`safehub.people.merging`) from the absorbed record to the survivor, writing each change down, and
marks the absorbed record `merged_into` the survivor. Unmerge walks the same list backwards. Nothing
is deleted, so both are exact.

Access is never widened by a merge (R22): a restricted absorbed record makes the survivor at least as
restricted, and grants that opened only the survivor stop opening the merged record.
"""

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from safehub.access.constants import GrantStatus, Level
from safehub.access.models import AccessGrant, RestrictedRecord
from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock
from safehub.platform.errors import ConflictError, PermissionRefused
from safehub.platform.models import VersionedModel

from ..merging import Keep, person_references
from ..models import DuplicateCluster, Person, PersonMatchKey, PersonMerge, PersonMergeChange
from ..models.duplicates import ClusterStatus, MergeChangeAction, MergeStatus
from ..policies import person_policy
from .match_keys import person_refresh_match_keys

PERSON_TYPE = "people.person"
SECTION = "merge"
_LEVEL_RANK: dict[str, int] = {Level.RESTRICTED: 1, Level.SEALED: 2}


def second_approver_required() -> bool:
    return bool(getattr(settings, "SAFEHUB_MERGE_SECOND_APPROVER", False))


def person_merge(
    *,
    actor: Any,
    survivor: Person,
    absorbed: Person,
    reason: str,
    cluster: DuplicateCluster | None = None,
    survivor_version: int | None = None,
    absorbed_version: int | None = None,
) -> PersonMerge:
    """Decide that `absorbed` is the same person as `survivor`; merge now, or once a second person approves.

    `*_version` are the versions the user compared (R49): if either record changed since, the
    merge is refused with a ConflictError rather than made on what the user did not see.
    """
    _require(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why these records are the same person."})
    if survivor.pk == absorbed.pk:
        raise ValidationError(
            {"survivor": "Choose two different records: a record cannot be merged into itself."}
        )
    with transaction.atomic():
        survivor = _locked(actor, survivor, survivor_version)
        absorbed = _locked(actor, absorbed, absorbed_version)
        for role, person in (("survivor", survivor), ("absorbed", absorbed)):
            if person.merged_into_id is not None:
                raise ValidationError({role: "This record has already been merged into another."})
        if PersonMerge.objects.filter(status=MergeStatus.PENDING, absorbed__in=[survivor, absorbed]).exists():
            raise ValidationError({"absorbed": "A merge of this record is already waiting for approval."})
        if cluster is not None:
            _check_cluster(cluster, survivor, absorbed)
        now = clock.now()
        merge = PersonMerge(
            survivor=survivor,
            absorbed=absorbed,
            cluster=cluster,
            status=MergeStatus.PENDING,
            reason=reason,
            decided_by=actor,
            decided_at=now,
            updated_by=actor,
        )
        merge.full_clean()
        merge.save()
        record_event(actor=actor, verb=Verb.CREATE, target=merge, reason=reason)
        if not second_approver_required():
            _execute(actor, merge)
    return merge


def person_merge_approve(*, actor: Any, merge: PersonMerge) -> PersonMerge:
    """The second person's approval (four-eyes, R26): the merge happens now."""
    _require(actor)
    with transaction.atomic():
        merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
        person_policy.check(actor, "merge", merge.survivor)
        person_policy.check(actor, "merge", merge.absorbed)
        if merge.status != MergeStatus.PENDING:
            raise ValidationError({"status": "This merge is not waiting for approval."})
        if merge.decided_by_id == actor.pk:
            raise ValidationError(
                {"approved_by": "Someone other than the person who decided the merge must approve it."}
            )
        merge.approved_by = actor
        merge.approved_at = clock.now()
        _execute(actor, merge)
    return merge


def person_unmerge(
    *, actor: Any, merge: PersonMerge, reason: str, expected_version: int | None = None
) -> PersonMerge:
    """Undo a merge: every row it moved goes back, every row it created goes, both records stand alone.

    If a moved row has changed its person since (a later merge moved it on), that later merge must
    be undone first: ConflictError says so and nothing changes.
    """
    _require(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the merge was wrong."})
    with transaction.atomic():
        merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
        if expected_version is not None and merge.version != expected_version:
            raise _conflict(merge, expected_version)
        person_policy.check(actor, "merge", merge.survivor)
        person_policy.check(actor, "merge", merge.absorbed)
        if merge.status != MergeStatus.COMPLETED:
            raise ValidationError({"status": "Only a completed merge can be undone."})
        for changes in _by_row(merge.changes.order_by("-seq")):
            _revert(actor, merge, changes)
        absorbed = Person.objects.select_for_update().get(pk=merge.absorbed_id)
        absorbed.merged_into = None
        _save(absorbed, actor)
        survivor = Person.objects.select_for_update().get(pk=merge.survivor_id)
        _save(survivor, actor)
        person_refresh_match_keys(survivor)
        person_refresh_match_keys(absorbed)
        merge.status = MergeStatus.UNMERGED
        merge.unmerged_by = actor
        merge.unmerged_at = clock.now()
        merge.unmerge_reason = reason
        _save(merge, actor)
        if merge.cluster_id is not None:
            _update_cluster(actor, merge.cluster_id, merge)
        record_event(actor=actor, verb=Verb.UPDATE, target=merge, section="unmerge", reason=reason)
        record_event(actor=actor, verb=Verb.UPDATE, target=survivor, section="unmerge", reason=reason)
        record_event(actor=actor, verb=Verb.UPDATE, target=absorbed, section="unmerge", reason=reason)
    return merge


# --- the merge itself ---------------------------------------------------------------------------


@dataclass
class _Recorder:
    merge: PersonMerge
    rows: list[PersonMergeChange] = field(default_factory=list)

    def add(
        self, action: str, row: models.Model, name: str = "", old: Any = None, new: Any = None, note: str = ""
    ) -> None:
        self.rows.append(
            PersonMergeChange(
                merge=self.merge,
                seq=len(self.rows) + 1,
                action=action,
                model_label=row._meta.label,
                object_id=str(row.pk),
                field=name,
                from_value=_text(old),
                to_value=_text(new),
                note=note[:200],
            )
        )


def _execute(actor: Any, merge: PersonMerge) -> None:
    survivor = Person.objects.select_for_update().get(pk=merge.survivor_id)
    absorbed = Person.objects.select_for_update().get(pk=merge.absorbed_id)
    recorder = _Recorder(merge)
    for reference in person_references():
        rows = reference.model._default_manager.filter(**{reference.field: absorbed}).order_by("pk")
        for row in rows:
            if isinstance(row, Person) and row.pk in (survivor.pk, absorbed.pk):
                continue
            _move(actor, recorder, reference.field, reference.prepare, row, survivor, absorbed)
    _carry_restriction(recorder, survivor, absorbed)
    PersonMergeChange.objects.bulk_create(recorder.rows)
    absorbed.merged_into = survivor
    _save(absorbed, actor)
    _save(survivor, actor)
    # The matcher must never offer the absorbed record again: it has no keys and no profile.
    PersonMatchKey.objects.filter(person=absorbed).delete()
    _delete_match_profile(absorbed)
    person_refresh_match_keys(survivor)
    merge.status = MergeStatus.COMPLETED
    merge.merged_at = clock.now()
    _save(merge, actor)
    if merge.cluster_id is not None:
        _update_cluster(actor, merge.cluster_id, merge)
    record_event(actor=actor, verb=Verb.UPDATE, target=merge, section=SECTION, reason=merge.reason)
    record_event(actor=actor, verb=Verb.UPDATE, target=survivor, section=SECTION, reason=merge.reason)
    record_event(actor=actor, verb=Verb.UPDATE, target=absorbed, section=SECTION, reason=merge.reason)


def _move(
    actor: Any,
    recorder: _Recorder,
    person_field: str,
    prepare: Any,
    row: models.Model,
    survivor: Person,
    absorbed: Person,
) -> None:
    decision = prepare(row, survivor, absorbed) if prepare else {person_field: survivor.pk}
    if isinstance(decision, Keep):
        recorder.add(MergeChangeAction.KEPT, row, person_field, absorbed.pk, absorbed.pk, decision.reason)
        return
    before = {name: _value(row, name) for name in decision}
    try:
        with transaction.atomic():
            for name, value in decision.items():
                setattr(row, _attname(row, name), value)
            _save(row, actor)
    except IntegrityError:
        # The survivor already has an equal row (a unique constraint said so): leave this one where it is.
        for name, value in before.items():
            setattr(row, _attname(row, name), value)
        note = "The survivor already has an equal record."
        recorder.add(MergeChangeAction.KEPT, row, person_field, absorbed.pk, absorbed.pk, note)
        return
    for name, value in decision.items():
        if _text(before[name]) != _text(value):
            recorder.add(MergeChangeAction.MOVED, row, name, before[name], value)


def _carry_restriction(recorder: _Recorder, survivor: Person, absorbed: Person) -> None:
    """The survivor ends up at least as restricted as the absorbed record, and opens to no one new."""
    theirs = RestrictedRecord.objects.filter(object_type=PERSON_TYPE, object_id=absorbed.pk).first()
    if theirs is None:
        return
    ours = RestrictedRecord.objects.filter(object_type=PERSON_TYPE, object_id=survivor.pk).first()
    live = [GrantStatus.ACTIVE, GrantStatus.PENDING]
    if ours is None:
        # The survivor was open to everyone allowed; now it opens only to those the absorbed record did.
        ours = RestrictedRecord.objects.create(
            object_type=PERSON_TYPE,
            object_id=survivor.pk,
            level=theirs.level,
            reason=theirs.reason,
            explanation=theirs.explanation,
            restricted_by=theirs.restricted_by,
        )
        recorder.add(MergeChangeAction.CREATED, ours, note="Restricted like the absorbed record.")
        for grant in theirs.grants.filter(status__in=live):
            copy = AccessGrant.objects.create(
                restriction=ours,
                user=grant.user,
                reason=grant.reason,
                starts_at=grant.starts_at,
                expires_at=grant.expires_at,
                status=grant.status,
                requested_by=grant.requested_by,
                decided_by=grant.decided_by,
                decided_at=grant.decided_at,
                decision_notes=grant.decision_notes,
            )
            recorder.add(MergeChangeAction.CREATED, copy, note="Grant carried over from the absorbed record.")
        return
    if _LEVEL_RANK.get(theirs.level, 0) > _LEVEL_RANK.get(ours.level, 0):
        recorder.add(MergeChangeAction.MOVED, ours, "level", ours.level, theirs.level)
        ours.level = theirs.level
        ours.save()
    # A grant that opened only the survivor would now open the absorbed record's history too.
    both = set(theirs.grants.filter(status__in=live).values_list("user_id", flat=True))
    for grant in ours.grants.filter(status__in=live):
        if grant.user_id in both and not (
            ours.level == Level.SEALED and grant.status == GrantStatus.ACTIVE and grant.decided_by_id is None
        ):
            continue
        # Sealed records open only through second-approved grants (R26); others stop here.
        status = GrantStatus.PENDING if grant.user_id in both else GrantStatus.REVOKED
        recorder.add(MergeChangeAction.MOVED, grant, "status", grant.status, status)
        grant.status = status
        grant.save()


def _by_row(changes: Any) -> list[list[PersonMergeChange]]:
    """Consecutive changes to one row, so a row's fields go back together (one save, no half state)."""
    groups: list[list[PersonMergeChange]] = []
    for change in changes:
        if groups and (groups[-1][0].model_label, groups[-1][0].object_id) == (
            change.model_label,
            change.object_id,
        ):
            groups[-1].append(change)
        else:
            groups.append([change])
    return groups


def _revert(actor: Any, merge: PersonMerge, changes: list[PersonMergeChange]) -> None:
    changes = [change for change in changes if change.action != MergeChangeAction.KEPT]
    if not changes:
        return
    first = changes[0]
    model = apps.get_model(first.model_label)
    row = model._default_manager.select_for_update().filter(pk=first.object_id).first()
    if row is None:
        raise _unmerge_conflict(merge, f"{model._meta.verbose_name} {first.object_id} no longer exists")
    if first.action == MergeChangeAction.CREATED:
        row.delete()
        return
    for change in changes:
        if _text(_value(row, change.field)) != change.to_value:
            raise _unmerge_conflict(merge, f"{model._meta.verbose_name} {change.object_id} has changed since")
    for change in changes:
        target = _concrete(row, change.field)
        value = None if change.from_value is None else target.to_python(change.from_value)
        setattr(row, target.attname, value)
    _save(row, actor)


# --- helpers --------------------------------------------------------------------------------------


def _require(actor: Any) -> None:
    if not actor.has_capability(Capability.MERGE_PEOPLE):
        raise PermissionRefused()


def _locked(actor: Any, person: Person, expected_version: int | None) -> Person:
    person_policy.check(actor, "merge", person)
    current = Person.objects.select_for_update().get(pk=person.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(
            instance=person,
            expected_version=expected_version,
            current_version=current.version,
            changed_by=str(current.updated_by) if current.updated_by_id else None,
            changed_at=current.updated_at,
        )
    return current


def _conflict(merge: PersonMerge, expected_version: int) -> ConflictError:
    return ConflictError(
        instance=merge,
        expected_version=expected_version,
        current_version=merge.version,
        changed_by=str(merge.updated_by) if merge.updated_by_id else None,
        changed_at=merge.updated_at,
    )


def _unmerge_conflict(merge: PersonMerge, what: str) -> ValidationError:
    return ValidationError(
        {"status": (f"This merge cannot be undone yet: {what}. Undo any later merge of these records first.")}
    )


def _check_cluster(cluster: DuplicateCluster, survivor: Person, absorbed: Person) -> None:
    if cluster.status not in (ClusterStatus.OPEN, ClusterStatus.PARTLY_MERGED):
        raise ValidationError(
            {"cluster": "A decision on these possible duplicates has already been recorded."}
        )
    members = set(cluster.members.values_list("person_id", flat=True))
    if not {survivor.pk, absorbed.pk} <= members:
        raise ValidationError({"survivor": "Choose the survivor from the records in this group."})


def _update_cluster(actor: Any, cluster_id: Any, merge: PersonMerge) -> None:
    cluster = DuplicateCluster.objects.select_for_update().get(pk=cluster_id)
    members = cluster.members.count()
    merged = PersonMerge.objects.filter(cluster=cluster, status=MergeStatus.COMPLETED).count()
    if merged == 0:
        cluster.status = ClusterStatus.OPEN
    elif merged >= members - 1:
        cluster.status = ClusterStatus.MERGED
    else:
        cluster.status = ClusterStatus.PARTLY_MERGED
    if merged:
        cluster.decided_by = merge.decided_by
        cluster.decided_at = merge.decided_at
        cluster.decision_reason = merge.reason
    _save(cluster, actor)


def _delete_match_profile(person: Person) -> None:
    try:
        profile = apps.get_model("people", "PersonMatchProfile")
    except LookupError:  # the matching profile table is not installed in this build
        return
    profile._default_manager.filter(pk=person.pk).delete()


def _save(row: models.Model, actor: Any) -> None:
    if isinstance(row, VersionedModel):
        row.version += 1
        row.updated_by = actor
    row.save()


def _concrete(row: models.Model, name: str) -> models.Field[Any, Any]:
    target = row._meta.get_field(name)
    if not isinstance(target, models.Field):
        raise TypeError(f"{row._meta.label}.{name} is not a column")
    return target


def _attname(row: models.Model, name: str) -> str:
    return _concrete(row, name).attname


def _value(row: models.Model, name: str) -> Any:
    return getattr(row, _attname(row, name))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
