"""Children's social care's inbox of MASH handovers, and taking one on as referrals (issue 5).

Team managers (manage_cases) see the assessment and strategy discussion handovers waiting,
oldest first, and accept one: a referral opens for each child on the contact, allocated if they
choose a team, and the handover is picked up, all in one transaction.

Children are named through `presenters.subject_name` with the records the manager may see,
worked out once per page: a restricted or sealed child's record name never shows here (R22).
"""

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.timesince import timesince
from django.views.decorators.http import require_GET, require_http_methods

from safehub.accounts.constants import Capability
from safehub.people.policies import person_policy
from safehub.platform import clock
from safehub.platform.web.permissions import capability_required

from ..constants import HandoverService, HandoverStatus
from ..models import ContactSubject, Handover
from ..selectors.handovers import (
    CASEWORK_SERVICES,
    handover_get,
    handover_intake_teams,
    handovers_waiting,
)
from ..services.handover import HandoverAlreadyPickedUp
from ..services.handover_intake import (
    handover_accept_as_referral,
    handover_children,
    handover_referral_date,
)
from . import presenters
from .handover_forms import HandoverAcceptForm

STRATEGY_DUE = (
    "A strategy discussion is due: record it on each child's case, with who attended and what was decided."
)


@dataclass(frozen=True)
class HandoverRow:
    handover: Handover
    service: str
    outcome: str
    rag: presenters.Tag
    children: list[str]
    authorised: str
    waited: str


def _visible_people(actor: Any, children: Iterable[ContactSubject]) -> set[Any]:
    """The ids of the linked records among these children that `actor` may see (R19, R22)."""
    ids = [s.person_id for s in children if s.person_id is not None]
    return {p.pk for p in person_policy.visible(actor, ids)} if ids else set()


def _row(handover: Handover, children: list[ContactSubject], visible: Collection[Any]) -> HandoverRow:
    decision = handover.decision
    return HandoverRow(
        handover=handover,
        service=str(handover.get_service_display()),
        outcome=str(decision.get_outcome_display()),
        rag=presenters.rag_tag(handover.contact.rag),
        children=[presenters.subject_name(s, visible) for s in children],
        authorised=presenters.format_datetime(decision.authorised_at),
        waited=timesince(handover.created_at, now=clock.now(), depth=2),
    )


def _case_url(referral_id: Any) -> str:
    try:
        return reverse("child_protection:case", args=[referral_id])
    except NoReverseMatch:  # the case pages are not installed: back to the inbox
        return reverse("front_door_handovers:inbox")


@capability_required(Capability.MANAGE_CASES)
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    actor: Any = request.user
    waiting = [h for service in CASEWORK_SERVICES for h in handovers_waiting(actor=actor, service=service)]
    waiting.sort(key=lambda h: h.created_at)
    children = {h.pk: handover_children(h) for h in waiting}
    visible = _visible_people(actor, (s for subjects in children.values() for s in subjects))
    rows = [_row(h, children[h.pk], visible) for h in waiting]
    return render(request, "front_door/handovers/inbox.html", {"rows": rows})


@capability_required(Capability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    actor: Any = request.user
    handover = handover_get(actor=actor, id=id)
    teams = handover_intake_teams()
    form = HandoverAcceptForm(request.POST if request.method == "POST" else None, teams=teams)
    if handover.status == HandoverStatus.WAITING and form.is_bound and form.is_valid():
        try:
            referrals = handover_accept_as_referral(
                actor=actor,
                handover=handover,
                primary_need=form.cleaned_data["primary_need"],
                team=form.cleaned_data["team_obj"],
                worker=form.cleaned_data["worker_obj"],
            )
        except HandoverAlreadyPickedUp as error:
            taken = error.handover
            if taken.picked_up_by_id == actor.pk and taken.receiving_reference:
                # A double submit: the referrals are open, so show them rather than an error.
                return redirect(_case_url(taken.receiving_reference))
            form.add_error(None, _picked_up_message(taken))
            handover = taken
        except ValidationError as error:
            for field, msgs in error.message_dict.items():
                form.add_error(field if field in form.fields else None, msgs)
        else:
            # Every child's record opened for its referral, so the manager may see each name.
            names = ", ".join(str(r.person) for r in referrals)
            messages.success(request, f"Referral opened for {names}.")
            if handover.service == HandoverService.CHILD_PROTECTION:
                messages.warning(request, STRATEGY_DUE)
            return redirect(_case_url(referrals[0].pk))
    children = handover_children(handover)
    context = {
        "handover": handover,
        "row": _row(handover, children, _visible_people(actor, children)),
        "form": form,
        "referral_date": f"{handover_referral_date(handover):%-d %B %Y}",
        "strategy_due": STRATEGY_DUE if handover.service == HandoverService.CHILD_PROTECTION else "",
        "picked_up": handover.status == HandoverStatus.PICKED_UP,
        "picked_up_message": _picked_up_message(handover),
    }
    return render(request, "front_door/handovers/accept.html", context)


def _picked_up_message(handover: Handover) -> str:
    if handover.status != HandoverStatus.PICKED_UP:
        return ""
    who = str(handover.picked_up_by) if handover.picked_up_by_id else "someone else"
    when = presenters.format_datetime(handover.picked_up_at)
    return f"This work has already been picked up by {who}" + (f" at {when}." if when else ".")
