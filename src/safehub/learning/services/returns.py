"""Agencies' information returns for a review (issue 10, item 2; ADR 0008 §4).

Tracked like a MASH information request: one per agency per review, due in
`AGENCY_RETURN_WORKING_DAYS` working days (local), chased once when overdue by the nightly sweep,
answered by the agency's own safeguarding lead or the partnership. The e-mails reuse the front
door's notices (one message per address, sent after commit) and carry only the review's anonymised
label, its kind and dates: never the child.
"""

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from safehub.accounts.constants import Role
from safehub.accounts.models import Agency, User
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.front_door.services.requests import Notice, link, send_notices
from safehub.platform import clock
from safehub.platform.locking import save_versioned

from ..clocks import agency_return_due
from ..constants import ReturnStatus
from ..models import AgencyReturn, Review
from ..policies import agency_return_policy, review_policy
from ._review_rules import Errors, add, check_day, check_in_progress, check_text, d, raise_if

SYSTEM_ACTOR = "learning_sweep"


def _learning_partner_emails(agency_id: uuid.UUID) -> list[str]:
    """The agency's safeguarding leads: its active learning partners."""
    return list(
        User.objects.filter(role=Role.LEARNING_PARTNER, agency_id=agency_id, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
    )


def _partnership_manager_emails() -> list[str]:
    return list(
        User.objects.filter(role=Role.PARTNERSHIP_MANAGER, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
    )


def _return_link(agency_return: AgencyReturn) -> str:
    return link("learning:return", id=agency_return.pk)


def agency_return_request(
    *, actor: Any, review: Review, agency: Agency | None, question: str, requested_on: date | None
) -> AgencyReturn:
    """Ask one agency what it knew. One return per agency per review; the agency's safeguarding
    leads are told by e-mail once the request is saved."""
    review_policy.check(actor, "manage", review)
    check_in_progress(review, "ask agencies for more information")
    errors: Errors = {}
    if agency is None:
        add(errors, "agency", "Choose the agency to ask.")
    elif not agency.is_active:
        add(errors, "agency", f"{agency.name} is no longer an active agency.")
    elif AgencyReturn.objects.filter(review=review, agency=agency).exists():
        add(errors, "agency", f"{agency.name} has already been asked for a return for this review.")
    question = check_text(errors, "question", question, "Say what the agency is asked to tell the review.")
    check_day(
        errors,
        "requested_on",
        requested_on,
        label="date of the request",
        not_before=review.started_on,
        since="the review started",
    )
    raise_if(errors)
    assert agency is not None
    assert requested_on is not None
    agency_return = AgencyReturn(
        review=review,
        agency=agency,
        question=question,
        requested_on=requested_on,
        due_on=agency_return_due(requested_on),
        requested_by=actor,
        updated_by=actor,
    )
    try:
        with transaction.atomic():
            agency_return.full_clean()
            agency_return.save()
            record_event(actor=actor, verb=Verb.CREATE, target=agency_return, section="agency_return")
            notices = _request_notices(agency_return)
            transaction.on_commit(lambda: send_notices(notices))
    except IntegrityError as exc:
        # Two managers asking the same agency at once: the unique index keeps one.
        raise ValidationError(
            {"agency": [f"{agency.name} has just been asked for a return for this review."]}
        ) from exc
    return agency_return


def _request_notices(agency_return: AgencyReturn) -> list[Notice]:
    review = agency_return.review
    subject = "Safehub: a review has asked your agency for information"
    body = (
        f"The {settings.SAFEHUB_COUNCIL_NAME} safeguarding partnership's {review.get_kind_display().lower()} "
        f"of {review.subject_label} has asked {agency_return.agency.name} for information.\n\n"
        f"It is due by {d(agency_return.due_on)}.\n\n"
        f"Sign in to Safehub to answer: {_return_link(agency_return)}\n"
    )
    return [
        Notice(to=address, subject=subject, body=body)
        for address in _learning_partner_emails(agency_return.agency_id)
    ]


def agency_return_answer(
    *,
    actor: Any,
    agency_return: AgencyReturn,
    expected_version: int,
    response: str,
    received_on: date | None,
) -> AgencyReturn:
    """Record the agency's answer (by its safeguarding lead, or the partnership on its behalf)."""
    agency_return_policy.check(actor, "answer", agency_return)
    if agency_return.status == ReturnStatus.RECEIVED:
        assert agency_return.received_on is not None
        raise ValidationError(
            {"__all__": [f"This return was already answered on {d(agency_return.received_on)}."]}
        )
    errors: Errors = {}
    response = check_text(errors, "response", response, "Enter what your agency knew, as the review asked.")
    check_day(
        errors,
        "received_on",
        received_on,
        label="date the answer was received",
        not_before=agency_return.requested_on,
        since="the return was asked for",
    )
    raise_if(errors)
    with transaction.atomic():
        agency_return.status = ReturnStatus.RECEIVED
        agency_return.response = response
        agency_return.received_on = received_on
        agency_return.answered_by = actor
        save_versioned(agency_return, expected_version=expected_version, actor=actor)
        record_event(
            actor=actor, verb=Verb.UPDATE, target=agency_return, section="agency_return", reason="answered"
        )
    return agency_return


def agency_returns_chase(*, today: date | None = None) -> int:
    """Chase, once, every return still unanswered after its due date; answer how many were chased.

    The agency's safeguarding leads and the partnership managers are e-mailed. Each chase is
    stamped on the return under a row lock, so a re-run, or two runs at once, sends nothing twice.
    """
    today = today or clock.today()
    overdue = AgencyReturn.objects.filter(
        status=ReturnStatus.REQUESTED, due_on__lt=today, chased_on__isnull=True
    ).values_list("pk", flat=True)
    chased = [r for r in (_mark_chased(pk, today) for pk in list(overdue)) if r is not None]
    notices = _chase_notices(chased)
    # Outside any transaction this sends now; inside a caller's, only once it commits (R51).
    transaction.on_commit(lambda: send_notices(notices))
    return len(chased)


def _mark_chased(pk: uuid.UUID, today: date) -> AgencyReturn | None:
    """Stamp `chased_on` once, re-checking under the row lock what the unlocked query saw."""
    with transaction.atomic():
        agency_return = (
            AgencyReturn.objects.select_for_update(of=("self",))
            .select_related("agency", "review")
            .filter(pk=pk, status=ReturnStatus.REQUESTED, due_on__lt=today, chased_on__isnull=True)
            .first()
        )
        if agency_return is None:
            return None
        agency_return.chased_on = today
        # A clock stamp, not a user's edit: the version (R49) stays, so no open form goes stale.
        agency_return.save(update_fields=["chased_on", "updated_at"])
        record_event(
            actor=None, actor_label=SYSTEM_ACTOR, verb=Verb.UPDATE, target=agency_return, section="chased"
        )
    return agency_return


def _line(agency_return: AgencyReturn, *, with_agency: bool) -> str:
    review = agency_return.review
    agency = f"{agency_return.agency.name}, " if with_agency else ""
    return (
        f"- {review.get_kind_display()} of {review.subject_label}: {agency}"
        f"due {d(agency_return.due_on)}: {_return_link(agency_return)}"
    )


def _chase_notices(chased: list[AgencyReturn]) -> list[Notice]:
    if not chased:
        return []
    by_agency: dict[uuid.UUID, list[AgencyReturn]] = {}
    for agency_return in chased:
        by_agency.setdefault(agency_return.agency_id, []).append(agency_return)
    notices: list[Notice] = []
    for agency_id, waiting in by_agency.items():
        count = len(waiting)
        lines = "\n".join(_line(r, with_agency=False) for r in waiting)
        body = (
            f"{count} information return{'s' if count != 1 else ''} that the {settings.SAFEHUB_COUNCIL_NAME} "
            f"safeguarding partnership asked {waiting[0].agency.name} for "
            f"{'are' if count != 1 else 'is'} overdue:\n\n{lines}\n\n"
            "The review needs them to meet its own timescale. Sign in to Safehub to answer.\n"
        )
        subject = "Safehub: information for a safeguarding review is overdue"
        notices += [Notice(to=a, subject=subject, body=body) for a in _learning_partner_emails(agency_id)]
    lines = "\n".join(_line(r, with_agency=True) for r in chased)
    count = len(chased)
    body = (
        f"{count} agency information return{'s' if count != 1 else ''} "
        f"{'are' if count != 1 else 'is'} overdue; the agencies have been reminded:\n\n{lines}\n"
    )
    subject = "Safehub: agency returns for reviews are overdue"
    notices += [Notice(to=a, subject=subject, body=body) for a in _partnership_manager_emails()]
    return notices


__all__ = ["agency_return_answer", "agency_return_request", "agency_returns_chase"]
