"""The review queue pages: list, compare and decide, second approval, history and unmerge (R17-R19, R22)."""

from datetime import date

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.people.models import DuplicateCluster, PersonMerge
from safehub.people.models.duplicates import ClusterStatus, MergeStatus
from safehub.people.services import dedupe_run_save, person_merge
from safehub.people.services.dedupe import ClusterFound
from safehub.people.tests.factories import indexed_person, restrict
from safehub.platform import clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(make_user):
    """Two records the dedupe run put together (the second with a typo in the given name)."""
    editor = make_user(Role.SOCIAL_WORKER)
    first = indexed_person(
        actor=editor, given_name="Kestrel", family_name="Webtestson", date_of_birth=date(2016, 2, 3)
    )
    second = indexed_person(
        actor=editor, given_name="Kestral", family_name="Webtestson", date_of_birth=date(2016, 2, 3)
    )
    return first, second


@pytest.fixture
def cluster(twins):
    first, second = twins
    dedupe_run_save(
        actor=None,
        clusters=[ClusterFound(members=[(str(first.pk), 0.97), (str(second.pk), 0.97)])],
        threshold=0.9,
        started_at=clock.now(),
        model_version=1,
        people_scored=2,
        pairs_scored=1,
        duration_seconds=0.1,
    )
    return DuplicateCluster.objects.get()


def test_the_queue_lists_open_clusters_for_reviewers(signed_in, cluster) -> None:
    client = signed_in(Role.TEAM_MANAGER)
    response = client.get(reverse("people:duplicates"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "WEBTESTSON, Kestrel" in html
    assert "WEBTESTSON, Kestral" in html
    assert reverse("people:duplicate_compare", args=[cluster.pk]) in html


def test_roles_without_the_merge_function_are_refused(signed_in, cluster) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get(reverse("people:duplicates")).status_code == 403
    assert client.get(reverse("people:duplicate_compare", args=[cluster.pk])).status_code == 403


def test_a_cluster_with_a_restricted_member_is_neither_listed_nor_opened(signed_in, cluster, twins) -> None:
    """R22/T3: the reviewer may not open one member, so the cluster does not exist for them."""
    restrict(twins[1])
    client = signed_in(Role.TEAM_MANAGER)
    html = client.get(reverse("people:duplicates")).content.decode()
    assert "Webtestson".upper() not in html
    assert "no possible duplicates" in html
    assert client.get(reverse("people:duplicate_compare", args=[cluster.pk])).status_code == 404


def test_the_comparison_shows_the_records_side_by_side(signed_in, cluster, twins) -> None:
    client = signed_in(Role.TEAM_MANAGER)
    html = client.get(reverse("people:duplicate_compare", args=[cluster.pk])).content.decode()
    for person in twins:
        assert person.nhs_number in html
    assert "3 February 2016" in html
    assert "Which record should be kept?" in html


def test_a_merge_without_a_reason_is_refused_at_the_field(signed_in, cluster, twins) -> None:
    client = signed_in(Role.TEAM_MANAGER)
    response = client.post(
        reverse("people:duplicate_compare", args=[cluster.pk]),
        {"decision": "merge", "survivor": str(twins[0].pk), "reason": ""},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter the reason for your decision" in html
    assert 'href="#id_reason"' in html
    assert not PersonMerge.objects.exists()


def test_a_merge_decision_needs_a_survivor(signed_in, cluster) -> None:
    client = signed_in(Role.TEAM_MANAGER)
    response = client.post(
        reverse("people:duplicate_compare", args=[cluster.pk]), {"decision": "merge", "reason": "Same NHS"}
    )
    assert "Select the record to keep" in response.content.decode()
    assert not PersonMerge.objects.exists()


def test_recording_a_merge_merges_and_closes_the_cluster(signed_in, cluster, twins) -> None:
    client = signed_in(Role.TEAM_MANAGER)
    response = client.post(
        reverse("people:duplicate_compare", args=[cluster.pk]),
        {"decision": "merge", "survivor": str(twins[0].pk), "reason": "Same NHS number, school confirmed."},
    )
    assert response.status_code == 302
    twins[1].refresh_from_db()
    cluster.refresh_from_db()
    assert twins[1].merged_into_id == twins[0].pk
    assert cluster.status == ClusterStatus.MERGED
    assert cluster.decided_by == client.user


def test_a_stale_comparison_is_shown_as_a_conflict(signed_in, cluster, twins) -> None:
    client = signed_in(Role.TEAM_MANAGER)
    versions = f"{twins[0].pk}:{twins[0].version},{twins[1].pk}:{twins[1].version - 1 if twins[1].version > 1 else 99}"
    response = client.post(
        reverse("people:duplicate_compare", args=[cluster.pk]),
        {"decision": "merge", "survivor": str(twins[0].pk), "reason": "Same child.", "versions": versions},
    )
    assert response.status_code == 200
    assert "changed by" in response.content.decode()
    assert not PersonMerge.objects.exists()


def test_not_duplicates_is_recorded_with_its_reason(signed_in, cluster) -> None:
    client = signed_in(Role.TEAM_MANAGER)
    response = client.post(
        reverse("people:duplicate_compare", args=[cluster.pk]),
        {"decision": "not_duplicates", "reason": "Twins: two children at the same school."},
    )
    assert response.status_code == 302
    cluster.refresh_from_db()
    assert cluster.status == ClusterStatus.NOT_DUPLICATES
    assert cluster.decision_reason == "Twins: two children at the same school."
    assert client.get(reverse("people:duplicates")).content.decode().count("Compare<") == 0


def test_second_approval_page(signed_in, make_user, client, cluster, twins, settings) -> None:
    settings.SAFEHUB_MERGE_SECOND_APPROVER = True
    decider = make_user(Role.TEAM_MANAGER)
    merge = person_merge(
        actor=decider, survivor=twins[0], absorbed=twins[1], reason="Same child.", cluster=cluster
    )
    assert merge.status == MergeStatus.PENDING
    url = reverse("people:merge_approve", args=[merge.pk])

    client.force_login(decider)
    assert "someone else must approve" in client.get(url).content.decode()
    response = client.post(url)
    assert "Someone other than the person who decided" in response.content.decode()
    merge.refresh_from_db()
    assert merge.status == MergeStatus.PENDING

    approver = signed_in(Role.MASH_MANAGER)
    assert "Approve and merge" in approver.get(url).content.decode()
    assert approver.post(url).status_code == 302
    merge.refresh_from_db()
    assert merge.status == MergeStatus.COMPLETED
    assert merge.approved_by == approver.user


def test_history_and_unmerge_with_step_up(signed_in, reauthenticate, twins) -> None:
    client = signed_in(Role.TEAM_MANAGER)
    merge = person_merge(actor=client.user, survivor=twins[0], absorbed=twins[1], reason="Same child.")
    history = client.get(reverse("people:merge_history", args=[twins[0].pk])).content.decode()
    unmerge_url = reverse("people:merge_unmerge", args=[merge.pk])
    assert unmerge_url in history

    # Destructive: the user confirms who they are first (R17).
    assert client.get(unmerge_url).status_code == 302
    reauthenticate(client)
    response = client.post(unmerge_url, {"reason": "", "version": merge.version})
    assert response.status_code == 200
    assert "Enter the reason for your decision" in response.content.decode()
    response = client.post(unmerge_url, {"reason": "Two different children.", "version": merge.version})
    assert response.status_code == 302
    merge.refresh_from_db()
    twins[1].refresh_from_db()
    assert merge.status == MergeStatus.UNMERGED
    assert twins[1].merged_into_id is None


def test_history_of_a_hidden_person_is_not_found(signed_in, twins) -> None:
    restrict(twins[0])
    client = signed_in(Role.TEAM_MANAGER)
    assert client.get(reverse("people:merge_history", args=[twins[0].pk])).status_code == 404
