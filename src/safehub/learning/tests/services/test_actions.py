"""Actions: always owned and dated, updated by their agency, signed off only on evidence (issue 10)."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.accounts.models import User
from safehub.audit.models import AuditEvent
from safehub.casework.constants import DocumentStatus
from safehub.platform.errors import ConflictError, NotFoundOrForbidden, PermissionRefused

from ...constants import ActionStatus, Rag
from ...models import ActionUpdate, Evidence, LearningAction
from ...services.actions import (
    EVIDENCE_SCANNING,
    NO_DUE_DATE,
    NO_EVIDENCE,
    NO_OWNER,
    action_add,
    action_complete,
    action_sign_off,
    action_update_add,
)
from .. import factories as f
from ..factories import TODAY

pytestmark = pytest.mark.django_db
DUE = date(2027, 1, 29)


def errors_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def evidence(action: LearningAction, status: str = DocumentStatus.CLEAN) -> Evidence:
    """An evidence row made directly (the pipeline has its own tests in test_evidence.py)."""
    return Evidence.objects.create(
        action=action,
        title="Revised procedure",
        original_name="procedure.pdf",
        storage_name=f"{Evidence.objects.count():032x}",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        status=status,
        uploaded_by=f.partnership_manager(),
    )


def completed(action: LearningAction, on: date = date(2026, 11, 20)) -> LearningAction:
    action.status, action.completed_on, action.completion_summary = ActionStatus.COMPLETED, on, "Done."
    action.save()
    return action


def add(actor: Any, **fields: Any) -> LearningAction:
    fields.setdefault("description", "Train every health visitor in the new procedure.")
    fields.setdefault("agency", f.health())
    fields.setdefault("owner_name", "Dr Synthetic Lead")
    fields.setdefault("due_on", DUE)
    if "audit_finding" not in fields:
        fields.setdefault("recommendation", f.recommendation())
    return action_add(actor=actor, **fields)


# --- adding -----------------------------------------------------------------------------------


def test_the_partnership_adds_an_owned_dated_action_to_a_recommendation() -> None:
    manager = f.partnership_manager()
    action = add(manager)
    assert action.status == ActionStatus.OPEN
    assert action.owner_name == "Dr Synthetic Lead"
    assert action.created_by == manager
    assert action.rag == Rag.GREEN
    event = AuditEvent.objects.get(object_id=str(action.pk))
    assert (event.verb, event.section) == ("create", "learning_action")


def test_an_action_can_follow_an_audit_finding_and_take_its_owners_name() -> None:
    lead = f.learning_partner(f.health(), full_name="Pat Synthetic")
    action = add(f.partnership_manager(), audit_finding=f.audit_finding(), owner=lead, owner_name="")
    assert action.audit_finding is not None
    assert action.recommendation is None
    assert action.owner == lead
    assert action.owner_name == "Pat Synthetic"


def test_an_action_without_an_owner_or_a_due_date_is_refused() -> None:
    """Bad input (issue 10): an action nobody owns, or with no date, is how learning is lost."""
    with pytest.raises(ValidationError) as excinfo:
        add(f.partnership_manager(), owner_name="  ", due_on=None)
    errors = errors_of(excinfo)
    assert errors["owner_name"] == [NO_OWNER]
    assert errors["due_on"] == [NO_DUE_DATE]
    assert LearningAction.objects.count() == 0


def test_an_action_without_a_description_or_an_agency_is_refused() -> None:
    with pytest.raises(ValidationError) as excinfo:
        add(f.partnership_manager(), description="", agency=None)
    errors = errors_of(excinfo)
    assert errors["description"] == ["Describe the action: what will be done"]
    assert errors["agency"] == ["Choose the agency that owns this action"]


def test_a_new_action_cannot_be_due_in_the_past() -> None:
    with pytest.raises(ValidationError) as excinfo:
        add(f.partnership_manager(), due_on=TODAY - timedelta(days=1))
    assert errors_of(excinfo)["due_on"] == ["The date the action is due cannot be in the past"]
    assert add(f.partnership_manager(), due_on=TODAY).due_on == TODAY


def test_an_action_has_exactly_one_source() -> None:
    manager = f.partnership_manager()
    with pytest.raises(ValidationError) as excinfo:
        add(manager, recommendation=None)
    assert "recommendation" in errors_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        add(manager, recommendation=f.recommendation(), audit_finding=f.audit_finding())
    assert errors_of(excinfo)["__all__"] == [
        "An action follows from a recommendation or an audit finding, not both"
    ]


def test_the_owner_with_an_account_must_work_for_the_owning_agency() -> None:
    with pytest.raises(ValidationError) as excinfo:
        add(f.partnership_manager(), agency=f.health(), owner=f.learning_partner(f.police()))
    assert errors_of(excinfo)["owner"] == [
        "Choose an officer of Synthetic Health Trust, or give the officer's name only"
    ]


def test_only_the_partnership_agrees_actions() -> None:
    """R18: a partner's safeguarding lead contributes to actions but does not create them."""
    with pytest.raises(PermissionRefused):
        add(f.learning_partner(f.health()))
    assert LearningAction.objects.count() == 0


# --- progress updates -----------------------------------------------------------------------------


def test_the_owning_agency_adds_a_progress_update_that_sets_the_rating() -> None:
    action = f.action(agency=f.health())
    lead = f.learning_partner(f.health())
    update = action_update_add(
        actor=lead, action=action, text="Draft out for consultation.", rag=Rag.AMBER, written_on=TODAY
    )
    assert update.written_by == lead
    action.refresh_from_db()
    assert action.rag == Rag.AMBER
    assert action.version == 2  # a form opened before the update is now stale (R49)
    assert AuditEvent.objects.filter(
        object_id=str(update.pk), verb="create", section="action_update"
    ).exists()


def test_a_partner_of_another_agency_cannot_update_an_action() -> None:
    """R18, R19: the police lead cannot touch the health trust's action; it answers as if missing."""
    action = f.action(agency=f.health())
    with pytest.raises(NotFoundOrForbidden):
        action_update_add(
            actor=f.learning_partner(f.police()), action=action, text="x", rag=Rag.RED, written_on=TODAY
        )
    assert ActionUpdate.objects.count() == 0


def test_an_update_needs_text_a_rating_and_a_date_not_in_the_future() -> None:
    action = f.action()
    with pytest.raises(ValidationError) as excinfo:
        action_update_add(
            actor=f.partnership_manager(),
            action=action,
            text=" ",
            rag="purple",
            written_on=TODAY + timedelta(days=1),
        )
    errors = errors_of(excinfo)
    assert errors["text"] == ["Say what progress has been made"]
    assert errors["rag"] == ["Choose red, amber or green: how on track the action is"]
    assert errors["written_on"] == ["The date of the update cannot be in the future"]


def test_a_completed_action_takes_no_more_updates() -> None:
    action = completed(f.action())
    with pytest.raises(ValidationError) as excinfo:
        action_update_add(
            actor=f.partnership_manager(), action=action, text="More.", rag=Rag.GREEN, written_on=TODAY
        )
    assert "__all__" in errors_of(excinfo)


# --- completing --------------------------------------------------------------------------------


def test_the_owner_completes_the_action_with_a_summary() -> None:
    lead = f.learning_partner(f.health())
    action = f.action(agency=f.health(), owner=lead)
    action_complete(
        actor=lead, action=action, expected_version=1, completed_on=TODAY, summary="Procedure published."
    )
    action.refresh_from_db()
    assert (action.status, action.completed_on, action.completion_summary) == (
        ActionStatus.COMPLETED,
        TODAY,
        "Procedure published.",
    )
    assert AuditEvent.objects.filter(object_id=str(action.pk), reason="complete").exists()


def test_completing_needs_a_summary_and_a_date_not_in_the_future() -> None:
    action = f.action()
    with pytest.raises(ValidationError) as excinfo:
        action_complete(
            actor=f.partnership_manager(),
            action=action,
            expected_version=1,
            completed_on=TODAY + timedelta(days=1),
            summary="",
        )
    errors = errors_of(excinfo)
    assert errors["summary"] == ["Say what was done to complete the action"]
    assert errors["completed_on"] == ["The date the action was completed cannot be in the future"]


def test_a_stale_version_is_a_conflict_not_a_lost_update() -> None:
    """R49: a progress update made after the form was opened makes its completion conflict."""
    action = f.action()
    manager = f.partnership_manager()
    action_update_add(
        actor=manager,
        action=LearningAction.objects.get(pk=action.pk),
        text="On track.",
        rag=Rag.GREEN,
        written_on=TODAY,
    )
    with pytest.raises(ConflictError):
        action_complete(actor=manager, action=action, expected_version=1, completed_on=TODAY, summary="Done.")
    assert LearningAction.objects.get(pk=action.pk).status == ActionStatus.OPEN


# --- signing off -------------------------------------------------------------------------------


def test_a_sign_off_without_evidence_is_refused() -> None:
    """Bad input (issue 10): the partnership signs off only on evidence."""
    action = completed(f.action())
    with pytest.raises(ValidationError) as excinfo:
        action_sign_off(actor=f.partnership_manager(), action=action, expected_version=1, signed_off_on=TODAY)
    assert errors_of(excinfo)["evidence"] == [NO_EVIDENCE]
    evidence(action, DocumentStatus.INFECTED)  # blocked evidence is no evidence
    with pytest.raises(ValidationError) as excinfo:
        action_sign_off(actor=f.partnership_manager(), action=action, expected_version=1, signed_off_on=TODAY)
    assert errors_of(excinfo)["evidence"] == [NO_EVIDENCE]


def test_evidence_still_being_scanned_is_not_yet_enough() -> None:
    """R43: only evidence the virus scan has passed counts."""
    action = completed(f.action())
    evidence(action, DocumentStatus.QUARANTINED)
    with pytest.raises(ValidationError) as excinfo:
        action_sign_off(actor=f.partnership_manager(), action=action, expected_version=1, signed_off_on=TODAY)
    assert errors_of(excinfo)["evidence"] == [EVIDENCE_SCANNING]
    assert EVIDENCE_SCANNING != NO_EVIDENCE


def test_the_partnership_signs_off_a_completed_action_with_clean_evidence() -> None:
    manager = f.partnership_manager()
    action = completed(f.action())
    evidence(action)
    action_sign_off(actor=manager, action=action, expected_version=1, signed_off_on=TODAY)
    action.refresh_from_db()
    assert (action.status, action.signed_off_on, action.signed_off_by) == (
        ActionStatus.SIGNED_OFF,
        TODAY,
        manager,
    )
    assert action.version == 2
    assert AuditEvent.objects.filter(object_id=str(action.pk), reason="sign_off").exists()


def test_a_sign_off_cannot_come_before_completion_or_of_an_open_action() -> None:
    action = completed(f.action(), on=TODAY)
    evidence(action)
    with pytest.raises(ValidationError) as excinfo:
        action_sign_off(
            actor=f.partnership_manager(),
            action=action,
            expected_version=1,
            signed_off_on=TODAY - timedelta(days=1),
        )
    assert errors_of(excinfo)["signed_off_on"] == [
        "The sign-off cannot be before the action was completed on 26 November 2026"
    ]
    open_action = f.action()
    evidence(open_action)
    with pytest.raises(ValidationError) as excinfo:
        action_sign_off(
            actor=f.partnership_manager(), action=open_action, expected_version=1, signed_off_on=TODAY
        )
    assert errors_of(excinfo)["__all__"] == ["Only a completed action can be signed off"]


def test_the_owning_agency_cannot_sign_off_its_own_action() -> None:
    """R18: sign-off is the partnership's, not the owner's."""
    action = completed(f.action(agency=f.health()))
    evidence(action)
    with pytest.raises(NotFoundOrForbidden):
        action_sign_off(
            actor=f.learning_partner(f.health()), action=action, expected_version=1, signed_off_on=TODAY
        )


# --- the overdue sweep -------------------------------------------------------------------------


def test_overdue_actions_are_escalated_once_without_naming_the_child(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """ADR 0008 §5: each overdue action escalates once, to its agency and the partnership's managers.
    The e-mail names the review's label ("Child F"), never the child (decision 2)."""
    from django.core import mail

    from ...services.actions import actions_escalate

    manager = f.partnership_manager(email="manager@partnership.example.test")
    f.learning_partner(f.health(), email="lead@health.example.test")
    f.learning_partner(f.police(), email="lead@police.example.test")
    review = f.review(subject_label="Child F")
    assert review.incident is not None
    child = review.incident.child
    overdue = f.action(f.recommendation(review), agency=f.health(), due_on=TODAY - timedelta(days=3))
    owned = f.action(
        f.recommendation(review),
        agency=f.police(),
        owner=f.learning_partner(f.police(), email="owner@police.example.test"),
        due_on=TODAY - timedelta(days=1),
    )
    f.action(f.recommendation(review), due_on=TODAY)  # due today: not yet overdue
    completed(f.action(f.recommendation(review), due_on=TODAY - timedelta(days=9)))  # done: left alone
    with django_capture_on_commit_callbacks(execute=True):
        assert actions_escalate(today=TODAY) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert actions_escalate(today=TODAY) == 0
    managers = set(User.objects.filter(role=Role.PARTNERSHIP_MANAGER).values_list("email", flat=True))
    assert manager.email in managers
    # One e-mail each: the managers, the health trust's lead (no named account), the police owner;
    # not the police lead, because the police action's owner has an account.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [*managers, "lead@health.example.test", "owner@police.example.test"]
    )
    for action in (overdue, owned):
        action.refresh_from_db()
        assert action.escalated_on == TODAY
        assert action.version == 1  # a clock stamp leaves open forms valid (R49)
    events = AuditEvent.objects.filter(reason="escalated", actor_label="learning_tick")
    assert sorted(events.values_list("object_id", flat=True)) == sorted([str(overdue.pk), str(owned.pk)])
    to_manager = next(m for m in mail.outbox if m.to == [manager.email])
    assert "Child F, recommendation 1" in to_manager.body
    assert "Child F, recommendation 2" in to_manager.body
    to_health = next(m for m in mail.outbox if m.to == ["lead@health.example.test"])
    assert "Child F, recommendation 1" in to_health.body
    assert "recommendation 2" not in to_health.body
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        for personal in (
            child.given_name,
            child.family_name,
            f"{child.date_of_birth:%-d %B %Y}",
            overdue.description,
        ):
            assert personal not in text
