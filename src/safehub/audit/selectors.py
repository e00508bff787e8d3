"""Reads of the audit trail: "who has accessed this record" and the IG event search (R27, R29).

Reading the trail is itself an access to personal data (it shows who looked at a child's record
and why), so `access_log_for` audits itself before returning anything, as every read does (R28).

`audit` sits below `access` in the dependency order, so it cannot ask a record's policy directly
whether the actor may see the record. The app that owns the policies registers a check here in
its `AppConfig.ready()` (the registry pattern of HOUSE.md). Until one is registered the answer is
"not found" for everyone who needs it: fail closed.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from safehub.accounts.constants import Capability, Role
from safehub.accounts.models import Agency
from safehub.platform.errors import NotFoundOrForbidden, PermissionRefused

from .constants import Verb
from .models import AuditEvent
from .services import record_event

PAGE_SIZE = 50

# (actor, object_type, object_id) -> None, raising NotFoundOrForbidden when the actor may not see it.
VisibilityCheck = Callable[[Any, str, Any], object]
_visibility_check: VisibilityCheck | None = None


def register_visibility_check(check: VisibilityCheck) -> None:
    """Called by the app that owns the record policies (e.g. with `access.policies.object_for`)."""
    global _visibility_check
    _visibility_check = check


def _check_record_visible(actor: Any, object_type: str, object_id: uuid.UUID) -> None:
    if _visibility_check is None:
        raise NotFoundOrForbidden()
    _visibility_check(actor, object_type, object_id)


@dataclass(frozen=True)
class LogEntry:
    """One row of an access log, with the agency resolved once per page rather than per row."""

    event: AuditEvent
    agency_name: str

    @property
    def who(self) -> str:
        actor = self.event.actor
        if actor is not None:
            return f"{actor.full_name} ({actor.email})" if actor.full_name else actor.email
        return self.event.actor_label or "The system"

    @property
    def role_label(self) -> str:
        role = self.event.actor_role
        return str(Role(role).label) if role in Role.values else role

    @property
    def section_label(self) -> str:
        return self.event.section.replace("_", " ")

    @property
    def verb_label(self) -> str:
        verb = self.event.verb
        return str(Verb(verb).label) if verb in Verb.values else verb


@dataclass(frozen=True)
class LogPage:
    page: Page[AuditEvent]
    entries: list[LogEntry]


def _paginate(qs: QuerySet[AuditEvent], page_number: int | str | None) -> LogPage:
    page = Paginator(qs, PAGE_SIZE).get_page(page_number)
    events = list(page.object_list)
    agency_ids = {e.actor_agency_id for e in events if e.actor_agency_id}
    names = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "name")) if agency_ids else {}
    entries = [LogEntry(e, names.get(e.actor_agency_id, "") if e.actor_agency_id else "") for e in events]
    return LogPage(page=page, entries=entries)


def access_log_for(
    *, actor: Any, object_type: str, object_id: uuid.UUID, page: int | str | None = 1
) -> LogPage:
    """Every audited access to one record, newest first.

    Managers (VIEW_ACCESS_LOG) must be able to see the record itself through its policy; a record
    they may not see is "not found" (R19). Information governance (VIEW_AUDIT) can already search
    the whole trail, so for them the record's own policy is not consulted: they must be able to
    answer "who looked at this sealed record" without being able to open it.
    """
    if not actor.has_capability(Capability.VIEW_ACCESS_LOG):
        raise PermissionRefused()
    if not actor.has_capability(Capability.VIEW_AUDIT):
        _check_record_visible(actor, object_type, object_id)
    record_event(
        actor=actor, verb=Verb.VIEW, object_type=object_type, object_id=object_id, section="access_log"
    )
    qs = (
        AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id))
        .select_related("actor")
        .order_by("-seq")
    )
    return _paginate(qs, page)


@dataclass(frozen=True)
class EventFilters:
    """What information governance can filter the trail by. Staff e-mail and ids only."""

    email: str = ""
    verb: str = ""
    date_from: date | None = None
    date_to: date | None = None
    object_id: uuid.UUID | None = None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def event_list(*, actor: Any, filters: EventFilters, page: int | str | None = 1) -> LogPage:
    """The audit trail for information governance, newest first, one page at a time.

    Three queries whatever the page size: the count, the page (with its actors) and the agencies.
    """
    if not actor.has_capability(Capability.VIEW_AUDIT):
        raise PermissionRefused()
    qs = AuditEvent.objects.select_related("actor").order_by("-seq")
    if filters.email:
        qs = qs.filter(actor_label__iexact=filters.email.strip())
    if filters.verb:
        qs = qs.filter(verb=filters.verb)
    if filters.date_from:
        qs = qs.filter(occurred_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        # Inclusive of the whole "to" day, in the council's time zone.
        qs = qs.filter(occurred_at__lt=_start_of(filters.date_to + timedelta(days=1)))
    if filters.object_id:
        qs = qs.filter(object_id=str(filters.object_id))
    return _paginate(qs, page)
