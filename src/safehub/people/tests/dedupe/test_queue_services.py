"""The review queue's writes and reads: saving a run, "not duplicates", merging a group, survivors."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.people.dedupe.selectors import cluster_queue, merged_survivor
from safehub.people.models import DedupeRun, DuplicateCluster, PersonMerge
from safehub.people.models.duplicates import ClusterStatus
from safehub.people.services import (
    dedupe_run_save,
    duplicate_cluster_dismiss,
    duplicate_cluster_merge,
    person_merge,
    person_unmerge,
)
from safehub.people.services.dedupe import ClusterFound
from safehub.people.tests.factories import restrict
from safehub.platform import clock
from safehub.platform.errors import PermissionRefused

pytestmark = pytest.mark.django_db


@pytest.fixture
def trio(new_person):
    return [
        new_person(given_name=name, family_name="Queuetest", date_of_birth=date(2013, 8, 9))
        for name in ("Rowan", "Rowen", "Rowann")
    ]


def _save(actor, *groups):
    return dedupe_run_save(
        actor=actor,
        clusters=[ClusterFound(members=[(str(p.pk), 0.95) for p in group]) for group in groups],
        threshold=0.9,
        started_at=clock.now(),
        model_version=3,
        people_scored=10,
        pairs_scored=7,
        duration_seconds=1.5,
    )


def test_a_run_is_recorded_and_its_clusters_queued(manager, trio) -> None:
    run = _save(manager, trio, trio[:1])  # a one-person "cluster" is not a duplicate
    assert run.clusters_found == 1
    assert run.clusters_queued == 1
    assert run.model_version == 3
    cluster = DuplicateCluster.objects.get()
    assert cluster.status == ClusterStatus.OPEN
    assert set(cluster.members.values_list("person_id", flat=True)) == {p.pk for p in trio}


def test_saving_a_run_needs_the_merge_function(make_user, trio) -> None:
    with pytest.raises(PermissionRefused):
        _save(make_user(Role.SOCIAL_WORKER), trio)
    assert not DedupeRun.objects.exists()


def test_not_duplicates_needs_a_reason_and_is_not_queued_again(manager, trio) -> None:
    _save(manager, trio)
    cluster = DuplicateCluster.objects.get()
    with pytest.raises(ValidationError) as error:
        duplicate_cluster_dismiss(actor=manager, cluster=cluster, reason=" ")
    assert "reason" in error.value.message_dict
    duplicate_cluster_dismiss(actor=manager, cluster=cluster, reason="Triplets.")
    again = _save(manager, trio)
    assert again.clusters_queued == 0
    assert DuplicateCluster.objects.count() == 1


def test_merging_a_group_merges_every_other_member_into_the_survivor(manager, trio) -> None:
    _save(manager, trio)
    cluster = DuplicateCluster.objects.get()
    merges = duplicate_cluster_merge(actor=manager, cluster=cluster, survivor=trio[0], reason="One child.")
    assert len(merges) == 2
    cluster.refresh_from_db()
    assert cluster.status == ClusterStatus.MERGED
    for person in trio[1:]:
        person.refresh_from_db()
        assert person.merged_into_id == trio[0].pk
    # Undoing one merge leaves the group partly merged; undoing both reopens it.
    person_unmerge(actor=manager, merge=merges[0], reason="Two children after all.")
    cluster.refresh_from_db()
    assert cluster.status == ClusterStatus.PARTLY_MERGED
    person_unmerge(actor=manager, merge=merges[1], reason="Three children.")
    cluster.refresh_from_db()
    assert cluster.status == ClusterStatus.OPEN


def test_the_survivor_must_be_in_the_group(manager, trio, new_person) -> None:
    _save(manager, trio[:2])
    cluster = DuplicateCluster.objects.get()
    with pytest.raises(ValidationError) as error:
        duplicate_cluster_merge(actor=manager, cluster=cluster, survivor=trio[2], reason="One child.")
    assert "survivor" in error.value.message_dict
    assert not PersonMerge.objects.exists()


def test_the_queue_leaves_out_groups_with_a_hidden_member(manager, trio) -> None:
    """T3: not shown and not counted, whichever member is hidden."""
    _save(manager, trio[:2])
    assert cluster_queue(actor=manager).paginator.count == 1
    restrict(trio[1])
    assert cluster_queue(actor=manager).paginator.count == 0


def test_an_absorbed_id_points_at_the_survivor_the_actor_may_see(manager, make_user, trio) -> None:
    person_merge(actor=manager, survivor=trio[0], absorbed=trio[1], reason="One child.")
    person_merge(actor=manager, survivor=trio[2], absorbed=trio[0], reason="One child.")
    worker = make_user(Role.SOCIAL_WORKER)
    assert merged_survivor(actor=worker, person_id=trio[1].pk) == trio[2]
    assert merged_survivor(actor=worker, person_id=trio[2].pk) is None  # not absorbed
    restrict(trio[2])
    assert merged_survivor(actor=worker, person_id=trio[1].pk) is None


def test_queued_rows_read_back_as_the_orm_would_have_saved_them(manager, trio) -> None:
    """The queue is written with one prepared insert per table, not model saves."""
    run = _save(manager, trio)
    cluster = DuplicateCluster.objects.get()
    assert (cluster.run, cluster.updated_by, cluster.version) == (run, manager, 1)
    assert cluster.max_probability == 0.95
    assert cluster.member_key == ",".join(sorted(str(p.pk) for p in trio))
    assert (cluster.decided_by, cluster.decided_at, cluster.decision_reason) == (None, None, "")
    assert cluster.created_at is not None
    assert cluster.created_at == cluster.updated_at
    members = list(cluster.members.order_by("person_id"))
    assert [m.person_id for m in members] == sorted(p.pk for p in trio)
    assert {m.probability for m in members} == {0.95}
    # Reviewing works on them like on any other row.
    duplicate_cluster_dismiss(actor=manager, cluster=cluster, reason="Triplets.")
    cluster.refresh_from_db()
    assert cluster.status == ClusterStatus.NOT_DUPLICATES
    assert cluster.version == 2


def test_a_run_saved_by_the_system_has_no_actor(trio) -> None:
    run = _save(None, trio)
    assert run.started_by is None
    assert DuplicateCluster.objects.get().updated_by is None
