"""The demo city's multi-agency case audit (issue 10): a round on neglect, built through the audit
services. Auditors from the council, the police and the health trust each grade every case on a
six-question tool; cases are moderated, one is ready for moderation and the rest are still being
audited, and a finding has a follow-up action. The cases are children with open social care work
(those on a child protection plan first), chosen by the office in `learning.py`."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from safehub.learning.constants import AuditGrade, Rag
from safehub.learning.models import AuditQuestion, CaseAudit
from safehub.learning.services.audits import (
    audit_answers_save,
    audit_finding_add,
    audit_moderate,
    audit_submit,
    audit_tool_create,
    auditor_assign,
    case_audit_add,
    programme_create,
)

if TYPE_CHECKING:  # the office imports this story
    from datetime import date

    from safehub.accounts.models import User

    from .learning import LearningOffice

NEGLECT_TOOL = "Neglect: multi-agency case audit tool"
AUDIT_CASES = 5
QUESTIONS = [
    (
        "Was neglect recognised early, from the build-up of concerns rather than one incident?",
        "Read the chronology: when did the pattern first show, and when was it named as neglect?",
    ),
    ("Was the child seen, seen alone, and their daily life recorded in their own words?", ""),
    (
        "Were all the adults in the household known, assessed and part of the plan?",
        "Include partners, visitors and adults who have moved in or out.",
    ),
    ("Did agencies share what they knew in time, and was it used?", ""),
    ("Did the plan have clear outcomes, and did it change the child's daily life?", ""),
    ("Did supervision and management oversight notice and challenge drift?", ""),
]
# Each case's stage, in the order the cases are taken, so a small city still shows every stage.
STAGES = ("moderated", "ready", "in_progress", "moderated", "in_progress")
# Each case's grade (the council's auditor's; the others differ by a step on some cases).
GRADES = (
    AuditGrade.REQUIRES_IMPROVEMENT,
    AuditGrade.GOOD,
    AuditGrade.REQUIRES_IMPROVEMENT,
    AuditGrade.INADEQUATE,
    AuditGrade.GOOD,
)
ORDER = list(AuditGrade.values)  # best first
COMMENTS = (
    "Concerns were logged one by one for a year before the neglect toolkit was used.",
    "Seen alone at most visits; the record says what the child eats and where they sleep.",
    "The mother's partner is named but was never seen or assessed.",
    "The school's attendance concerns reached the conference late.",
    "Outcomes are clear; home conditions have improved and are sustained.",
    "Supervision notes repeat the plan without testing whether it is working.",
)
VOICE = "The child's voice and lived experience"


def _grade(base: str, step: int) -> str:
    """`base` moved `step` grades worse (or better, if negative), within the scale."""
    return ORDER[max(0, min(len(ORDER) - 1, ORDER.index(base) + step))]


def _answer(user: User, case: CaseAudit, questions: list[AuditQuestion], base: str) -> None:
    # The hidden adults question is graded a step worse than the rest, as it usually is.
    answers = {q.pk: (_grade(base, 1 if q.number == 3 else 0), COMMENTS[q.number - 1]) for q in questions}
    audit_answers_save(actor=user, case_audit=case, answers=answers)


def _submit(user: User, case: CaseAudit, questions: list[AuditQuestion], base: str, on: date) -> None:
    _answer(user, case, questions, base)
    audit_submit(
        actor=user,
        case_audit=case,
        grade=base,
        summary="Graded against the tool; see the answers for the evidence from our agency's records.",
        submitted_on=on,
    )


def neglect_audit(office: LearningOffice) -> None:
    """A round of multi-agency audit on neglect, with a council, a police and a health auditor."""
    children = office.audit_children
    if not children:
        office.summary.skipped.append("neglect audit")
        return
    manager = office.manager
    tool = audit_tool_create(actor=manager, name=NEGLECT_TOOL, questions=QUESTIONS)
    questions = list(tool.questions.order_by("number"))
    starts = office.wd(30)
    programme = programme_create(
        actor=manager,
        title=f"Neglect: multi-agency case audit ({starts:%B %Y})",
        tool=tool,
        starts_on=starts,
        due_on=office.wd(-10),
        focus="Children on a plan because of neglect: was it recognised early, were all the adults "
        "known, and did the plan change the child's daily life?",
        themes=office.theme("Neglect recognition", VOICE, "Hidden and unseen adults"),
    )
    # Every case and auditor first: a case becoming ready must not move the round to moderation.
    cases = [case_audit_add(actor=manager, programme=programme, child=child) for child in children]
    office.summary.case_audits += len(cases)
    auditors = [office.team_manager, office.police_lead, office.nurse]
    for case in cases:
        for user in auditors:
            auditor_assign(actor=manager, case_audit=case, user=user)
    for n, (case, stage, base) in enumerate(zip(cases, STAGES, GRADES, strict=False)):
        if stage == "in_progress":
            # The council has submitted, the police are part-way through, health has not started.
            _submit(office.team_manager, case, questions, base, office.wd(9 - n))
            _answer(office.police_lead, case, questions[:3], base)
            continue
        for k, user in enumerate(auditors):
            # The police auditor grades the first case a step better: the moderator explains why not.
            grade = _grade(base, -1) if (n, k) == (0, 1) else base
            _submit(user, case, questions, grade, office.wd(22 - 2 * n - k))
        if stage == "moderated":
            case.refresh_from_db()
            audit_moderate(
                actor=manager,
                case_audit=case,
                expected_version=case.version,
                grade=base,
                note="Agreed at moderation: the hidden adults question outweighs the good work on attendance.",
                moderated_on=office.wd(14 - 2 * n),
            )
    finding = audit_finding_add(
        actor=manager,
        case_audit=cases[0],
        text="The mother's partner lived in the home but was recorded as 'not involved'; no agency had "
        "seen him. Neglect was named only after the third referral from school.",
        themes=office.theme("Hidden and unseen adults", "Neglect recognition"),
    )
    follow_up = office.action(
        finding,
        "Health visitors and school nurses check who lives in the home at every neglect plan review.",
        office.health,
        office.today + timedelta(days=42),
        owner=office.nurse,
    )
    office.progress(follow_up, office.nurse, [(office.wd(3), Rag.GREEN, "Briefing drafted for the teams.")])
    if len(cases) > 1:
        audit_finding_add(
            actor=office.nurse,
            case_audit=cases[1],
            text="The child's own words were recorded at every visit, and the plan changed mornings and bedtimes.",
            themes=office.theme(VOICE),
        )
