"""Pages for periods of care: the list, the period page with its derived 903 episodes, and the
forms that start and end care, change the legal status, move the child and name the IRO.

Each page loads its period through the care policy with the action the service needs, so a hidden
child is the project's 404 before any form shows (R19), and audits one view of the period (R27).
Writes are POST only and go through one service each; a stale version shows who changed it (R49).
"""

import contextlib
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability
from safehub.platform.errors import ConflictError
from safehub.platform.web.permissions import capability_required

from ..constants import CEASED_REASON_LIST, LEGAL_STATUS_LIST, NEED_LIST, PLACEMENT_TYPE_LIST
from ..models import LookedAfterPeriod
from ..policies import household_policy
from ..selectors.periods import (
    days_in_placement,
    period_get,
    period_page,
    person_for_care_start,
    placement_get,
)
from ..selectors.periods import (
    period_list as period_list_selector,
)
from ..services import period as services
from . import period_forms as f
from .period_presenters import Labels, episode_rows, legal_status_rows, placement_rows
from .sections import period_sections

FORM = "looked_after/period/form.html"


def period_url(period: LookedAfterPeriod) -> str:
    return reverse("looked_after:period", kwargs={"id": period.pk})


def _conflict_message(error: ConflictError, what: str) -> str:
    who = error.changed_by or "another user"
    when = ""
    if error.changed_at is not None:
        local = timezone.localtime(error.changed_at)
        when = f" at {local:%H:%M} on {local.day} {local:%B %Y}"
    return (
        f"This {what} was changed by {who}{when} after you opened it. "
        "The form now shows your entries against its current version: check the record, then save again."
    )


def _submit(request: HttpRequest, form: Any, save: Callable[[dict[str, Any]], Any], what: str) -> bool:
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except ConflictError as error:
        form.show_conflict(error, _conflict_message(error, what))
    except ValidationError as error:
        form.add_service_errors(error)
    else:
        return True
    return False


def _page(request: HttpRequest, form: Any, *, child: Any, back_url: str, **context: Any) -> HttpResponse:
    context.update(form=form, child=child, back_url=back_url)
    return render(request, FORM, context)


def _done(request: HttpRequest, period: LookedAfterPeriod, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(period_url(period))


def _placement_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "placement_type": data["placement_type"],
        "provider": data["provider"],
        "urn": data["urn"],
        "placement_postcode": data["placement_postcode"],
        "household": data["household"],
        "carer_name": data["carer_name"],
        "intended_until_18": bool(data["intended_until_18"]),
    }


# --- list and page --------------------------------------------------------------------------------


@capability_required(Capability.VIEW_CASES)
@require_GET
def period_list(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    q = request.GET
    filters = {
        "open_only": q.get("show") != "all",
        "legal_status": q.get("legal_status", "")[:2],
        "placement_type": q.get("placement_type", "")[:3],
        "page": q.get("page", "1") if q.get("page", "1").isdigit() else 1,
    }
    for key in ("team", "worker"):
        with contextlib.suppress(ValueError):
            filters[f"{key}_id"] = uuid.UUID(q.get(key, ""))
    page = period_list_selector(actor=actor, filters=filters)
    labels = Labels()
    rows = [
        {
            "period": p,
            "legal_status": labels.of(LEGAL_STATUS_LIST, p.legal_status or ""),
            "placement_type": labels.of(PLACEMENT_TYPE_LIST, p.placement_type or ""),
            "days": days_in_placement(p),
        }
        for p in page.periods
    ]
    return render(request, "looked_after/period/list.html", {"page": page, "rows": rows, "filters": filters})


@capability_required(Capability.VIEW_CASES)
@require_GET
def period(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    the_period = period_get(actor=actor, id=id, section="period")
    view = period_page(actor=actor, period=the_period)
    labels = Labels()
    context = {
        "view": view,
        "period": the_period,
        "child": the_period.person,
        "legal_statuses": legal_status_rows(view.legal_statuses, labels),
        "placements": placement_rows(
            view.placements,
            labels,
            {
                h.pk
                for h in household_policy.visible(
                    request.user, {p.household_id for p in view.placements if p.household_id}
                )
            },
        ),
        "episodes": episode_rows(view.episodes, labels),
        "need": labels.of(NEED_LIST, the_period.need_code),
        "end_reason": labels.of(CEASED_REASON_LIST, the_period.end_reason),
        "sections": period_sections(actor, the_period),
    }
    return render(request, "looked_after/period/period.html", context)


# --- forms ----------------------------------------------------------------------------------------


@capability_required(Capability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def period_start(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    person = person_for_care_start(actor=actor, person_id=person_id)
    form = f.PeriodStartForm(request.POST or None, actor=request.user)
    created: list[LookedAfterPeriod] = []

    def save(d: dict[str, Any]) -> None:
        created.append(
            services.period_start(
                actor=actor,
                person=person,
                started_on=d["started_on"],
                legal_status=d["legal_status"],
                need_code=d["need_code"],
                home_postcode=d["home_postcode"],
                **_placement_kwargs(d),
            )
        )

    if _submit(request, form, save, "record"):
        return _done(request, created[0], "The child is now recorded as looked after.")
    return _page(
        request,
        form,
        child=person,
        back_url=reverse("people:detail", args=[person.pk]),
        title="Start a period of care",
        button="Start care",
        intro="Record the day the child became looked after, their legal status and where they live.",
    )


@capability_required(Capability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def legal_status_change(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    the_period = period_get(actor=actor, id=id, action="manage", section="legal_status_change")
    form = f.LegalStatusChangeForm(request.POST or None, initial={"version": the_period.version})
    if _submit(
        request,
        form,
        lambda d: services.legal_status_change(
            actor=actor,
            period=the_period,
            changed_on=d["changed_on"],
            legal_status=d["legal_status"],
            expected_version=d["version"],
        ),
        "period of care",
    ):
        return _done(request, the_period, "Legal status changed.")
    return _page(
        request,
        form,
        child=the_period.person,
        back_url=period_url(the_period),
        title="Change the legal status",
        button="Save the legal status",
    )


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def placement_change(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    the_period = period_get(actor=actor, id=id, action="record", section="placement_change")
    form = f.PlacementChangeForm(
        request.POST or None, initial={"version": the_period.version}, actor=request.user
    )
    if _submit(
        request,
        form,
        lambda d: services.placement_change(
            actor=actor,
            period=the_period,
            changed_on=d["changed_on"],
            reason=d["reason"],
            same_carers=bool(d["same_carers"]),
            expected_version=d["version"],
            **_placement_kwargs(d),
        ),
        "period of care",
    ):
        return _done(request, the_period, "The move is recorded.")
    return _page(
        request,
        form,
        child=the_period.person,
        back_url=period_url(the_period),
        title="Record a change of placement",
        button="Save the move",
        intro="The current placement ends on the day of the move and the new one starts that day.",
    )


@capability_required(Capability.RECORD_CASEWORK)
@require_http_methods(["GET", "POST"])
def placement_correct(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    placement = placement_get(actor=actor, id=id, action="record", section="placement_correct")
    the_period = placement.period
    initial = {
        "provider": placement.provider,
        "urn": placement.urn,
        "placement_postcode": placement.postcode,
        "carer_name": placement.carer_name,
        "intended_until_18": "yes" if placement.intended_until_18 else "no",
        "version": placement.version,
    }
    form = f.PlacementCorrectForm(request.POST or None, initial=initial)
    if _submit(
        request,
        form,
        lambda d: services.placement_correct(
            actor=actor,
            placement=placement,
            provider=d["provider"],
            urn=d["urn"],
            placement_postcode=d["placement_postcode"],
            carer_name=d["carer_name"],
            intended_until_18=bool(d["intended_until_18"]),
            expected_version=d["version"],
        ),
        "placement",
    ):
        return _done(request, the_period, "Placement details corrected.")
    return _page(
        request,
        form,
        child=the_period.person,
        back_url=period_url(the_period),
        title="Correct the placement's details",
        button="Save the details",
        intro="Dates and the placement type cannot be corrected here: record a move instead.",
    )


@capability_required(Capability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def period_end(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    the_period = period_get(actor=actor, id=id, action="manage", section="period_end")
    form = f.PeriodEndForm(request.POST or None, initial={"version": the_period.version})
    if _submit(
        request,
        form,
        lambda d: services.period_end(
            actor=actor,
            period=the_period,
            ended_on=d["ended_on"],
            reason=d["reason"],
            expected_version=d["version"],
        ),
        "period of care",
    ):
        return _done(request, the_period, "The child is no longer looked after.")
    return _page(
        request,
        form,
        child=the_period.person,
        back_url=period_url(the_period),
        title="End the period of care",
        button="End care",
    )


@capability_required(Capability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def iro_assign(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    the_period = period_get(actor=actor, id=id, action="manage", section="iro_assign")
    form = f.IroAssignForm(
        request.POST or None, initial={"iro": the_period.iro_id, "version": the_period.version}
    )
    if _submit(
        request,
        form,
        lambda d: services.iro_assign(
            actor=actor, period=the_period, iro=d["iro"], expected_version=d["version"]
        ),
        "period of care",
    ):
        return _done(request, the_period, "Independent reviewing officer named.")
    return _page(
        request,
        form,
        child=the_period.person,
        back_url=period_url(the_period),
        title="Name the independent reviewing officer",
        button="Save",
    )
