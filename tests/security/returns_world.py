"""The issue-7 objects a route can name: a produced CIN census with its file, a validation run with
one error and one query about the sweep child, and an SSD import run that rejected a row."""

import hashlib
from typing import Any

from safehub.accounts.constants import Role


def returns_world(world: dict[str, Any], make_user: Any) -> dict[str, Any]:
    from safehub.returns.constants import IssueSeverity, ReturnKind, ValidationStatus
    from safehub.returns.models import (
        ImportRejection,
        ImportRun,
        ProducedReturn,
        ReturnPart,
        ValidationIssue,
        ValidationRun,
    )

    officer = make_user(Role.DATA_OFFICER, email="returns.sweep@example.test")
    produced = ProducedReturn.objects.create(
        kind=ReturnKind.CIN, year=2026, produced_by=officer, children=1, status=ValidationStatus.FAILING
    )
    content = b'<?xml version="1.0" encoding="utf-8"?><Message/>'
    part = ReturnPart.objects.create(
        produced=produced,
        name="cin_census_2026.xml",
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )
    run = ValidationRun.objects.create(
        produced=produced,
        started_by=officer,
        status=ValidationStatus.FAILING,
        ruleset="cin2026",
        validator_version="csc-validator-be-cin sweep",
        errors=1,
        queries=1,
    )
    common = {"run": run, "child_id": "SWEEP1", "person": world["person"]}
    ValidationIssue.objects.create(
        **common,
        rule_code="8520",
        severity=IssueSeverity.ERROR,
        description="Date of birth must be on or before the end of the census period",
        table="ChildIdentifiers",
        fields="PersonBirthDate",
    )
    query = ValidationIssue.objects.create(
        **common,
        rule_code="8770Q",
        severity=IssueSeverity.QUERY,
        description="UPN and reason for no UPN are both missing",
        table="ChildIdentifiers",
        fields="UPN, UPNunknown",
    )
    import_run = ImportRun.objects.create(
        directory="/srv/ssd/sweep", started_by=officer, rows_read=3, rows_loaded=2, rows_rejected=1
    )
    ImportRejection.objects.create(
        run=import_run,
        table="ssd_person",
        row_id="P900",
        field="pers_dob",
        problem="Not a date: 31/02/2015",
    )
    return {
        "produced_return": produced,
        "return_part": part,
        "validation_run": run,
        "query_issue": query,
        "import_run": import_run,
    }
