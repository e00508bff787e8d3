"""Who sees which learning record (issue 10; R18, R19): each policy's `can` and `scope` agree."""

from typing import Any

import pytest

from safehub.access.policies import Policy
from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory

from .. import policies
from ..models import AgencyReturn, CaseAudit, LearningAction, Review, SeriousIncident
from . import factories as f

pytestmark = pytest.mark.django_db


def agree(policy: Policy[Any], actor: Any, obj: Any, action: str = "view") -> bool:
    """`can` for one object, after checking `scope` says the same (R19)."""
    allowed = policy.can(actor, action, obj)
    in_scope = policy.scope(actor, type(obj)._default_manager.all(), action).filter(pk=obj.pk).exists()
    assert allowed == in_scope
    return allowed


def test_an_incident_is_open_to_the_partnership_and_its_recorder_only() -> None:
    recorder = f.team_manager()
    incident = f.incident(recorded_by=recorder)
    assert agree(policies.incident_policy, f.partnership_manager(), incident)
    assert agree(policies.incident_policy, recorder, incident)
    assert agree(policies.incident_policy, recorder, incident, "manage")
    assert not agree(policies.incident_policy, f.team_manager(), incident)
    assert not agree(policies.incident_policy, f.learning_partner(), incident)
    assert not agree(policies.incident_policy, UserFactory(role=Role.SOCIAL_WORKER), incident)
    assert SeriousIncident.objects.count() == 1


def test_a_partner_sees_a_review_only_once_their_agency_is_part_of_it() -> None:
    review = f.review()
    police_lead = f.learning_partner(f.police())
    health_lead = f.learning_partner(f.health())
    assert not agree(policies.review_policy, police_lead, review)
    f.agency_return(review, agency=f.police())
    assert agree(policies.review_policy, police_lead, review)
    assert not agree(policies.review_policy, health_lead, review)
    f.action(f.recommendation(review), agency=f.health())
    assert agree(policies.review_policy, health_lead, review)
    assert not agree(policies.review_policy, health_lead, review, "manage")
    assert agree(policies.review_policy, f.partnership_manager(), review, "manage")
    assert Review.objects.count() == 1


def test_returns_and_actions_belong_to_their_agency() -> None:
    agency_return = f.agency_return(agency=f.police())
    action = f.action(agency=f.health())
    police_lead = f.learning_partner(f.police())
    health_lead = f.learning_partner(f.health())
    assert agree(policies.agency_return_policy, police_lead, agency_return, "answer")
    assert not agree(policies.agency_return_policy, health_lead, agency_return)
    assert agree(policies.action_policy, health_lead, action, "update")
    assert not agree(policies.action_policy, health_lead, action, "sign_off")
    assert not agree(policies.action_policy, police_lead, action)
    manager = f.partnership_manager()
    assert agree(policies.action_policy, manager, action, "sign_off")
    assert agree(policies.agency_return_policy, manager, agency_return, "answer")
    # A named owner with an account in another agency may still update their own action.
    assert agree(
        policies.action_policy, police_lead, f.action(agency=f.health(), owner=police_lead), "update"
    )
    assert AgencyReturn.objects.count() == 1
    assert LearningAction.objects.count() == 2


def test_a_case_audit_is_open_to_its_auditors_and_the_managers() -> None:
    auditor = f.learning_partner(f.health())
    audit = f.case_audit(auditors=(auditor,))
    assert agree(policies.case_audit_policy, auditor, audit)
    assert agree(policies.case_audit_policy, auditor, audit, "record")
    assert not agree(policies.case_audit_policy, auditor, audit, "moderate")
    assert not agree(policies.case_audit_policy, f.learning_partner(f.health()), audit)
    manager = f.partnership_manager()
    assert agree(policies.case_audit_policy, manager, audit, "moderate")
    assert not agree(policies.programme_policy, auditor, audit.programme)
    assert agree(policies.programme_policy, manager, audit.programme, "manage")
    assert CaseAudit.objects.count() == 1


def test_a_performance_analyst_opens_no_learning_record() -> None:
    analyst = UserFactory(role=Role.PERFORMANCE_ANALYST)
    audit = f.case_audit()
    for policy, obj in (
        (policies.incident_policy, f.incident()),
        (policies.review_policy, f.review()),
        (policies.action_policy, f.action()),
        (policies.case_audit_policy, audit),
        (policies.programme_policy, audit.programme),
    ):
        assert not agree(policy, analyst, obj)


def test_an_incident_and_a_case_audit_hide_with_a_restricted_child() -> None:
    from safehub.access.tests.factories import restrict

    manager = f.partnership_manager()
    auditor = f.learning_partner(f.health())
    incident = f.incident()
    audit = f.case_audit(child=incident.child, auditors=(auditor,))
    assert agree(policies.incident_policy, manager, incident)
    assert agree(policies.case_audit_policy, auditor, audit)
    restrict(incident.child)
    assert not agree(policies.incident_policy, manager, incident)
    assert not agree(policies.case_audit_policy, auditor, audit)
    assert not agree(policies.case_audit_policy, manager, audit, "moderate")
    # The review is known by its label only, so it stays open to the partnership.
    assert agree(policies.review_policy, manager, f.review(incident=incident))
