"""`safehub people dedupe`: Splink over the index with the stored model, into the review queue and a CSV."""

import csv
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.tests.factories import AgencyFactory
from safehub.people.constants import IdentifierKind
from safehub.people.matching.splink_model import linker_settings, weights_from_settings
from safehub.people.models import DedupeRun, DuplicateCluster
from safehub.people.models.duplicates import ClusterStatus, DedupeRunStatus
from safehub.people.services import duplicate_cluster_dismiss, person_identifier_add, person_merge
from safehub.people.services.match import matcher_model_store
from safehub.people.tests.factories import indexed_person, synthetic_nhs_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def model(db):
    settings = linker_settings(None)
    return matcher_model_store(
        actor=None,
        settings=settings,
        weights=weights_from_settings(settings),
        metrics={"source": "built-in defaults, for tests"},
        splink_version="5.0.0",
        actor_label="test",
    )


@pytest.fixture
def population(manager):
    """Three people recorded twice (a typo, a missing postcode), and four different people."""
    agency = AgencyFactory(name="Synthetic Health", kind=AgencyKind.HEALTH_TRUST, ods_code="SYN01")
    people = {}
    for key, given, family, born in (
        ("a", "Orla", "Dedupeton", date(2014, 1, 5)),
        ("b", "Piran", "Matchwell", date(2011, 7, 19)),
        ("c", "Sunniva", "Quayle", date(2018, 11, 30)),
    ):
        nhs = synthetic_nhs_number()
        people[key] = indexed_person(
            actor=manager, given_name=given, family_name=family, date_of_birth=born, nhs_number=nhs
        )
        people[key + "2"] = indexed_person(
            actor=manager, given_name=given[:-1] + "e", family_name=family, date_of_birth=born, nhs_number=""
        )
        person_identifier_add(
            actor=manager,
            person=people[key + "2"],
            kind=IdentifierKind.AGENCY_ID,
            value=f"H-{key}",
            issuing_agency=agency,
        )
    for n, (given, family, born) in enumerate(
        (
            ("Tamsin", "Loveday", date(2009, 3, 3)),
            ("Idris", "Penhale", date(2012, 4, 4)),
            ("Morwenna", "Trevail", date(2015, 5, 5)),
            ("Jago", "Rowe", date(2016, 6, 6)),
        )
    ):
        people[f"other{n}"] = indexed_person(
            actor=manager, given_name=given, family_name=family, date_of_birth=born
        )
    return people


def _run(*args: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("people", "dedupe", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_without_a_trained_model_it_says_to_train_one(manager) -> None:
    with pytest.raises(CommandError, match="train-matcher"):
        _run("--as-user", manager.email)
    assert not DedupeRun.objects.exists()


@pytest.mark.parametrize("threshold", ["0", "1.5", "-0.2"])
def test_the_threshold_is_a_probability(manager, model, threshold) -> None:
    with pytest.raises(CommandError, match="threshold"):
        _run("--threshold", threshold)


def test_the_user_needs_the_merge_function(make_user, model) -> None:
    worker = make_user(Role.SOCIAL_WORKER)
    with pytest.raises(CommandError, match="may not run dedupe"):
        _run("--as-user", worker.email)


def test_dedupe_queues_clusters_writes_the_csv_and_does_not_requeue(
    manager, model, population, tmp_path
) -> None:
    out = tmp_path / "clusters.csv"
    printed = _run("--as-user", manager.email, "--out", str(out))

    run = DedupeRun.objects.get()
    assert run.status == DedupeRunStatus.COMPLETED
    assert run.model_version == model.version
    assert run.people_scored == len(population)
    assert run.pairs_scored >= 3
    assert run.started_by == manager
    clusters = list(DuplicateCluster.objects.all())
    found = {frozenset(c.members.values_list("person_id", flat=True)) for c in clusters}
    expected = {frozenset({population[k].pk, population[k + "2"].pk}) for k in "abc"}
    assert found == expected
    assert "clusters found" in printed
    assert "profiles" in printed

    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert set(rows[0]) == {"cluster_id", "person_id", "source_id"}
    by_person = {row["person_id"]: row for row in rows}
    assert by_person[str(population["a2"].pk)]["source_id"] == "SYN01:H-a"
    assert by_person[str(population["a"].pk)]["source_id"] == ""  # no agency record: still a row
    assert {row["cluster_id"] for row in rows} == {str(c.pk) for c in clusters}

    # Judged "not duplicates", or still open: a second run queues nothing again.
    duplicate_cluster_dismiss(actor=manager, cluster=clusters[0], reason="Cousins with the same name.")
    _run("--as-user", manager.email)
    second = DedupeRun.objects.order_by("-started_at").first()
    assert second.clusters_found == 3
    assert second.clusters_queued == 0
    assert DuplicateCluster.objects.count() == 3


def test_merged_records_are_never_offered_again(manager, model, population) -> None:
    person_merge(actor=manager, survivor=population["a"], absorbed=population["a2"], reason="Same child.")
    _run()
    members = set(DuplicateCluster.objects.values_list("members__person_id", flat=True))
    assert population["a2"].pk not in members
    assert DuplicateCluster.objects.filter(status=ClusterStatus.OPEN).count() == 2
