"""Reads for the returns pages, each through the returns policy (R19); the views audit them."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.urls import NoReverseMatch, reverse

from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.child_protection.models import Referral
from safehub.looked_after.models import LookedAfterPeriod
from safehub.platform.errors import NotFoundOrForbidden

from ..constants import IssueSeverity
from ..models import (
    ImportRejection,
    ImportRun,
    ProducedReturn,
    QueryExplanation,
    ReturnPart,
    ValidationIssue,
    ValidationRun,
)
from ..policies import produced_return_policy, returns_can, visible_people

# Where each validator table is fixed: the child's own record, the referral (CIN episode) or the
# period of care (903). Anything else falls back to the person page.
PERSON_TABLES = {"ChildIdentifiers", "ChildCharacteristics", "Disabilities", "Header", "UASC"}
REFERRAL_TABLES = {
    "CINdetails", "Assessments", "AssessmentFactorsList", "CINplanDates", "Section47",
    "ChildProtectionPlans", "Reviews_cin",
}  # fmt: skip
CARE_TABLES = {
    "Episodes",
    "Reviews",
    "OC2",
    "OC3",
    "AD1",
    "PlacedAdoption",
    "PrevPerm",
    "Missing",
    "SWEpisodes",
}


def _view(actor: Any) -> None:
    if not returns_can(actor, "view"):
        raise NotFoundOrForbidden()


def produced_list(*, actor: Any) -> list[ProducedReturn]:
    return list(produced_return_policy.scope(actor, ProducedReturn.objects.all()).order_by("-created_at"))


def produced_get(*, actor: Any, id: UUID, action: str = "view") -> ProducedReturn:
    produced = produced_return_policy.scope(actor, ProducedReturn.objects.all(), action).filter(pk=id).first()
    if produced is None:
        raise NotFoundOrForbidden()
    return produced


def children_in(produced: ProducedReturn) -> list[str]:
    """The ids of the children a production named, as its own audit event recorded them when it
    was made (`produced_return_save`), so a download is audited with the same list (R27)."""
    event = (
        AuditEvent.objects.filter(object_id=str(produced.pk), verb=Verb.EXPORT, section=str(produced.kind))
        .order_by("seq")
        .first()
    )
    ids = (event.detail or {}).get("result_ids", []) if event else []
    return [str(i) for i in ids]


def part_get(*, actor: Any, produced: ProducedReturn, id: int) -> ReturnPart:
    part = produced.parts.filter(pk=id).first()
    if part is None:
        raise NotFoundOrForbidden()
    return part


def parts_of(produced: ProducedReturn) -> list[ReturnPart]:
    return list(produced.parts.defer("content").order_by("name"))


def runs_of(produced: ProducedReturn) -> list[ValidationRun]:
    return list(produced.validations.order_by("-created_at"))


def explanations_for(produced: ProducedReturn) -> list[QueryExplanation]:
    if produced.year is None:
        return []
    return list(
        QueryExplanation.objects.filter(kind=produced.kind, year=produced.year)
        .select_related("explained_by")
        .order_by("rule_code", "child_id")
    )


def run_get(*, actor: Any, id: UUID, action: str = "view") -> ValidationRun:
    run = ValidationRun.objects.select_related("produced").filter(pk=id).first()
    if run is None:
        raise NotFoundOrForbidden()
    produced_return_policy.check(actor, action, run.produced)
    return run


def issue_get(*, actor: Any, id: int, action: str = "view") -> ValidationIssue:
    issue = ValidationIssue.objects.select_related("run__produced").filter(pk=id).first()
    if issue is None:
        raise NotFoundOrForbidden()
    produced_return_policy.check(actor, action, issue.run.produced)
    return issue


@dataclass
class RuleRow:
    code: str
    severity: str
    description: str
    count: int
    explained: bool = False
    issue_id: int | None = None  # the issue an "Explain or fix" link opens (return-level queries)


@dataclass
class ChildRow:
    child_id: str
    name: str
    count: int
    issues: list[dict[str, Any]] = field(default_factory=list)


def _safe_reverse(name: str, pk: Any) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def fix_links(actor: Any, issues: list[ValidationIssue], people: set[UUID]) -> dict[int, str]:
    """issue id -> the URL of the screen where its data is fixed (only for people the actor may open)."""
    wanted = {i.person_id for i in issues if i.person_id in people}
    referrals: dict[UUID, UUID] = {}
    for pid, rid in (
        Referral.objects.filter(person_id__in=wanted).order_by("referral_date").values_list("person_id", "id")
    ):
        referrals[pid] = rid  # the latest referral wins
    periods: dict[UUID, UUID] = {}
    for pid, period_id in (
        LookedAfterPeriod.objects.filter(person_id__in=wanted)
        .order_by("started_on")
        .values_list("person_id", "id")
    ):
        periods[pid] = period_id
    links: dict[int, str] = {}
    for issue in issues:
        if issue.person_id is None or issue.person_id not in people:
            continue
        pid = issue.person_id
        url = ""
        if issue.table in REFERRAL_TABLES and pid in referrals:
            url = _safe_reverse("child_protection:case", referrals[pid])
        elif issue.table in CARE_TABLES and pid in periods:
            url = _safe_reverse("looked_after:period", periods[pid])
        links[issue.pk] = url or _safe_reverse("people:detail", pid)
    return links


def run_report(*, actor: Any, run: ValidationRun) -> dict[str, Any]:
    """The run by rule and by child; names only for people the actor may open (R22)."""
    issues = list(run.issues.order_by("child_id", "rule_code", "table", "row", "pk"))
    produced = run.produced
    explained = set(
        QueryExplanation.objects.filter(kind=produced.kind, year=produced.year or 0).values_list(
            "rule_code", "child_id"
        )
    )
    visible = visible_people(actor, [i.person_id for i in issues if i.person_id])
    links = fix_links(actor, issues, set(visible))
    by_rule: dict[str, RuleRow] = {}
    places: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    by_child: dict[str, ChildRow] = {}
    for issue in issues:
        row = by_rule.setdefault(
            issue.rule_code, RuleRow(issue.rule_code, issue.severity, issue.description, 0)
        )
        places[issue.rule_code].add((issue.child_id, issue.table, issue.row))
        row.count = len(places[issue.rule_code])
        is_query = issue.severity == IssueSeverity.QUERY
        done = (issue.rule_code, issue.child_id) in explained
        if is_query and not issue.child_id:
            row.issue_id = issue.pk
            row.explained = done
        if not issue.child_id:
            continue
        person = visible.get(issue.person_id) if issue.person_id else None
        child = by_child.setdefault(
            issue.child_id, ChildRow(issue.child_id, str(person) if person else "", 0)
        )
        child.count += 1
        child.issues.append(
            {
                "issue": issue,
                "is_query": is_query,
                "explained": done,
                "fix_url": links.get(issue.pk, ""),
            }
        )
    rules = sorted(by_rule.values(), key=lambda r: (r.severity != IssueSeverity.ERROR, r.code))
    return {
        "by_rule": rules,
        "by_child": sorted(by_child.values(), key=lambda c: c.child_id),
        "person_ids": sorted(str(pid) for pid in visible),
    }


def import_runs(*, actor: Any) -> list[ImportRun]:
    _view(actor)
    return list(ImportRun.objects.select_related("started_by").order_by("-created_at"))


def import_run_get(*, actor: Any, id: UUID) -> ImportRun:
    _view(actor)
    run = ImportRun.objects.filter(pk=id).first()
    if run is None:
        raise NotFoundOrForbidden()
    return run


def rejections_of(run: ImportRun) -> Any:
    return ImportRejection.objects.filter(run=run).order_by("table", "pk")
