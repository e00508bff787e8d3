"""The case list and the case page (issue 5, item 1).

The case page is one read (`referral_case`), audited once; what the actor may do next is shown
only where the policy allows it and the stage makes sense.
"""

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from safehub.accounts.constants import Capability
from safehub.casework.selectors.documents import documents_for
from safehub.casework.selectors.notes import notes_for
from safehub.platform import clock
from safehub.platform.calendar import calendar
from safehub.platform.web.permissions import capability_required

from ..constants import CLOSURE_REASON_LIST, FACTOR_LIST, PRIMARY_NEED_LIST, REFERRAL_SOURCE_LIST, Stage
from ..selectors import CaseView, referral_case, referral_get, referral_list
from . import presenters
from .forms import CaseFilterForm


def _url_or_none(name: str, *args: Any) -> str | None:
    """A route another helper's app provides, or None while it does not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@capability_required(Capability.VIEW_CASES)
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    form = CaseFilterForm(request.GET or None)
    filters: dict[str, Any] = form.filters() if form.is_bound else {"stage": "", "mine": False, "page": 1}
    page = referral_list(
        actor=actor,
        stage=filters["stage"],
        worker_id=actor.pk if filters["mine"] else None,
        page=filters["page"],
    )
    today = clock.today()
    cal = calendar()
    rows = [
        {
            "referral": r,
            "name": presenters.child_name(r.person),
            "age": presenters.child_age(r.person, today),
            "born": presenters.child_born(r.person),
            "stage": presenters.stage_tag(r.stage),  # type: ignore[attr-defined]
            "worker": str(r.involvement.worker) if r.involvement.worker_id else "Not allocated",
            "team": r.involvement.team.name if r.involvement.team is not None else "",
            "referral_date": presenters.format_date(r.referral_date),
            "next_due": presenters.due_words(r.next_due_on, today, cal),  # type: ignore[attr-defined]
            "next_due_date": presenters.format_date(r.next_due_on),  # type: ignore[attr-defined]
        }
        for r in page.referrals
    ]
    query = {"stage": filters["stage"], "mine": "on" if filters["mine"] else ""}
    base_query = "&".join(f"{k}={v}" for k, v in query.items() if v)
    return render(
        request,
        "child_protection/case/list.html",
        {"form": form, "page": page, "rows": rows, "base_query": base_query},
    )


def _actions(case: CaseView) -> list[tuple[str, str]]:
    """(label, url) for what the actor may do now on this case, in the order the work goes."""
    referral = case.referral
    if not referral.is_open:
        return []
    actions: list[tuple[str, str]] = []
    assessment = case.open_assessment
    enquiry = case.open_section47
    if case.can.get("record"):
        if assessment is None and not referral.nfa:
            actions.append(
                ("Start an assessment", reverse("child_protection:assessment_start", args=[referral.pk]))
            )
        if assessment is not None and assessment.completed_on is None:
            actions.append(
                ("Update the assessment", reverse("child_protection:assessment_edit", args=[assessment.pk]))
            )
            actions.append(
                (
                    "Complete the assessment",
                    reverse("child_protection:assessment_complete", args=[assessment.pk]),
                )
            )
        if enquiry is None and case.stage not in (Stage.CONFERENCE, Stage.CP_PLAN):
            actions.append(
                ("Record a strategy discussion", reverse("child_protection:strategy_new", args=[referral.pk]))
            )
        if enquiry is not None:
            actions.append(
                (
                    "Complete the section 47 enquiry",
                    reverse("child_protection:section47_complete", args=[enquiry.pk]),
                )
            )
        actions.append(
            ("Change the referral details", reverse("child_protection:referral_edit", args=[referral.pk]))
        )
    if case.can.get("manage"):
        if assessment is not None and assessment.completed_on is not None:
            actions.append(
                (
                    "Authorise or return the assessment",
                    reverse("child_protection:assessment_authorise", args=[assessment.pk]),
                )
            )
        actions.append(("Close the case", reverse("child_protection:referral_close", args=[referral.pk])))
    return actions


@capability_required(Capability.VIEW_CASES)
@require_GET
def case(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    referral = referral_get(actor=actor, id=id)
    view = referral_case(actor=actor, referral=referral)
    person = view.person
    factors = presenters.Labels(FACTOR_LIST)
    sources = presenters.Labels(REFERRAL_SOURCE_LIST)
    needs = presenters.Labels(PRIMARY_NEED_LIST)
    allocate_url = None
    if view.can.get("manage") and referral.is_open:
        allocate_url = _url_or_none("casework:allocate", referral.involvement_id)
    # The case record's notes and documents live in casework, on the same involvement.
    involvement = referral.involvement
    can_record = bool(view.can.get("record"))
    context = {
        "case": view,
        "referral": referral,
        "person": person,
        "child_name": presenters.child_name(person),
        "child_born": presenters.child_born(person),
        "child_age": presenters.child_age(person),
        "stage": presenters.stage_tag(view.stage),
        "tasks": presenters.task_rows(view.open_tasks),
        "source_label": sources(referral.source),
        "need_label": needs(referral.primary_need) if referral.primary_need else "Not recorded yet",
        "closure_label": (
            presenters.Labels(CLOSURE_REASON_LIST)(referral.closure_reason) if referral.closure_reason else ""
        ),
        "assessment_rows": [
            {"assessment": a, "factors": factors.many(a.factors or [])} for a in view.assessments
        ],
        "allocate_url": allocate_url,
        # Step-down goes through the front door's service (ADR 0007 §6): the page is early help's.
        "step_down_url": _url_or_none("early_help_front_door:step_down_new", referral.pk)
        if view.can.get("manage")
        else None,
        "person_url": _url_or_none("people:detail", person.pk),
        "actions": _actions(view),
        "involvement": involvement,
        "can_record": can_record,
        "task_new_url": _url_or_none("casework:task_new", involvement.pk)
        if can_record and referral.is_open
        else None,
        "notes": notes_for(actor=actor, person=person, involvement=involvement, limit=10),
        "documents": documents_for(actor=actor, person=person, involvement=involvement),
    }
    return render(request, "child_protection/case/case.html", context)
