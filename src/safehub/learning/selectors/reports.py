"""The partnership board report and the learning section of the council's scrutiny report
(issue 10, item 6; ADR 0008 "Consequences").

Labels and counts only, never a child: the report goes to performance analysts
(`view_learning_report`) and elected members as well as the partnership (`view_learning`). It
counts the whole partnership's reviews and actions; incidents and case audits about a child the
reader is restricted from are left out before counting (R22).

"Overdue" is always worked out here from a due date and today, never read from a stored flag:
- a review in progress is overdue after its due date: a rapid review 15 working days from the
  notification (so it is late by working days), a local review 6 calendar months from the
  decision to commission it (late by calendar days);
- an open action is overdue after its due date (an action due today is not yet overdue); a
  completed action awaiting sign-off, or a signed-off one, is never overdue: the work is done;
- an incident was notified late when it was notified after `notify_due_on`.
The number of queries does not grow with the number of reviews, actions or audits.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, F, Q

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.policies import person_hidden
from safehub.platform.calendar import WorkingCalendar, calendar

from ..clocks import local_review_due, rapid_review_due
from ..constants import (
    ActionStatus,
    AuditGrade,
    CaseAuditStatus,
    ProgrammeStatus,
    Rag,
    ReviewKind,
    ReviewStatus,
)
from ..models import AuditProgramme, CaseAudit, LearningAction, Review, SeriousIncident
from ..services.actions import action_source_label
from .themes import RECURRING_REVIEWS, ThemeTable, ThemeYears, require_report_reader, themes_across_reviews

TOP_THEMES = 5


@dataclass
class ReviewDue:
    kind: str
    kind_label: str
    subject_label: str
    started_on: date
    due_on: date | None
    days_overdue: int
    # "working days" for a rapid review's statutory clock, "days" otherwise.
    unit: str

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


@dataclass
class KindCounts:
    kind: str
    label: str
    in_progress: int = 0
    completed: int = 0
    published: int = 0
    overdue: int = 0


@dataclass
class IncidentCounts:
    recorded: int
    notified: int
    notified_late: int
    # Not yet notified and past the 5 working days: late already, whenever it is notified.
    awaiting_overdue: int


@dataclass
class AgencyActions:
    agency: str
    open: int = 0
    overdue: int = 0
    awaiting_sign_off: int = 0
    signed_off: int = 0


@dataclass
class OverdueAction:
    id: Any
    description: str
    source: str
    agency: str
    officer: str
    due_on: date
    days_overdue: int
    rag: str
    rag_label: str


@dataclass
class ProgrammeGrades:
    title: str
    status: str
    starts_on: date
    due_on: date
    cases: int
    moderated: int
    # (grade, label, count), best grade first, every grade listed.
    grades: list[tuple[str, str, int]]


@dataclass
class BoardReport:
    today: date
    reviews_by_kind: list[KindCounts]
    reviews_in_progress: list[ReviewDue]
    incidents: IncidentCounts
    actions_by_agency: list[AgencyActions]
    action_totals: AgencyActions
    rag: list[tuple[str, str, int]]
    overdue_actions: list[OverdueAction]
    programmes: list[ProgrammeGrades]
    themes: ThemeTable
    top_themes: list[ThemeYears] = field(default_factory=list)
    grades: list[tuple[str, str]] = field(default_factory=lambda: [(g.value, g.label) for g in AuditGrade])

    @property
    def reviews_overdue(self) -> int:
        return sum(1 for r in self.reviews_in_progress if r.overdue)


# --- reviews -------------------------------------------------------------------------------------


def _review_due(review: Review, cal: WorkingCalendar) -> date | None:
    """The stored due date; for a review recorded without one, the statutory clock's own."""
    if review.due_on is not None:
        return review.due_on
    if review.kind == ReviewKind.RAPID and review.incident is not None:
        return rapid_review_due(review.incident, cal)
    origin = review.commissioned_from
    if review.kind == ReviewKind.LOCAL and origin is not None and origin.decision_on is not None:
        return local_review_due(origin.decision_on)
    return None


def _review_lateness(review: Review, due: date | None, today: date, cal: WorkingCalendar) -> tuple[int, str]:
    if review.kind == ReviewKind.RAPID:
        # Statutory working days (R52): a review due on Friday is 1 working day late on Monday.
        late = cal.working_days_between(due, today) if due is not None and due < today else 0
        return late, "working days"
    return ((today - due).days if due is not None and due < today else 0), "days"


def _reviews(today: date, cal: WorkingCalendar) -> tuple[list[KindCounts], list[ReviewDue]]:
    by_kind = {kind.value: KindCounts(kind=kind.value, label=kind.label) for kind in ReviewKind}
    counted = Review.objects.values("kind", "status").annotate(n=Count("pk")).order_by()
    for row in counted:
        # The status values (in_progress, completed, published) are KindCounts' field names.
        setattr(by_kind[row["kind"]], str(row["status"]), row["n"])
    running = Review.objects.filter(status=ReviewStatus.IN_PROGRESS).select_related(
        "incident", "commissioned_from"
    )
    due_list = []
    for review in running:
        due = _review_due(review, cal)
        late, unit = _review_lateness(review, due, today, cal)
        due_list.append(
            ReviewDue(
                kind=review.kind,
                kind_label=ReviewKind(review.kind).label,
                subject_label=review.subject_label,
                started_on=review.started_on,
                due_on=due,
                days_overdue=late,
                unit=unit,
            )
        )
        if late:
            by_kind[review.kind].overdue += 1
    # Earliest due first, so the longest overdue lead whichever unit their clock counts in;
    # reviews with no due date last.
    due_list.sort(key=lambda r: (r.due_on or date.max, r.subject_label))
    return list(by_kind.values()), due_list


# --- incidents -----------------------------------------------------------------------------------


def _incidents(actor: Any, today: date) -> IncidentCounts:
    counts = SeriousIncident.objects.exclude(child_id__in=person_hidden(actor)).aggregate(
        recorded=Count("pk"),
        notified=Count("pk", filter=Q(notified_on__isnull=False)),
        notified_late=Count("pk", filter=Q(notified_on__gt=F("notify_due_on"))),
        awaiting_overdue=Count("pk", filter=Q(notified_on__isnull=True, notify_due_on__lt=today)),
    )
    return IncidentCounts(**counts)


# --- action plans --------------------------------------------------------------------------------


def _overdue(today: date) -> Q:
    return Q(status=ActionStatus.OPEN, due_on__lt=today)


def _actions_by_agency(today: date) -> tuple[list[AgencyActions], AgencyActions]:
    rows = (
        LearningAction.objects.values("agency__name")
        .annotate(
            open=Count("pk", filter=Q(status=ActionStatus.OPEN)),
            overdue=Count("pk", filter=_overdue(today)),
            awaiting_sign_off=Count("pk", filter=Q(status=ActionStatus.COMPLETED)),
            signed_off=Count("pk", filter=Q(status=ActionStatus.SIGNED_OFF)),
        )
        .order_by("agency__name")
    )
    agencies = [
        AgencyActions(
            agency=row["agency__name"],
            open=row["open"],
            overdue=row["overdue"],
            awaiting_sign_off=row["awaiting_sign_off"],
            signed_off=row["signed_off"],
        )
        for row in rows
    ]
    totals = AgencyActions(
        agency="All agencies",
        open=sum(a.open for a in agencies),
        overdue=sum(a.overdue for a in agencies),
        awaiting_sign_off=sum(a.awaiting_sign_off for a in agencies),
        signed_off=sum(a.signed_off for a in agencies),
    )
    return agencies, totals


def _rag_of_open() -> list[tuple[str, str, int]]:
    rows = (
        LearningAction.objects.filter(status=ActionStatus.OPEN)
        .values("rag")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counted = {row["rag"]: row["n"] for row in rows}
    return [(rag.value, rag.label, counted.get(rag.value, 0)) for rag in Rag]


def overdue_actions(*, actor: Any, today: date) -> list[OverdueAction]:
    """Open actions past their due date, most overdue first. Days overdue are calendar days: an
    action's due date is the partnership's own date, not a working-day clock."""
    require_report_reader(actor)
    actions = (
        LearningAction.objects.filter(_overdue(today))
        .select_related("agency", "recommendation__review", "audit_finding__case_audit__programme")
        .order_by("due_on", "agency__name", "created_at")
    )
    return [
        OverdueAction(
            id=action.pk,
            description=action.description,
            source=action_source_label(action),
            agency=action.agency.name,
            officer=action.owner_name,
            due_on=action.due_on,
            days_overdue=(today - action.due_on).days,
            rag=action.rag,
            rag_label=Rag(action.rag).label,
        )
        for action in actions
    ]


def overdue_actions_export(*, actor: Any, today: date) -> list[OverdueAction]:
    """The overdue actions for download. The export is audited (ids only, no content) before any
    row is returned, so a failed audit write means no file (R27, R28)."""
    rows = overdue_actions(actor=actor, today=today)
    record_event(
        actor=actor,
        verb=Verb.EXPORT,
        object_type=LearningAction._meta.label_lower,
        section="board_overdue_actions",
        result_ids=[row.id for row in rows],
    )
    return rows


# --- case audits ---------------------------------------------------------------------------------


def _programmes(actor: Any) -> list[ProgrammeGrades]:
    cases = (
        CaseAudit.objects.exclude(child_id__in=person_hidden(actor))
        .values("programme_id", "status", "moderated_grade")
        .annotate(n=Count("pk"))
        .order_by()
    )
    totals: dict[Any, int] = defaultdict(int)
    moderated: dict[Any, int] = defaultdict(int)
    grades: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in cases:
        totals[row["programme_id"]] += row["n"]
        if row["status"] == CaseAuditStatus.MODERATED:
            moderated[row["programme_id"]] += row["n"]
            grades[row["programme_id"]][row["moderated_grade"]] += row["n"]
    return [
        ProgrammeGrades(
            title=programme.title,
            status=ProgrammeStatus(programme.status).label,
            starts_on=programme.starts_on,
            due_on=programme.due_on,
            cases=totals[programme.pk],
            moderated=moderated[programme.pk],
            grades=[(g.value, g.label, grades[programme.pk][g.value]) for g in AuditGrade],
        )
        for programme in AuditProgramme.objects.order_by("-starts_on", "title")
    ]


# --- the report ----------------------------------------------------------------------------------


def board_report(*, actor: Any, today: date) -> BoardReport:
    """Every figure on the partnership board report, as of `today`."""
    require_report_reader(actor)
    cal = calendar()
    by_kind, running = _reviews(today, cal)
    agencies, totals = _actions_by_agency(today)
    themes = themes_across_reviews(actor=actor, today=today)
    return BoardReport(
        today=today,
        reviews_by_kind=by_kind,
        reviews_in_progress=running,
        incidents=_incidents(actor, today),
        actions_by_agency=agencies,
        action_totals=totals,
        rag=_rag_of_open(),
        overdue_actions=overdue_actions(actor=actor, today=today),
        programmes=_programmes(actor),
        themes=themes,
        top_themes=[row for row in themes.rows if row.reviews_total][:TOP_THEMES],
    )


def learning_scrutiny_section(*, actor: Any, today: date) -> dict[str, Any]:
    """The learning and improvement section of the council's scrutiny report, as plain data (for
    `learning/reports/_scrutiny_section.html`): the same figures as the board report, without
    the list of overdue actions' officers, for elected members."""
    report = board_report(actor=actor, today=today)
    reviews = {
        "in_progress": sum(k.in_progress for k in report.reviews_by_kind),
        "completed": sum(k.completed for k in report.reviews_by_kind),
        "published": sum(k.published for k in report.reviews_by_kind),
        "overdue": report.reviews_overdue,
    }
    return {
        "as_of": today,
        "reviews": reviews,
        "reviews_by_kind": [
            {
                "kind": k.label,
                "in_progress": k.in_progress,
                "completed": k.completed,
                "published": k.published,
                "overdue": k.overdue,
            }
            for k in report.reviews_by_kind
        ],
        "incidents": vars(report.incidents).copy(),
        "actions": {key: value for key, value in vars(report.action_totals).items() if key != "agency"},
        "actions_by_agency": [vars(a).copy() for a in report.actions_by_agency],
        "rag": [{"rag": code, "label": label, "count": n} for code, label, n in report.rag],
        "audits": [
            {
                "title": p.title,
                "status": p.status,
                "cases": p.cases,
                "moderated": p.moderated,
                "grades": [{"grade": g, "label": label, "count": n} for g, label, n in p.grades],
            }
            for p in report.programmes
        ],
        "themes": [
            {
                "name": row.name,
                "reviews": row.reviews_total,
                "findings": row.findings_total,
                "audit_findings": row.audit_findings_total,
                "recurring": row.recurring,
            }
            for row in report.top_themes
        ],
        "recurring_themes": len(report.themes.recurring),
        "recurring_reviews": RECURRING_REVIEWS,
        "years": report.themes.years,
    }
