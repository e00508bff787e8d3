"""Who may see and act on learning records (issue 10; R18, R19).

- The partnership (`view_learning`) sees every review, action plan and audit programme;
  `manage_learning` runs them.
- A serious incident names the child, so it is restricted: only the partnership's managers and the
  council manager who recorded it open it, never anyone restricted from the child. Everyone else
  knows the review by its anonymised label.
- A partner agency's safeguarding lead (`contribute_learning`) sees only what concerns their
  agency: the reviews that asked it for a return, are owned actions by it, or name them as a
  reviewer; the actions their agency owns; the returns addressed to it; and the case audits they
  were given. Anything else answers 404, like a record that does not exist.
- A case audit reads a child's record, so it is hidden from anyone restricted from the child and
  every view of it is audited.

Each policy's `scope` and `can` are the same rule, once as a query and once for an object.
"""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from safehub.access.policies import Policy
from safehub.accounts.constants import Capability
from safehub.casework.policies import person_hidden, person_open

from .models import (
    AgencyReturn,
    AuditProgramme,
    CaseAudit,
    CaseAuditor,
    LearningAction,
    Review,
    SeriousIncident,
)

C = Capability


def _has(actor: Any, capability: str) -> bool:
    return bool(actor.has_capability(capability))


def _agency_id(actor: Any) -> Any:
    return getattr(actor, "agency_id", None)


class IncidentPolicy(Policy[SeriousIncident]):
    """`view` and `manage` (record the notification, start the rapid review)."""

    model = SeriousIncident
    actions = ("view", "manage")

    def base_scope(self, actor: Any, qs: QuerySet[SeriousIncident], action: str) -> QuerySet[SeriousIncident]:
        if _has(actor, C.MANAGE_LEARNING):
            pass
        elif _has(actor, C.NOTIFY_INCIDENTS):
            qs = qs.filter(recorded_by_id=actor.pk)
        else:
            return qs.none()
        return qs.exclude(child_id__in=person_hidden(actor))

    def base_can(self, actor: Any, action: str, obj: SeriousIncident) -> bool:
        if _has(actor, C.MANAGE_LEARNING):
            pass
        elif not (_has(actor, C.NOTIFY_INCIDENTS) and obj.recorded_by_id == actor.pk):
            return False
        return person_open(actor, obj.child_id)


def _partner_reviews(actor: Any) -> Q:
    """The reviews a contributor's agency is part of, as a filter on Review."""
    agency = _agency_id(actor)
    returns = AgencyReturn.objects.filter(review_id=OuterRef("pk"), agency_id=agency)
    actions = LearningAction.objects.filter(recommendation__review_id=OuterRef("pk"), agency_id=agency)
    return Q(Exists(returns)) | Q(Exists(actions)) | Q(members__user_id=actor.pk)


class ReviewPolicy(Policy[Review]):
    """`view`; `manage` (everything the partnership does to a review)."""

    model = Review
    actions = ("view", "manage")

    def base_scope(self, actor: Any, qs: QuerySet[Review], action: str) -> QuerySet[Review]:
        if action == "manage":
            return qs if _has(actor, C.MANAGE_LEARNING) else qs.none()
        if _has(actor, C.VIEW_LEARNING):
            return qs
        if _has(actor, C.CONTRIBUTE_LEARNING):
            return qs.filter(pk__in=Review.objects.filter(_partner_reviews(actor)).values("pk"))
        return qs.none()

    def base_can(self, actor: Any, action: str, obj: Review) -> bool:
        if action == "manage":
            return _has(actor, C.MANAGE_LEARNING)
        if _has(actor, C.VIEW_LEARNING):
            return True
        if _has(actor, C.CONTRIBUTE_LEARNING):
            return Review.objects.filter(_partner_reviews(actor), pk=obj.pk).exists()
        return False


def _same_agency(actor: Any, agency_id: Any) -> bool:
    return _agency_id(actor) is not None and agency_id == _agency_id(actor)


def _own_agency(actor: Any) -> Q:
    return Q(agency_id=_agency_id(actor)) if _agency_id(actor) else Q(pk__in=[])


class AgencyReturnPolicy(Policy[AgencyReturn]):
    """`view` and `answer`: the partnership, or the agency the return is addressed to."""

    model = AgencyReturn
    actions = ("view", "answer")

    def base_scope(self, actor: Any, qs: QuerySet[AgencyReturn], action: str) -> QuerySet[AgencyReturn]:
        if _has(actor, C.VIEW_LEARNING if action == "view" else C.MANAGE_LEARNING):
            return qs
        if _has(actor, C.CONTRIBUTE_LEARNING):
            return qs.filter(_own_agency(actor))
        return qs.none()

    def base_can(self, actor: Any, action: str, obj: AgencyReturn) -> bool:
        if _has(actor, C.VIEW_LEARNING if action == "view" else C.MANAGE_LEARNING):
            return True
        return _has(actor, C.CONTRIBUTE_LEARNING) and _same_agency(actor, obj.agency_id)


class ActionPolicy(Policy[LearningAction]):
    """`view`; `update` (progress, evidence, completion) by the owning agency or the partnership;
    `sign_off` by the partnership only."""

    model = LearningAction
    actions = ("view", "update", "sign_off")

    def base_scope(self, actor: Any, qs: QuerySet[LearningAction], action: str) -> QuerySet[LearningAction]:
        if action == "sign_off":
            return qs if _has(actor, C.MANAGE_LEARNING) else qs.none()
        if _has(actor, C.VIEW_LEARNING if action == "view" else C.MANAGE_LEARNING):
            return qs
        if _has(actor, C.CONTRIBUTE_LEARNING):
            return qs.filter(_own_agency(actor) | Q(owner_id=actor.pk))
        return qs.none()

    def base_can(self, actor: Any, action: str, obj: LearningAction) -> bool:
        if action == "sign_off":
            return _has(actor, C.MANAGE_LEARNING)
        if _has(actor, C.VIEW_LEARNING if action == "view" else C.MANAGE_LEARNING):
            return True
        if not _has(actor, C.CONTRIBUTE_LEARNING):
            return False
        return obj.owner_id == actor.pk or (_same_agency(actor, obj.agency_id))


class ProgrammePolicy(Policy[AuditProgramme]):
    """`view` for the partnership; `manage` (cases, auditors, moderation) for its managers.
    Auditors reach their cases through CaseAuditPolicy, not the programme."""

    model = AuditProgramme
    actions = ("view", "manage")

    def base_scope(self, actor: Any, qs: QuerySet[AuditProgramme], action: str) -> QuerySet[AuditProgramme]:
        needed = C.VIEW_LEARNING if action == "view" else C.MANAGE_LEARNING
        return qs if _has(actor, needed) else qs.none()

    def base_can(self, actor: Any, action: str, obj: AuditProgramme) -> bool:
        return _has(actor, C.VIEW_LEARNING if action == "view" else C.MANAGE_LEARNING)


def _assigned(actor: Any) -> QuerySet[CaseAuditor]:
    return CaseAuditor.objects.filter(user_id=actor.pk)


class CaseAuditPolicy(Policy[CaseAudit]):
    """`view`; `record` (answer, grade, findings) by an auditor given the case; `moderate` by the
    partnership's managers. Hidden from anyone restricted from the child."""

    model = CaseAudit
    actions = ("view", "record", "moderate")

    def _everything(self, actor: Any, action: str) -> bool:
        return action in ("view", "moderate") and _has(actor, C.MANAGE_LEARNING)

    def base_scope(self, actor: Any, qs: QuerySet[CaseAudit], action: str) -> QuerySet[CaseAudit]:
        if self._everything(actor, action):
            pass
        elif action != "moderate" and _has(actor, C.CONTRIBUTE_LEARNING):
            qs = qs.filter(Exists(_assigned(actor).filter(case_audit_id=OuterRef("pk"))))
        else:
            return qs.none()
        return qs.exclude(child_id__in=person_hidden(actor))

    def base_can(self, actor: Any, action: str, obj: CaseAudit) -> bool:
        if self._everything(actor, action):
            pass
        elif not (
            action != "moderate"
            and _has(actor, C.CONTRIBUTE_LEARNING)
            and _assigned(actor).filter(case_audit_id=obj.pk).exists()
        ):
            return False
        return person_open(actor, obj.child_id)


incident_policy = IncidentPolicy()
review_policy = ReviewPolicy()
agency_return_policy = AgencyReturnPolicy()
action_policy = ActionPolicy()
programme_policy = ProgrammePolicy()
case_audit_policy = CaseAuditPolicy()
ALL = (
    incident_policy,
    review_policy,
    agency_return_policy,
    action_policy,
    programme_policy,
    case_audit_policy,
)
