"""Overdue information requests: remind the agency, then escalate to the MASH managers (ADR 0003, 5).

Run by `manage.py front_door_tick` (cron, every 5 minutes) or the task in `tasks.py`. Each
reminder and each escalation is recorded once on the request, under a row lock, so a re-run, or
two runs at once, sends nothing twice. E-mails say only how many requests are waiting and where to
sign in: no names, no dates of birth, no concerns.
"""

import uuid
from collections import defaultdict
from datetime import datetime

from django.conf import settings
from django.db import transaction

from safehub.accounts.constants import Role
from safehub.accounts.models import User
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock

from ..constants import OPEN_STATUSES, RequestStatus
from ..models import InformationRequest
from .requests import Notice, link, partner_officer_emails, send_notices, when

SYSTEM_ACTOR = "front_door_tick"


def requests_remind_and_escalate(now: datetime | None = None) -> tuple[int, int]:
    """(reminded, escalated): how many requests were newly reminded and newly escalated."""
    now = now or clock.now()
    base = InformationRequest.objects.filter(status=RequestStatus.OPEN, contact__status__in=OPEN_STATUSES)
    reminded: list[InformationRequest] = []
    for pk in base.filter(due_at__lte=now, reminded_at__isnull=True).values_list("pk", flat=True):
        request = _mark(pk, "reminded_at", "due_at", now)
        if request is not None:
            reminded.append(request)
    escalated: list[InformationRequest] = []
    for pk in base.filter(escalate_at__lte=now, escalated_at__isnull=True).values_list("pk", flat=True):
        request = _mark(pk, "escalated_at", "escalate_at", now)
        if request is not None:
            escalated.append(request)
    notices = _reminder_notices(reminded) + _escalation_notices(escalated)
    # Outside any transaction this sends now; inside a caller's, only once it commits (R51).
    transaction.on_commit(lambda: send_notices(notices))
    return len(reminded), len(escalated)


def _mark(pk: uuid.UUID, stamp: str, clock_field: str, now: datetime) -> InformationRequest | None:
    """Set `stamp` once, re-checking under the row lock what the unlocked query saw."""
    with transaction.atomic():
        request = (
            InformationRequest.objects.select_for_update()
            .select_related("agency", "contact")
            .filter(
                pk=pk, status=RequestStatus.OPEN, **{f"{stamp}__isnull": True, f"{clock_field}__lte": now}
            )
            .first()
        )
        if request is None:
            return None
        setattr(request, stamp, now)
        # A clock stamp, not a user's edit: the version (R49) stays, so no open form goes stale.
        request.save(update_fields=[stamp, "updated_at"])
        record_event(
            actor=None,
            actor_label=SYSTEM_ACTOR,
            verb=Verb.UPDATE,
            target=request,
            section="reminded" if stamp == "reminded_at" else "escalated",
        )
    return request


def _reminder_notices(requests: list[InformationRequest]) -> list[Notice]:
    by_agency: dict[uuid.UUID, list[InformationRequest]] = defaultdict(list)
    for request in requests:
        by_agency[request.agency_id].append(request)
    notices = []
    for agency_id, waiting in by_agency.items():
        agency = waiting[0].agency
        count = len(waiting)
        subject = "Safehub: MASH information requests are overdue"
        lines = "\n".join(f"- due {when(r.due_at)}: {link('partner:request', id=r.pk)}" for r in waiting)
        body = (
            f"{count} information request{'s' if count != 1 else ''} from the "
            f"{settings.SAFEHUB_COUNCIL_NAME} MASH to {agency.name} "
            f"{'are' if count != 1 else 'is'} now overdue:\n\n{lines}\n\n"
            "If the MASH does not hear from you soon, its managers will be asked to follow it up.\n"
            f"Sign in to Safehub to answer: {link('partner:inbox')}\n"
        )
        notices += [
            Notice(to=address, subject=subject, body=body) for address in partner_officer_emails(agency_id)
        ]
    return notices


def _escalation_notices(requests: list[InformationRequest]) -> list[Notice]:
    if not requests:
        return []
    managers = User.objects.filter(role=Role.MASH_MANAGER, is_active=True).order_by("email")
    lines = "\n".join(
        f"- {r.contact.reference}: {r.agency.name}, due {when(r.due_at)}: "
        f"{link('front_door:contact', id=r.contact_id)}"
        for r in requests
    )
    count = len(requests)
    subject = "Safehub: partner information requests need following up"
    body = (
        f"{count} information request{'s' if count != 1 else ''} to partner agencies "
        f"{'have' if count != 1 else 'has'} not been answered after a reminder:\n\n{lines}\n\n"
        "Please follow them up with the agencies.\n"
    )
    return [
        Notice(to=address, subject=subject, body=body) for address in managers.values_list("email", flat=True)
    ]
