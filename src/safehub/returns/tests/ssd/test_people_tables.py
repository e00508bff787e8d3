"""The people and organisation tables: what each SSD row becomes, what is refused, the round trip."""

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.accounts.models import Team, User
from safehub.people.matching.splink_model import linker_settings, weights_from_settings
from safehub.people.models import DuplicateCluster, Person
from safehub.people.services.match import matcher_model_store
from safehub.returns.models import ImportRejection
from safehub.returns.ssd.export import run_export
from safehub.returns.ssd.runner import run_import

from .conftest import NHS, UPN, people_extract, write_extract

pytestmark = pytest.mark.django_db


def _problems(run: Any, table: str) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for rejection in ImportRejection.objects.filter(run=run, table=table).exclude(row_id=""):
        found.setdefault(rejection.row_id, []).append((rejection.field, rejection.problem))
    return found


def test_professionals_become_accounts_that_can_never_sign_in(officer: Any, tmp_path: Path) -> None:
    run_import(write_extract(tmp_path / "x", people_extract()), actor=officer)

    worker = User.objects.get(full_name="Morwenna Hale")
    assert worker.is_active is False
    assert worker.has_usable_password() is False
    assert worker.role == Role.SOCIAL_WORKER
    assert [m.team.name for m in worker.memberships.all()] == ["Assessment Team North"]
    assert worker.check_password("") is False
    client = Client()
    response = client.post(reverse("account_login"), {"login": worker.email, "password": "anything"})
    assert response.status_code == 200  # the form again, not a redirect into the service
    assert "_auth_user_id" not in client.session
    assert Team.objects.get(name="Children in Care East").kind == "children_in_care"


def test_a_professional_in_an_unknown_department_is_refused_at_the_field(
    officer: Any, tmp_path: Path
) -> None:
    extract = people_extract()
    extract["ssd_professionals"][0]["prof_professional_department"] = "Nowhere Team"
    run = run_import(write_extract(tmp_path / "x", extract), actor=officer)
    assert _problems(run, "ssd_professionals") == {
        "W1": [
            (
                "prof_professional_department",
                "prof_professional_department 'Nowhere Team' is not a team in ssd_department",
            )
        ]
    }


def test_families_are_refused_with_the_reason(officer: Any, tmp_path: Path) -> None:
    extract = people_extract()
    extract["ssd_family"] = [{"fami_table_id": "F1", "fami_family_id": "FAM1", "fami_person_id": "P1001"}]
    run = run_import(write_extract(tmp_path / "x", extract), actor=officer)

    assert "not supported yet" in _problems(run, "ssd_family")["F1"][0][1]


def test_identifiers_other_than_upn_and_nhs_number_are_refused_and_a_bad_upn_named(
    officer: Any, tmp_path: Path
) -> None:
    extract = people_extract()
    extract["ssd_linked_identifiers"] += [
        {
            "link_table_id": "L2",
            "link_person_id": "P1002",
            "link_identifier_type": "YOT Number",
            "link_identifier_value": "Y123",
        },
        {
            "link_table_id": "L3",
            "link_person_id": "P1002",
            "link_identifier_type": "Unique Pupil Number",
            "link_identifier_value": "A12",
        },
        {
            "link_table_id": "L4",
            "link_person_id": "P1002",
            "link_identifier_type": "Shoe size",
            "link_identifier_value": "5",
        },
        {
            "link_table_id": "L5",
            "link_person_id": "P1003",
            "link_identifier_type": "NHS Number",
            "link_identifier_value": NHS[2],
        },
    ]
    run = run_import(write_extract(tmp_path / "x", extract), actor=officer)

    problems = _problems(run, "ssd_linked_identifiers")
    assert "does not record YOT Number identifiers" in problems["L2"][0][1]
    assert problems["L3"][0][0] == "link_identifier_value"
    assert "wrong length" in problems["L3"][0][1]
    assert problems["L4"][0][0] == "link_identifier_type"
    assert "L5" not in problems
    assert Person.objects.get(given_name="Carys").nhs_number == NHS[2]


def test_a_mother_must_be_female_and_her_childs_date_of_birth_must_agree(
    officer: Any, tmp_path: Path
) -> None:
    extract = people_extract()
    extract["ssd_mother"] = [
        {"moth_table_id": "M1", "moth_person_id": "P1002", "moth_childs_person_id": "P1001"},
        {
            "moth_table_id": "M2",
            "moth_person_id": "P1003",
            "moth_childs_person_id": "P1001",
            "moth_childs_dob": "2015-03-03",
        },
    ]
    run = run_import(write_extract(tmp_path / "x", extract), actor=officer)
    problems = _problems(run, "ssd_mother")
    assert problems["M1"] == [("moth_person_id", "P1002 is not recorded as female in ssd_person")]
    assert problems["M2"][0][0] == "moth_childs_dob"


def test_a_return_id_already_held_by_someone_else_is_refused(officer: Any, tmp_path: Path) -> None:
    from safehub.people.tests.factories import indexed_person
    from safehub.returns.constants import ChildIdSource
    from safehub.returns.models import ChildReturnId

    other = indexed_person(actor=officer)
    ChildReturnId.objects.create(person=other, child_id="P1001", source=ChildIdSource.ALLOCATED)
    run = run_import(write_extract(tmp_path / "x", people_extract()), actor=officer)
    assert _problems(run, "ssd_person")["P1001"] == [
        ("pers_person_id", "P1001 is already the return id of another person")
    ]


def test_import_export_import_reproduces_the_tables(
    officer: Any, tmp_path: Path, django_db_blocker: Any
) -> None:
    """Import, export, wipe, import the export, export again: the two exports are the same files."""
    run_import(write_extract(tmp_path / "x", people_extract()), actor=officer)
    first = tmp_path / "first"
    run_export(first, actor=officer)

    _wipe_imported()
    run = run_import(first, actor=officer)
    assert run.rows_rejected == 0, list(
        ImportRejection.objects.filter(run=run).values_list("problem", flat=True)
    )
    second = tmp_path / "second"
    run_export(second, actor=officer)

    for path in sorted(first.glob("*.csv")):
        assert path.read_text() == (second / path.name).read_text(), path.name
    person_rows = (first / "ssd_person.csv").read_text().splitlines()
    assert person_rows[0].startswith("pers_person_id,pers_forename,pers_surname,pers_sex")
    assert any(row.startswith("P1001,Ayla,Penrose,F,2,WBRI,2015-03-02,9017265949") for row in person_rows)
    assert UPN[0] in (first / "ssd_linked_identifiers.csv").read_text()
    assert "Primary Address" in (first / "ssd_address.csv").read_text()


def _wipe_imported() -> None:
    """A fresh database as far as these tables go (the audit trail stays: it is append-only)."""
    from safehub.people.models import (
        Address,
        PersonAddress,
        PersonIdentifier,
        PersonMatchKey,
        PersonMatchProfile,
        PersonName,
        Relationship,
    )
    from safehub.returns.models import ChildReturnId, ImportRejection, ImportRun, ImportRunTable, SsdRecord

    for model in (
        SsdRecord,
        ImportRejection,
        ImportRunTable,
        ChildReturnId,
        Relationship,
        PersonAddress,
        Address,
        PersonIdentifier,
        PersonName,
        PersonMatchKey,
        PersonMatchProfile,
    ):
        model.objects.all().delete()
    ImportRun.objects.all().delete()
    Person.objects.all().delete()
    User.objects.filter(email__endswith=".invalid").delete()
    Team.objects.all().delete()


@pytest.fixture
def matcher_model(db: Any) -> Any:
    settings = linker_settings(None)
    return matcher_model_store(
        actor=None,
        settings=settings,
        weights=weights_from_settings(settings),
        metrics={"source": "built-in defaults, for tests"},
        splink_version="5.0.0",
        actor_label="test",
    )


def test_one_child_recorded_twice_loads_twice_and_lands_in_the_duplicate_queue(
    officer: Any, tmp_path: Path, matcher_model: Any
) -> None:
    extract = people_extract()
    extract["ssd_person"].append(
        {
            "pers_person_id": "X77",
            "pers_forename": "Ayla",
            "pers_surname": "Penrose",
            "pers_sex": "F",
            "pers_dob": "2015-03-02",
        }
    )
    run = run_import(write_extract(tmp_path / "x", extract), actor=officer)

    twins = Person.objects.filter(given_name="Ayla", family_name="Penrose")
    assert twins.count() == 2
    clusters = [set(c.members.values_list("person_id", flat=True)) for c in DuplicateCluster.objects.all()]
    assert set(twins.values_list("pk", flat=True)) in clusters
    assert any("new in the review queue" in note for note in run.notes)


def test_without_a_trained_matcher_the_import_says_so(officer: Any, tmp_path: Path) -> None:
    run = run_import(write_extract(tmp_path / "x", people_extract()), actor=officer)
    assert any("no trained matcher model is active" in note for note in run.notes)
    assert not DuplicateCluster.objects.exists()
