"""One case audit: the child's record in summary, the tool's questions and my answers, submitting
my grade, the other auditors' grades, findings and their follow-up actions, and moderation
(issue 10, item 5; ADR 0008 §8).

The page and every form on it read the case through the case audit policy: an auditor not given
the case gets the 404 of a case that does not exist (R19). Every showing of the page is a read of
the child's record and is audited as one (R27). Each form posts to its own address and, when the
service refuses it, the page is shown again with that form's errors at their fields.
"""

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from safehub.accounts.constants import Capability
from safehub.platform import clock
from safehub.platform.errors import ConflictError
from safehub.platform.forms import add_service_errors, show_conflict
from safehub.platform.web.permissions import capability_required

from ..constants import CaseAuditStatus, ProgrammeStatus
from ..models import CaseAudit
from ..policies import case_audit_policy
from ..selectors.audits import case_audit_get, case_audit_page, case_audit_viewed, current_themes
from ..services.audits import audit_answers_save, audit_finding_add, audit_moderate, audit_submit
from .audit_forms import AnswersForm, FindingForm, ModerateForm, SubmitForm
from .audit_presenters import conflict_message, grade_tag

# Anyone who may be on a case: an auditor (`contribute_learning`) or a manager (`manage_learning`).
CASE_ROLES = (Capability.CONTRIBUTE_LEARNING, Capability.MANAGE_LEARNING)
SECTION = "case_audit"


def _answers_form(page: Any, data: Any = None) -> AnswersForm:
    return AnswersForm(data, prefix="answers", questions=page.questions, saved=page.answers)


def _form(bound: dict[str, Any], name: str, blank: Callable[[], Any], allowed: bool) -> Any:
    """The form posted (with its errors), else a blank one, when the actor may use it now."""
    if not allowed:
        return None
    return bound.get(name) or blank()


def _page(request: HttpRequest, case: CaseAudit, **bound: Any) -> HttpResponse:
    """The case page, with any form the user just posted (and its errors) in place of a blank one."""
    actor: Any = request.user
    page = case_audit_page(actor=actor, case=case)
    is_open = case.programme.status != ProgrammeStatus.COMPLETE
    mine = page.mine
    may_record = is_open and mine is not None and mine.submitted_on is None
    may_moderate = (
        is_open and case.status == CaseAuditStatus.READY and case_audit_policy.can(actor, "moderate", case)
    )
    may_find = is_open and (
        case_audit_policy.can(actor, "record", case) or case_audit_policy.can(actor, "moderate", case)
    )
    # An auditor grades independently: the others' grades are shown once their own is in.
    show_others = actor.has_capability(Capability.MANAGE_LEARNING) or bool(mine and mine.submitted_on)
    context = {
        "case": case,
        "programme": case.programme,
        "page": page,
        "status": case.get_status_display(),
        "moderated": grade_tag(case.moderated_grade),
        "my_grade": grade_tag(mine.grade) if mine else None,
        "my_answers": [
            (q, grade_tag(page.answers.get(q.pk, ("", ""))[0]), page.answers.get(q.pk, ("", ""))[1])
            for q in page.questions
        ],
        "others": [{"auditor": a, "grade": grade_tag(a.grade)} for a in page.others if a.submitted_on]
        if show_others
        else [],
        "others_waiting": [a for a in page.others if not a.submitted_on],
        "answers": _form(bound, "answers", lambda: _answers_form(page), may_record),
        "submit": _form(bound, "submit", lambda: SubmitForm(prefix="submit"), may_record),
        "finding": _form(
            bound, "finding", lambda: FindingForm(prefix="finding", themes=current_themes()), may_find
        ),
        "moderate": _form(
            bound,
            "moderate",
            lambda: ModerateForm(prefix="moderate", initial={"version": case.version}),
            may_moderate,
        ),
        "can_add_action": actor.has_capability(Capability.MANAGE_LEARNING),
        # The error summary at the top of the page speaks for the forms that were posted.
        "form": next(iter(bound.values()), None),
        "summary_forms": [form for form in bound.values() if form.errors],
    }
    case_audit_viewed(actor=actor, case=case, section=SECTION)
    return render(request, "learning/audits/case_audit.html", context)


@capability_required(CASE_ROLES)
@require_GET
def case_audit(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    return _page(request, case_audit_get(actor=actor, id=id))


@capability_required(Capability.CONTRIBUTE_LEARNING)
@require_POST
def answers_save(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    case = case_audit_get(actor=actor, id=id, action="record")
    page = case_audit_page(actor=actor, case=case)
    form = _answers_form(page, request.POST)
    if form.is_valid():
        try:
            audit_answers_save(actor=actor, case_audit=case, answers=form.answers())
        except ValidationError as error:
            add_answer_errors(form, error)
        else:
            messages.success(request, "Your answers are saved.")
            return redirect("learning_audits:case_audit", id=case.pk)
    return _page(request, case, answers=form)


def add_answer_errors(form: AnswersForm, error: ValidationError) -> None:
    """The service names the question in its message ("Question 2: …"): put it at that question's
    grade; anything else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, texts in error.message_dict.items():
        for text in texts:
            number = text.removeprefix("Question ").split(":", 1)[0] if text.startswith("Question ") else ""
            target = f"grade_{number}" if f"grade_{number}" in form.fields else None
            form.add_error(target if name == "answers" else None, text)


@capability_required(Capability.CONTRIBUTE_LEARNING)
@require_POST
def submit(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    case = case_audit_get(actor=actor, id=id, action="record")
    form = SubmitForm(request.POST, prefix="submit")
    if form.is_valid():
        data = form.cleaned_data
        try:
            audit_submit(
                actor=actor,
                case_audit=case,
                grade=data["grade"],
                summary=data["summary"],
                submitted_on=clock.today(),
            )
        except ValidationError as error:
            missing = getattr(error, "error_dict", {}).pop("answers", None)
            add_service_errors(form, error)
            if missing is None:
                return _page(request, case, submit=form)
            # The error summary speaks for the answers: the count, then a link to each question
            # still to grade (GOV.UK error summary: every entry leads to its field).
            return _page(request, case, answers=_unanswered(actor, case, missing), submit=form)
        messages.success(request, "Your audit of this case is submitted.")
        return redirect("learning_audits:case_audit", id=case.pk)
    return _page(request, case, submit=form)


def _unanswered(actor: Any, case: CaseAudit, missing: list[ValidationError]) -> AnswersForm:
    """The answers form as saved, with the service's count and each question still to grade
    marked at its grade."""
    page = case_audit_page(actor=actor, case=case)
    saved: dict[str, str] = {}
    for question in page.questions:
        grade, comment = page.answers.get(question.pk, ("", ""))
        saved[f"answers-grade_{question.number}"] = grade
        saved[f"answers-comment_{question.number}"] = comment
    form = _answers_form(page, saved)
    form.is_valid()
    for problem in missing:
        form.add_error(None, problem)
    for question in page.questions:
        if question.pk not in page.answers:
            form.add_error(f"grade_{question.number}", f"Grade question {question.number} before you submit.")
    return form


@capability_required(CASE_ROLES)
@require_POST
def finding_add(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    case = case_audit_get(actor=actor, id=id)
    form = FindingForm(request.POST, prefix="finding", themes=current_themes())
    if form.is_valid():
        data = form.cleaned_data
        try:
            audit_finding_add(actor=actor, case_audit=case, text=data["text"], themes=data["themes"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Finding added.")
            return redirect("learning_audits:case_audit", id=case.pk)
    return _page(request, case, finding=form)


@capability_required(Capability.MANAGE_LEARNING)
@require_POST
def moderate(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    case = case_audit_get(actor=actor, id=id, action="moderate")
    form = ModerateForm(request.POST, prefix="moderate")
    if form.is_valid():
        data = form.cleaned_data
        try:
            audit_moderate(
                actor=actor,
                case_audit=case,
                expected_version=data["version"],
                grade=data["grade"],
                note=data["note"],
                moderated_on=clock.today(),
            )
        except ConflictError as error:
            show_conflict(form, error, conflict_message(error, "This case"))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The moderated grade is recorded.")
            return redirect("learning_audits:case_audit", id=case.pk)
    return _page(request, case, moderate=form)
