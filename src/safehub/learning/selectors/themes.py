"""Reads for the theme taxonomy and the themes-across-reviews view (issue 10, item 4; ADR 0008 §7).

The view counts, per theme and per year, the reviews, the reviews' findings and the case audits'
findings tagged with it, so the partnership sees which themes keep coming back. It shows labels
and counts only, so performance analysts (`view_learning_report`) may read it as well as the
partnership (`view_learning`). A review counts for a theme when the review itself or one of its
findings carries it; a review's findings count in the year the review started; an audit's
findings in the year its programme started. Audit findings about a child the reader is
restricted from are left out before counting (R22).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from safehub.accounts.constants import Capability
from safehub.casework.policies import person_hidden
from safehub.platform.errors import NotFoundOrForbidden, PermissionRefused

from ..constants import ReviewKind, ReviewStatus
from ..models import AuditFinding, Finding, Review, Theme

YEARS_SHOWN = 6
# A theme found in this many reviews or more is flagged as recurring on the board.
RECURRING_REVIEWS = 3
REPORT_CAPABILITIES = (Capability.VIEW_LEARNING, Capability.VIEW_LEARNING_REPORT)


def may_read_reports(actor: Any) -> bool:
    return any(actor.has_capability(c) for c in REPORT_CAPABILITIES)


def require_report_reader(actor: Any) -> None:
    if not may_read_reports(actor):
        raise PermissionRefused()


def _require_manage(actor: Any) -> None:
    if not actor.has_capability(Capability.MANAGE_LEARNING):
        raise PermissionRefused()


# --- the taxonomy, for the partnership's managers ------------------------------------------------


def themes_for_management(*, actor: Any) -> tuple[list[Theme], list[Theme]]:
    """Active and retired themes, each by name."""
    _require_manage(actor)
    themes = list(Theme.objects.order_by("name"))
    return [t for t in themes if t.active], [t for t in themes if not t.active]


def theme_get(*, actor: Any, id: Any, active: bool | None = None) -> Theme:
    """One theme for editing or retiring; `active` narrows to active or retired ones."""
    _require_manage(actor)
    qs = Theme.objects.filter(pk=id)
    if active is not None:
        qs = qs.filter(active=active)
    theme = qs.first()
    if theme is None:
        raise NotFoundOrForbidden()
    return theme


# --- themes across reviews -----------------------------------------------------------------------


@dataclass
class ThemeYears:
    """One theme's counts, one per year shown (oldest first), and their totals."""

    theme_id: Any
    name: str
    active: bool
    years: list[int]
    reviews: list[int]
    findings: list[int]
    audit_findings: list[int]
    reviews_total: int = 0
    findings_total: int = 0
    audit_findings_total: int = 0

    @property
    def recurring(self) -> bool:
        return self.reviews_total >= RECURRING_REVIEWS

    @property
    def cells(self) -> list[tuple[int, int, int, int]]:
        """(year, reviews, findings, audit findings) per year shown, for the template."""
        return list(zip(self.years, self.reviews, self.findings, self.audit_findings, strict=True))


@dataclass
class ThemeTable:
    years: list[int]
    rows: list[ThemeYears] = field(default_factory=list)

    @property
    def recurring(self) -> list[ThemeYears]:
        return [row for row in self.rows if row.recurring]


def _year_range(today: date) -> list[int]:
    return list(range(today.year - YEARS_SHOWN + 1, today.year + 1))


def _audit_findings_counted(actor: Any) -> Any:
    """Audit-finding/theme links the reader may count: none about a child hidden from them (R22)."""
    return AuditFinding.themes.through.objects.exclude(
        auditfinding__case_audit__child_id__in=person_hidden(actor)
    )


def themes_across_reviews(*, actor: Any, today: date) -> ThemeTable:
    """Each theme by each of the last `YEARS_SHOWN` years: reviews, findings, audit findings; the most
    recurring (most reviews, then findings, then audit findings) first. Active themes are always
    listed; a retired one only while something in the window carries it. Four queries, whatever
    the number of reviews."""
    require_report_reader(actor)
    years = _year_range(today)
    first = date(years[0], 1, 1)
    index = {year: i for i, year in enumerate(years)}

    reviews: dict[Any, set[tuple[Any, int]]] = defaultdict(set)
    direct = Review.themes.through.objects.filter(
        review__started_on__gte=first, review__started_on__lte=today
    )
    for theme_id, review_id, started in direct.values_list("theme_id", "review_id", "review__started_on"):
        reviews[theme_id].add((review_id, started.year))
    findings: dict[Any, list[int]] = defaultdict(list)
    tagged = Finding.themes.through.objects.filter(
        finding__review__started_on__gte=first, finding__review__started_on__lte=today
    ).values_list("theme_id", "finding__review_id", "finding__review__started_on")
    for theme_id, review_id, started in tagged:
        reviews[theme_id].add((review_id, started.year))
        findings[theme_id].append(started.year)
    audits: dict[Any, list[int]] = defaultdict(list)
    audit_tagged = _audit_findings_counted(actor).filter(
        auditfinding__case_audit__programme__starts_on__gte=first,
        auditfinding__case_audit__programme__starts_on__lte=today,
    )
    for theme_id, starts in audit_tagged.values_list(
        "theme_id", "auditfinding__case_audit__programme__starts_on"
    ):
        audits[theme_id].append(starts.year)

    rows = []
    for theme in Theme.objects.order_by("name"):
        row = ThemeYears(
            theme_id=theme.pk,
            name=theme.name,
            active=theme.active,
            years=years,
            reviews=[0] * len(years),
            findings=[0] * len(years),
            audit_findings=[0] * len(years),
        )
        for _, year in reviews.get(theme.pk, ()):
            row.reviews[index[year]] += 1
        for year in findings.get(theme.pk, ()):
            row.findings[index[year]] += 1
        for year in audits.get(theme.pk, ()):
            row.audit_findings[index[year]] += 1
        row.reviews_total, row.findings_total = sum(row.reviews), sum(row.findings)
        row.audit_findings_total = sum(row.audit_findings)
        if theme.active or row.reviews_total or row.findings_total or row.audit_findings_total:
            rows.append(row)
    rows.sort(key=lambda r: (-r.reviews_total, -r.findings_total, -r.audit_findings_total, r.name))
    return ThemeTable(years=years, rows=rows)


# --- one theme's reviews --------------------------------------------------------------------------


@dataclass
class ThemeReview:
    """A review as the themes view shows it: its anonymised label, never the child."""

    kind: str
    subject_label: str
    status: str
    started_on: date
    findings: int


@dataclass
class ThemeProgramme:
    title: str
    starts_on: date
    audit_findings: int


@dataclass
class ThemeDetail:
    theme: Theme
    year: int | None
    years: list[int]
    reviews: list[ThemeReview]
    programmes: list[ThemeProgramme]


def theme_reviews(*, actor: Any, id: Any, today: date, year: int | None = None) -> ThemeDetail:
    """The reviews carrying a theme (directly or through a finding), newest first, and the audit
    programmes whose findings carry it, started in `year` or (without one) in the years the
    themes view shows, so each list matches the count that links to it."""
    require_report_reader(actor)
    theme = Theme.objects.filter(pk=id).first()
    if theme is None:
        raise NotFoundOrForbidden()
    years = [year] if year is not None else _year_range(today)
    first, last = date(years[0], 1, 1), min(date(years[-1], 12, 31), today)
    finding_counts: dict[Any, int] = defaultdict(int)
    tagged = Finding.themes.through.objects.filter(
        theme_id=theme.pk, finding__review__started_on__gte=first, finding__review__started_on__lte=last
    )
    for review_id in tagged.values_list("finding__review_id", flat=True):
        finding_counts[review_id] += 1
    direct = Review.themes.through.objects.filter(theme_id=theme.pk).values_list("review_id", flat=True)
    reviews_qs = Review.objects.filter(
        pk__in=[*direct, *finding_counts], started_on__gte=first, started_on__lte=last
    ).order_by("-started_on", "subject_label")
    reviews = [
        ThemeReview(
            kind=ReviewKind(kind).label,
            subject_label=label,
            status=ReviewStatus(status).label,
            started_on=started,
            findings=finding_counts.get(pk, 0),
        )
        for pk, kind, label, status, started in reviews_qs.values_list(
            "pk", "kind", "subject_label", "status", "started_on"
        )
    ]
    audit_tagged = _audit_findings_counted(actor).filter(
        theme_id=theme.pk,
        auditfinding__case_audit__programme__starts_on__gte=first,
        auditfinding__case_audit__programme__starts_on__lte=last,
    )
    by_programme: dict[Any, ThemeProgramme] = {}
    for programme_id, title, starts in audit_tagged.values_list(
        "auditfinding__case_audit__programme_id",
        "auditfinding__case_audit__programme__title",
        "auditfinding__case_audit__programme__starts_on",
    ):
        entry = by_programme.setdefault(
            programme_id, ThemeProgramme(title=title, starts_on=starts, audit_findings=0)
        )
        entry.audit_findings += 1
    programmes = sorted(by_programme.values(), key=lambda p: (-p.starts_on.toordinal(), p.title))
    return ThemeDetail(theme=theme, year=year, years=years, reviews=reviews, programmes=programmes)
