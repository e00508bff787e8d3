"""Validate a produced return with the DfE validators; explain queries (issue 7, item 7).

`validate_return` writes the return's files to a temporary directory, runs the validator out of
process (runner.py), and stores what it found as one ValidationRun with its ValidationIssues, each
linked to the child's record. The produced return's status follows: PASSED when no error rule
fails, no rule crashed and every query is explained; FAILING otherwise; CRASHED when the validator
could not run at all. A query's explanation (QueryExplanation) is kept per kind, year, rule and
child, so it carries over to the next run of the same year, and is listed for the submission.
"""

import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.audit.constants import Verb
from safehub.audit.services.record import record_event
from safehub.platform.errors import PermissionRefused

from ..constants import VALIDATED_KINDS, IssueSeverity, ReturnKind, ValidationStatus
from ..identity import people_for_child_ids
from ..models import ProducedReturn, QueryExplanation, ValidationIssue, ValidationRun
from ..policies import returns_can
from .exclusions import excluded_rules
from .runner import ValidatorUnavailable, WorkerResult, run_validator

EXPLANATION_MAX = 2000


def _require_prepare(actor: Any) -> None:
    if not returns_can(actor, "prepare"):
        raise PermissionRefused("Validating and explaining returns needs 'prepare statutory returns'.")


def _validator_kind(kind: str) -> str:
    return "cin" if kind == ReturnKind.CIN else "903"


def _previous_903_files(year: int) -> dict[str, bytes]:
    """Last year's 903 as kept: the one marked submitted, else the latest (for the `_last` rules)."""
    try:
        from ..ssda903.produce import previous_year_files
    except ImportError:  # the 903 builder not installed: validate this year alone
        return {}
    return previous_year_files(year) or {}


def _write(directory: Path, files: dict[str, bytes]) -> list[Path]:
    paths = []
    for name, content in sorted(files.items()):
        path = directory / Path(name).name  # a part name never escapes the directory
        path.write_bytes(content)
        paths.append(path)
    return paths


def run_files(
    kind: str, year: int, files: dict[str, bytes], prev_files: dict[str, bytes] | None = None
) -> WorkerResult:
    """Validate a return given as its files (name -> bytes); the command and the service use this."""
    with tempfile.TemporaryDirectory(prefix="safehub-validate-") as tmp:
        root = Path(tmp)
        (root / "this").mkdir()
        (root / "prev").mkdir()
        if kind == "cin":
            this = [p for p in _write(root / "this", files) if p.suffix.lower() == ".xml"][:1]
        else:
            this = [p for p in _write(root / "this", files) if p.suffix.lower() == ".csv"]
        prev = [p for p in _write(root / "prev", prev_files or {}) if p.suffix.lower() == ".csv"]
        if not this:
            raise ValidatorUnavailable(
                f"The return has no {'XML' if kind == 'cin' else 'CSV'} file to validate."
            )
        return run_validator(
            kind, year=year, this_year=this, prev_year=prev, la_code=settings.SAFEHUB_LA_CODE
        )


def split_findings(
    kind: str, result: WorkerResult, excluded: dict[str, Any] | None = None
) -> tuple[list[Any], list[dict[str, Any]], list[dict[str, str]]]:
    """(issues kept, excluded rules with their counts and reasons, crashed rules not excluded)."""
    rules = excluded_rules(kind) if excluded is None else excluded
    kept = [issue for issue in result.issues if issue.rule_code not in rules]
    counts = Counter(issue.rule_code for issue in result.issues if issue.rule_code in rules)
    left_out = [
        {
            "rule_code": code,
            "count": counts.get(code, 0),
            "crashed": code in result.crashed,
            "reason": exclusion.reason,
            "doc": exclusion.doc,
        }
        for code, exclusion in sorted(rules.items())
        if code in result.rules_run
    ]
    crashed = [
        {"rule_code": code, "message": message}
        for code, message in sorted(result.crashed.items())
        if code not in rules
    ]
    return kept, left_out, crashed


def _explained(kind: str, year: int | None, issues: list[ValidationIssue]) -> set[tuple[str, str]]:
    queries = {(i.rule_code, i.child_id) for i in issues if i.severity == IssueSeverity.QUERY}
    if not queries or year is None:
        return set()
    rows = QueryExplanation.objects.filter(
        kind=kind, year=year, rule_code__in={code for code, _ in queries}
    ).values_list("rule_code", "child_id")
    return set(rows) & queries


def run_status(run: ValidationRun) -> str:
    """PASSED only when nothing must be fixed: no errors, no crashed rule, every query explained."""
    if run.status == ValidationStatus.CRASHED:
        return ValidationStatus.CRASHED
    issues = list(run.issues.all())
    if run.crashed_rules or any(i.severity == IssueSeverity.ERROR for i in issues):
        return ValidationStatus.FAILING
    queries = {(i.rule_code, i.child_id) for i in issues if i.severity == IssueSeverity.QUERY}
    if queries - _explained(run.produced.kind, run.produced.year, issues):
        return ValidationStatus.FAILING
    return ValidationStatus.PASSED


def validate_return(produced: ProducedReturn, *, actor: Any) -> ValidationRun:
    """Run the DfE validator on a produced CIN census or 903 and keep what it found."""
    _require_prepare(actor)
    if produced.kind not in VALIDATED_KINDS:
        raise ValidationError({"kind": f"The DfE validators do not check {produced.get_kind_display()}."})
    if produced.year is None:
        raise ValidationError({"year": "The return has no collection year to validate against."})
    kind = _validator_kind(produced.kind)
    # Committed at once, so the pages show the run as running while the validator works.
    with transaction.atomic():
        run = ValidationRun.objects.create(
            produced=produced, started_by=actor, status=ValidationStatus.RUNNING
        )
        record_event(actor=actor, verb=Verb.CREATE, target=run, section="validation")
    try:
        files = {part.name: bytes(part.content) for part in produced.parts.all()}
        prev = _previous_903_files(produced.year) if kind == "903" else {}
        result = run_files(kind, produced.year, files, prev)
        return _store(run, produced, kind, result, actor)
    except ValidatorUnavailable as exc:
        _crashed(run, produced, actor, str(exc))
        return run
    except Exception:
        # Whatever went wrong, the run must not stay "running" for ever on the pages.
        _crashed(
            run, produced, actor, "Safehub could not store what the validator found; see the server log."
        )
        raise


def _crashed(run: ValidationRun, produced: ProducedReturn, actor: Any, reason: str) -> None:
    with transaction.atomic():
        run.status = ValidationStatus.CRASHED
        run.log = reason
        run.save(update_fields=["status", "log", "updated_at"])
        produced.status = ValidationStatus.CRASHED
        produced.save(update_fields=["status", "updated_at"])
        record_event(actor=actor, verb=Verb.UPDATE, target=run, section="validation", outcome="failure")


def _store(
    run: ValidationRun, produced: ProducedReturn, kind: str, result: WorkerResult, actor: Any
) -> ValidationRun:
    kept, left_out, crashed = split_findings(kind, result)
    people = people_for_child_ids(i.child_id for i in kept if i.child_id)
    with transaction.atomic():
        ValidationIssue.objects.bulk_create(
            ValidationIssue(
                run=run,
                rule_code=i.rule_code[:20],
                severity=IssueSeverity.QUERY if i.severity == "query" else IssueSeverity.ERROR,
                description=i.description,
                child_id=i.child_id[:20],
                person_id=people.get(i.child_id),
                table=i.table[:60],
                fields=i.fields[:300],
                row=i.row[:40],
                value=i.value[:300],
            )
            for i in kept
        )
        run.ruleset = result.ruleset[:20]
        run.validator_version = f"{result.validator} {result.version}"[:40]
        run.seconds = result.seconds
        run.errors = sum(1 for i in kept if i.severity != "query")
        run.queries = sum(1 for i in kept if i.severity == "query")
        run.excluded_rules = left_out
        run.crashed_rules = crashed
        run.log = result.log
        run.status = ValidationStatus.FAILING  # provisional: run_status reads the stored issues
        run.status = run_status(run)
        run.save()
        produced.status = run.status
        produced.save(update_fields=["status", "updated_at"])
        # Every child named in a finding is a read of their record for this purpose (R27).
        record_event(
            actor=actor,
            verb=Verb.UPDATE,
            target=run,
            section="validation",
            result_ids=sorted({str(pid) for pid in people.values()}),
        )
    return run


def latest_run(produced: ProducedReturn) -> ValidationRun | None:
    return produced.validations.order_by("-created_at").first()


def _refresh_status(produced: ProducedReturn) -> None:
    """After an explanation, the latest run of the return may now pass (or no longer)."""
    run = latest_run(produced)
    if run is None or run.status == ValidationStatus.CRASHED:
        return
    status = run_status(run)
    if status != run.status:
        run.status = status
        run.save(update_fields=["status", "updated_at"])
    if produced.status != status:
        produced.status = status
        produced.save(update_fields=["status", "updated_at"])


def explain_query(*, actor: Any, issue: ValidationIssue, text: str) -> QueryExplanation:
    """Store why a query's finding is right as it is (kept for the submission), audited."""
    _require_prepare(actor)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter why the data is right as it is"})
    if len(text) > EXPLANATION_MAX:
        raise ValidationError({"text": f"Explanation must be {EXPLANATION_MAX} characters or fewer"})
    if issue.severity != IssueSeverity.QUERY:
        raise ValidationError({"text": "Only a query can be explained: an error must be fixed"})
    produced = issue.run.produced
    if produced.year is None:
        raise ValidationError({"text": "The return has no collection year"})
    with transaction.atomic():
        explanation, created = QueryExplanation.objects.update_or_create(
            kind=produced.kind,
            year=produced.year,
            rule_code=issue.rule_code,
            child_id=issue.child_id,
            defaults={"text": text, "explained_by": actor},
        )
        record_event(
            actor=actor,
            verb=Verb.CREATE if created else Verb.UPDATE,
            target=explanation,
            section="query_explanation",
            result_ids=[str(issue.person_id)] if issue.person_id else None,
        )
        _refresh_status(produced)
    return explanation
