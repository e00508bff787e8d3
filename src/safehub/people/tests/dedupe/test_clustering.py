"""Clustering the scored pairs: weak links do not chain a family into one group (ADR 0002 s.8)."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from safehub.people.dedupe.splink_run import STRONG_LINK, FoundCluster, cluster_links


def _groups(clusters: list[FoundCluster]) -> set[frozenset[str]]:
    return {frozenset(cluster.person_ids) for cluster in clusters}


def test_a_pair_at_the_threshold_is_a_cluster_and_one_below_is_not() -> None:
    clusters = cluster_links([("a", "b", 0.9), ("c", "d", 0.8999)], threshold=0.9)
    assert _groups(clusters) == {frozenset({"a", "b"})}
    assert clusters[0].members == (("a", 0.9), ("b", 0.9))


def test_a_twin_is_not_chained_to_their_siblings_duplicate() -> None:
    """Twin t2 scores 0.95 against t1's duplicate: t1 and t1-dup are each other's best match, t2 is not."""
    links = [("t1", "t1-dup", 0.99), ("t1-dup", "t2", 0.95), ("t1", "t2", 0.93)]
    assert _groups(cluster_links(links, threshold=0.9)) == {frozenset({"t1", "t1-dup"})}


def test_three_records_strongly_linked_stay_one_group() -> None:
    links = [("a", "b", 0.9999), ("b", "c", STRONG_LINK), ("a", "c", 0.5)]
    clusters = cluster_links(links, threshold=0.9)
    assert _groups(clusters) == {frozenset({"a", "b", "c"})}
    # Each member carries its best probability to another member of its group.
    assert dict(clusters[0].members) == {"a": 0.9999, "b": 0.9999, "c": STRONG_LINK}


def test_a_weak_link_joins_only_records_that_are_each_others_best_match() -> None:
    """c's best match is b, but b's is a: c stays out. c and d are each other's best: a pair."""
    links = [("a", "b", 0.9995), ("b", "c", 0.95)]
    assert _groups(cluster_links(links, threshold=0.9)) == {frozenset({"a", "b"})}
    links = [("a", "b", 0.9995), ("c", "d", 0.95), ("b", "d", 0.92)]
    assert _groups(cluster_links(links, threshold=0.9)) == {frozenset({"a", "b"}), frozenset({"c", "d"})}


def test_equal_best_scores_count_for_both_links() -> None:
    links = [("a", "b", 0.97), ("a", "c", 0.97)]
    assert _groups(cluster_links(links, threshold=0.9)) == {frozenset({"a", "b", "c"})}


def test_a_threshold_above_the_strong_link_still_decides() -> None:
    links = [("a", "b", 0.9995), ("b", "c", 0.9999)]
    assert _groups(cluster_links(links, threshold=0.9999)) == {frozenset({"b", "c"})}


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 12), st.integers(0, 12), st.sampled_from([0.5, 0.9, 0.93, 0.97, 0.999, 1.0])
        ),
        max_size=40,
    ),
    st.randoms(use_true_random=False),
)
def test_groups_are_disjoint_linked_and_independent_of_order(raw, rng: random.Random) -> None:
    links = [(f"p{a}", f"p{b}", p) for a, b, p in raw if a != b]
    clusters = cluster_links(links, threshold=0.9)
    shuffled = list(links)
    rng.shuffle(shuffled)
    assert cluster_links(shuffled, threshold=0.9) == clusters
    seen: set[str] = set()
    for cluster in clusters:
        members = set(cluster.person_ids)
        assert len(members) >= 2
        assert not members & seen
        seen |= members
        # Every member has a link at the threshold to another member, and that is its probability.
        for person_id, probability in cluster.members:
            inside = [p for a, b, p in links if p >= 0.9 and person_id in (a, b) and {a, b} <= members]
            assert inside
            assert probability == max(inside)
    # Any two records linked at or above the strong level end up together.
    for a, b, p in links:
        if p >= STRONG_LINK:
            assert any({a, b} <= set(c.person_ids) for c in clusters)
