"""Audit programmes: the list, a new tool, a new programme, the programme page with its cases,
sampling cases, giving a case to an auditor and completing the programme (issue 10, item 5).

A programme is the partnership's (`view_learning`); changing it is its managers'
(`manage_learning`). A case is read through the case audit policy, so a manager restricted from
a child gets the 404 of a case that does not exist (R19).
"""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safehub.accounts.constants import Capability
from safehub.platform.errors import ConflictError
from safehub.platform.forms import add_service_errors, show_conflict
from safehub.platform.web.permissions import capability_required

from ..constants import CaseAuditStatus, ProgrammeStatus
from ..selectors.audits import (
    audit_tools,
    auditor_candidates,
    audits_mine,
    case_audit_get,
    current_themes,
    programme_get,
    programme_list,
    programme_page,
)
from ..services.audits import (
    audit_tool_create,
    auditor_assign,
    cases_sample,
    programme_complete,
    programme_create,
)
from .audit_forms import AuditorForm, CompleteForm, ProgrammeForm, SampleForm, ToolForm
from .audit_presenters import conflict_message, grade_tag, programme_tag


@capability_required(Capability.VIEW_LEARNING)
@require_GET
def programme_list_view(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    rows = [{"programme": p, "status": programme_tag(p.status)} for p in programme_list(actor=actor)]
    context = {"rows": rows, "can_manage": actor.has_capability(Capability.MANAGE_LEARNING)}
    return render(request, "learning/audits/programme_list.html", context)


@capability_required(Capability.MANAGE_LEARNING)
@require_http_methods(["GET", "POST"])
def tool_new(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    form = ToolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tool = audit_tool_create(actor=actor, name=data["name"], questions=data["questions"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The audit tool “{tool.name}” is ready to use.")
            return redirect("learning_audits:programme_new")
    return render(request, "learning/audits/tool_new.html", {"form": form})


@capability_required(Capability.MANAGE_LEARNING)
@require_http_methods(["GET", "POST"])
def programme_new(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    form = ProgrammeForm(request.POST or None, tools=audit_tools(), themes=current_themes())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = programme_create(
                actor=actor,
                title=data["title"],
                tool=data["tool"],
                starts_on=data["starts_on"],
                due_on=data["due_on"],
                focus=data["focus"],
                themes=data["themes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{programme.title}” is open: sample its cases next.")
            return redirect("learning_audits:programme", id=programme.pk)
    return render(request, "learning/audits/programme_new.html", {"form": form})


def _programme_page(request: HttpRequest, id: uuid.UUID, *, sample: SampleForm | None = None) -> HttpResponse:
    actor: Any = request.user
    page = programme_page(actor=actor, id=id)
    programme = page.programme
    can_manage = actor.has_capability(Capability.MANAGE_LEARNING)
    is_open = programme.status != ProgrammeStatus.COMPLETE
    rows = [
        {
            "row": row,
            "status": row.case.get_status_display(),
            "grade": grade_tag(row.case.moderated_grade),
            # A manager opens only the cases whose child they may see (the name says so).
            "can_open": bool(row.child_name),
            "can_assign": can_manage
            and is_open
            and bool(row.child_name)
            and row.case.status == CaseAuditStatus.IN_PROGRESS,
        }
        for row in page.cases
    ]
    context = {
        "page": page,
        "programme": programme,
        "status": programme_tag(programme.status),
        "rows": rows,
        "can_manage": can_manage,
        "sample": (sample or SampleForm())
        if can_manage and programme.status == ProgrammeStatus.AUDITING
        else None,
        "can_complete": can_manage and programme.status == ProgrammeStatus.MODERATION,
    }
    return render(request, "learning/audits/programme.html", context)


@capability_required(Capability.VIEW_LEARNING)
@require_GET
def programme(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    return _programme_page(request, id)


@capability_required(Capability.MANAGE_LEARNING)
@require_POST
def sample(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = programme_get(actor=actor, id=id, action="manage")
    form = SampleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            added = cases_sample(actor=actor, programme=found, service=data["service"], count=data["count"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            asked = data["count"]
            told = f"{len(added)} case{'s' if len(added) != 1 else ''} added to the programme."
            if len(added) < asked:
                told += f" Only {len(added)} of the {asked} asked for had open casework to sample."
            messages.success(request, told)
            return redirect("learning_audits:programme", id=found.pk)
    return _programme_page(request, id, sample=form)


@capability_required(Capability.MANAGE_LEARNING)
@require_http_methods(["GET", "POST"])
def auditor_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    """Give a case to an auditor from any agency whose staff audit (`contribute_learning`)."""
    actor: Any = request.user
    case = case_audit_get(actor=actor, id=id, section="auditor_assign")
    form = AuditorForm(request.POST or None, candidates=auditor_candidates())
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data["user"]
        try:
            auditor_assign(actor=actor, case_audit=case, user=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{user} ({user.agency.name}) is auditing case {case.case_number}.")  # type: ignore[attr-defined]
            return redirect("learning_audits:programme", id=case.programme_id)
    auditors = list(case.auditors.all())
    context = {"case": case, "programme": case.programme, "form": form, "auditors": auditors}
    return render(request, "learning/audits/auditor_new.html", context)


@capability_required(Capability.MANAGE_LEARNING)
@require_http_methods(["GET", "POST"])
def complete(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = programme_get(actor=actor, id=id, action="manage")
    if request.method != "POST":
        form = CompleteForm(initial={"version": found.version})
    else:
        form = CompleteForm(request.POST)
        if form.is_valid():
            try:
                programme_complete(
                    actor=actor, programme=found, expected_version=form.cleaned_data["version"]
                )
            except ConflictError as error:
                show_conflict(form, error, conflict_message(error, "This programme"))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"“{found.title}” is complete.")
                return redirect("learning_audits:programme", id=found.pk)
    return render(request, "learning/audits/complete.html", {"programme": found, "form": form})


@capability_required(Capability.CONTRIBUTE_LEARNING)
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The cases given to me to audit, across programmes: what is left to do first."""
    actor: Any = request.user
    rows = [
        {
            "auditor": a,
            "case": a.case_audit,
            "programme": a.case_audit.programme,
            "grade": grade_tag(a.grade),
        }
        for a in audits_mine(actor=actor)
    ]
    return render(request, "learning/audits/mine.html", {"rows": rows})
