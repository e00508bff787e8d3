"""The MASH decision (issue 4, item 6): proposed by a MASH worker, authorised by a manager.

Outcomes: no further action; advice or signposting; early help; a child and family assessment;
a strategy discussion (the section 47 path). The rationale is mandatory (Working Together to
Safeguard Children 2023, ch. 2: decisions and their reasons are recorded) and a manager
authorises. Authorising decides the contact, leaves a handover for the receiving service and
queues the referrer's feedback, all in one transaction: a decision is never half-made.

The authorising manager also chooses what the referrer is told (`feedback_choice`): tell them,
show it in the portal only, or withhold it with a reason. The reason, like every comment typed
here, stays on the decision and never goes into the audit trail (R27: audit events carry fixed
codes, not record content).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock
from safehub.platform.locking import save_versioned

from ..constants import ContactStatus, DecisionStatus, FeedbackChoice, Outcome, RequestStatus
from ..models import Contact, ContactSubject, Decision, InformationRequest
from ..policies import contact_policy
from .early_help import step_up_complete
from .feedback import feedback_default_choice, feedback_queue
from .handover import handover_create

RATIONALE_REQUIRED = "Enter the rationale for the decision"
OUTCOME_REQUIRED = "Choose the outcome"
RETURN_COMMENT_REQUIRED = "Enter what needs to be done before the decision can be authorised"
RATIONALE_MAX = 10_000
FEEDBACK_CHOICE_INVALID = "Choose what the referrer is told"
WITHHELD_REASON_REQUIRED = "Enter why the referrer is not told the outcome now"
WITHHELD_REASON_MAX = 5_000
CLOSED_REQUEST_REASON = "The contact was decided."
WHY_STRATEGY = "the outcome is a strategy discussion"
WHY_NOT_PROFESSIONAL = "the referrer is not a professional"


def decision_propose(
    *,
    actor: Any,
    contact: Contact,
    outcome: str,
    rationale: str,
    authorise: bool = False,
    comment: str = "",
    feedback_choice: str = "",
    feedback_withheld_reason: str = "",
) -> Decision:
    """Propose the outcome of a screened, open contact; it then awaits a manager.

    A MASH manager may propose and authorise in one step (`authorise=True`): both are recorded,
    as two audit events, and everything `decision_authorise` does happens too, including the
    choice of what the referrer is told (see `decision_authorise`). Without `authorise` the
    feedback arguments are ignored: the choice belongs to whoever authorises.
    """
    contact_policy.check(actor, "change", contact)
    if authorise:
        contact_policy.check(actor, "authorise", contact)
    rationale = rationale.strip()
    errors: dict[str, list[str]] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [OUTCOME_REQUIRED]
    if not rationale:
        errors["rationale"] = [RATIONALE_REQUIRED]
    elif len(rationale) > RATIONALE_MAX:
        errors["rationale"] = [f"Use at most {RATIONALE_MAX:,} characters"]
    if authorise:
        errors.update(_feedback_errors(feedback_choice, feedback_withheld_reason))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        _check_decidable(locked)
        decision = Decision(
            contact=locked,
            outcome=outcome,
            rationale=rationale,
            status=DecisionStatus.PROPOSED,
            proposed_by=actor,
            updated_by=actor,
        )
        decision.full_clean()
        decision.save()
        record_event(actor=actor, verb=Verb.CREATE, target=decision, section=outcome)
        locked.status = ContactStatus.AWAITING_AUTHORISATION
        save_versioned(locked, expected_version=locked.version, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=locked, section="status")
        if authorise:
            decision = _authorise(
                actor=actor,
                decision=decision,
                contact=locked,
                comment=comment,
                feedback_choice=feedback_choice,
                feedback_withheld_reason=feedback_withheld_reason,
            )
    _refresh(contact, locked)
    return decision


def decision_authorise(
    *,
    actor: Any,
    decision: Decision,
    expected_version: int,
    comment: str = "",
    feedback_choice: str = "",
    feedback_withheld_reason: str = "",
) -> Decision:
    """A manager authorises a proposed decision: the contact is decided, the handover made and the
    referrer's feedback queued. Every child and adult on the contact must first be linked to the
    person index, because the receiving service works with people, not descriptions.

    `feedback_choice` (FeedbackChoice) is what the referrer is told; WITHHOLD needs
    `feedback_withheld_reason`. An empty choice takes the cautious default
    (`services.feedback.feedback_default_choice`): withheld for a strategy discussion and for a
    non-professional referrer, sent otherwise.
    """
    contact_policy.check(actor, "authorise", decision.contact)
    errors = _feedback_errors(feedback_choice, feedback_withheld_reason)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Decision.objects.select_for_update().get(pk=decision.pk)
        if current.status != DecisionStatus.PROPOSED:
            raise ValidationError(
                "This decision has already been authorised or returned; reload the contact to see it"
            )
        contact = Contact.objects.select_for_update().get(pk=current.contact_id)
        authorised = _authorise(
            actor=actor,
            decision=current,
            contact=contact,
            comment=comment,
            expected_version=expected_version,
            feedback_choice=feedback_choice,
            feedback_withheld_reason=feedback_withheld_reason,
        )
    _refresh(decision.contact, contact)
    return authorised


def decision_return(
    *, actor: Any, decision: Decision, comment: str, expected_version: int | None = None
) -> Decision:
    """A manager sends a proposal back for more work; the contact is open again for a new one."""
    contact_policy.check(actor, "authorise", decision.contact)
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": [RETURN_COMMENT_REQUIRED]})
    with transaction.atomic():
        current = Decision.objects.select_for_update().get(pk=decision.pk)
        if current.status != DecisionStatus.PROPOSED:
            raise ValidationError(
                "This decision has already been authorised or returned; reload the contact to see it"
            )
        current.status = DecisionStatus.RETURNED
        current.manager_comment = comment
        save_versioned(
            current,
            expected_version=current.version if expected_version is None else expected_version,
            actor=actor,
        )
        record_event(actor=actor, verb=Verb.UPDATE, target=current, section="return")
        contact = Contact.objects.select_for_update().get(pk=current.contact_id)
        contact.status = ContactStatus.IN_PROGRESS
        save_versioned(contact, expected_version=contact.version, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=contact, section="status")
    _refresh(decision.contact, contact)
    return current


def _check_decidable(contact: Contact) -> None:
    if not contact.is_open:
        raise ValidationError("This contact has already been decided")
    if not contact.rag:
        raise ValidationError("Set a RAG rating before proposing a decision")
    if contact.decisions.exclude(status=DecisionStatus.RETURNED).exists():
        raise ValidationError("This contact already has a decision awaiting authorisation")


def unlinked_subjects(contact: Contact) -> list[ContactSubject]:
    return list(contact.subjects.filter(person__isnull=True).order_by("role", "created_at"))


def _feedback_errors(choice: str, reason: str) -> dict[str, list[str]]:
    if choice and choice not in FeedbackChoice.values:
        return {"feedback_choice": [FEEDBACK_CHOICE_INVALID]}
    if choice == FeedbackChoice.WITHHOLD:
        if not reason.strip():
            return {"feedback_withheld_reason": [WITHHELD_REASON_REQUIRED]}
        if len(reason.strip()) > WITHHELD_REASON_MAX:
            return {"feedback_withheld_reason": [f"Use at most {WITHHELD_REASON_MAX:,} characters"]}
    return {}


def decision_feedback_default(decision: Decision, contact: Contact | None = None) -> tuple[str, str]:
    """The cautious default for `decision`'s feedback and, if it withholds, why (for the form and
    for the record when the manager did not choose)."""
    contact = contact or decision.contact
    default = feedback_default_choice(outcome=decision.outcome, referral_source=contact.referral_source)
    if default != FeedbackChoice.WITHHOLD:
        return default, ""
    return default, WHY_STRATEGY if decision.outcome == Outcome.STRATEGY else WHY_NOT_PROFESSIONAL


def _feedback_resolve(decision: Decision, contact: Contact, choice: str, reason: str) -> tuple[str, str]:
    """The choice and reason to record: the manager's, or the cautious default with a fixed reason."""
    if choice:
        return choice, reason.strip() if choice == FeedbackChoice.WITHHOLD else ""
    default, why = decision_feedback_default(decision, contact)
    return default, (f"Withheld by default: {why}." if why else "")


def _authorise(
    *,
    actor: Any,
    decision: Decision,
    contact: Contact,
    comment: str,
    expected_version: int | None = None,
    feedback_choice: str = "",
    feedback_withheld_reason: str = "",
) -> Decision:
    unlinked = unlinked_subjects(contact)
    if unlinked:
        names = "; ".join(f"{s.described_name} ({s.get_role_display().lower()})" for s in unlinked)
        raise ValidationError(
            {
                "subjects": [
                    "Find or add these people in the person index before authorising, so the "
                    f"work can be handed over: {names}"
                ]
            }
        )
    now = clock.now()
    decision.status = DecisionStatus.AUTHORISED
    decision.authorised_by = actor
    decision.authorised_at = now
    decision.manager_comment = comment.strip()
    decision.feedback_choice, decision.feedback_withheld_reason = _feedback_resolve(
        decision, contact, feedback_choice, feedback_withheld_reason
    )
    save_versioned(
        decision,
        expected_version=decision.version if expected_version is None else expected_version,
        actor=actor,
    )
    record_event(actor=actor, verb=Verb.UPDATE, target=decision, section="authorise")
    contact.status = ContactStatus.DECIDED
    contact.outcome = decision.outcome
    contact.decided_at = now
    contact.next_due_at = None
    save_versioned(contact, expected_version=contact.version, actor=actor)
    record_event(actor=actor, verb=Verb.UPDATE, target=contact, section="decided")
    _close_open_requests(actor, contact)
    decision.contact = contact
    handover_create(actor=actor, decision=decision)
    step_up_complete(actor=actor, decision=decision)
    feedback_queue(decision, actor=actor)
    return decision


def _close_open_requests(actor: Any, contact: Contact) -> None:
    """Requests still unanswered at the decision are withdrawn, so they leave the partners' inboxes
    and stop reminding; the partner can no longer answer a decided contact anyway. The reason is
    kept on the request, as for a withdrawal by hand; the audit reason is the same fixed text."""
    now = clock.now()
    for request in InformationRequest.objects.select_for_update().filter(
        contact=contact, status=RequestStatus.OPEN
    ):
        request.status = RequestStatus.WITHDRAWN
        request.withdrawn_reason = CLOSED_REQUEST_REASON
        request.withdrawn_by = actor
        request.withdrawn_at = now
        save_versioned(request, expected_version=request.version, actor=actor)
        record_event(
            actor=actor,
            verb=Verb.UPDATE,
            target=request,
            section="withdrawn",
            reason=CLOSED_REQUEST_REASON,
        )


def _refresh(stale: Contact, fresh: Contact) -> None:
    """Give the caller's contact object the saved state, so a page rendered next is right."""
    for name in ("status", "outcome", "decided_at", "next_due_at", "version", "updated_at"):
        setattr(stale, name, getattr(fresh, name))
