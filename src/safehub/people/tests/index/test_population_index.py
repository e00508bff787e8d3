"""The synthetic population, loaded by import-csv, gives the matcher what ADR 0002 measures against:
10-20% duplicates in the index, every kind of corruption, and blocking keys that find the person
behind a corrupted query. Synthetic people only."""

import collections
import csv
import io
import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any

import pytest
from django.db import connection

from safehub.demo.population import generate_population
from safehub.demo.population.generator import generate_queries
from safehub.demo.population.record import Record
from safehub.people.constants import IMPORT_HEADER
from safehub.people.imports import bulk, run_import
from safehub.people.models import Person, PersonMatchKey, PersonMatchProfile
from safehub.people.normalise import ProfileValues, profile_values, query_keys, stored_keys
from safehub.people.services.match_keys import person_profile_values

PEOPLE = 1500


@pytest.fixture(scope="module")
def population() -> list[Record]:
    return list(generate_population(people=PEOPLE, seed=11))


def _values(record: Record) -> ProfileValues:
    return profile_values(
        given_names=[record.given_name],
        family_names=[record.family_name],
        date_of_birth=date.fromisoformat(record.date_of_birth) if record.date_of_birth else None,
        sex=record.sex,
        postcodes=[record.postcode] if record.postcode else [],
        nhs_number=record.nhs_number,
        upns=[record.upn] if record.upn else [],
    )


def _csv(records: Iterable[Record]) -> io.StringIO:
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(IMPORT_HEADER)
    writer.writerows(record.row() for record in records)
    stream.seek(0)
    return stream


def test_duplicates_never_repeat_a_national_number_so_all_of_them_reach_the_index(population):
    duplicates = [record for record in population if not record.primary]
    assert 0.10 <= len(duplicates) / PEOPLE <= 0.20
    # The index holds no one of known sex without a date of birth (import-csv refuses the row).
    assert any(not record.date_of_birth for record in duplicates)
    assert all(record.sex == "U" for record in population if not record.date_of_birth)
    for field in ("nhs_number", "upn"):
        values = [getattr(record, field) for record in population if getattr(record, field)]
        assert len(values) == len(set(values)), field


def test_duplicates_and_queries_carry_every_kind_of_corruption_the_matcher_must_see_through(population):
    kinds = collections.Counter(kind.split(".")[0] for r in population for kind in r.corruptions)
    queries = list(generate_queries(population=population, count=400, seed=11))
    kinds.update(kind.split(".")[0] for q in queries for kind in q.corruptions)
    for kind in (
        "typo_given",
        "typo_family",
        "nickname",
        "dob_swap",
        "surname_change",
        "address_change",
        "nhs_missing",
        "upn_missing",
        "dob_missing",
    ):
        assert kinds[kind] > 0, kind
    assert any(q.true_id for q in queries)
    assert any(not q.true_id for q in queries)


def test_the_blocking_keys_find_the_person_behind_almost_every_corrupted_query(population):
    """ADR 0002 needs the true person among the candidates before it can rank them first (98.5%)."""
    index: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
    for record in population:
        for key in stored_keys(_values(record)):
            index[key].add(record.true_id)
    queries = [q for q in generate_queries(population=population, count=500, seed=11) if q.true_id]
    found = sum(
        any(query.true_id in index.get(key, ()) for key in query_keys(_values(query))) for query in queries
    )
    assert found / len(queries) >= 0.99


@pytest.mark.django_db
def test_the_population_imports_whole_with_profiles_equal_to_the_services(population, make_user):
    from safehub.accounts.constants import Role
    from safehub.accounts.tests.factories import AgencyFactory
    from safehub.people.services import person_refresh_match_keys

    records = population[:600]
    summary = run_import(
        _csv(records),
        actor=make_user(Role.SOCIAL_WORKER, mfa=False),
        agency=AgencyFactory(ods_code="E09000098"),
        batch_size=250,
    )
    assert (summary.created, summary.rejected) == (len(records), 0)
    assert PersonMatchProfile.objects.count() == Person.objects.count() == len(records)
    for person in Person.objects.order_by("pk")[:60]:
        profile = PersonMatchProfile.objects.get(person=person).values()
        keys = set(PersonMatchKey.objects.filter(person=person).values_list("kind", "value"))
        assert profile == person_profile_values(person)
        assert keys == stored_keys(profile)
        person_refresh_match_keys(person)
        assert set(PersonMatchKey.objects.filter(person=person).values_list("kind", "value")) == keys


@pytest.mark.django_db
def test_the_migration_rebuilds_every_existing_persons_profile_and_keys(population, make_user):
    """Migration 0003 backfills people recorded before profiles existed, as the services would."""
    import importlib

    from django.apps import apps

    from safehub.accounts.constants import Role
    from safehub.accounts.tests.factories import AgencyFactory

    run_import(
        _csv(population[:40]),
        actor=make_user(Role.SOCIAL_WORKER, mfa=False),
        agency=AgencyFactory(ods_code="E09000097"),
    )
    expected_keys = set(PersonMatchKey.objects.values_list("person_id", "kind", "value"))
    expected_profiles = {p.person_id: p.values() for p in PersonMatchProfile.objects.all()}
    PersonMatchProfile.objects.all().delete()
    PersonMatchKey.objects.update(kind="given_phonetic")  # the earlier kinds are replaced
    migration = importlib.import_module("safehub.people.migrations.0003_match_profile")
    migration.rebuild_profiles_and_keys(apps, None)
    assert set(PersonMatchKey.objects.values_list("person_id", "kind", "value")) == expected_keys
    assert {p.person_id: p.values() for p in PersonMatchProfile.objects.all()} == expected_profiles


def test_new_ids_are_distinct_version_4_uuids():
    ids = bulk.new_ids(2000)
    assert len(set(ids)) == 2000
    for value in ids[:200]:
        parsed = uuid.UUID(value)
        assert (parsed.version, parsed.variant, parsed.hex) == (4, uuid.RFC_4122, value)


@pytest.mark.django_db
def test_bulk_load_settings_are_restored_afterwards():
    if connection.vendor != "sqlite":
        with bulk.load_settings():
            pass
        return

    def cache_size() -> Any:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return cursor.fetchone()[0]

    before = cache_size()
    with bulk.load_settings():
        assert cache_size() == -bulk.BULK_CACHE_KIB
    assert cache_size() == before
