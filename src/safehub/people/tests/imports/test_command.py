"""`safehub people import-csv`: the interface issue 3 fixes, its output and its refusals."""

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.models import Agency
from safehub.audit.models import AuditEvent
from safehub.people.constants import IdentifierKind
from safehub.people.models import Person, PersonIdentifier

from .conftest import AGENCY_CODE, NHS, row

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("people", "import-csv", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _run_failing(*args: str) -> tuple[CommandError, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("people", "import-csv", *args, stdout=out, stderr=err)
    return failure.value, out.getvalue(), err.getvalue()


def test_a_clean_file_loads_and_the_summary_counts_it(
    importer: Any, agency: Any, write_csv: Callable[..., Path]
) -> None:
    path = write_csv([row("A1", nhs_number=NHS[0]), row("A2", given_name="Tobi")])
    out, err = _run(str(path), "--agency", AGENCY_CODE, "--as-user", importer.email)
    assert f"2 rows from {agency.name}: 2 created, 0 updated, 0 unchanged, 0 rejected" in out
    assert "2/2 rows" in err
    assert "rows/s" in err
    assert Person.objects.count() == 2
    event = AuditEvent.objects.filter(object_type="people.person").get()
    assert (event.verb, event.actor_id, event.detail["result_count"]) == ("create", importer.pk, 2)

    out, _ = _run(str(path), "--agency", AGENCY_CODE, "--as-user", importer.email.upper())
    assert "0 created, 0 updated, 2 unchanged, 0 rejected" in out
    assert Person.objects.count() == 2


def test_rejected_rows_are_reported_with_line_source_id_field_and_reason_and_the_rest_load(
    importer: Any, agency: Any, write_csv: Callable[..., Path], tmp_path: Path
) -> None:
    path = write_csv(
        [
            row("A1"),
            row("A2", nhs_number="9434765918"),
            row("A3", upn="X1", sex="Q"),
            row("A1", given_name="Again"),
            row("A4", date_of_birth="2015-13-01"),
            row("A5", postcode="ZZ"),
            row("A6", given_name="Tobi"),
        ]
    )
    errors = tmp_path / "errors.csv"
    failure, out, err = _run_failing(
        str(path), "--agency", AGENCY_CODE, "--as-user", importer.email, "--errors", str(errors)
    )
    assert "7 rows" in out
    assert "2 created, 0 updated, 0 unchanged, 5 rejected" in out
    assert failure.returncode == 2
    assert "5 rows were not loaded" in str(failure)
    with errors.open(encoding="utf-8", newline="") as handle:
        reported = list(csv.DictReader(handle))
    assert [(r["line"], r["source_id"], r["field"]) for r in reported] == [
        ("3", "A2", "nhs_number"),
        ("4", "A3", "sex"),
        ("4", "A3", "upn"),
        ("5", "A1", "source_id"),
        ("6", "A4", "date_of_birth"),
        ("7", "A5", "postcode"),
    ]
    assert all(r["reason"] for r in reported)
    assert "line 3 (A2): nhs_number: Enter a valid NHS number: the check digit does not match" in err
    assert "line 5 (A1): source_id: Repeats the source_id of line 2" in err
    loaded = PersonIdentifier.objects.filter(kind=IdentifierKind.AGENCY_ID).values_list("value", flat=True)
    assert sorted(loaded) == ["A1", "A6"]


def test_without_an_errors_file_every_refusal_goes_to_stderr(
    importer: Any, agency: Any, write_csv: Callable[..., Path]
) -> None:
    path = write_csv([row(f"A{n}", sex="Z") for n in range(30)])
    _, _, err = _run_failing(str(path), "--agency", AGENCY_CODE, "--as-user", importer.email)
    assert err.count(": sex: Sex must be M, F or U") == 30


def test_a_header_that_is_not_the_agreed_one_stops_before_anything_is_loaded(
    importer: Any, agency: Any, write_csv: Callable[..., Path]
) -> None:
    path = write_csv(
        [row("A1")], header=("id", "given_name", "family_name", "dob", "sex", "pc", "a", "n", "u")
    )
    failure, _, _ = _run_failing(str(path), "--agency", AGENCY_CODE, "--as-user", importer.email)
    assert "The header must be exactly: source_id,given_name,family_name" in str(failure)
    assert not Person.objects.exists()


def test_an_unknown_agency_is_a_clear_error_unless_asked_to_register_it(
    importer: Any, write_csv: Callable[..., Path], db: Any
) -> None:
    path = write_csv([row("A1")])
    failure, _, _ = _run_failing(str(path), "--agency", "X123", "--as-user", importer.email)
    assert "No agency has the code X123" in str(failure)
    assert "--create-agency" in str(failure)
    assert not Person.objects.exists()

    out, _ = _run(
        str(path),
        "--agency",
        "X123",
        "--create-agency",
        "--agency-kind",
        "police",
        "--as-user",
        importer.email,
    )
    agency = Agency.objects.get(ods_code="X123")
    assert (agency.name, agency.kind) == ("X123", AgencyKind.POLICE)
    assert "1 created" in out
    assert AuditEvent.objects.filter(
        object_type="accounts.agency", verb="create", actor_id=importer.pk
    ).exists()

    # Registered once: the next run finds it.
    _run(str(path), "--agency", "X123", "--create-agency", "--as-user", importer.email)
    assert Agency.objects.filter(ods_code="X123").count() == 1


def test_the_default_kind_of_a_registered_agency_is_childrens_services(
    importer: Any, write_csv: Callable[..., Path]
) -> None:
    _run(str(write_csv([row("A1")])), "--agency", "Y1", "--create-agency", "--as-user", importer.email)
    assert Agency.objects.get(ods_code="Y1").kind == AgencyKind.CHILDRENS_SERVICES


def test_two_agencies_with_one_code_is_an_error(
    importer: Any, agency: Any, write_csv: Callable[..., Path]
) -> None:
    from safehub.accounts.tests.factories import AgencyFactory

    AgencyFactory(ods_code=AGENCY_CODE)
    failure, _, _ = _run_failing(
        str(write_csv([row("A1")])), "--agency", AGENCY_CODE, "--as-user", importer.email
    )
    assert "More than one agency has the code" in str(failure)


def test_the_import_runs_as_a_named_user_who_may_record_people(
    make_user: Callable[..., Any], agency: Any, write_csv: Callable[..., Path]
) -> None:
    path = str(write_csv([row("A1")]))
    failure, _, _ = _run_failing(path, "--agency", AGENCY_CODE, "--as-user", "nobody@example.test")
    assert "No user has the email address nobody@example.test" in str(failure)

    analyst = make_user(Role.PERFORMANCE_ANALYST, mfa=False)
    failure, _, _ = _run_failing(path, "--agency", AGENCY_CODE, "--as-user", analyst.email)
    assert "may not import people" in str(failure)

    leaver = make_user(Role.SOCIAL_WORKER, mfa=False, is_active=False)
    failure, _, _ = _run_failing(path, "--agency", AGENCY_CODE, "--as-user", leaver.email)
    assert "deactivated" in str(failure)
    assert not Person.objects.exists()


def test_a_missing_file_is_a_clear_error(importer: Any, agency: Any, tmp_path: Path) -> None:
    failure, _, _ = _run_failing(
        str(tmp_path / "absent.csv"), "--agency", AGENCY_CODE, "--as-user", importer.email
    )
    assert "Cannot read" in str(failure)
    assert "absent.csv" in str(failure)


def test_a_file_that_is_not_utf8_is_a_clear_error(importer: Any, agency: Any, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        b"source_id,given_name,family_name,date_of_birth,sex,postcode,address_line,nhs_number,upn\n"
        b"A1,Zo\xeb,Okafor,,U,,,,\n"
    )
    failure, _, _ = _run_failing(str(path), "--agency", AGENCY_CODE, "--as-user", importer.email)
    assert "cannot be read" in str(failure)
