"""How the case audit pages show statuses and grades: GOV.UK tags that always carry their words,
so colour is never the only signal (WCAG 1.4.1)."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from safehub.platform.errors import ConflictError

from ..constants import AuditGrade, ProgrammeStatus


@dataclass(frozen=True)
class Tag:
    label: str
    css: str


GRADE_CSS = {
    AuditGrade.OUTSTANDING: "govuk-tag--green",
    AuditGrade.GOOD: "govuk-tag--turquoise",
    AuditGrade.REQUIRES_IMPROVEMENT: "govuk-tag--yellow",
    AuditGrade.INADEQUATE: "govuk-tag--red",
}

PROGRAMME_CSS = {
    ProgrammeStatus.AUDITING: "govuk-tag--blue",
    ProgrammeStatus.MODERATION: "govuk-tag--yellow",
    ProgrammeStatus.COMPLETE: "govuk-tag--grey",
}


def grade_tag(grade: str) -> Tag | None:
    if grade not in AuditGrade.values:
        return None
    return Tag(AuditGrade(grade).label, GRADE_CSS[AuditGrade(grade)])


def programme_tag(status: str) -> Tag:
    return Tag(ProgrammeStatus(status).label, PROGRAMME_CSS[ProgrammeStatus(status)])


def format_date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def conflict_message(error: ConflictError, what: str = "This record") -> str:
    who = error.changed_by or "another user"
    when = ""
    if error.changed_at:
        local = timezone.localtime(error.changed_at)
        when = f" at {local:%H:%M} on {format_date(local.date())}"
    return f"{what} was changed by {who}{when} after you opened it. Check it now, then save again."
