"""Multi-agency case audits: a whole round, and every refusal at its field (issue 10, item 5;
ADR 0008 §8)."""

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safehub.access.tests.factories import make_grant
from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import UserFactory
from safehub.audit.models import AuditEvent
from safehub.people.tests.factories import restrict
from safehub.platform.errors import ConflictError, NotFoundOrForbidden

from ...constants import AuditGrade, CaseAuditStatus, ProgrammeStatus
from ...models import AuditAnswer, AuditProgramme, AuditTool, CaseAudit, CaseAuditor
from ...services.audits import (
    audit_answers_save,
    audit_finding_add,
    audit_moderate,
    audit_submit,
    audit_tool_create,
    auditor_assign,
    case_audit_add,
    programme_complete,
    programme_create,
)
from .. import factories as f

pytestmark = pytest.mark.django_db

G = AuditGrade
SUBMITTED = date(2026, 11, 20)


def new_programme(manager: Any, questions: int = 3, **extra: Any) -> AuditProgramme:
    """A programme on a tool of its own (each tool's name is unique)."""
    tool = f.tool(f"Tool {AuditTool.objects.count() + 1}", questions=questions)
    extra.setdefault("title", "Neglect audit, winter 2026")
    return AuditProgramme.objects.create(
        lead=manager, tool=tool, starts_on=date(2026, 11, 2), due_on=date(2026, 12, 18), **extra
    )


def fields(error: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(error.value.message_dict)


def answer_all(auditor: Any, case: CaseAudit, grade: str = G.GOOD) -> None:
    questions = case.programme.tool.questions.all()
    audit_answers_save(
        actor=auditor,
        case_audit=case,
        answers={q.pk: (grade, f"Synthetic comment {q.number}.") for q in questions},
    )


def submit(auditor: Any, case: CaseAudit, grade: str = G.GOOD) -> CaseAuditor:
    return audit_submit(
        actor=auditor, case_audit=case, grade=grade, summary="Synthetic summary.", submitted_on=SUBMITTED
    )


def ready_case(manager: Any, *grades: str) -> tuple[CaseAudit, list[Any]]:
    """A case whose auditors (one per grade, alternately police and health) have all submitted."""
    case = f.case_audit(new_programme(manager))
    auditors = [f.learning_partner(f.police() if n % 2 == 0 else f.health()) for n in range(len(grades))]
    for auditor in auditors:
        auditor_assign(actor=manager, case_audit=case, user=auditor)
    for auditor, grade in zip(auditors, grades, strict=True):
        answer_all(auditor, case, grade)
        submit(auditor, case, grade)
    case.refresh_from_db()
    return case, auditors


# --- the whole round --------------------------------------------------------------------------


def test_a_round_with_police_and_health_auditors_runs_from_tool_to_completion() -> None:
    manager = f.partnership_manager()
    tool = audit_tool_create(
        actor=manager,
        name="Neglect audit tool",
        questions=[
            "Was the child seen alone?",
            ("Were the adults in the household known?", "Include partners."),
        ],
    )
    assert [(q.number, q.guidance) for q in tool.questions.all()] == [(1, ""), (2, "Include partners.")]
    neglect = f.theme("Neglect")
    programme = programme_create(
        actor=manager,
        title="Neglect audit, winter 2026",
        tool=tool,
        starts_on=date(2026, 11, 2),
        due_on=date(2026, 12, 18),
        focus="Children on plans for neglect.",
        themes=[neglect],
    )
    assert (programme.lead, programme.status, list(programme.themes.all())) == (
        manager,
        ProgrammeStatus.AUDITING,
        [neglect],
    )
    case = case_audit_add(actor=manager, programme=programme, child=f.child())
    police_lead = f.learning_partner(f.police())
    health_lead = f.learning_partner(f.health())
    police_seat = auditor_assign(actor=manager, case_audit=case, user=police_lead)
    health_seat = auditor_assign(actor=manager, case_audit=case, user=health_lead)
    assert (police_seat.agency, health_seat.agency) == (police_lead.agency, health_lead.agency)

    answer_all(police_lead, case, G.REQUIRES_IMPROVEMENT)
    submit(police_lead, case, G.REQUIRES_IMPROVEMENT)
    case.refresh_from_db()
    assert case.status == CaseAuditStatus.IN_PROGRESS  # health has not submitted yet
    answer_all(health_lead, case, G.GOOD)
    submit(health_lead, case, G.GOOD)
    assert case.status == CaseAuditStatus.READY
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.MODERATION  # its only case is ready

    finding = audit_finding_add(
        actor=police_lead, case_audit=case, text="Synthetic: the father was not seen.", themes=[neglect]
    )
    assert list(finding.themes.all()) == [neglect]
    audit_moderate(
        actor=manager,
        case_audit=case,
        expected_version=case.version,
        grade=G.REQUIRES_IMPROVEMENT,
        note="Synthetic: health weighed the school's view; the panel agreed with police.",
        moderated_on=date(2026, 11, 25),
    )
    assert (case.status, case.moderated_grade, case.moderated_by) == (
        CaseAuditStatus.MODERATED,
        G.REQUIRES_IMPROVEMENT,
        manager,
    )
    programme.refresh_from_db()
    programme_complete(actor=manager, programme=programme, expected_version=programme.version)
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.COMPLETE
    sections = set(AuditEvent.objects.filter(object_id=str(case.pk)).values_list("section", flat=True))
    assert sections >= {
        "case_added",
        "auditor_assigned",
        "audit_answers",
        "audit_submitted",
        "status",
        "audit_finding",
        "moderation",
    }
    assert AuditEvent.objects.filter(object_id=str(programme.pk), reason=ProgrammeStatus.COMPLETE).exists()


def test_the_programme_waits_in_auditing_until_every_case_is_ready() -> None:
    manager = f.partnership_manager()
    programme = new_programme(manager, questions=1)
    first, second = f.case_audit(programme), f.case_audit(programme)
    auditor = f.learning_partner()
    for case in (first, second):
        auditor_assign(actor=manager, case_audit=case, user=auditor)
    answer_all(auditor, first)
    submit(auditor, first)
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.AUDITING
    answer_all(auditor, second)
    submit(auditor, second)
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.MODERATION


# --- auditors ----------------------------------------------------------------------------------


def test_an_auditor_needs_audit_work_in_their_role_and_joins_a_case_once() -> None:
    manager = f.partnership_manager()
    case = f.case_audit(new_programme(manager))
    with pytest.raises(ValidationError) as error:
        auditor_assign(actor=manager, case_audit=case, user=UserFactory(role=Role.SOCIAL_WORKER))
    assert fields(error) == {"user"}
    partner = f.learning_partner(f.health())
    auditor_assign(actor=manager, case_audit=case, user=partner)
    with pytest.raises(ValidationError) as error:
        auditor_assign(actor=manager, case_audit=case, user=partner)
    assert fields(error) == {"user"}
    with pytest.raises(NotFoundOrForbidden):
        auditor_assign(actor=partner, case_audit=case, user=f.learning_partner())
    assert CaseAuditor.objects.filter(case_audit=case).count() == 1


def test_no_auditor_joins_a_ready_case_or_one_whose_child_they_may_not_open() -> None:
    """R19: a partner restricted from the child is not given the case, even by a manager who may."""
    manager = f.partnership_manager()
    case, _ = ready_case(manager, G.GOOD)
    with pytest.raises(ValidationError) as error:
        auditor_assign(actor=manager, case_audit=case, user=f.learning_partner(f.health()))
    assert fields(error) == {"__all__"}
    other = f.case_audit(new_programme(manager, title="Second round"))
    make_grant(restrict(other.child), manager)
    with pytest.raises(ValidationError) as error:
        auditor_assign(actor=manager, case_audit=other, user=f.learning_partner())
    assert "may not open the child's record" in error.value.message_dict["user"][0]


# --- answers and submission -------------------------------------------------------------------


def test_only_an_assigned_auditor_answers() -> None:
    """R18: another partner, and a manager not given the case, cannot answer for it."""
    manager = f.partnership_manager()
    case = f.case_audit(new_programme(manager), auditors=(f.learning_partner(),))
    question = case.programme.tool.questions.first()
    assert question is not None
    for outsider in (f.learning_partner(f.health()), manager):
        with pytest.raises(NotFoundOrForbidden):
            audit_answers_save(actor=outsider, case_audit=case, answers={question.pk: (G.GOOD, "")})
    assert AuditAnswer.objects.count() == 0


def test_answers_are_upserted_and_refused_at_the_answers_field() -> None:
    auditor = f.learning_partner()
    case = f.case_audit(auditors=(auditor,))
    first, second, _ = case.programme.tool.questions.all()
    stranger = f.tool("Another tool").questions.first()
    assert stranger is not None
    audit_answers_save(actor=auditor, case_audit=case, answers={first.pk: (G.GOOD, "Seen alone.")})
    audit_answers_save(
        actor=auditor,
        case_audit=case,
        answers={str(first.pk): (G.INADEQUATE, "Not seen alone after all."), second.pk: ("", "")},
    )
    saved = AuditAnswer.objects.get()
    assert (saved.question, saved.grade, saved.comment) == (first, G.INADEQUATE, "Not seen alone after all.")
    for answers, message in (
        ({stranger.pk: (G.GOOD, "")}, "not in this audit's tool"),
        ({second.pk: ("brilliant", "")}, "Question 2: choose a grade"),
        ({second.pk: ("", "A comment without a grade.")}, "Question 2: choose a grade"),
        ({}, "Grade at least one question"),
    ):
        with pytest.raises(ValidationError) as error:
            audit_answers_save(actor=auditor, case_audit=case, answers=answers)
        assert fields(error) == {"answers"}
        assert message in error.value.message_dict["answers"][0]


def test_submission_needs_every_answer_a_grade_a_summary_and_a_sane_date() -> None:
    auditor = f.learning_partner()
    case = f.case_audit(auditors=(auditor,))
    first = case.programme.tool.questions.first()
    assert first is not None
    audit_answers_save(actor=auditor, case_audit=case, answers={first.pk: (G.GOOD, "")})
    with pytest.raises(ValidationError) as error:
        audit_submit(actor=auditor, case_audit=case, grade="", summary=" ", submitted_on=date(2026, 11, 27))
    assert fields(error) == {"answers", "grade", "summary", "submitted_on"}
    assert error.value.message_dict["answers"] == [
        "2 questions are not answered yet: grade every question before submitting."
    ]
    answer_all(auditor, case)
    with pytest.raises(ValidationError) as error:
        audit_submit(
            actor=auditor, case_audit=case, grade=G.GOOD, summary="S", submitted_on=date(2026, 11, 1)
        )
    assert fields(error) == {"submitted_on"}  # before the programme started on 2 November
    submit(auditor, case)
    seat = CaseAuditor.objects.get(case_audit=case, user=auditor)
    assert (seat.grade, seat.summary, seat.submitted_on) == (G.GOOD, "Synthetic summary.", SUBMITTED)


def test_a_submitted_audit_cannot_change() -> None:
    manager = f.partnership_manager()
    case, (auditor,) = ready_case(manager, G.GOOD)
    question = case.programme.tool.questions.first()
    assert question is not None
    with pytest.raises(ValidationError) as error:
        audit_answers_save(actor=auditor, case_audit=case, answers={question.pk: (G.INADEQUATE, "")})
    assert fields(error) == {"__all__"}
    with pytest.raises(ValidationError) as error:
        submit(auditor, case, G.INADEQUATE)
    assert fields(error) == {"__all__"}
    assert set(AuditAnswer.objects.values_list("grade", flat=True)) == {G.GOOD}


# --- moderation, findings, completion ---------------------------------------------------------


def test_moderation_needs_a_ready_case_and_a_note_when_it_departs_from_an_auditor() -> None:
    manager = f.partnership_manager()
    waiting = f.case_audit(new_programme(manager), auditors=(f.learning_partner(),))
    with pytest.raises(ValidationError) as error:
        audit_moderate(
            actor=manager,
            case_audit=waiting,
            expected_version=waiting.version,
            grade=G.GOOD,
            note="",
            moderated_on=f.TODAY,
        )
    assert fields(error) == {"__all__"}
    case, _ = ready_case(manager, G.GOOD, G.INADEQUATE)
    with pytest.raises(ValidationError) as error:
        audit_moderate(
            actor=manager,
            case_audit=case,
            expected_version=case.version,
            grade=G.GOOD,
            note=" ",
            moderated_on=date(2026, 11, 27),
        )
    assert fields(error) == {"note", "moderated_on"}
    assert "Inadequate" in error.value.message_dict["note"][0]
    with pytest.raises(ValidationError) as error:
        audit_moderate(
            actor=manager,
            case_audit=case,
            expected_version=case.version,
            grade="",
            note="",
            moderated_on=f.TODAY,
        )
    assert fields(error) == {"grade"}


def test_a_moderator_agreeing_with_every_auditor_needs_no_note_and_auditors_cannot_moderate() -> None:
    manager = f.partnership_manager()
    case, (police_lead, _) = ready_case(manager, G.GOOD, G.GOOD)
    with pytest.raises(NotFoundOrForbidden):
        audit_moderate(
            actor=police_lead,
            case_audit=case,
            expected_version=case.version,
            grade=G.GOOD,
            note="",
            moderated_on=f.TODAY,
        )
    audit_moderate(
        actor=manager,
        case_audit=case,
        expected_version=case.version,
        grade=G.GOOD,
        note="",
        moderated_on=f.TODAY,
    )
    assert CaseAudit.objects.get().status == CaseAuditStatus.MODERATED


def test_moderating_a_case_someone_else_changed_is_a_conflict() -> None:
    """R49: a moderator working from a stale copy of the case does not overwrite the other's grade."""
    manager, colleague = f.partnership_manager(), f.partnership_manager()
    case, _ = ready_case(manager, G.GOOD)
    stale = CaseAudit.objects.get(pk=case.pk)
    audit_moderate(
        actor=colleague,
        case_audit=case,
        expected_version=case.version,
        grade=G.GOOD,
        note="",
        moderated_on=f.TODAY,
    )
    with pytest.raises(ConflictError):
        audit_moderate(
            actor=manager,
            case_audit=stale,
            expected_version=stale.version,
            grade=G.INADEQUATE,
            note="Synthetic: the panel disagreed.",
            moderated_on=f.TODAY,
        )
    case.refresh_from_db()
    assert (case.moderated_grade, case.moderated_by) == (G.GOOD, colleague)


def test_findings_come_from_the_case_auditors_or_a_manager_with_text_and_current_themes() -> None:
    manager = f.partnership_manager()
    auditor = f.learning_partner()
    case = f.case_audit(new_programme(manager), auditors=(auditor,))
    with pytest.raises(NotFoundOrForbidden):
        audit_finding_add(actor=f.learning_partner(f.health()), case_audit=case, text="Synthetic finding.")
    retired = f.theme("Retired theme")
    retired.active = False
    retired.save()
    with pytest.raises(ValidationError) as error:
        audit_finding_add(actor=auditor, case_audit=case, text="  ", themes=[retired])
    assert fields(error) == {"text", "themes"}
    audit_finding_add(actor=auditor, case_audit=case, text="Synthetic: the child's views were missing.")
    audit_finding_add(actor=manager, case_audit=case, text="Synthetic: no chronology.", themes=[f.theme()])
    assert case.findings.count() == 2


def test_a_programme_completes_only_when_every_case_is_moderated() -> None:
    manager = f.partnership_manager()
    empty = new_programme(manager)
    with pytest.raises(ValidationError) as error:
        programme_complete(actor=manager, programme=empty, expected_version=empty.version)
    assert fields(error) == {"cases"}
    case, _ = ready_case(manager, G.GOOD)
    programme = case.programme
    f.case_audit(programme)
    f.case_audit(programme)
    programme.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        programme_complete(actor=manager, programme=programme, expected_version=programme.version)
    assert error.value.message_dict["cases"] == [
        "3 cases are not moderated yet: moderate every case before completing the programme."
    ]
    with pytest.raises(NotFoundOrForbidden):
        programme_complete(
            actor=f.learning_partner(), programme=programme, expected_version=programme.version
        )


def test_completing_a_programme_from_a_stale_copy_is_a_conflict_and_completion_is_final() -> None:
    """R49."""
    manager = f.partnership_manager()
    case, _ = ready_case(manager, G.GOOD)
    audit_moderate(
        actor=manager,
        case_audit=case,
        expected_version=case.version,
        grade=G.GOOD,
        note="",
        moderated_on=f.TODAY,
    )
    programme = AuditProgramme.objects.get()
    with pytest.raises(ConflictError):
        programme_complete(actor=manager, programme=programme, expected_version=programme.version - 1)
    programme_complete(actor=manager, programme=programme, expected_version=programme.version)
    with pytest.raises(ValidationError) as error:
        programme_complete(actor=manager, programme=programme, expected_version=programme.version)
    assert fields(error) == {"__all__"}
    with pytest.raises(ValidationError) as error:
        audit_finding_add(actor=manager, case_audit=case, text="Synthetic: too late.")
    assert fields(error) == {"__all__"}
