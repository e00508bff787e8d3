"""Reads for the duplicate review queue, the comparison page and merge history (R19, R22, R27).

Every read starts from the person policy's "merge" scope: a cluster is shown only when the reviewer
may open every one of its members, so the queue never reveals that a restricted record exists, not
even as a count (T3).
"""

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform.errors import NotFoundOrForbidden

from ..models import (
    DuplicateCluster,
    Person,
    PersonAddress,
    PersonIdentifier,
    PersonMatchProfile,
    PersonMerge,
    PersonName,
    Relationship,
)
from ..models.duplicates import ClusterStatus, MergeStatus
from ..policies import person_policy

QUEUE_PAGE_SIZE = 25
_REVIEWABLE = (ClusterStatus.OPEN, ClusterStatus.PARTLY_MERGED)


def _visible(actor: Any) -> QuerySet[Person]:
    return person_policy.scope(actor, Person.objects.all(), "merge")


def _fully_visible(actor: Any, qs: QuerySet[DuplicateCluster]) -> QuerySet[DuplicateCluster]:
    """Clusters whose every member the actor may open (members counted inside the database)."""
    visible = _visible(actor).values("pk")
    return qs.annotate(
        n_members=Count("members", distinct=True),
        n_visible=Count("members", filter=Q(members__person__in=visible), distinct=True),
    ).filter(n_members=F("n_visible"), n_members__gt=0)


def cluster_queue(*, actor: Any, page: int = 1) -> Page[DuplicateCluster]:
    """Clusters waiting for a decision, most probable first; audited with the people listed."""
    qs = _fully_visible(actor, DuplicateCluster.objects.filter(status__in=_REVIEWABLE)).order_by(
        "-max_probability", "created_at", "pk"
    )
    result = Paginator(qs, QUEUE_PAGE_SIZE).get_page(page)
    clusters = list(result.object_list)
    people = (
        Person.objects.filter(duplicate_memberships__cluster__in=clusters)
        .annotate(cluster_id=F("duplicate_memberships__cluster"))
        .order_by("family_name", "given_name")
    )
    by_cluster: dict[Any, list[Person]] = {}
    for person in people:
        by_cluster.setdefault(person.cluster_id, []).append(person)  # type: ignore[attr-defined]
    for cluster in clusters:
        cluster.people = by_cluster.get(cluster.pk, [])  # type: ignore[attr-defined]
    result.object_list = clusters
    record_event(
        actor=actor,
        verb=Verb.LIST,
        object_type="people.person",
        section="duplicates",
        result_ids=[p.pk for c in clusters for p in c.people],  # type: ignore[attr-defined]
    )
    return result


@dataclass
class MemberDetails:
    person: Person
    probability: float
    names: list[PersonName]
    identifiers: list[PersonIdentifier]
    addresses: list[PersonAddress]
    relationships: int
    explanation: list[Any] = field(default_factory=list)
    match_probability: float | None = None


@dataclass
class ClusterComparison:
    cluster: DuplicateCluster
    members: list[MemberDetails]


def cluster_get(*, actor: Any, id: uuid.UUID | str) -> DuplicateCluster:
    """One cluster, or NotFoundOrForbidden when it is missing or any member is hidden from the actor."""
    cluster = _fully_visible(actor, DuplicateCluster.objects.filter(pk=id)).first()
    if cluster is None:
        raise NotFoundOrForbidden()
    return cluster


def cluster_compare(*, actor: Any, id: uuid.UUID | str) -> ClusterComparison:
    """The side-by-side comparison; one audited view per person shown."""
    cluster = cluster_get(actor=actor, id=id)
    memberships = list(cluster.members.select_related("person").order_by("-probability", "person__pk"))
    people = [m.person for m in memberships]
    for person in people:
        record_event(actor=actor, verb=Verb.VIEW, target=person, section="duplicates")
    members = [
        MemberDetails(
            person=m.person,
            probability=m.probability,
            names=list(PersonName.objects.filter(person=m.person).order_by("kind", "-valid_from")),
            identifiers=list(
                PersonIdentifier.objects.filter(person=m.person, removed_at__isnull=True)
                .select_related("issuing_agency")
                .order_by("kind", "value")
            ),
            addresses=list(
                PersonAddress.objects.filter(person=m.person)
                .select_related("address")
                .order_by("valid_to", "-valid_from")
            ),
            relationships=Relationship.objects.filter(Q(person_a=m.person) | Q(person_b=m.person)).count(),
        )
        for m in memberships
    ]
    _explain(members)
    return ClusterComparison(cluster=cluster, members=members)


def _explain(members: list[MemberDetails]) -> None:
    """Score each member against the first with the interactive scorer, where profiles exist."""
    from ..matching import scorer

    profiles = {p.pk: p for p in PersonMatchProfile.objects.filter(person__in=[m.person for m in members])}
    first = profiles.get(members[0].person.pk) if members else None
    if first is None:
        return
    weights = scorer.current_weights()
    reference = scorer.comparable(first.values())
    for member in members[1:]:
        profile = profiles.get(member.person.pk)
        if profile is None:
            continue
        weight, fields = scorer.score(reference, scorer.comparable(profile.values()), weights)
        member.match_probability = scorer.probability(weight)
        member.explanation = list(fields)


def merge_get(*, actor: Any, id: uuid.UUID | str) -> PersonMerge:
    """A merge, or NotFoundOrForbidden unless the actor may open both of its people."""
    merge = (
        PersonMerge.objects.select_related("survivor", "absorbed", "decided_by", "approved_by")
        .filter(pk=id)
        .first()
    )
    if merge is None:
        raise NotFoundOrForbidden()
    visible = _visible(actor).filter(pk__in=[merge.survivor_id, merge.absorbed_id]).count()
    if visible != 2:
        raise NotFoundOrForbidden()
    return merge


def merges_pending(*, actor: Any) -> list[PersonMerge]:
    """Merges waiting for a second approver, both people visible to the actor."""
    visible = _visible(actor).values("pk")
    return list(
        PersonMerge.objects.filter(status=MergeStatus.PENDING, survivor__in=visible, absorbed__in=visible)
        .select_related("survivor", "absorbed", "decided_by")
        .order_by("decided_at")
    )


def merges_for_person(*, actor: Any, person_id: uuid.UUID | str) -> tuple[Person, list[PersonMerge]]:
    """A person's merge history (as survivor or absorbed), only merges whose both people are visible."""
    person = _visible(actor).filter(pk=person_id).first()
    if person is None:
        raise NotFoundOrForbidden()
    visible = _visible(actor).values("pk")
    merges = list(
        PersonMerge.objects.filter(Q(survivor=person) | Q(absorbed=person))
        .filter(survivor__in=visible, absorbed__in=visible)
        .select_related("survivor", "absorbed", "decided_by", "approved_by", "unmerged_by")
        .order_by("-decided_at")
    )
    record_event(actor=actor, verb=Verb.VIEW, target=person, section="merges")
    return person, merges


def merged_survivor(*, actor: Any, person_id: uuid.UUID | str) -> Person | None:
    """Where an absorbed record now lives: the final survivor, if the actor may view it.

    For the person page and the API: an absorbed id redirects (or points) here. None when the id is
    not an absorbed record or the survivor is hidden from the actor (then the caller answers 404).
    """
    seen: set[Any] = set()
    current = Person.objects.filter(pk=person_id).values_list("pk", "merged_into").first()
    if current is None or current[1] is None:
        return None
    while current is not None and current[1] is not None and current[0] not in seen:
        seen.add(current[0])
        current = Person.objects.filter(pk=current[1]).values_list("pk", "merged_into").first()
    if current is None:
        return None
    return person_policy.scope(actor, Person.objects.all()).filter(pk=current[0]).first()
