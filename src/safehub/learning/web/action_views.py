"""Multi-agency action plans (issue 10, item 3; ADR 0008 §5): the list and its CSV, adding an
action, the action page, progress updates, completion and sign-off.

Every page reads its action through `selectors.actions.action_get`, which starts from the action
policy: a partner agency's lead opening an action another agency owns gets the same 404 as for an
action that does not exist (R18, R19). Nothing here names a child: a source is shown by its
review's anonymised label or its audit programme's title (ADR 0008 §2).

Colour never carries meaning alone (WCAG 1.4.1): RAG and overdue tags say it in words too.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability
from safehub.casework.constants import DocumentStatus
from safehub.platform import clock
from safehub.platform.errors import ConflictError
from safehub.platform.forms import add_service_errors, show_conflict
from safehub.platform.web.csv import to_csv
from safehub.platform.web.permissions import capability_required

from ..constants import ActionStatus, Rag
from ..models import LearningAction
from ..policies import action_policy
from ..selectors import actions as selectors
from ..services.actions import (
    action_add,
    action_complete,
    action_sign_off,
    action_source_label,
    action_update_add,
)
from .action_forms import ActionAddForm, ActionFilterForm, CompleteForm, SignOffForm, UpdateForm

SEE = (Capability.VIEW_LEARNING, Capability.CONTRIBUTE_LEARNING)
UPDATE = (Capability.MANAGE_LEARNING, Capability.CONTRIBUTE_LEARNING)
CSV_HEADER = (
    "Action",
    "Source",
    "Owning agency",
    "Named officer",
    "Due",
    "RAG",
    "Overdue",
    "Status",
    "Completed",
    "Signed off",
)


@dataclass(frozen=True)
class Tag:
    label: str
    css: str


_RAG_CSS = {Rag.RED: "govuk-tag--red", Rag.AMBER: "govuk-tag--orange", Rag.GREEN: "govuk-tag--green"}
_STATUS_CSS = {
    ActionStatus.OPEN: "govuk-tag--blue",
    ActionStatus.COMPLETED: "govuk-tag--yellow",
    ActionStatus.SIGNED_OFF: "govuk-tag--grey",
}
EVIDENCE_STATUS_CSS: dict[str, str] = {
    DocumentStatus.CLEAN: "govuk-tag--green",
    DocumentStatus.QUARANTINED: "govuk-tag--yellow",
    DocumentStatus.SCAN_FAILED: "govuk-tag--orange",
    DocumentStatus.INFECTED: "govuk-tag--red",
}


def format_date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def rag_tag(rag: str) -> Tag:
    return Tag(Rag(rag).label, _RAG_CSS[Rag(rag)])


def status_tag(action: LearningAction) -> Tag:
    return Tag(ActionStatus(action.status).label, _STATUS_CSS[ActionStatus(action.status)])


def overdue_days(action: LearningAction, today: date) -> int:
    """Days past due for an open action (0 when not overdue): from the date, never the rating."""
    if action.status != ActionStatus.OPEN or action.due_on >= today:
        return 0
    return (today - action.due_on).days


def overdue_tag(action: LearningAction, today: date) -> Tag | None:
    days = overdue_days(action, today)
    if not days:
        return None
    return Tag(f"Overdue by {days} day{'s' if days != 1 else ''}", "govuk-tag--red")


def conflict_message(error: ConflictError) -> str:
    who = error.changed_by or "another user"
    when = ""
    if error.changed_at:
        local = timezone.localtime(error.changed_at)
        when = f" at {local:%H:%M} on {format_date(local.date())}"
    return f"This action was changed by {who}{when} after you opened it. Check it now, then save again."


def row(action: LearningAction, today: date) -> dict[str, Any]:
    return {
        "action": action,
        "source": action_source_label(action),
        "due": format_date(action.due_on),
        "rag": rag_tag(action.rag),
        "overdue": overdue_tag(action, today),
        "status": status_tag(action),
    }


# --- the list and its CSV -------------------------------------------------------------------------


def _filters(request: HttpRequest) -> tuple[ActionFilterForm, dict[str, Any], selectors.ActionFilters]:
    form = ActionFilterForm(request.GET or None, agencies=selectors.action_agencies())
    chosen = form.filters()
    agency = chosen["agency"]
    filters = selectors.ActionFilters(
        agency_id=agency.pk if agency is not None else None,
        status=chosen["status"],
        overdue_only=chosen["overdue"],
        own_agency=chosen["mine"],
    )
    return form, chosen, filters


def _query(chosen: dict[str, Any]) -> str:
    """The filters as a query string (ids and codes only, R4), for paging and the CSV link."""
    agency = chosen["agency"]
    query = {
        "status": chosen["status"],
        "agency": str(agency.pk) if agency is not None else "",
        "overdue": "on" if chosen["overdue"] else "",
        "mine": "on" if chosen["mine"] else "",
    }
    return "&".join(f"{k}={v}" for k, v in query.items() if v)


@capability_required(SEE)
@require_GET
def action_list(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    form, chosen, filters = _filters(request)
    page = selectors.action_list(actor=actor, filters=filters, page=chosen["page"])
    today = clock.today()
    context = {
        "form": form,
        "page": page,
        "counts": page.counts,
        "rows": [row(a, today) for a in page.actions],
        "base_query": _query(chosen),
    }
    return render(request, "learning/actions/list.html", context)


@capability_required(SEE)
@require_GET
def action_list_csv(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV: every cell neutralised against formulas (R42), audited (R27)."""
    actor: Any = request.user
    _form, _chosen, filters = _filters(request)
    today = clock.today()
    actions = selectors.actions_export(actor=actor, filters=filters)
    body = to_csv(
        CSV_HEADER,
        (
            (
                a.description,
                action_source_label(a),
                a.agency.name,
                a.owner_name,
                a.due_on.isoformat(),
                Rag(a.rag).label,
                f"{overdue_days(a, today)} days" if overdue_days(a, today) else "",
                ActionStatus(a.status).label,
                a.completed_on.isoformat() if a.completed_on else "",
                a.signed_off_on.isoformat() if a.signed_off_on else "",
            )
            for a in actions
        ),
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="learning-actions-{today:%Y-%m-%d}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, max-age=0"
    return response


# --- adding an action -----------------------------------------------------------------------------


def _source(request: HttpRequest, actor: Any) -> dict[str, Any]:
    """The recommendation or audit finding named in the query string, read through its policy.
    The page is only reached from one of them, so a link without one is a 404."""
    for key, read in (
        ("recommendation", selectors.recommendation_for_action),
        ("audit_finding", selectors.audit_finding_for_action),
    ):
        raw = request.GET.get(key)
        if raw:
            try:
                return {key: read(actor=actor, id=uuid.UUID(raw))}
            except ValueError:
                raise Http404() from None
    raise Http404()


def _source_caption(source: dict[str, Any]) -> str:
    if "recommendation" in source:
        found = source["recommendation"]
        return f"{found.review.subject_label}, recommendation {found.number}"
    return f"Case audit: {source['audit_finding'].case_audit.programme.title}"


@capability_required(Capability.MANAGE_LEARNING)
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    source = _source(request, actor)
    form = ActionAddForm(
        request.POST or None,
        agencies=selectors.action_agencies(),
        officers=selectors.action_officers(actor=actor),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = action_add(
                actor=actor,
                description=data["description"],
                agency=data["agency"],
                owner_name=data["owner_name"],
                due_on=data["due_on"],
                owner=data["owner"],
                **source,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Action added for {made.agency.name}, due {format_date(made.due_on)}.")
            return redirect("learning_actions:detail", id=made.pk)
    context = {
        "form": form,
        "source": next(iter(source.values())),
        "source_caption": _source_caption(source),
        "form_action": request.get_full_path(),
    }
    return render(request, "learning/actions/add.html", context)


# --- the action page ------------------------------------------------------------------------------


def _links(actor: Any, action: LearningAction) -> dict[str, str]:
    """The forms the actor may use now on this action, by name."""
    links: dict[str, str] = {}

    def url(name: str) -> str:
        return reverse(f"learning_actions:{name}", args=[action.pk])

    if action_policy.can(actor, "update", action):
        if action.status == ActionStatus.OPEN:
            links |= {"update": url("update_add"), "complete": url("complete")}
        if action.status != ActionStatus.SIGNED_OFF:
            links["evidence"] = url("evidence_upload")
    if action.status == ActionStatus.COMPLETED and action_policy.can(actor, "sign_off", action):
        links["sign_off"] = url("sign_off")
    return links


def evidence_rows(action: LearningAction) -> list[dict[str, Any]]:
    """The action's evidence with its scan status; only CLEAN evidence gets a download link (R43)."""
    return [
        {
            "evidence": e,
            "tag": EVIDENCE_STATUS_CSS.get(e.status, ""),
            "clean": e.status == DocumentStatus.CLEAN,
        }
        for e in action.evidence.all()
    ]


@capability_required(SEE)
@require_GET
def action_detail(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = selectors.action_get(actor=actor, id=id, section="action")
    today = clock.today()
    context = {
        "action": found,
        "summary": row(found, today),
        "updates": [{"update": u, "rag": rag_tag(u.rag)} for u in found.updates.all()],
        "evidence": evidence_rows(found),
        "links": _links(actor, found),
        "on_action": True,
    }
    return render(request, "learning/actions/detail.html", context)


def form_page(request: HttpRequest, action: LearningAction, template: str, **context: Any) -> HttpResponse:
    caption = f"{action_source_label(action)}: {action.agency.name}"
    return render(request, f"learning/actions/{template}", {"action": action, "caption": caption, **context})


@capability_required(UPDATE)
@require_http_methods(["GET", "POST"])
def update_add(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = selectors.action_get(actor=actor, id=id, action="update")
    form = UpdateForm(request.POST or None, initial={"written_on": clock.today(), "rag": found.rag})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action_update_add(
                actor=actor, action=found, text=data["text"], rag=data["rag"], written_on=data["written_on"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Progress update added.")
            return redirect("learning_actions:detail", id=found.pk)
    return form_page(request, found, "update.html", form=form)


@capability_required(UPDATE)
@require_http_methods(["GET", "POST"])
def complete(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = selectors.action_get(actor=actor, id=id, action="update")
    if request.method != "POST":
        form = CompleteForm(initial={"version": found.version, "completed_on": clock.today()})
    else:
        form = CompleteForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                action_complete(
                    actor=actor,
                    action=found,
                    expected_version=data["version"],
                    completed_on=data["completed_on"],
                    summary=data["summary"],
                )
            except ConflictError as error:
                show_conflict(form, error, conflict_message(error))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Action completed. It now waits for the partnership's sign-off.")
                return redirect("learning_actions:detail", id=found.pk)
    return form_page(request, found, "complete.html", form=form)


@capability_required(Capability.MANAGE_LEARNING)
@require_http_methods(["GET", "POST"])
def sign_off(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    found = selectors.action_get(actor=actor, id=id, action="sign_off")
    if request.method != "POST":
        form = SignOffForm(initial={"version": found.version, "signed_off_on": clock.today()})
    else:
        form = SignOffForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                action_sign_off(
                    actor=actor,
                    action=found,
                    expected_version=data["version"],
                    signed_off_on=data["signed_off_on"],
                )
            except ConflictError as error:
                show_conflict(form, error, conflict_message(error))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Action signed off.")
                return redirect("learning_actions:detail", id=found.pk)
    context = {
        "form": form,
        "evidence": evidence_rows(found),
        "completed_on": format_date(found.completed_on),
        "can_upload": action_policy.can(actor, "update", found),
    }
    return form_page(request, found, "sign_off.html", **context)
