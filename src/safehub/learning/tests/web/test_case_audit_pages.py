"""One case audit (issue 10, item 5; ADR 0008 §8): the child's record in summary, read audited
(R27); who opens it (R18, R19); answering, submitting, findings and moderation, each refused at
its field; and a whole round through the pages, from two auditors to a completed programme."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import TeamFactory, UserFactory, enrol_totp
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.casework.constants import CaseService
from safehub.casework.tests.factories import CaseNoteFactory, InvolvementFactory
from safehub.learning.constants import AuditGrade, CaseAuditStatus, ProgrammeStatus
from safehub.learning.models import AuditAnswer, AuditFinding, CaseAudit, CaseAuditor
from safehub.learning.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client: Any) -> Callable[[Any], Any]:
    def _login(user: Any) -> Any:
        from allauth.mfa.models import Authenticator

        if not Authenticator.objects.filter(user=user).exists():
            enrol_totp(user)
        client.force_login(user)
        return client

    return _login


def url(name: str, *args: Any) -> str:
    return reverse(f"learning_audits:{name}", args=[getattr(a, "pk", a) for a in args])


def answers(grades: dict[int, str], comments: dict[int, str] | None = None) -> dict[str, str]:
    data = {f"answers-grade_{n}": g for n, g in grades.items()}
    data |= {f"answers-comment_{n}": c for n, c in (comments or {}).items()}
    return data


def test_opening_a_case_shows_the_child_and_audits_the_read_of_their_record(login: Any) -> None:
    """R27: auditing a case is reading the child's record, so the view names the child too."""
    auditor = f.learning_partner(f.health())
    kid = f.child(given_name="Amara", family_name="Synthetic", date_of_birth=date(2019, 5, 9))
    case = f.case_audit(auditors=(auditor,), child=kid)
    InvolvementFactory(
        person=kid,
        service=CaseService.LOOKED_AFTER,
        opened_on=date(2025, 2, 3),
        team=TeamFactory(name="Children in care 1"),
    )
    CaseNoteFactory(
        person=kid,
        significant=True,
        subject="Strategy discussion held",
        occurred_at=datetime(2026, 10, 1, 9, tzinfo=UTC),
    )
    CaseNoteFactory(person=kid, significant=False, subject="Routine phone call")
    response = login(auditor).get(url("case_audit", case))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Amara Synthetic" in body
    assert "9 May 2019" in body
    assert "Children in care" in body
    assert "3 February 2025" in body
    assert "Children in care 1" in body
    assert "Strategy discussion held" in body
    assert "Routine phone call" not in body
    events = AuditEvent.objects.filter(actor=auditor, verb=Verb.VIEW, section="case_audit")
    assert set(events.values_list("object_type", "object_id")) == {
        ("learning.caseaudit", str(case.pk)),
        ("people.person", str(kid.pk)),
    }


def test_a_case_opens_only_for_its_auditors_and_the_managers(login: Any) -> None:
    """R19: an auditor not given the case, even on the same programme, gets 404; R18: a social
    worker, who does no audit work, is refused every audit page."""
    police_lead = f.learning_partner(f.police())
    programme = f.programme()
    case = f.case_audit(programme, auditors=(police_lead,))
    other = f.case_audit(programme, auditors=(f.learning_partner(f.health()),))
    client = login(police_lead)
    assert client.get(url("case_audit", case)).status_code == 200
    assert client.get(url("case_audit", other)).status_code == 404
    assert client.post(url("answers_save", other), answers({1: AuditGrade.GOOD})).status_code == 404
    assert client.post(url("submit", other), {}).status_code == 404
    assert login(f.team_manager()).get(url("case_audit", case)).status_code == 404
    assert login(UserFactory(role=Role.SOCIAL_WORKER)).get(url("case_audit", case)).status_code == 403
    manager = login(f.partnership_manager()).get(url("case_audit", case))
    assert manager.status_code == 200
    assert "Save your answers" not in manager.content.decode()  # a manager is not an auditor


def test_answers_are_refused_at_the_question_and_submitting_needs_every_answer(login: Any) -> None:
    auditor = f.learning_partner(f.health())
    case = f.case_audit(auditors=(auditor,))
    client = login(auditor)
    refused = client.post(url("answers_save", case), answers({1: AuditGrade.GOOD}, {2: "Seen once"}))
    body = refused.content.decode()
    assert "Question 2: choose a grade from outstanding to inadequate." in body
    assert 'href="#id_answers-grade_2"' in body
    assert not AuditAnswer.objects.exists()
    client.post(url("answers_save", case), answers({1: AuditGrade.GOOD}))
    submitted = client.post(
        url("submit", case), {"submit-grade": AuditGrade.GOOD, "submit-summary": "Good work"}
    )
    body = submitted.content.decode()
    assert "2 questions are not answered yet: grade every question before submitting." in body
    assert "Grade question 2 before you submit." in body
    assert "Grade question 3 before you submit." in body
    assert "Grade question 1 before you submit." not in body
    # The error summary leads to each question still to grade (GOV.UK error summary).
    assert 'href="#id_answers-grade_2"' in body
    assert 'href="#id_answers-grade_3"' in body
    assert 'href="#id_answers-grade_1"' not in body
    missing = client.post(url("submit", case), {}).content.decode()
    assert 'href="#id_submit-grade"' in missing
    assert "Choose your overall grade for the case." in missing
    assert 'href="#id_submit-summary"' in missing
    assert CaseAuditor.objects.get(user=auditor).submitted_on is None


def test_an_auditor_sees_the_others_grades_only_once_they_have_submitted(login: Any) -> None:
    police_lead = f.learning_partner(f.police())
    health_lead = f.learning_partner(f.health())
    case = f.case_audit(auditors=(police_lead, health_lead))
    CaseAuditor.objects.filter(user=health_lead).update(
        grade=AuditGrade.INADEQUATE, summary="Synthetic: the baby was not seen", submitted_on=f.TODAY
    )
    client = login(police_lead)
    before = client.get(url("case_audit", case)).content.decode()
    assert "Synthetic: the baby was not seen" not in before
    assert "shown once you have submitted yours" in before
    CaseAuditor.objects.filter(user=police_lead).update(
        grade=AuditGrade.GOOD, summary="Fine", submitted_on=f.TODAY
    )
    after = client.get(url("case_audit", case)).content.decode()
    assert "Synthetic: the baby was not seen" in after
    assert "Save your answers" not in after


def test_findings_carry_themes_and_lead_to_follow_up_actions(login: Any) -> None:
    auditor = f.learning_partner(f.health())
    case = f.case_audit(auditors=(auditor,))
    theme = f.theme("Hidden and unseen adults")
    client = login(auditor)
    refused = client.post(url("finding_add", case), {"finding-text": " "}).content.decode()
    assert "Write what the audit found." in refused
    assert 'href="#id_finding-text"' in refused
    client.post(
        url("finding_add", case),
        {"finding-text": "The mother's partner was never seen.", "finding-themes": [str(theme.pk)]},
    )
    finding = AuditFinding.objects.get(case_audit=case)
    assert list(finding.themes.all()) == [theme]
    f.action(finding, description="Ask about every adult in the household at each visit.")
    page = login(f.partnership_manager()).get(url("case_audit", case)).content.decode()
    assert "The mother&#x27;s partner was never seen." in page
    assert "Hidden and unseen adults" in page
    assert "Ask about every adult in the household at each visit." in page
    assert f'href="/learning/actions/new/?audit_finding={finding.pk}"' in page
    # Agreeing actions is the partnership's: the auditor sees the finding without the link.
    assert "Add a follow-up action" not in login(auditor).get(url("case_audit", case)).content.decode()


def test_a_stale_moderation_shows_the_conflict(login: Any) -> None:
    """R49: a moderation posted from a page read before another change is refused, saying so."""
    auditor = f.learning_partner(f.health())
    case = f.case_audit(auditors=(auditor,), status=CaseAuditStatus.READY)
    CaseAuditor.objects.filter(user=auditor).update(
        grade=AuditGrade.GOOD, summary="Fine", submitted_on=f.TODAY
    )
    CaseAudit.objects.filter(pk=case.pk).update(version=case.version + 1)
    body = (
        login(f.partnership_manager())
        .post(url("moderate", case), {"moderate-version": case.version, "moderate-grade": AuditGrade.GOOD})
        .content.decode()
    )
    assert "This case was changed by" in body
    assert CaseAudit.objects.get(pk=case.pk).status == CaseAuditStatus.READY


def _audit(client: Any, case: CaseAudit, grade: str) -> None:
    response = client.post(
        url("answers_save", case), answers({1: grade, 2: grade, 3: grade}, {1: "Seen alone"})
    )
    assert response.status_code == 302
    response = client.post(
        url("submit", case), {"submit-grade": grade, "submit-summary": f"Synthetic: {grade}"}
    )
    assert response.status_code == 302


def test_a_whole_round_through_the_pages(login: Any) -> None:
    """Two auditors from different agencies answer and submit; the manager moderates, explaining
    why the grade differs from one of theirs; the programme completes."""
    manager = f.partnership_manager()
    police_lead = f.learning_partner(f.police())
    health_lead = f.learning_partner(f.health())
    programme = f.programme(lead=manager)
    case = f.case_audit(programme)
    client = login(manager)
    for user in (police_lead, health_lead):
        assert client.post(url("auditor_add", case), {"user": str(user.pk)}).status_code == 302

    _audit(login(police_lead), case, AuditGrade.GOOD)
    assert CaseAudit.objects.get(pk=case.pk).status == CaseAuditStatus.IN_PROGRESS
    _audit(login(health_lead), case, AuditGrade.REQUIRES_IMPROVEMENT)
    case.refresh_from_db()
    assert case.status == CaseAuditStatus.READY
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.MODERATION

    client = login(manager)
    page = client.get(url("case_audit", case)).content.decode()
    assert "Record the moderated grade" in page
    assert "Synthetic: good" in page
    assert "Synthetic: requires_improvement" in page
    form = {"moderate-version": case.version, "moderate-grade": AuditGrade.GOOD}
    refused = client.post(url("moderate", case), form).content.decode()
    assert (
        "Auditors graded this case Requires improvement: explain why the moderated grade differs." in refused
    )
    assert 'href="#id_moderate-note"' in refused
    done = client.post(url("moderate", case), {**form, "moderate-note": "Agreed at moderation panel."})
    assert done.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.moderated_grade, case.moderated_by) == (
        CaseAuditStatus.MODERATED,
        AuditGrade.GOOD,
        manager,
    )

    page = client.get(url("programme", programme)).content.decode()
    assert "Complete the programme" in page
    assert (
        client.post(url("programme_complete", programme), {"version": programme.version}).status_code == 302
    )
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.COMPLETE
    listing = client.get(url("programme_list")).content.decode()
    assert "1 of 1" in listing
    assert "Complete" in listing
