"""Synthetic learning records for the tests: rows made directly, so that each area's tests (and
the pages') do not depend on another area's services. The services' own tests go through the
services. Synthetic data only (en_GB Faker).

"Today" in these tests is Thursday 26 November 2026 (the `today` fixture in conftest.py).
"""

from datetime import UTC, date, datetime
from typing import Any

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.tests.factories import AgencyFactory, UserFactory
from safehub.people.tests.factories import PersonFactory

from ..constants import ReviewKind
from ..models import (
    AgencyReturn,
    AuditFinding,
    AuditProgramme,
    AuditQuestion,
    AuditTool,
    CaseAudit,
    CaseAuditor,
    LearningAction,
    Recommendation,
    Review,
    SeriousIncident,
    Theme,
)

TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def council() -> Any:
    return AgencyFactory(name="Test Council children's services", kind=AgencyKind.CHILDRENS_SERVICES)


def police() -> Any:
    return AgencyFactory(name="Synthetic Constabulary", kind=AgencyKind.POLICE)


def health() -> Any:
    return AgencyFactory(name="Synthetic Health Trust", kind=AgencyKind.HEALTH_TRUST)


def partnership_manager(**fields: Any) -> Any:
    fields.setdefault("agency", council())
    return UserFactory(role=Role.PARTNERSHIP_MANAGER, **fields)


def team_manager(**fields: Any) -> Any:
    fields.setdefault("agency", council())
    return UserFactory(role=Role.TEAM_MANAGER, **fields)


def learning_partner(agency: Any = None, **fields: Any) -> Any:
    """A partner agency's safeguarding lead (role learning_partner), police unless told."""
    return UserFactory(role=Role.LEARNING_PARTNER, agency=agency or police(), **fields)


def child(**fields: Any) -> Any:
    fields.setdefault("date_of_birth", date(2019, 5, 9))
    return PersonFactory(**fields)


def theme(name: str = "Hidden and unseen adults") -> Theme:
    return Theme.objects.get_or_create(name=name)[0]


def incident(recorded_by: Any = None, **fields: Any) -> SeriousIncident:
    fields.setdefault("child", child())
    fields.setdefault("reference", f"SIN-{SeriousIncident.objects.count() + 1:04d}")
    fields.setdefault("kind", "serious_harm")
    fields.setdefault("incident_on", date(2026, 11, 16))
    fields.setdefault("aware_on", date(2026, 11, 17))
    fields.setdefault("notify_due_on", date(2026, 11, 24))
    fields.setdefault("summary", "Synthetic: a baby was admitted to hospital with unexplained injuries.")
    return SeriousIncident.objects.create(recorded_by=recorded_by or team_manager(), **fields)


def review(created_by: Any = None, **fields: Any) -> Review:
    fields.setdefault("kind", ReviewKind.RAPID)
    fields.setdefault("subject_label", "Child F")
    fields.setdefault("title", "Rapid review: Child F")
    fields.setdefault("started_on", date(2026, 11, 18))
    fields.setdefault("due_on", date(2026, 12, 9))
    if fields["kind"] == ReviewKind.RAPID and "incident" not in fields:
        fields["incident"] = incident()
    return Review.objects.create(created_by=created_by or partnership_manager(), **fields)


def agency_return(review_: Review | None = None, **fields: Any) -> AgencyReturn:
    fields.setdefault("agency", police())
    fields.setdefault("question", "What did your agency know of the family in the last two years?")
    fields.setdefault("requested_on", date(2026, 11, 19))
    fields.setdefault("due_on", date(2026, 11, 26))
    fields.setdefault("requested_by", partnership_manager())
    return AgencyReturn.objects.create(review=review_ or review(), **fields)


def recommendation(review_: Review | None = None, **fields: Any) -> Recommendation:
    review_ = review_ or review()
    fields.setdefault("number", review_.recommendations.count() + 1)
    fields.setdefault("text", "Agencies share referrals about babies with the health visitor the same day.")
    return Recommendation.objects.create(review=review_, **fields)


def action(source: Recommendation | AuditFinding | None = None, **fields: Any) -> LearningAction:
    """An open action on a recommendation (a new one unless `source` is given) or an audit finding."""
    source = source or recommendation()
    key = "recommendation" if isinstance(source, Recommendation) else "audit_finding"
    fields.setdefault("description", "Write the same-day notification into the health visiting procedure.")
    fields.setdefault("agency", health())
    fields.setdefault("owner_name", "Dr Synthetic Lead")
    fields.setdefault("due_on", date(2027, 1, 29))
    fields.setdefault("created_by", partnership_manager())
    return LearningAction.objects.create(**{key: source}, **fields)


def tool(name: str = "Neglect audit tool", questions: int = 3) -> AuditTool:
    made = AuditTool.objects.create(name=name, description="Synthetic tool for tests.")
    for number in range(1, questions + 1):
        AuditQuestion.objects.create(tool=made, number=number, text=f"Question {number}: was the child seen?")
    return made


def programme(lead: Any = None, **fields: Any) -> AuditProgramme:
    fields.setdefault("title", "Neglect audit, winter 2026")
    if "tool" not in fields:
        fields["tool"] = tool(name=f"Neglect audit tool {AuditTool.objects.count() + 1}")
    fields.setdefault("starts_on", date(2026, 11, 2))
    fields.setdefault("due_on", date(2026, 12, 18))
    return AuditProgramme.objects.create(lead=lead or partnership_manager(), **fields)


def case_audit(
    programme_: AuditProgramme | None = None, auditors: tuple[Any, ...] = (), **fields: Any
) -> CaseAudit:
    fields.setdefault("child", child())
    made = CaseAudit.objects.create(programme=programme_ or programme(), **fields)
    for user in auditors:
        CaseAuditor.objects.create(case_audit=made, user=user, agency=user.agency)
    return made


def audit_finding(case_audit_: CaseAudit | None = None, **fields: Any) -> AuditFinding:
    fields.setdefault("text", "The child's views were not recorded at the last two visits.")
    fields.setdefault("recorded_by", partnership_manager())
    return AuditFinding.objects.create(case_audit=case_audit_ or case_audit(), **fields)
