"""Statutory returns pages (issue 7, item 7): produce, validate, explain, submit; import runs.

Every page needs view_returns; every action prepare_returns (R18). URLs carry only UUIDs and row
numbers, never a child's id or name (R4). Each read of a page naming children is audited once,
with the people it showed (R27); names appear only for people the viewer may open (R22).
"""

import contextlib
import uuid
from datetime import date
from typing import Any

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services.record import record_event
from safehub.platform.web.permissions import capability_required

from .. import tasks
from ..constants import IssueSeverity, ReturnKind
from ..services.submit import AlreadySubmitted, return_mark_submitted
from ..validation import reads as s
from ..validation.services import explain_query
from .forms import ExplainForm, ProduceForm

JOBS = "returns_jobs"
KIND_ORDER = (ReturnKind.CIN, ReturnKind.SSDA903, ReturnKind.ANNEX_A)


def _collection_year(today: date) -> int:
    """The collection in progress ends on 31 March of this year (January to March) or the next."""
    return today.year if today.month <= 3 else today.year + 1


def _remember(request: HttpRequest, label: str, result: Any) -> None:
    jobs = request.session.get(JOBS, [])[-9:]
    jobs.append(
        {"label": label, "id": str(result.id), "task": result.task.name, "status": str(result.status)}
    )
    request.session[JOBS] = jobs


def _jobs(request: HttpRequest) -> list[dict[str, str]]:
    """The background jobs this user started, with their state now (queued, running, done, failed)."""
    shown = []
    for job in request.session.get(JOBS, []):
        status = job["status"]
        task = getattr(tasks, job["task"], None)
        # A backend that keeps no results (tests' immediate one) shows what it said at enqueue.
        with contextlib.suppress(Exception):
            status = str(task.get_result(job["id"]).status) if task else status
        labels = {"READY": "queued", "RUNNING": "running", "SUCCESSFUL": "done", "FAILED": "failed"}
        shown.append({"label": job["label"], "status": labels.get(status, status.lower())})
    return list(reversed(shown))


def _may_prepare(request: HttpRequest) -> bool:
    return bool(request.user.has_capability(Capability.PREPARE_RETURNS))  # type: ignore[union-attr]


@capability_required(Capability.VIEW_RETURNS)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    produced = s.produced_list(actor=actor)
    current = _collection_year(date.today())
    kinds = []
    for kind in KIND_ORDER:
        latest = next((p for p in produced if p.kind == kind), None)
        years = [] if kind == ReturnKind.ANNEX_A else [current, current - 1]
        by_year = {y: next((p for p in produced if p.kind == kind and p.year == y), None) for y in years}
        kinds.append({"kind": kind, "latest": latest, "years": by_year})
    record_event(actor=actor, verb=Verb.LIST, object_type="returns.producedreturn", section="returns")
    return render(
        request,
        "returns/home.html",
        {
            "kinds": kinds,
            "form": ProduceForm(initial={"year": current}),
            "may_prepare": _may_prepare(request),
            "jobs": _jobs(request),
            "produced": produced[:20],
        },
    )


@capability_required(Capability.PREPARE_RETURNS)
@require_POST
def produce(request: HttpRequest) -> HttpResponse:
    form = ProduceForm(request.POST)
    if not form.is_valid():
        produced = s.produced_list(actor=request.user)
        return render(
            request,
            "returns/home.html",
            {
                "kinds": [],
                "form": form,
                "may_prepare": True,
                "jobs": _jobs(request),
                "produced": produced[:20],
            },
            status=400,
        )
    data = form.cleaned_data
    as_at = data["as_at"].isoformat() if data.get("as_at") else None
    result = tasks.produce_return.enqueue(str(request.user.pk), data["kind"], data.get("year"), as_at)
    label = f"Produce {ReturnKind(data['kind']).label} {data.get('year') or as_at}"
    _remember(request, label, result)
    messages.success(request, f"{label}: started. Its progress is shown below.")
    return redirect("returns:home")


@capability_required(Capability.VIEW_RETURNS)
@require_GET
def produced_detail(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    produced = s.produced_get(actor=actor, id=id)
    explanations = s.explanations_for(actor=actor, produced=produced)
    record_event(
        actor=actor,
        verb=Verb.VIEW,
        target=produced,
        section="returns",
        result_ids=explanations.person_ids or None,
    )
    return render(
        request,
        "returns/produced.html",
        {
            "produced": produced,
            "parts": s.parts_of(produced),
            "runs": s.runs_of(produced),
            "explanations": explanations.shown,
            "explanations_hidden": explanations.hidden,
            "validated": produced.kind in (ReturnKind.CIN, ReturnKind.SSDA903),
            "may_prepare": _may_prepare(request),
            "jobs": _jobs(request),
        },
    )


@capability_required(Capability.PREPARE_RETURNS)
@require_GET
@reauthentication_required
def download(request: HttpRequest, id: uuid.UUID, part: int) -> HttpResponse:
    # A whole return is every child's record leaving Safehub: only the returns team, with a fresh
    # password confirmation (R17), and audited with the ids of the children in it (R27).
    actor: Any = request.user
    produced = s.produced_get(actor=actor, id=id, action="prepare")
    found = s.part_get(actor=actor, produced=produced, id=part)
    record_event(
        actor=actor,
        verb=Verb.EXPORT,
        target=produced,
        section=f"download:{found.name}",
        result_ids=s.children_in(produced),
    )
    response = HttpResponse(bytes(found.content), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{found.name}"'
    return response


@capability_required(Capability.PREPARE_RETURNS)
@require_POST
def validate(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    produced = s.produced_get(actor=request.user, id=id, action="prepare")
    result = tasks.validate_produced_return.enqueue(str(request.user.pk), str(produced.pk))
    _remember(request, f"Validate {produced.get_kind_display()} {produced.year}", result)
    messages.success(request, "The DfE validators are running. Their progress is shown below.")
    return redirect("returns:produced", id=produced.pk)


@capability_required(Capability.PREPARE_RETURNS)
@require_POST
def submit(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    produced = s.produced_get(actor=request.user, id=id, action="prepare")
    try:
        return_mark_submitted(produced, request.user)
    except AlreadySubmitted as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Marked as submitted.")
    return redirect("returns:produced", id=produced.pk)


@capability_required(Capability.VIEW_RETURNS)
@require_GET
def run_detail(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    run = s.run_get(actor=actor, id=id)
    # The audit names the children this page shows, not every child of the run (R27).
    report = s.run_report(actor=actor, run=run, page=request.GET.get("page"))
    record_event(
        actor=actor, verb=Verb.VIEW, target=run, section="validation", result_ids=report["person_ids"]
    )
    return render(
        request,
        "returns/run.html",
        {"run": run, "produced": run.produced, "may_prepare": _may_prepare(request), **report},
    )


@capability_required(Capability.PREPARE_RETURNS)
@require_http_methods(["GET", "POST"])
def explain(request: HttpRequest, id: int) -> HttpResponse:
    actor: Any = request.user
    issue = s.issue_get(actor=actor, id=id, action="prepare")
    if issue.severity != IssueSeverity.QUERY:
        messages.error(request, "An error must be fixed: only a query can be explained.")
        return redirect("returns:run", id=issue.run_id)
    form = ExplainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            explain_query(actor=actor, issue=issue, text=form.cleaned_data["text"])
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
        else:
            messages.success(request, f"Explanation for {issue.rule_code} saved.")
            return redirect("returns:run", id=issue.run_id)
    record_event(
        actor=actor,
        verb=Verb.VIEW,
        target=issue.run,
        section="validation_issue",
        result_ids=[str(issue.person_id)] if issue.person_id else None,
    )
    return render(
        request,
        "returns/explain.html",
        {"issue": issue, "form": form, "back_url": reverse("returns:run", args=[issue.run_id])},
        status=400 if form.errors else 200,
    )


@capability_required(Capability.VIEW_RETURNS)
@require_GET
def imports(request: HttpRequest) -> HttpResponse:
    runs = s.import_runs(actor=request.user)
    record_event(actor=request.user, verb=Verb.LIST, object_type="returns.importrun", section="imports")
    return render(request, "returns/imports.html", {"runs": runs})


@capability_required(Capability.VIEW_RETURNS)
@require_GET
def import_detail(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    run = s.import_run_get(actor=request.user, id=id)
    # Refused values are personal; the officer who runs imports needs them to fix the extract,
    # a manager or analyst reading the run's outcome does not (R20).
    show_values = _may_prepare(request)
    page = s.rejections_page(run, request.GET.get("page"), show_values=show_values)
    record_event(actor=request.user, verb=Verb.VIEW, target=run, section="imports")
    return render(
        request,
        "returns/import_run.html",
        {
            "run": run,
            "page": page,
            "failure": s.import_failure(run, show_values=show_values),
            "show_values": show_values,
        },
    )
