"""Reads of contacts: one contact, the MASH queue, a child's recent contacts (R19, R27)."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden

from ..clocks import forecast, next_clock_name
from ..constants import CHILD_ROLES, OPEN_STATUSES, RequestStatus
from ..models import Contact, ContactSubject, InformationRequest, IntakeAlert
from ..policies import contact_policy

QUEUE_PAGE = 100
DUE_SOON = timedelta(hours=1)


def contact_get(*, actor: Any, id: uuid.UUID | str, action: str = "view") -> Contact:
    """One contact, or NotFoundOrForbidden; the read is audited before anything is shown."""
    contact = (
        contact_policy.scope(actor, Contact.objects.all(), action)
        .select_related("referrer_agency", "recorded_by", "submitted_by", "source_agency")
        .filter(pk=id)
        .first()
    )
    if contact is None:
        raise NotFoundOrForbidden()
    record_event(actor=actor, verb=Verb.VIEW, target=contact)
    return contact


@dataclass(frozen=True)
class QueueRow:
    contact: Contact
    children: list[str]
    clock: str
    forecast: str
    overdue: bool
    due_soon: bool
    alerts: int
    open_requests: int


@dataclass(frozen=True)
class QueueSummary:
    open: int
    overdue: int
    due_soon: int
    awaiting_screening: int
    by_rag: dict[str, int]


def _open(actor: Any, status: str = "", rag: str = "") -> QuerySet[Contact]:
    qs = contact_policy.scope(actor, Contact.objects.all()).filter(status__in=OPEN_STATUSES)
    if status:
        qs = qs.filter(status=status)
    if rag == "none":
        qs = qs.filter(rag="")
    elif rag:
        qs = qs.filter(rag=rag)
    return qs


def contact_queue(
    *, actor: Any, status: str = "", rag: str = "", limit: int = QUEUE_PAGE, offset: int = 0
) -> list[QueueRow]:
    """The open contacts, the one nearest to (or furthest past) its breach first.

    A fixed handful of queries whatever the size of the hub: the contacts, their children, the
    counts of alerts and open requests, and the audit row. The sort is on the stored `next_due_at` (ADR 0003).
    """
    now = clock.now()
    children = Prefetch(
        "subjects",
        queryset=ContactSubject.objects.filter(role__in=CHILD_ROLES).order_by("created_at"),
        to_attr="child_subjects",
    )
    contacts = list(
        _open(actor, status, rag)
        .select_related("referrer_agency")
        .prefetch_related(children)
        .order_by("next_due_at", "received_at")[offset : offset + limit]
    )
    # Counted for the page's ids only: an aggregate over the whole join would make SQLite group
    # every contact, decided ones included, instead of walking the queue index.
    ids = [c.pk for c in contacts]
    alerts = _counts(IntakeAlert.objects.filter(contact_id__in=ids))
    open_requests = _counts(InformationRequest.objects.filter(contact_id__in=ids, status=RequestStatus.OPEN))
    record_event(
        actor=actor,
        verb=Verb.LIST,
        object_type=contact_policy.object_type,
        section="queue",
        result_ids=ids,
    )
    return [_row(c, now, alerts.get(c.pk, 0), open_requests.get(c.pk, 0)) for c in contacts]


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    number: int
    pages: int
    first: int
    last: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def contact_queue_page(*, actor: Any, status: str = "", rag: str = "", page: int = 1) -> QueuePage:
    """One page of the queue, and where it sits in the whole: a hub with 2,000 open contacts
    must be able to reach the 101st, and the caption must not claim there are only 100."""
    total = _open(actor, status, rag).count()
    pages = max(1, -(-total // QUEUE_PAGE))
    number = min(max(1, page), pages)
    offset = (number - 1) * QUEUE_PAGE
    rows = contact_queue(actor=actor, status=status, rag=rag, limit=QUEUE_PAGE, offset=offset)
    return QueuePage(
        rows=rows,
        total=total,
        number=number,
        pages=pages,
        first=offset + 1 if rows else 0,
        last=offset + len(rows),
    )


def _counts(qs: QuerySet[Any]) -> dict[Any, int]:
    return dict(qs.order_by().values("contact_id").annotate(n=Count("pk")).values_list("contact_id", "n"))


def _row(contact: Any, now: datetime, alerts: int, open_requests: int) -> QueueRow:
    due = contact.next_due_at
    return QueueRow(
        contact=contact,
        children=[s.described_name for s in contact.child_subjects] or ["Child not yet identified"],
        clock=next_clock_name(contact),
        forecast=forecast(due, now),
        overdue=due is not None and due < now,
        due_soon=due is not None and now <= due < now + DUE_SOON,
        alerts=alerts,
        open_requests=open_requests,
    )


def queue_summary(*, actor: Any) -> QueueSummary:
    """Counts for the queue's header, in one aggregate query."""
    now = clock.now()
    qs = _open(actor)
    counts = qs.aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(next_due_at__lt=now)),
        due_soon=Count("pk", filter=Q(next_due_at__gte=now, next_due_at__lt=now + DUE_SOON)),
        awaiting=Count("pk", filter=Q(rag="")),
        red=Count("pk", filter=Q(rag="red")),
        amber=Count("pk", filter=Q(rag="amber")),
        green=Count("pk", filter=Q(rag="green")),
    )
    return QueueSummary(
        open=counts["open"],
        overdue=counts["overdue"],
        due_soon=counts["due_soon"],
        awaiting_screening=counts["awaiting"],
        by_rag={"red": counts["red"], "amber": counts["amber"], "green": counts["green"]},
    )


def contacts_about(
    *, actor: Any, person_ids: list[Any], since: datetime, exclude: Any = None
) -> list[Contact]:
    """The contacts about these children since `since`, newest first (intake intelligence)."""
    if not person_ids:
        return []
    qs = (
        contact_policy.scope(actor, Contact.objects.all())
        .filter(subjects__person_id__in=person_ids, subjects__role__in=CHILD_ROLES, received_at__gte=since)
        .distinct()
        .select_related("referrer_agency")
        .order_by("-received_at")
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    found = list(qs[:50])
    record_event(
        actor=actor,
        verb=Verb.LIST,
        object_type=contact_policy.object_type,
        section="intake",
        result_ids=[c.pk for c in found],
    )
    return found
