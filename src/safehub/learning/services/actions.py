"""Multi-agency actions: agreed, updated, completed, signed off and escalated (ADR 0008 §5; issue 10).

An action nobody owns, or that has no date, is how a review's learning is lost, so `action_add`
refuses one without an owning agency, a named officer or a due date, each at its field. The owner
completes it with a summary; the partnership signs it off only once at least one piece of its
evidence has passed the virus scan (CLEAN). Overdue is worked out from `due_on`; the nightly
sweep (`actions_escalate`) escalates each overdue action once.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.access.capabilities import require
from safehub.accounts.constants import Capability, Role
from safehub.accounts.models import Agency, User
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.constants import DocumentStatus
from safehub.front_door.services.requests import Notice, link, send_notices
from safehub.platform import clock
from safehub.platform.locking import save_versioned

from ..constants import ActionStatus, Rag
from ..models import ActionUpdate, AuditFinding, LearningAction, Recommendation
from ..policies import action_policy

Errors = dict[str, list[str]]
SECTION = "learning_action"
SYSTEM_ACTOR = "learning_tick"

NO_DESCRIPTION = "Describe the action: what will be done"
NO_AGENCY = "Choose the agency that owns this action"
NO_OWNER = "Enter the named officer who owns this action"
NO_DUE_DATE = "Enter the date the action is due"
NO_SOURCE = "Choose the recommendation or the audit finding this action follows from"
TWO_SOURCES = "An action follows from a recommendation or an audit finding, not both"
NO_EVIDENCE = "Add evidence that the action is done before signing it off"
EVIDENCE_SCANNING = (
    "The evidence is still being checked for viruses: sign the action off once it is available"
)
# Evidence a scan may still make CLEAN.
SCANNING = (DocumentStatus.QUARANTINED, DocumentStatus.SCAN_FAILED)


def _d(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _check_past_date(errors: Errors, field: str, day: date | None, *, label: str) -> None:
    """A date something was done: given and not in the future."""
    if day is None:
        _add(errors, field, f"Enter the {label}")
    elif day > clock.today():
        _add(errors, field, f"The {label} cannot be in the future")


def _check_open(errors: Errors, action: LearningAction, doing: str) -> None:
    if action.status != ActionStatus.OPEN:
        _add(
            errors,
            "__all__",
            f"This action is {action.get_status_display().lower()}, so you cannot {doing}",
        )


def action_add(
    *,
    actor: Any,
    description: str,
    agency: Agency | None,
    owner_name: str,
    due_on: date | None,
    owner: User | None = None,
    recommendation: Recommendation | None = None,
    audit_finding: AuditFinding | None = None,
) -> LearningAction:
    """Agree an action towards a recommendation or an audit finding (exactly one).

    Actions are agreed by the partnership (MANAGE_LEARNING). `owner`, when the named officer has
    an account, must work for the owning agency; `owner_name` then defaults to their name.
    """
    require(actor, Capability.MANAGE_LEARNING)
    description = (description or "").strip()
    owner_name = " ".join((owner_name or "").split()) or (owner.full_name if owner is not None else "")
    errors: Errors = {}
    if not description:
        _add(errors, "description", NO_DESCRIPTION)
    if agency is None:
        _add(errors, "agency", NO_AGENCY)
    elif not agency.is_active:
        _add(errors, "agency", f"{agency.name} is no longer active: choose another agency")
    if not owner_name:
        _add(errors, "owner_name", NO_OWNER)
    elif len(owner_name) > 200:
        _add(errors, "owner_name", "The officer's name must be 200 characters or fewer")
    if owner is not None and agency is not None:
        if not owner.is_active:
            _add(errors, "owner", f"{owner.full_name} no longer has an account: give their successor")
        elif owner.agency_id != agency.pk:
            _add(errors, "owner", f"Choose an officer of {agency.name}, or give the officer's name only")
    if due_on is None:
        _add(errors, "due_on", NO_DUE_DATE)
    elif due_on < clock.today():
        _add(errors, "due_on", "The date the action is due cannot be in the past")
    if recommendation is None and audit_finding is None:
        _add(errors, "recommendation", NO_SOURCE)
    elif recommendation is not None and audit_finding is not None:
        _add(errors, "__all__", TWO_SOURCES)
    if errors:
        raise ValidationError(errors)
    assert due_on is not None
    assert agency is not None
    with transaction.atomic():
        action = LearningAction(
            recommendation=recommendation,
            audit_finding=audit_finding,
            description=description,
            agency=agency,
            owner_name=owner_name,
            owner=owner,
            due_on=due_on,
            created_by=actor,
            updated_by=actor,
        )
        action.full_clean()
        action.save()
        record_event(actor=actor, verb=Verb.CREATE, target=action, section=SECTION)
    return action


def action_update_add(
    *, actor: Any, action: LearningAction, text: str, rag: str, written_on: date
) -> ActionUpdate:
    """A progress update with the owner's RAG rating, which becomes the action's current rating.

    The rating changes the action, so its version moves on (R49): a form opened on the action
    before the update is refused as stale rather than silently overwriting it.
    """
    action_policy.check(actor, "update", action)
    text = (text or "").strip()
    errors: Errors = {}
    _check_open(errors, action, "add a progress update")
    if not text:
        _add(errors, "text", "Say what progress has been made")
    if rag not in Rag.values:
        _add(errors, "rag", "Choose red, amber or green: how on track the action is")
    _check_past_date(errors, "written_on", written_on, label="date of the update")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = LearningAction.objects.select_for_update().get(pk=action.pk)
        errors = {}
        _check_open(errors, current, "add a progress update")
        if errors:
            raise ValidationError(errors)
        update = ActionUpdate(action=current, written_on=written_on, text=text, rag=rag, written_by=actor)
        update.full_clean()
        update.save()
        current.rag = rag
        # Under the row lock the version read is the latest, so this only bumps it.
        save_versioned(current, expected_version=current.version, actor=actor)
        record_event(actor=actor, verb=Verb.CREATE, target=update, section="action_update")
    action.rag, action.version, action.updated_by = current.rag, current.version, current.updated_by
    return update


def action_complete(
    *, actor: Any, action: LearningAction, expected_version: int, completed_on: date, summary: str
) -> LearningAction:
    """The owner says the action is done, and how; it then waits for the partnership's sign-off."""
    action_policy.check(actor, "update", action)
    summary = (summary or "").strip()
    errors: Errors = {}
    _check_open(errors, action, "complete it again")
    if not summary:
        _add(errors, "summary", "Say what was done to complete the action")
    _check_past_date(errors, "completed_on", completed_on, label="date the action was completed")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        action.status = ActionStatus.COMPLETED
        action.completed_on = completed_on
        action.completion_summary = summary
        save_versioned(action, expected_version=expected_version, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=action, section=SECTION, reason="complete")
    return action


def _check_evidence(errors: Errors, action: LearningAction) -> None:
    statuses = set(action.evidence.values_list("status", flat=True))
    if DocumentStatus.CLEAN in statuses:
        return
    _add(errors, "evidence", EVIDENCE_SCANNING if statuses & set(SCANNING) else NO_EVIDENCE)


def action_sign_off(
    *, actor: Any, action: LearningAction, expected_version: int, signed_off_on: date
) -> LearningAction:
    """The partnership closes a completed action, only on evidence that has passed the virus scan."""
    action_policy.check(actor, "sign_off", action)
    errors: Errors = {}
    if action.status != ActionStatus.COMPLETED:
        _add(
            errors,
            "__all__",
            "Only a completed action can be signed off"
            if action.status == ActionStatus.OPEN
            else "This action has already been signed off",
        )
    _check_past_date(errors, "signed_off_on", signed_off_on, label="date of the sign-off")
    if signed_off_on is not None and action.completed_on is not None and signed_off_on < action.completed_on:
        _add(
            errors,
            "signed_off_on",
            f"The sign-off cannot be before the action was completed on {_d(action.completed_on)}",
        )
    _check_evidence(errors, action)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        action.status = ActionStatus.SIGNED_OFF
        action.signed_off_on = signed_off_on
        action.signed_off_by = actor
        save_versioned(action, expected_version=expected_version, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=action, section=SECTION, reason="sign_off")
    return action


# --- the nightly sweep ----------------------------------------------------------------------------


def actions_escalate(*, today: date) -> int:
    """Escalate every open action due before `today` that has not been escalated; how many were.

    Each is stamped once (`escalated_on`) under its row lock, so a re-run or two runs at once send
    nothing twice. The owner (or, without an account, their agency's safeguarding leads) and the
    partnership's managers are e-mailed after the commit (R51). The e-mails name the review by
    its anonymised label and the recommendation by number: never a child, never free text.
    """
    candidates = LearningAction.objects.filter(
        status=ActionStatus.OPEN, due_on__lt=today, escalated_on__isnull=True
    ).values_list("pk", flat=True)
    escalated = [a for a in (_mark_escalated(pk, today) for pk in list(candidates)) if a is not None]
    notices = _notices(escalated)
    # Outside any transaction this sends now; inside a caller's, only once it commits (R51).
    transaction.on_commit(lambda: send_notices(notices))
    return len(escalated)


def _mark_escalated(pk: UUID, today: date) -> LearningAction | None:
    with transaction.atomic():
        action = (
            LearningAction.objects.select_for_update()
            .filter(pk=pk, status=ActionStatus.OPEN, due_on__lt=today, escalated_on__isnull=True)
            .first()
        )
        if action is None:
            return None
        action.escalated_on = today
        # A clock stamp, not a user's edit: the version (R49) stays, so no open form goes stale.
        action.save(update_fields=["escalated_on", "updated_at"])
        record_event(
            actor=None,
            actor_label=SYSTEM_ACTOR,
            verb=Verb.UPDATE,
            target=action,
            section=SECTION,
            reason="escalated",
        )
    return (
        LearningAction.objects.select_related(
            "agency", "owner", "recommendation__review", "audit_finding__case_audit__programme"
        )
        .filter(pk=pk)
        .first()
    )


def action_source_label(action: LearningAction) -> str:
    """ "Child F, recommendation 2", or the audit programme's title: never the child's name."""
    if action.recommendation_id is not None:
        recommendation = action.recommendation
        assert recommendation is not None
        return f"{recommendation.review.subject_label}, recommendation {recommendation.number}"
    assert action.audit_finding is not None
    return f"Case audit: {action.audit_finding.case_audit.programme.title}"


def _line(action: LearningAction) -> str:
    return (
        f"- {action_source_label(action)}: owned by {action.agency.name}, due {_d(action.due_on)}: "
        f"{link('learning_actions:detail', id=action.pk)}"
    )


def _owner_addresses(action: LearningAction) -> list[str]:
    if action.owner is not None and action.owner.is_active:
        return [action.owner.email]
    return list(
        User.objects.filter(role=Role.LEARNING_PARTNER, agency_id=action.agency_id, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
    )


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _notices(actions: Iterable[LearningAction]) -> list[Notice]:
    actions = list(actions)
    if not actions:
        return []
    managers = list(
        User.objects.filter(role=Role.PARTNERSHIP_MANAGER, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
    )
    lines = "\n".join(_line(a) for a in actions)
    subject = "Safehub: learning actions are overdue"
    body = (
        f"{_plural(len(actions), 'action from a safeguarding review or case audit is', 'actions from safeguarding reviews or case audits are')} "
        f"past the date they were due:\n\n{lines}\n\n"
        "Please follow them up with the agencies that own them.\n"
    )
    notices = [Notice(to=address, subject=subject, body=body) for address in managers]
    # Owners who are also managers already have the full list.
    by_owner: dict[str, list[LearningAction]] = defaultdict(list)
    for action in actions:
        for address in _owner_addresses(action):
            if address not in managers:
                by_owner[address].append(action)
    for address, owned in by_owner.items():
        owned_lines = "\n".join(_line(a) for a in owned)
        body = (
            f"{_plural(len(owned), 'action your agency owns is', 'actions your agency owns are')} past the "
            f"date {'it was' if len(owned) == 1 else 'they were'} due:\n\n{owned_lines}\n\n"
            f"The {settings.SAFEHUB_COUNCIL_NAME} safeguarding partnership's managers have been told. "
            "Sign in to Safehub to add a progress update or complete the action.\n"
        )
        notices.append(Notice(to=address, subject=subject, body=body))
    return notices
