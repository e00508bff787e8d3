"""Multi-agency case audits: tools, programmes, auditors, answers, moderation and findings
(issue 10, item 5; ADR 0008 §8).

The round: the partnership builds a tool (graded questions) and opens a programme on it, and
cases are added by name or sampled (those set-up services live in audit_sampling.py and are
re-exported here, so callers import every audit service from this module); each case gets auditors from several agencies,
who each answer every question and submit an overall grade. When the last auditor submits, the
case is READY; a manager moderates it and records the agreed grade. When every case is READY or
MODERATED, the programme moves to MODERATION by itself (`_programme_sync`, called from
`audit_submit`, the only service that makes a case READY); once every case is moderated, a manager
completes it.

Every service writes its audit event in its own transaction, naming the case audit where there
is one. Opening a case reads the child's record: those reads are audited by the learning
selectors (R27); the events here record the writes.
"""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import transaction

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.policies import person_open
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden
from safehub.platform.locking import save_versioned

from ..constants import AuditGrade, CaseAuditStatus, ProgrammeStatus
from ..models import AuditAnswer, AuditFinding, AuditProgramme, AuditQuestion, CaseAudit, CaseAuditor, Theme
from ..policies import case_audit_policy, programme_policy
from .audit_sampling import (
    SAMPLE_MAX,
    Errors,
    add,
    audit_tool_create,
    case_audit_add,
    cases_sample,
    check_themes,
    d,
    lock_programme,
    programme_create,
    raise_if,
)

__all__ = [
    "SAMPLE_MAX",
    "audit_answers_save",
    "audit_finding_add",
    "audit_moderate",
    "audit_submit",
    "audit_tool_create",
    "auditor_assign",
    "case_audit_add",
    "cases_sample",
    "programme_complete",
    "programme_create",
]


def _grade_label(grade: str) -> str:
    return AuditGrade(grade).label if grade in AuditGrade.values else grade


def _check_day(errors: Errors, field: str, day: date | None, *, label: str, not_before: date) -> None:
    """A date something was done in the programme: given, not in the future, not before
    `not_before` (the programme's start, or the last submission)."""
    if day is None:
        add(errors, field, f"Enter the {label}.")
    elif day > clock.today():
        add(errors, field, f"The {label} cannot be in the future.")
    elif day < not_before:
        add(errors, field, f"The {label} cannot be before {d(not_before)}.")


def _lock_case(case_audit: CaseAudit) -> CaseAudit:
    """Hold the case row, so the last two auditors submitting (or a manager adding an auditor
    while one submits) are serialised and the case becomes READY exactly once."""
    return CaseAudit.objects.select_related("programme").select_for_update(of=("self",)).get(pk=case_audit.pk)


def _check_programme_open(errors: Errors, programme: AuditProgramme) -> None:
    if programme.status == ProgrammeStatus.COMPLETE:
        add(errors, "__all__", f"“{programme.title}” is complete: its cases can no longer change.")


def _programme_sync(*, actor: Any, programme: AuditProgramme) -> AuditProgramme:
    """Move an auditing programme to MODERATION once every case is READY or MODERATED.

    Holds the programme row, so a case added at the same moment either comes first (and keeps the
    programme auditing) or is refused because the programme has moved on."""
    programme = lock_programme(programme)
    cases = CaseAudit.objects.filter(programme=programme)
    done = (CaseAuditStatus.READY, CaseAuditStatus.MODERATED)
    if programme.status != ProgrammeStatus.AUDITING or not cases.exists():
        return programme
    if cases.exclude(status__in=done).exists():
        return programme
    programme.status = ProgrammeStatus.MODERATION
    save_versioned(programme, expected_version=programme.version, actor=actor)
    record_event(
        actor=actor, verb=Verb.UPDATE, target=programme, section="status", reason=ProgrammeStatus.MODERATION
    )
    return programme


def programme_complete(*, actor: Any, programme: AuditProgramme, expected_version: int) -> AuditProgramme:
    """Close the programme once every case has been moderated."""
    programme_policy.check(actor, "manage", programme)
    errors: Errors = {}
    with transaction.atomic():
        current = lock_programme(programme)
        # On a stale version, skip the checks: save_versioned reports the other user's change (R49).
        if current.version == expected_version:
            if current.status == ProgrammeStatus.COMPLETE:
                add(errors, "__all__", f"“{current.title}” is already complete.")
            cases = CaseAudit.objects.filter(programme=current)
            waiting = cases.exclude(status=CaseAuditStatus.MODERATED).count()
            if not cases.exists():
                add(errors, "cases", "Add and audit at least one case before completing the programme.")
            elif waiting:
                add(
                    errors,
                    "cases",
                    f"{waiting} case{'s are' if waiting != 1 else ' is'} not moderated yet: "
                    "moderate every case before completing the programme.",
                )
            raise_if(errors)
        programme.status = ProgrammeStatus.COMPLETE
        save_versioned(programme, expected_version=expected_version, actor=actor)
        record_event(
            actor=actor, verb=Verb.UPDATE, target=programme, section="status", reason=ProgrammeStatus.COMPLETE
        )
    return programme


# --- auditors and their answers ---------------------------------------------------------------


def auditor_assign(*, actor: Any, case_audit: CaseAudit, user: Any) -> CaseAuditor:
    """Give the case to an auditor, on behalf of their agency. Auditors are added while the case
    is being audited: once it is ready for moderation the set of grades is fixed."""
    programme_policy.check(actor, "manage", case_audit.programme)
    case_audit_policy.check(actor, "view", case_audit)
    errors: Errors = {}
    if user is None:
        add(errors, "user", "Choose the auditor.")
    elif not user.has_capability(Capability.CONTRIBUTE_LEARNING):
        add(errors, "user", f"{user.full_name} cannot audit cases: their role does not include audit work.")
    elif user.agency_id is None:
        add(errors, "user", f"{user.full_name} has no agency: an auditor audits for their agency.")
    elif not person_open(user, case_audit.child_id):
        # They could never open the case (R19): refuse rather than give them work they cannot see.
        add(
            errors,
            "user",
            f"{user.full_name} cannot be given this case: they may not open the child's record.",
        )
    raise_if(errors)
    with transaction.atomic():
        case = _lock_case(case_audit)
        _check_programme_open(errors, case.programme)
        if case.status != CaseAuditStatus.IN_PROGRESS and not errors:
            add(
                errors,
                "__all__",
                f"This case is {case.get_status_display().lower()}: no more auditors can join.",
            )
        if CaseAuditor.objects.filter(case_audit=case, user=user).exists():
            add(errors, "user", f"{user.full_name} is already auditing this case.")
        raise_if(errors)
        auditor = CaseAuditor(case_audit=case, user=user, agency_id=user.agency_id)
        auditor.full_clean()
        auditor.save()
        record_event(actor=actor, verb=Verb.UPDATE, target=case, section="auditor_assigned")
    return auditor


def _own_auditor(actor: Any, case: CaseAudit) -> CaseAuditor:
    """The actor's place on the case, held for the rest of the transaction. The policy check has
    already established that there is one; a row removed meanwhile answers like a missing case."""
    auditor = CaseAuditor.objects.select_for_update().filter(case_audit=case, user_id=actor.pk).first()
    if auditor is None:
        raise NotFoundOrForbidden()
    return auditor


def _check_not_submitted(errors: Errors, auditor: CaseAuditor) -> None:
    if auditor.submitted_on is not None:
        add(
            errors,
            "__all__",
            f"You submitted your audit of this case on {d(auditor.submitted_on)}: it can no longer change.",
        )


AnswerSpec = tuple[str, str] | str


def audit_answers_save(
    *, actor: Any, case_audit: CaseAudit, answers: Mapping[Any, AnswerSpec]
) -> CaseAuditor:
    """Save the actor's answers to some or all of the tool's questions, keyed by question id, each
    (grade, comment). An answer given again replaces the earlier one, so an auditor can work
    through the tool over several sittings; an entry with neither grade nor comment is left
    unanswered. Only the case's own auditors answer (R18), and only until they submit."""
    case_audit_policy.check(actor, "record", case_audit)
    errors: Errors = {}
    with transaction.atomic():
        case = _lock_case(case_audit)
        auditor = _own_auditor(actor, case)
        _check_not_submitted(errors, auditor)
        raise_if(errors)
        questions = {str(q.pk): q for q in AuditQuestion.objects.filter(tool_id=case.programme.tool_id)}
        given: list[tuple[AuditQuestion, str, str]] = []
        for key, spec in answers.items():
            question = questions.get(str(getattr(key, "pk", key)))
            grade, comment = (spec, "") if isinstance(spec, str) else spec
            grade, comment = (grade or "").strip(), (comment or "").strip()
            if question is None:
                add(errors, "answers", "An answer was given to a question that is not in this audit's tool.")
            elif grade in AuditGrade.values:
                given.append((question, grade, comment))
            elif grade or comment:
                add(
                    errors,
                    "answers",
                    f"Question {question.number}: choose a grade from outstanding to inadequate.",
                )
        if not given and not errors:
            add(errors, "answers", "Grade at least one question before saving.")
        raise_if(errors)
        existing = {a.question_id: a for a in AuditAnswer.objects.filter(auditor=auditor)}
        for question, grade, comment in given:
            answer = existing.get(question.pk) or AuditAnswer(auditor=auditor, question=question)
            answer.grade, answer.comment = grade, comment
            answer.full_clean()
            answer.save()
        record_event(actor=actor, verb=Verb.UPDATE, target=case, section="audit_answers")
    return auditor


def audit_submit(
    *, actor: Any, case_audit: CaseAudit, grade: str, summary: str, submitted_on: date
) -> CaseAuditor:
    """Submit the actor's audit of the case with their overall grade. Every question must be
    answered. The last auditor to submit makes the case READY for moderation, and may move the
    programme to MODERATION (see `_programme_sync`)."""
    case_audit_policy.check(actor, "record", case_audit)
    errors: Errors = {}
    if grade not in AuditGrade.values:
        add(errors, "grade", "Choose your overall grade for the case.")
    if not (summary or "").strip():
        add(errors, "summary", "Summarise the reasons for your grade.")
    with transaction.atomic():
        case = _lock_case(case_audit)
        programme = case.programme
        _check_day(
            errors, "submitted_on", submitted_on, label="date of submission", not_before=programme.starts_on
        )
        auditor = _own_auditor(actor, case)
        _check_not_submitted(errors, auditor)
        missing = (
            AuditQuestion.objects.filter(tool_id=programme.tool_id)
            .exclude(pk__in=AuditAnswer.objects.filter(auditor=auditor).values("question_id"))
            .count()
        )
        if missing:
            add(
                errors,
                "answers",
                f"{missing} question{'s are' if missing != 1 else ' is'} not answered yet: "
                "grade every question before submitting.",
            )
        raise_if(errors)
        auditor.grade, auditor.summary, auditor.submitted_on = grade, summary.strip(), submitted_on
        auditor.full_clean()
        auditor.save()
        record_event(actor=actor, verb=Verb.UPDATE, target=case, section="audit_submitted", reason=grade)
        if not CaseAuditor.objects.filter(case_audit=case, submitted_on__isnull=True).exists():
            case.status = CaseAuditStatus.READY
            save_versioned(case, expected_version=case.version, actor=actor)
            record_event(actor=actor, verb=Verb.UPDATE, target=case, section="status", reason=case.status)
            _programme_sync(actor=actor, programme=programme)
    # The caller's copy of the case now shows its new status and version.
    case_audit.refresh_from_db()
    return auditor


# --- moderation and findings ------------------------------------------------------------------


def audit_moderate(
    *, actor: Any, case_audit: CaseAudit, expected_version: int, grade: str, note: str, moderated_on: date
) -> CaseAudit:
    """Record the agreed grade for a case every auditor has submitted. When the agreed grade
    differs from any auditor's, the note must explain the disagreement."""
    case_audit_policy.check(actor, "moderate", case_audit)
    errors: Errors = {}
    note = (note or "").strip()
    if grade not in AuditGrade.values:
        add(errors, "grade", "Choose the moderated grade for the case.")
    with transaction.atomic():
        current = _lock_case(case_audit)
        # On a stale version, skip the checks: save_versioned reports the other user's change (R49).
        if current.version == expected_version:
            _check_programme_open(errors, current.programme)
            if current.status != CaseAuditStatus.READY and not errors:
                add(
                    errors,
                    "__all__",
                    f"This case is {current.get_status_display().lower()}: "
                    "only a case every auditor has submitted can be moderated.",
                )
            submitted = list(current.auditors.filter(submitted_on__isnull=False))
            last = max(
                (a.submitted_on for a in submitted if a.submitted_on), default=current.programme.starts_on
            )
            _check_day(errors, "moderated_on", moderated_on, label="date of moderation", not_before=last)
            differing = sorted({_grade_label(a.grade) for a in submitted if a.grade != grade})
            if grade in AuditGrade.values and differing and not note:
                add(
                    errors,
                    "note",
                    f"Auditors graded this case {', '.join(differing)}: explain why the moderated grade differs.",
                )
            raise_if(errors)
        case_audit.status = CaseAuditStatus.MODERATED
        case_audit.moderated_grade = grade
        case_audit.moderation_note = note
        case_audit.moderated_by = actor
        case_audit.moderated_on = moderated_on
        save_versioned(case_audit, expected_version=expected_version, actor=actor)
        record_event(actor=actor, verb=Verb.UPDATE, target=case_audit, section="moderation", reason=grade)
    return case_audit


def audit_finding_add(
    *, actor: Any, case_audit: CaseAudit, text: str, themes: Iterable[Theme] = ()
) -> AuditFinding:
    """Record what the audit found, tagged with themes, by one of the case's auditors or a manager.
    Follow-up actions hang off the finding (actions.py)."""
    if not (
        case_audit_policy.can(actor, "record", case_audit)
        or case_audit_policy.can(actor, "moderate", case_audit)
    ):
        raise NotFoundOrForbidden()
    errors: Errors = {}
    text = (text or "").strip()
    if not text:
        add(errors, "text", "Write what the audit found.")
    chosen = check_themes(errors, themes)
    _check_programme_open(errors, case_audit.programme)
    raise_if(errors)
    with transaction.atomic():
        finding = AuditFinding(case_audit=case_audit, text=text, recorded_by=actor)
        finding.full_clean()
        finding.save()
        finding.themes.set(chosen)
        record_event(actor=actor, verb=Verb.CREATE, target=case_audit, section="audit_finding")
    return finding
