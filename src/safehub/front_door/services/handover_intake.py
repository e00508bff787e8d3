"""A MASH handover becomes a referral to children's social care (ADR 0004, decision 6).

`front_door` sits above `child_protection`, so the front door is where the two meet: one service
opens a referral for every child on the contact (`referral_create`), allocates each if a team is
chosen (`allocation_change`) and picks the handover up (`handover_pick_up`), all in one
transaction (R50). Either the whole intake happens or nothing does: a child who already has an
open referral stops it before anything is written, and so does a handover someone else took.

A child whose record the manager may not open (restricted or sealed, R22) is never named: not in
the pages, not in an error. The intake refuses with one generic message that says neither who
the child is nor whether they have a case (T5), and writes nothing.

A strategy discussion handover does not record the strategy discussion: the worker records it
on the case, with who attended and what they decided.
"""

from collections.abc import Collection
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safehub.casework.policies import person_hidden
from safehub.casework.services.involvement import allocation_change
from safehub.child_protection.models import Referral
from safehub.child_protection.services.referral import referral_create
from safehub.people.models import Person
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

from ..constants import CHILD_ROLES, HandoverStatus
from ..models import ContactSubject, Handover
from ..selectors.handovers import CASEWORK_SERVICES, may_pick_up
from .handover import HandoverAlreadyPickedUp, handover_pick_up

HIDDEN_CHILD = "A child on this contact cannot be taken on here; ask information governance."


def _d(day: date) -> str:
    return f"{day:%-d %B %Y}"


def handover_referral_date(handover: Handover) -> date:
    """The default referral date: the day the MASH decision was authorised (the day the work
    passed to children's social care), else today."""
    authorised_at = handover.decision.authorised_at
    return timezone.localdate(authorised_at) if authorised_at else clock.today()


def handover_children(handover: Handover) -> list[ContactSubject]:
    """The children (and unborn children) the contact is about, in the contact's order."""
    return [s for s in handover.contact.subjects.all() if s.role in CHILD_ROLES]


def handover_hidden_people(actor: Any, children: list[ContactSubject]) -> set[Any]:
    """The linked records among these children that `actor` may not open (restricted or sealed)."""
    ids = [s.person_id for s in children if s.person_id is not None]
    if not ids:
        return set()
    return set(person_hidden(actor).filter(object_id__in=ids).values_list("object_id", flat=True))


def _child_name(subject: ContactSubject, hidden: Collection[Any]) -> str:
    """The linked record's name, unless the record is hidden from the actor: then only the name
    as the referrer described it (a sealed record may hold a new identity, R22)."""
    if subject.person is not None and subject.person_id not in hidden:
        return f"{subject.person.given_name} {subject.person.family_name}".strip()
    return subject.described_name


def handover_accept_as_referral(
    *,
    actor: Any,
    handover: Handover,
    referral_date: date | None = None,
    primary_need: str = "",
    team: Any = None,
    worker: Any = None,
) -> list[Referral]:
    """Open a referral for each child on the handover's contact; return them in the contact's order.

    Each referral takes the contact's referral source, summary and reference, and the decision's
    authorisation date unless `referral_date` is given. With `team` (and optionally `worker`)
    each is allocated at once. The handover is picked up quoting the first referral's id.
    """
    if not may_pick_up(actor, handover.service) or handover.service not in CASEWORK_SERVICES:
        raise NotFoundOrForbidden()
    if worker is not None and team is None:
        raise ValidationError({"team": ["Choose the worker's team as well as the worker."]})
    with transaction.atomic():
        # Hold the handover while the referrals are written, so a second manager waits and then
        # sees it picked up, instead of both opening referrals for the same children.
        current = (
            Handover.objects.select_for_update().select_related("contact", "decision").get(pk=handover.pk)
        )
        if current.status == HandoverStatus.PICKED_UP:
            raise HandoverAlreadyPickedUp(current)
        contact = current.contact
        children = list(
            ContactSubject.objects.filter(contact=contact, role__in=CHILD_ROLES)
            .select_related("person")
            .order_by("created_at")
        )
        hidden = handover_hidden_people(actor, children)
        _check_children(children, hidden)
        people: list[Person] = [s.person for s in children if s.person is not None]
        day = referral_date or handover_referral_date(current)
        referrals: list[Referral] = []
        for subject, person in zip(children, people, strict=True):
            try:
                referral = referral_create(
                    actor=actor,
                    person=person,
                    referral_date=day,
                    source=contact.referral_source,
                    primary_need=primary_need,
                    summary=contact.summary,
                    mash_reference=contact.reference,
                )
            except NotFoundOrForbidden:
                # Restricted since the check above: the same refusal, naming no one (R22).
                raise ValidationError({"__all__": [HIDDEN_CHILD]}) from None
            except ValidationError as error:
                raise _for_child(error, _child_name(subject, hidden)) from None
            if team is not None:
                # The same team and worker for every child: an error here is about them, not a child.
                allocation_change(actor=actor, involvement=referral.involvement, team=team, worker=worker)
            referrals.append(referral)
        handover_pick_up(actor=actor, handover=current, receiving_reference=str(referrals[0].pk))
    return referrals


def _check_children(children: list[ContactSubject], hidden: Collection[Any]) -> None:
    """Every child is linked to the person index, the actor may open each child's record, and
    none has an open referral (CIN census 8815).

    Checked for all the children before anything is written, so the manager sees every problem
    at once, each naming the child and (for an open referral) its date. A child the actor may not
    open (`hidden`) is never named nor said to have a case: one generic message stands for all
    of them (R22, T5).
    """
    if not children:
        raise ValidationError(
            {"__all__": ["The contact names no child: ask the MASH to add the child to the contact."]}
        )
    messages: list[str] = []
    unlinked = [s for s in children if s.person_id is None]
    for subject in unlinked:
        messages.append(
            f"{subject.described_name} is not linked to a record in the person index: "
            "ask the MASH to link them."
        )
    if any(s.person_id in hidden for s in children if s.person_id is not None):
        messages.append(HIDDEN_CHILD)
    open_referrals = {
        r.person_id: r
        for r in Referral.objects.filter(
            person_id__in=[
                s.person_id for s in children if s.person_id is not None and s.person_id not in hidden
            ],
            closed_on__isnull=True,
        )
    }
    for subject in children:
        found = open_referrals.get(subject.person_id) if subject.person_id is not None else None
        if found is not None:
            messages.append(
                f"{_child_name(subject, hidden)} already has an open referral, from {_d(found.referral_date)}: "
                "add this contact's information to that case instead."
            )
    if messages:
        raise ValidationError({"__all__": messages})


def _for_child(error: ValidationError, name: str) -> ValidationError:
    """The referral or allocation service's errors, each saying which child it is about."""
    if not hasattr(error, "error_dict"):
        return ValidationError({"__all__": [f"{name}: {m}" for m in error.messages]})
    return ValidationError(
        {field: [f"{name}: {m}" for m in messages] for field, messages in error.message_dict.items()}
    )
