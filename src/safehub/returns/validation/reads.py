"""Reads for the returns pages, each through the returns policy (R19); the views audit them."""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, cast
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.urls import NoReverseMatch, reverse

from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.child_protection.models import Referral
from safehub.looked_after.models import LookedAfterPeriod
from safehub.platform.errors import NotFoundOrForbidden

from ..constants import IssueSeverity
from ..identity import people_for_child_ids
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


@dataclass
class Explanations:
    """The query explanations of a return's collection year that the viewer may read: one about a
    child is as personal as the child's record (R19), so those about children the viewer may not
    open are only counted. `person_ids`: the children shown, for the view's audit event."""

    shown: list[QueryExplanation]
    hidden: int
    person_ids: list[str]


def explanations_for(*, actor: Any, produced: ProducedReturn) -> Explanations:
    if produced.year is None:
        return Explanations([], 0, [])
    every = list(
        QueryExplanation.objects.filter(kind=produced.kind, year=produced.year)
        .select_related("explained_by")
        .order_by("rule_code", "child_id")
    )
    people = people_for_child_ids(e.child_id for e in every if e.child_id)
    open_ = visible_people(actor, people.values())
    shown = [e for e in every if not e.child_id or people.get(e.child_id) in open_]
    ids = sorted({str(people[e.child_id]) for e in shown if e.child_id})
    return Explanations(shown, len(every) - len(shown), ids)


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
    # A finding about a child is as personal as the child's record: only someone who may open
    # that record may open the finding (R19, R22). One with no person behind it is refused too.
    if issue.child_id and (issue.person_id is None or not visible_people(actor, [issue.person_id])):
        raise NotFoundOrForbidden()
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
class FindingRow:
    """One rule's finding for one child in one field, with every place the validator flagged it.

    The CIN validator reports a finding once per rule, child, field and row (the 903 one per rule,
    child and row), so a rule that checks each of a child's episodes repeats the same finding for
    the same field; the page shows it once, with its rows and values together.
    """

    issue: ValidationIssue  # the first of the places: its "Explain or fix" opens the finding
    count: int
    locations: list[dict[str, str]]  # {"row", "value"}, in row order, each place once
    is_query: bool = False
    explained: bool = False
    fix_url: str = ""

    @property
    def rows(self) -> str:
        return ", ".join(place["row"] for place in self.locations if place["row"])


@dataclass
class ChildRow:
    child_id: str
    name: str
    count: int
    issues: list[FindingRow] = field(default_factory=list)
    continued: bool = False  # the child's first findings are on an earlier page


@dataclass
class HiddenRule:
    """A rule's findings about children whose records the viewer cannot open: no id, no value."""

    code: str
    severity: str
    description: str
    count: int


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


# Findings listed per page of the run (rows after merging the places of one finding).
FINDINGS_PER_PAGE = 50
# People are looked up in slices so a return of tens of thousands of children stays within the
# databases' limits on query parameters.
PEOPLE_PER_QUERY = 2000

GroupKey = tuple[str, str, str, str]  # child id, rule, table, fields


def _openable(actor: Any, person_ids: set[UUID]) -> dict[UUID, Any]:
    ids = sorted(person_ids)
    found: dict[UUID, Any] = {}
    for start in range(0, len(ids), PEOPLE_PER_QUERY):
        found.update(visible_people(actor, ids[start : start + PEOPLE_PER_QUERY]))
    return found


def _row_order(row: str) -> tuple[int, int | str]:
    return (0, int(row)) if row.isdigit() else (1, row)


def _locations(issues: list[ValidationIssue]) -> list[dict[str, str]]:
    seen: dict[tuple[str, str], None] = {}
    for issue in sorted(issues, key=lambda i: (_row_order(i.row), i.pk)):
        seen.setdefault((issue.row, issue.value), None)
    return [{"row": row, "value": value} for row, value in seen]


def run_report(*, actor: Any, run: ValidationRun, page: Any = None) -> dict[str, Any]:
    """The run by rule (every finding) and by child (one page of findings).

    A child-level finding is listed with the child's return id, name, the value flagged and the
    fix link only when the viewer may open that child's record (R19, R22). Findings about anyone
    else are counted by rule without any of those, so a restricted child or one outside the
    viewer's scope cannot be recognised from the page. `person_ids` are the people this page
    shows, for the audit (R27).
    """
    produced = run.produced
    explained = set(
        QueryExplanation.objects.filter(kind=produced.kind, year=produced.year or 0).values_list(
            "rule_code", "child_id"
        )
    )
    # Only the columns needed to count and group: an error-heavy return has tens of thousands.
    found = list(
        run.issues.order_by("pk").values_list(
            "pk", "rule_code", "severity", "child_id", "person_id", "table", "fields", "row"
        )
    )
    visible = _openable(actor, {row[4] for row in found if row[4] is not None})
    by_rule: dict[str, RuleRow] = {}
    places: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    hidden_places: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    hidden: dict[str, HiddenRule] = {}
    groups: dict[GroupKey, list[int]] = defaultdict(list)
    per_child: dict[str, int] = defaultdict(int)
    first_of_rule: dict[str, int] = {}
    for pk, code, severity, child_id, person_id, table, fields, row in found:
        first_of_rule.setdefault(code, pk)
        rule = by_rule.setdefault(code, RuleRow(code, severity, "", 0))
        places[code].add((child_id, table, row))
        rule.count = len(places[code])
        if not child_id:
            if severity == IssueSeverity.QUERY:
                rule.issue_id = pk
                rule.explained = (code, "") in explained
            continue
        if person_id not in visible:
            # No person, or one the viewer may not open: counted, never named (fail closed).
            hidden_rule = hidden.setdefault(code, HiddenRule(code, severity, "", 0))
            hidden_places[code].add((child_id, table, row))
            hidden_rule.count = len(hidden_places[code])
            continue
        groups[(child_id, code, table, fields)].append(pk)
        per_child[child_id] += 1
    descriptions = dict(
        ValidationIssue.objects.filter(pk__in=first_of_rule.values()).values_list("rule_code", "description")
    )
    for rule in by_rule.values():
        rule.description = descriptions.get(rule.code, "")
    for hidden_rule in hidden.values():
        hidden_rule.description = descriptions.get(hidden_rule.code, "")

    def rule_order(r: RuleRow | HiddenRule) -> tuple[bool, str]:
        return (r.severity != IssueSeverity.ERROR, r.code)

    keys = sorted(groups)
    shown = Paginator(keys, FINDINGS_PER_PAGE).get_page(page)
    by_child, person_ids = _page_of_findings(actor, list(shown.object_list), groups, visible, explained)
    for child in by_child:
        child.count = per_child[child.child_id]
        child.continued = shown.start_index() > 1 and keys[shown.start_index() - 2][0] == child.child_id
    return {
        "by_rule": sorted(by_rule.values(), key=rule_order),
        "hidden_rules": sorted(hidden.values(), key=rule_order),
        "hidden_count": sum(r.count for r in hidden.values()),
        "page": shown,
        "by_child": by_child,
        "person_ids": person_ids,
    }


def _page_of_findings(
    actor: Any,
    keys: list[GroupKey],
    groups: dict[GroupKey, list[int]],
    visible: dict[UUID, Any],
    explained: set[tuple[str, str]],
) -> tuple[list[ChildRow], list[str]]:
    """The findings of one page, grouped by child, and the ids of the people they name."""
    wanted = [pk for key in keys for pk in groups[key]]
    loaded = {issue.pk: issue for issue in ValidationIssue.objects.filter(pk__in=wanted)}
    firsts = [loaded[groups[key][0]] for key in keys]
    links = fix_links(actor, firsts, set(visible))
    by_child: dict[str, ChildRow] = {}
    people: set[UUID] = set()
    for key, first in zip(keys, firsts, strict=True):
        child_id, code, *_ = key
        person = visible[cast(UUID, first.person_id)]  # grouped only when the person is visible
        people.add(person.pk)
        child = by_child.setdefault(child_id, ChildRow(child_id, str(person), 0))
        child.issues.append(
            FindingRow(
                issue=first,
                count=len(groups[key]),
                locations=_locations([loaded[pk] for pk in groups[key]]),
                is_query=first.severity == IssueSeverity.QUERY,
                explained=(code, child_id) in explained,
                fix_url=links.get(first.pk, ""),
            )
        )
    return list(by_child.values()), sorted(str(pid) for pid in people)


def import_runs(*, actor: Any) -> list[ImportRun]:
    _view(actor)
    return list(ImportRun.objects.select_related("started_by").order_by("-created_at"))


def import_run_get(*, actor: Any, id: UUID) -> ImportRun:
    _view(actor)
    run = ImportRun.objects.filter(pk=id).first()
    if run is None:
        raise NotFoundOrForbidden()
    return run


REJECTIONS_PER_PAGE = 50
VALUE_HIDDEN = "[value hidden]"
# The adapters write the refused value into the reason, quoted (`{text!r}`) or as it was (dates,
# ids, numbers); the database and Django quote theirs the same ways. ImportRejection keeps no
# separate value column, so a reason is shown without values by blanking every quoted stretch and
# every word that holds a digit (a date, a UPN, a postcode, an NHS number). That hides more than
# the value at times (a limit such as 99999.9). What it cannot recognise is an unquoted value of
# letters alone: the adapters write only other rows' ids so, like the row id shown beside it. A
# value column of its own on ImportRejection would end the guessing.
_QUOTED = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\u201c[^\u201d]*\u201d|\u2018[^\u2019]*\u2019""")
_HAS_DIGIT = re.compile(r"[^\s,;:()\[\]]*\d[^\s,;:()\[\]]*")
_REPEATED = re.compile(re.escape(VALUE_HIDDEN) + r"(?:[\s,:;]+" + re.escape(VALUE_HIDDEN) + ")+")


def without_values(text: str, *, keep: tuple[str, ...] = ()) -> str:
    """`text` with the values in it blanked; the words in `keep` (the table and field) stay."""
    names = sorted({word for word in keep if word}, key=len, reverse=True)
    pieces = re.split("(" + "|".join(map(re.escape, names)) + ")", text) if names else [text]
    blanked = []
    for piece in pieces:
        if piece in names:
            blanked.append(piece)
            continue
        piece = _QUOTED.sub(VALUE_HIDDEN, piece)
        blanked.append(_HAS_DIGIT.sub(VALUE_HIDDEN, piece))
    return _REPEATED.sub(VALUE_HIDDEN, "".join(blanked))


@dataclass
class RejectionRow:
    table: str
    row_id: str
    field: str
    problem: str


def rejections_page(run: ImportRun, page: Any, *, show_values: bool) -> Page[RejectionRow]:
    """One page of the run's refused rows. The raw values in a reason are personal (a date of
    birth, a postcode, a UPN): only the data officer who runs the imports sees them (R20)."""
    rejections = ImportRejection.objects.filter(run=run).order_by("table", "pk")
    # The rows of the page are re-shaped, so the page is rebuilt around them (same number, same
    # paginator for the counts and the links).
    paginator: Paginator[Any] = Paginator(rejections, REJECTIONS_PER_PAGE)
    shown = paginator.get_page(page)
    rows = [
        RejectionRow(
            r.table,
            r.row_id,
            r.field,
            r.problem if show_values else without_values(r.problem, keep=(r.table, r.field)),
        )
        for r in shown.object_list
    ]
    return Page(rows, shown.number, paginator)


def import_failure(run: ImportRun, *, show_values: bool) -> str:
    """Why the run stopped: an exception's words, which may quote a value of the extract."""
    return run.failure if show_values else without_values(run.failure)
