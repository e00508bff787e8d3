"""`safehub people train-matcher` and `safehub people match-file` on a small index."""

import csv
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.people.constants import IMPORT_HEADER
from safehub.people.matching import scorer
from safehub.people.matching.match_file import OUT_HEADER
from safehub.people.models import MatcherModel, Person, PersonMatchProfile
from safehub.people.services import person_match
from safehub.people.tests.factories import indexed_person, synthetic_nhs_number

pytestmark = pytest.mark.django_db

GIVEN = ["amara", "ben", "chloe", "dev", "ella", "femi", "grace", "hugo", "isla", "jack", "kai", "lena"]
FAMILY = ["okafor", "smith", "nowak", "patel", "jones", "ahmed", "brown", "khan", "taylor", "lee"]


def _small_index(count: int = 120) -> list[Person]:
    """Profiles written directly (the scorer and trainer read only these), a few records twice."""
    people = Person.objects.bulk_create(
        Person(
            given_name=GIVEN[i % 12],
            family_name=FAMILY[i % 10],
            date_of_birth=date(2010, 1, 1) + timedelta(days=37 * i),
        )
        for i in range(count)
    )
    PersonMatchProfile.objects.bulk_create(
        PersonMatchProfile(
            person=p,
            given_names=p.given_name,
            family_names=p.family_name,
            date_of_birth=p.date_of_birth,
            sex="MF"[i % 2],
            postcodes=f"M{i % 9 + 1}1AE",
            nhs_number=synthetic_nhs_number() if i % 3 else "",
        )
        for i, p in enumerate(people)
    )
    return people


def test_train_matcher_on_a_small_index_falls_back_and_says_so(make_user: Any) -> None:
    _small_index()
    admin = make_user(Role.SYSADMIN)
    out, err = StringIO(), StringIO()
    call_command(
        "people", "train-matcher", "--as-user", admin.email, "--u-pairs", "20000", stdout=out, stderr=err
    )

    model = MatcherModel.objects.get()
    assert model.version == 1
    assert model.is_active
    assert model.trained_by == admin
    assert "Matcher model v1 trained on 120 records" in out.getvalue()
    assert "too few duplicates for EM" in out.getvalue()
    assert "u by random sampling" in err.getvalue()
    assert model.metrics["records"] == 120
    assert model.metrics["notes"]
    assert any("nhs_number[0].u set by hand" in f for f in model.metrics["filled"])
    assert model.splink_version
    assert model.settings["comparisons"]
    activation = AuditEvent.objects.get(object_id=str(model.pk), section="activate")
    assert activation.purpose == "v0 (defaults) -> v1"
    assert scorer.current_weights().version == 1


def test_retraining_makes_the_new_version_the_only_active_one(make_user: Any) -> None:
    _small_index(60)
    call_command("people", "train-matcher", "--u-pairs", "5000", stdout=StringIO(), stderr=StringIO())
    call_command("people", "train-matcher", "--u-pairs", "5000", stdout=StringIO(), stderr=StringIO())
    call_command(
        "people", "train-matcher", "--u-pairs", "5000", "--no-activate", stdout=StringIO(), stderr=StringIO()
    )
    assert list(MatcherModel.objects.values_list("version", "is_active")) == [
        (3, False),
        (2, True),
        (1, False),
    ]
    assert AuditEvent.objects.filter(section="activate").count() == 2
    assert (
        person_match(actor=make_user(), query={"given_name": "Amara", "family_name": "Okafor"}).model_version
        == 2
    )


def test_train_matcher_needs_people() -> None:
    with pytest.raises(CommandError, match="at least 2"):
        call_command("people", "train-matcher", stdout=StringIO(), stderr=StringIO())


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=IMPORT_HEADER)
        writer.writeheader()
        for row in rows:
            writer.writerow({name: row.get(name, "") for name in IMPORT_HEADER})
    return path


def test_match_file_writes_ranked_results_and_reports_refused_rows(make_user: Any, tmp_path: Path) -> None:
    user = make_user(Role.SOCIAL_WORKER)
    amara = indexed_person(given_name="Amara", family_name="Okafor", date_of_birth=date(2015, 5, 17))
    queries = _write(
        tmp_path / "queries.csv",
        [
            {
                "source_id": "Q1",
                "given_name": "Amarra",
                "family_name": "Okafor",
                "date_of_birth": "2015-05-17",
            },
            {"source_id": "Q2", "family_name": "Okafor", "date_of_birth": "2015-13-01"},
            {"source_id": "Q3", "nhs_number": amara.nhs_number},
            {"source_id": "Q4", "given_name": "Zed", "family_name": "Quill", "date_of_birth": "1990-01-01"},
        ],
    )
    out_path = tmp_path / "results.csv"
    stdout, stderr = StringIO(), StringIO()
    with pytest.raises(CommandError) as failed:
        call_command(
            "people",
            "match-file",
            str(queries),
            "--out",
            str(out_path),
            "--as-user",
            user.email,
            stdout=stdout,
            stderr=stderr,
        )
    assert failed.value.returncode == 2
    assert "line 3 (Q2): date_of_birth:" in stderr.getvalue()
    assert "4 queries: 2 with candidates, 1 with none, 1 refused" in stdout.getvalue()
    with out_path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == OUT_HEADER
    firsts = {row["query_id"]: row for row in rows if row["rank"] == "1"}
    assert firsts["Q1"]["person_id"] == firsts["Q3"]["person_id"] == str(amara.pk)
    assert 0 < float(firsts["Q1"]["probability"]) <= 1
    assert float(firsts["Q1"]["latency_ms"]) > 0
    assert AuditEvent.objects.filter(section="match", actor_id=user.pk).count() == 3


def test_match_file_acts_only_as_a_user_who_may_search(make_user: Any, tmp_path: Path) -> None:
    queries = _write(tmp_path / "q.csv", [])
    analyst = make_user(Role.PERFORMANCE_ANALYST)
    with pytest.raises(CommandError, match="may not search people"):
        call_command(
            "people", "match-file", str(queries), "--out", str(tmp_path / "r.csv"), "--as-user", analyst.email
        )
    with pytest.raises(CommandError, match="No user"):
        call_command(
            "people",
            "match-file",
            str(queries),
            "--out",
            str(tmp_path / "r.csv"),
            "--as-user",
            "nobody@example.test",
        )


def test_match_file_refuses_a_file_without_the_header(make_user: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name\n1,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="the header lacks"):
        call_command(
            "people",
            "match-file",
            str(bad),
            "--out",
            str(tmp_path / "r.csv"),
            "--as-user",
            make_user().email,
            stdout=StringIO(),
            stderr=StringIO(),
        )


def test_profiles_table_has_the_agreed_columns_with_first_values_and_nulls() -> None:
    from safehub.people.matching.splink_model import (
        PROFILE_COLUMNS,
        active_model,
        linker_settings,
        profiles_table,
    )

    person = Person.objects.create(given_name="Amara", family_name="Okafor", date_of_birth=date(2015, 5, 17))
    PersonMatchProfile.objects.create(
        person=person,
        given_names="amara|amy",
        family_names="okafor",
        date_of_birth=date(2015, 5, 17),
        postcodes="M11AE|SW1A1AA",
        upns="",
    )
    table = profiles_table()
    assert tuple(table.column_names) == PROFILE_COLUMNS
    assert table.to_pylist() == [
        {
            "unique_id": str(person.pk),
            "given_name": "amara",
            "family_name": "okafor",
            "date_of_birth": "2015-05-17",
            "sex": None,
            "postcode": "M1 1AE",
            "nhs_number": None,
            "upn": None,
        }
    ]
    assert active_model() is None
    assert linker_settings(None)["probability_two_random_records_match"] > 0
