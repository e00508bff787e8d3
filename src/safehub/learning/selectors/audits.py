"""Reads of multi-agency case audits (issue 10, item 5; ADR 0008 §8).

Programmes start from the programme policy (the partnership); a case audit starts from the case
audit policy (its auditors and the partnership's managers), so an auditor not given a case gets
the same 404 as for a case that does not exist (R18, R19). Opening a case audit is reading the
child's record: each view writes an event naming the case audit *and* one naming the child
(R27, "audit access is itself audited").
"""

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery

from safehub.accounts.constants import ROLE_CAPABILITIES, Capability
from safehub.accounts.models import User
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.models import CaseNote, Involvement
from safehub.platform.errors import NotFoundOrForbidden

from ..constants import AuditGrade, CaseAuditStatus
from ..models import (
    AuditAnswer,
    AuditFinding,
    AuditProgramme,
    AuditTool,
    CaseAudit,
    CaseAuditor,
    LearningAction,
    Theme,
)
from ..policies import case_audit_policy, programme_policy

# How much of the child's chronology an auditor sees on the case page: the titles of the most
# recent significant events, enough to find their way into the record, not a copy of it.
RECENT_EVENTS = 10


# --- choices for the forms -------------------------------------------------------------------------


def audit_tools() -> list[AuditTool]:
    """The tools a new programme may use."""
    return list(AuditTool.objects.filter(active=True).order_by("name"))


def current_themes() -> list[Theme]:
    """The partnership's current themes; retired ones stay on old records only (ADR 0008 §7)."""
    return list(Theme.objects.filter(active=True).order_by("name"))


def auditor_candidates() -> list[User]:
    """Active users whose role may audit a case (`contribute_learning`), with their agency."""
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if Capability.CONTRIBUTE_LEARNING in caps]
    return list(
        User.objects.filter(is_active=True, role__in=roles, agency__isnull=False)
        .select_related("agency")
        .order_by("agency__name", "full_name")
    )


# --- programmes -------------------------------------------------------------------------------------


def _case_number(via: str = "") -> Subquery:
    """A case's place in its programme (1, 2 …), by when it was added: the name the pages use
    for a case, so that a child's name is shown only where it has to be. `via` is the path from
    the row being annotated to its case audit ("" on a CaseAudit, "case_audit__" on an auditor)."""
    pk = f"{via}pk" if not via else f"{via}id"
    created = f"{via}created_at"
    earlier = (
        CaseAudit.objects.filter(programme_id=OuterRef(f"{via}programme_id"))
        .filter(Q(created_at__lt=OuterRef(created)) | Q(created_at=OuterRef(created), pk__lte=OuterRef(pk)))
        .order_by()
        .values("programme_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(earlier)


def programme_list(*, actor: Any) -> list[AuditProgramme]:
    """Every programme the actor may see, newest first, each with `cases_total` and
    `cases_moderated`. Labels and counts only: no child is named, so nothing to audit."""
    qs = programme_policy.scope(actor, AuditProgramme.objects.all())
    return list(
        qs.select_related("tool", "lead")
        .annotate(
            cases_total=Count("cases", distinct=True),
            cases_moderated=Count("cases", filter=Q(cases__status=CaseAuditStatus.MODERATED), distinct=True),
        )
        .order_by("-starts_on", "-created_at")
    )


@dataclass
class CaseRow:
    case: CaseAudit
    number: int
    child_name: str  # empty unless the actor may open the case audit
    auditors: list[CaseAuditor]


@dataclass
class ProgrammePage:
    programme: AuditProgramme
    questions: list[Any]
    themes: list[Theme]
    cases: list[CaseRow]
    # (label, count) for every grade, best first, then the cases not moderated yet.
    grades: list[tuple[str, int]]
    not_moderated: int


def programme_get(*, actor: Any, id: uuid.UUID | str, action: str = "view") -> AuditProgramme:
    """One programme the actor may `action`, or NotFoundOrForbidden."""
    programme = (
        programme_policy.scope(actor, AuditProgramme.objects.all(), action)
        .select_related("tool", "lead")
        .filter(pk=id)
        .first()
    )
    if programme is None:
        raise NotFoundOrForbidden()
    return programme


def programme_page(*, actor: Any, id: uuid.UUID | str) -> ProgrammePage:
    """The programme with its tool, themes, cases (numbered), auditors and the moderated grades.

    A case names its child only for a manager who may open that case audit (never a child they
    are restricted from); showing the names is a list of children's cases, so it is audited.
    """
    programme = programme_get(actor=actor, id=id)
    cases = list(
        programme.cases.select_related("child")
        .prefetch_related(
            Prefetch(
                "auditors",
                queryset=CaseAuditor.objects.select_related("user", "agency").order_by("created_at"),
            )
        )
        .order_by("created_at", "pk")
    )
    named: set[Any] = set()
    if actor.has_capability(Capability.MANAGE_LEARNING):
        named = set(
            case_audit_policy.scope(actor, CaseAudit.objects.filter(programme=programme)).values_list(
                "pk", flat=True
            )
        )
    rows = [
        CaseRow(
            case=case,
            number=n,
            child_name=str(case.child) if case.pk in named else "",
            auditors=list(case.auditors.all()),
        )
        for n, case in enumerate(cases, start=1)
    ]
    if named:
        record_event(
            actor=actor,
            verb=Verb.LIST,
            object_type=case_audit_policy.object_type,
            section="audit_programme",
            result_ids=[row.case.pk for row in rows if row.child_name],
        )
    counts = dict.fromkeys(AuditGrade.values, 0)
    for case in cases:
        if case.moderated_grade:
            counts[case.moderated_grade] += 1
    return ProgrammePage(
        programme=programme,
        questions=list(programme.tool.questions.order_by("number")),
        themes=list(programme.themes.order_by("name")),
        cases=rows,
        grades=[(AuditGrade(grade).label, count) for grade, count in counts.items()],
        not_moderated=len(cases) - sum(counts.values()),
    )


# --- my audits --------------------------------------------------------------------------------------


def audits_mine(*, actor: Any) -> list[CaseAuditor]:
    """The cases the actor was given to audit and may still open, soonest programme due first,
    each with `case_number`. Names the children, so the list is audited."""
    visible = case_audit_policy.scope(actor, CaseAudit.objects.all())
    mine: list[CaseAuditor] = list(
        CaseAuditor.objects.filter(user_id=actor.pk, case_audit__in=visible)
        .select_related("case_audit__programme", "case_audit__child")
        .annotate(case_number=_case_number("case_audit__"))
        .order_by("submitted_on", "case_audit__programme__due_on", "created_at")
    )
    record_event(
        actor=actor,
        verb=Verb.LIST,
        object_type=case_audit_policy.object_type,
        section="audits_mine",
        result_ids=[row.case_audit_id for row in mine],
    )
    return mine


# --- one case audit ---------------------------------------------------------------------------------


def case_audit_get(*, actor: Any, id: uuid.UUID | str, action: str = "view", section: str = "") -> CaseAudit:
    """One case audit the actor may `action`, with its programme, tool, child and auditors, and
    `case_number`; or NotFoundOrForbidden.

    With `section` (a fixed code naming the page), audited as a view of the case audit and a view
    of the child's record (R27): auditing a case is reading the child's record.
    """
    case = (
        case_audit_policy.scope(actor, CaseAudit.objects.all(), action)
        .select_related("programme__tool", "child", "moderated_by")
        .prefetch_related(
            Prefetch(
                "auditors",
                queryset=CaseAuditor.objects.select_related("user", "agency")
                .prefetch_related(
                    Prefetch("answers", queryset=AuditAnswer.objects.select_related("question"))
                )
                .order_by("created_at"),
            )
        )
        .annotate(case_number=_case_number())
        .filter(pk=id)
        .first()
    )
    if case is None:
        raise NotFoundOrForbidden()
    if section:
        case_audit_viewed(actor=actor, case=case, section=section)
    return case


def case_audit_viewed(*, actor: Any, case: CaseAudit, section: str) -> None:
    """Audit one showing of a case audit: a view of the case audit and a view of the child's
    record it reads (R27). Called before the page renders, so a failure shows nothing."""
    record_event(actor=actor, verb=Verb.VIEW, target=case, section=section)
    record_event(actor=actor, verb=Verb.VIEW, target=case.child, section=section)


@dataclass
class ChildSummary:
    """What an auditor needs to find their way into the child's record."""

    name: str
    date_of_birth: Any
    involvements: list[Involvement]
    events: list[CaseNote]


@dataclass
class CaseAuditPage:
    case: CaseAudit
    child: ChildSummary
    questions: list[Any]
    mine: CaseAuditor | None
    # The actor's saved answers by question id: (grade, comment).
    answers: dict[Any, tuple[str, str]]
    others: list[CaseAuditor] = field(default_factory=list)
    findings: list[AuditFinding] = field(default_factory=list)


def case_audit_page(*, actor: Any, case: CaseAudit) -> CaseAuditPage:
    """Everything the case page shows, for a case already read through `case_audit_get`."""
    child = case.child
    summary = ChildSummary(
        name=str(child),
        date_of_birth=child.date_of_birth,
        involvements=list(
            Involvement.objects.filter(person_id=child.pk).select_related("team").order_by("-opened_on")
        ),
        events=list(
            CaseNote.objects.filter(person_id=child.pk, significant=True)
            .only("subject", "kind", "occurred_at")
            .order_by("-occurred_at")[:RECENT_EVENTS]
        ),
    )
    auditors = list(case.auditors.all())
    mine = next((a for a in auditors if a.user_id == actor.pk), None)
    answers = {a.question_id: (a.grade, a.comment) for a in mine.answers.all()} if mine else {}
    findings = list(
        case.findings.select_related("recorded_by")
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("name")),
            Prefetch("actions", queryset=LearningAction.objects.select_related("agency").order_by("due_on")),
        )
        .order_by("created_at")
    )
    return CaseAuditPage(
        case=case,
        child=summary,
        questions=list(case.programme.tool.questions.order_by("number")),
        mine=mine,
        answers=answers,
        others=[a for a in auditors if a.user_id != actor.pk],
        findings=findings,
    )
