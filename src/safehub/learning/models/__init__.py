from .actions import ActionUpdate, Evidence, LearningAction
from .audits import (
    AuditAnswer,
    AuditFinding,
    AuditProgramme,
    AuditQuestion,
    AuditTool,
    CaseAudit,
    CaseAuditor,
)
from .incident import SeriousIncident
from .review import AgencyReturn, Finding, Recommendation, Review, ReviewMember, ReviewMilestone
from .themes import Theme

__all__ = [
    "ActionUpdate",
    "AgencyReturn",
    "AuditAnswer",
    "AuditFinding",
    "AuditProgramme",
    "AuditQuestion",
    "AuditTool",
    "CaseAudit",
    "CaseAuditor",
    "Evidence",
    "Finding",
    "LearningAction",
    "Recommendation",
    "Review",
    "ReviewMember",
    "ReviewMilestone",
    "SeriousIncident",
    "Theme",
]
