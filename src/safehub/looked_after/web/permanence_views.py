"""Pages for missing episodes, UASC status and permanence under a period of care (issue 6, items 4-6).

Each page loads its period (or the record under it) through the care policy with the action the
service needs, so a hidden child is the project's 404 before any form shows (R19), and audits one
view of the period (R27). Writes are POST only and go through one service each.
"""

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform import clock
from safehub.platform.errors import ConflictError
from safehub.platform.web.permissions import capability_required

from ..constants import MISSING_KIND_LIST
from ..labels import code_label
from ..models import LookedAfterPeriod
from ..selectors.periods import period_get
from ..selectors.permanence import (
    adoption_decision_get,
    match_households,
    missing_get,
    sibling_queryset,
    uasc_for,
)
from ..services.missing import missing_record, missing_update, uasc_record
from ..services.permanence import (
    adoption_decision_cease,
    adoption_decision_record,
    adoption_match_record,
    permanence_order_record,
    previous_permanence_record,
    sibling_decision_record,
)
from . import permanence_forms as f

TEMPLATE = "looked_after/permanence/form.html"
# What a form that adds a row under the period names when the period changed since it was opened.
PERIOD = "This period of care"


def period_url(period: LookedAfterPeriod) -> str:
    return reverse("looked_after:period", kwargs={"id": period.pk})


def _data(request: HttpRequest) -> Any:
    """The posted data (an empty post is still a submission, so its errors show), else None."""
    return request.POST if request.method == "POST" else None


def _submit(request: HttpRequest, form: Any, save: Callable[[dict[str, Any]], Any], what: str) -> bool:
    """Validate, call the service, and put its refusals (or a conflict, R49) on the form."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except ConflictError as error:
        form.show_conflict(error, what)
    except ValidationError as error:
        form.add_service_errors(error)
    else:
        return True
    return False


def _page(request: HttpRequest, period: LookedAfterPeriod, form: Any, **context: Any) -> HttpResponse:
    context.update(form=form, period=period, child=period.person, back_url=period_url(period))
    return render(request, TEMPLATE, context)


def _done(request: HttpRequest, period: LookedAfterPeriod, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(period_url(period))


# --- missing and away -------------------------------------------------------------------------------


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def missing_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    period = period_get(actor=actor, id=id, action="record", section="missing_new")
    form = f.MissingNewForm(_data(request), initial={"started_on": clock.today(), "version": period.version})

    def save(data: dict[str, Any]) -> Any:
        return missing_record(
            actor=actor,
            period=period,
            kind=data["kind"],
            started_on=data["started_on"],
            ended_on=data["ended_on"],
            notes=data["notes"],
            expected_version=data["version"],
        )

    if _submit(request, form, save, PERIOD):
        return _done(request, period, "Missing or away episode recorded.")
    return _page(
        request,
        period,
        form,
        title="Record a missing or away episode",
        button="Save the episode",
        intro="When the child returns, offer a return home interview within 72 hours.",
    )


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def missing_edit(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    episode = missing_get(actor=actor, id=id, action="record", section="missing_edit")
    initial = {
        "ended_on": episode.ended_on,
        "interview_offered_on": episode.interview_offered_on,
        "interview_accepted": {True: "yes", False: "no"}.get(episode.interview_accepted),  # type: ignore[arg-type]
        "interview_held_on": episode.interview_held_on,
        "notes": episode.notes,
        "version": episode.version,
    }
    form = f.MissingEditForm(_data(request), initial=initial)

    def save(data: dict[str, Any]) -> Any:
        return missing_update(
            actor=actor,
            episode=episode,
            ended_on=data["ended_on"],
            interview_offered_on=data["interview_offered_on"],
            interview_accepted=data["interview_accepted"],
            interview_held_on=data["interview_held_on"],
            notes=data["notes"],
            expected_version=data["version"],
        )

    if _submit(request, form, save, "This episode"):
        return _done(request, episode.period, "Missing or away episode updated.")
    return _page(
        request,
        episode.period,
        form,
        title="Return and return home interview",
        button="Save",
        intro=f"{code_label(MISSING_KIND_LIST, episode.kind)}, from {episode.started_on:%-d %B %Y}.",
    )


# --- unaccompanied asylum-seeking child ---------------------------------------------------------------


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def uasc(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    period = period_get(actor=actor, id=id, action="record", section="uasc")
    status = uasc_for(period.person)
    initial = (
        {
            "started_on": status.started_on,
            "ceased_on": status.ceased_on,
            "notes": status.notes,
            "version": status.version,
        }
        if status
        else {}
    )
    form = f.UascForm(_data(request), initial=initial)

    def save(data: dict[str, Any]) -> Any:
        return uasc_record(
            actor=actor,
            person=period.person,
            started_on=data["started_on"],
            ceased_on=data["ceased_on"],
            notes=data["notes"],
            expected_version=data["version"],
        )

    if _submit(request, form, save, "This child's status"):
        return _done(request, period, "Unaccompanied asylum-seeking child status saved.")
    return _page(
        request,
        period,
        form,
        title="Unaccompanied asylum-seeking child",
        button="Save",
        intro="The 903 return records the date this status ceases: a grant of leave, or the 18th birthday at the latest.",
    )


# --- adoption ---------------------------------------------------------------------------------------------


@capability_required(Capability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def adoption_decision_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    period = period_get(actor=actor, id=id, action="manage", section="adoption_decision_new")
    form = f.AdoptionDecisionForm(_data(request), initial={"version": period.version})

    def save(data: dict[str, Any]) -> Any:
        return adoption_decision_record(
            actor=actor, period=period, decided_on=data["decided_on"], expected_version=data["version"]
        )

    if _submit(request, form, save, PERIOD):
        return _done(request, period, "Decision that the child should be placed for adoption recorded.")
    return _page(
        request, period, form, title="Record the decision to place for adoption", button="Save the decision"
    )


@capability_required(Capability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def adoption_match(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    decision = adoption_decision_get(actor=actor, id=id, action="manage", section="adoption_match")
    initial = {
        "matched_on": decision.matched_on,
        "household": decision.household_id,
        "fostered_by_adopters": ("yes" if decision.fostered_by_adopters else "no")
        if decision.matched_on
        else None,
        "adopter_count": decision.adopter_count,
        "adopter_sex": decision.adopter_sex,
        "adopter_legal_status": decision.adopter_legal_status,
        "version": decision.version,
    }
    form = f.AdoptionMatchForm(_data(request), initial=initial, households=match_households(actor=actor))

    def save(data: dict[str, Any]) -> Any:
        return adoption_match_record(
            actor=actor,
            decision=decision,
            matched_on=data["matched_on"],
            household=data["household"],
            adopter_count=data["adopter_count"],
            adopter_sex=data["adopter_sex"],
            adopter_legal_status=data["adopter_legal_status"],
            fostered_by_adopters=data["fostered_by_adopters"],
            expected_version=data["version"],
        )

    if _submit(request, form, save, "This adoption decision"):
        return _done(request, decision.period, "Match with adopters recorded.")
    return _page(
        request,
        decision.period,
        form,
        title="Record the match with adopters",
        button="Save the match",
        intro=f"Decision of {decision.decided_on:%-d %B %Y} that the child should be placed for adoption.",
    )


@capability_required(Capability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def adoption_cease(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    decision = adoption_decision_get(actor=actor, id=id, action="manage", section="adoption_cease")
    form = f.AdoptionCeaseForm(_data(request), initial={"version": decision.version})

    def save(data: dict[str, Any]) -> Any:
        return adoption_decision_cease(
            actor=actor,
            decision=decision,
            ceased_on=data["ceased_on"],
            reason=data["reason"],
            expected_version=data["version"],
        )

    if _submit(request, form, save, "This adoption decision"):
        return _done(request, decision.period, "The child should no longer be placed for adoption: recorded.")
    return _page(
        request,
        decision.period,
        form,
        title="The child should no longer be placed for adoption",
        button="Save",
        intro=f"Decision of {decision.decided_on:%-d %B %Y} that the child should be placed for adoption.",
    )


# --- orders, previous permanence, siblings -------------------------------------------------------------


@capability_required(Capability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def order_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    period = period_get(actor=actor, id=id, action="manage", section="order_new")
    form = f.OrderForm(_data(request), initial={"version": period.version})

    def save(data: dict[str, Any]) -> Any:
        return permanence_order_record(
            actor=actor,
            period=period,
            kind=data["kind"],
            made_on=data["made_on"],
            to_former_foster_carers=data["to_former_foster_carers"],
            carers_are_relatives=data["carers_are_relatives"],
            consent_dispensed=data["consent_dispensed"],
            expected_version=data["version"],
        )

    if _submit(request, form, save, PERIOD):
        return _done(request, period, "Order recorded.")
    return _page(
        request,
        period,
        form,
        title="Record an order",
        button="Save the order",
        intro="An adoption order needs a decision that the child should be placed for adoption and the child placed for adoption.",
    )


@capability_required(Capability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def previous_permanence(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    period = period_get(actor=actor, id=id, action="manage", section="previous_permanence")
    initial = {
        "previous_permanence": period.previous_permanence,
        "la": period.previous_permanence_la,
        "on": period.previous_permanence_on,
        "version": period.version,
    }
    form = f.PreviousPermanenceForm(_data(request), initial=initial)

    def save(data: dict[str, Any]) -> Any:
        return previous_permanence_record(
            actor=actor,
            period=period,
            previous_permanence=data["previous_permanence"],
            la=data["la"],
            on=data["on"],
            expected_version=data["version"],
        )

    if _submit(request, form, save, PERIOD):
        return _done(request, period, "Previous permanence saved.")
    return _page(request, period, form, title="Permanence before this period of care", button="Save")


@capability_required(Capability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def sibling_decision_new(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    period = period_get(actor=actor, id=id, action="manage", section="sibling_decision_new")
    siblings = sibling_queryset(actor=actor, period=period)
    form = f.SiblingDecisionForm(_data(request), initial={"version": period.version}, siblings=siblings)

    def save(data: dict[str, Any]) -> Any:
        return sibling_decision_record(
            actor=actor,
            period=period,
            decided_on=data["decided_on"],
            decision=data["decision"],
            siblings=list(data["siblings"]),
            reason=data["reason"],
            expected_version=data["version"],
        )

    if _submit(request, form, save, PERIOD):
        return _done(request, period, "Decision about brothers and sisters recorded.")
    return _page(
        request,
        period,
        form,
        title="Placing with brothers and sisters",
        button="Save the decision",
        intro="Brothers and sisters are placed together where that is practicable and in their interests.",
        no_siblings=not siblings.exists(),
    )
