"""validate_return and explain_query: stored runs, links to children, status (issue 7, item 7)."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.people.tests.factories import PersonFactory
from safehub.platform.errors import PermissionRefused
from safehub.returns.constants import ChildIdSource, IssueSeverity, ReturnKind, ValidationStatus
from safehub.returns.models import ChildReturnId, QueryExplanation, ValidationIssue, ValidationRun
from safehub.returns.services.produce import produced_return_save
from safehub.returns.validation.services import explain_query, validate_return

from .returns_data import CIN_CHILD, CIN_INVALID, CIN_VALID, LAC_CHILD, LAC_VALID, YEAR, cin_files, lac_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def preparer(make_user: Any) -> Any:
    return make_user(Role.DATA_OFFICER)


def _produce(actor: Any, kind: str, files: dict[str, bytes]) -> Any:
    return produced_return_save(actor=actor, kind=kind, year=YEAR, files=files, person_ids=[], seconds=0.1)


def test_invalid_cin_fails_and_links_each_issue_to_the_child(preparer: Any) -> None:
    person = PersonFactory()
    ChildReturnId.objects.create(person=person, child_id=CIN_CHILD, source=ChildIdSource.IMPORTED)
    produced = _produce(preparer, ReturnKind.CIN, cin_files(CIN_INVALID))

    run = validate_return(produced, actor=preparer)

    produced.refresh_from_db()
    assert run.status == produced.status == ValidationStatus.FAILING
    assert run.validator_version == "csc-validator-be-cin 0.1.13"
    assert run.ruleset == "cin2025_26"
    errors = run.issues.filter(severity=IssueSeverity.ERROR)
    assert set(errors.values_list("rule_code", flat=True)) == {"8866", "4220"}
    assert {issue.person_id for issue in errors} == {person.pk}
    assert run.errors == errors.count()
    assert run.queries == 1
    assert AuditEvent.objects.filter(object_id=str(run.pk), verb="update").exists()


def test_valid_cin_passes_once_its_query_is_explained(preparer: Any) -> None:
    produced = _produce(preparer, ReturnKind.CIN, cin_files(CIN_VALID))
    run = validate_return(produced, actor=preparer)
    assert run.status == ValidationStatus.FAILING  # the query is not explained yet
    query = run.issues.get()
    assert (query.rule_code, query.severity, query.child_id) == ("2887Q", IssueSeverity.QUERY, "")

    explain_query(actor=preparer, issue=query, text="A small council: few disabilities recorded.")

    produced.refresh_from_db()
    run.refresh_from_db()
    assert produced.status == run.status == ValidationStatus.PASSED
    assert QueryExplanation.objects.get().rule_code == "2887Q"
    # The explanation carries over to the next run of the same year.
    again = validate_return(produced, actor=preparer)
    assert again.status == ValidationStatus.PASSED


def test_explanation_must_be_given_and_short(preparer: Any) -> None:
    produced = _produce(preparer, ReturnKind.CIN, cin_files(CIN_VALID))
    query = validate_return(produced, actor=preparer).issues.get()
    with pytest.raises(ValidationError) as empty:
        explain_query(actor=preparer, issue=query, text="  ")
    assert "text" in empty.value.message_dict
    with pytest.raises(ValidationError) as long:
        explain_query(actor=preparer, issue=query, text="x" * 2001)
    assert "2000 characters" in long.value.message_dict["text"][0]
    assert not QueryExplanation.objects.exists()


def test_valid_903_passes_with_the_crashing_rules_excluded(preparer: Any) -> None:
    produced = _produce(preparer, ReturnKind.SSDA903, lac_files(LAC_VALID))
    run = validate_return(produced, actor=preparer)
    assert run.status == ValidationStatus.PASSED, run.log
    assert run.issues.count() == 0
    assert run.crashed_rules == []
    assert {r["rule_code"] for r in run.excluded_rules} == {"1001", "1002", "231", "233", "SW17STG2"}


def test_903_error_links_to_the_child(preparer: Any) -> None:
    person = PersonFactory()
    ChildReturnId.objects.create(person=person, child_id=LAC_CHILD, source=ChildIdSource.IMPORTED)
    files = lac_files({**LAC_VALID, "header.csv": LAC_VALID["header.csv"].replace(",M,", ",X,")})
    run = validate_return(_produce(preparer, ReturnKind.SSDA903, files), actor=preparer)
    assert run.status == ValidationStatus.FAILING
    issue = run.issues.filter(table="Header").first()
    assert issue is not None
    assert issue.person_id == person.pk


def test_validator_that_cannot_run_marks_the_return_crashed(preparer: Any, settings: Any) -> None:
    settings.SAFEHUB_VALIDATORS_PYTHON = "/nonexistent/python"
    produced = _produce(preparer, ReturnKind.CIN, cin_files(CIN_VALID))
    run = validate_return(produced, actor=preparer)
    produced.refresh_from_db()
    assert run.status == produced.status == ValidationStatus.CRASHED
    assert "make validators" in run.log


def test_a_run_whose_findings_cannot_be_stored_is_left_crashed(
    preparer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    produced = _produce(preparer, ReturnKind.CIN, cin_files(CIN_INVALID))

    def refused(*args: Any, **kwargs: Any) -> None:
        # The database failing as the findings are written (the real validator has run).
        raise DatabaseError("could not extend file: No space left on device")

    monkeypatch.setattr(ValidationIssue.objects, "bulk_create", refused)
    with pytest.raises(DatabaseError):
        validate_return(produced, actor=preparer)

    run = ValidationRun.objects.get(produced=produced)
    produced.refresh_from_db()
    assert run.status == produced.status == ValidationStatus.CRASHED  # never left "running"
    assert "could not store what the validator found" in run.log
    assert not ValidationIssue.objects.filter(run=run).exists()  # nothing half stored
    assert AuditEvent.objects.filter(object_id=str(run.pk), verb="update", outcome="failure").exists()


@pytest.mark.parametrize("role", [Role.TEAM_MANAGER, Role.PERFORMANCE_ANALYST])
def test_only_preparers_validate(make_user: Any, preparer: Any, role: str) -> None:
    produced = _produce(preparer, ReturnKind.CIN, cin_files(CIN_VALID))
    with pytest.raises(PermissionRefused):
        validate_return(produced, actor=make_user(role))
    assert not ValidationRun.objects.exists()


def test_annex_a_is_not_validated(preparer: Any) -> None:
    produced = produced_return_save(
        actor=preparer, kind=ReturnKind.ANNEX_A, files={"a.xlsx": b"x"}, person_ids=[], seconds=0
    )
    with pytest.raises(ValidationError):
        validate_return(produced, actor=preparer)


def test_a_crashed_rule_not_excluded_keeps_the_return_from_passing(preparer: Any) -> None:
    from safehub.returns.validation.services import run_status

    produced = _produce(preparer, ReturnKind.SSDA903, lac_files(LAC_VALID))
    clean = ValidationRun.objects.create(produced=produced, status=ValidationStatus.FAILING)
    assert run_status(clean) == ValidationStatus.PASSED
    crashed = ValidationRun.objects.create(
        produced=produced,
        status=ValidationStatus.FAILING,
        crashed_rules=[{"rule_code": "709", "message": "KeyError: 'PLACEMENT'"}],
    )
    assert run_status(crashed) == ValidationStatus.FAILING


def test_903_reads_last_years_submitted_return_for_the_cross_year_rules(preparer: Any) -> None:
    from safehub.returns.services.submit import return_mark_submitted

    # Last year's return ended with an episode open since 1 March 2025; this year's starts on 1 May.
    last_year = {
        "header.csv": LAC_VALID["header.csv"],
        "episodes.csv": LAC_VALID["episodes.csv"].replace("01/05/2025", "01/03/2025"),
    }
    previous = produced_return_save(
        actor=preparer,
        kind=ReturnKind.SSDA903,
        year=YEAR - 1,
        files=lac_files(last_year),
        person_ids=[],
        seconds=0,
    )
    return_mark_submitted(previous, preparer)
    run = validate_return(_produce(preparer, ReturnKind.SSDA903, lac_files(LAC_VALID)), actor=preparer)
    assert list(run.issues.values_list("rule_code", flat=True).distinct()) == ["502"]
    assert run.status == ValidationStatus.FAILING
