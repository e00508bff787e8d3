"""Learning's clocks (ADR 0008 §3; R52).

Statutory:
- notifying the national panel: 5 working days from the day the council became aware
  (Children Act 2004 s16C; Working Together 2023 ch. 5);
- the rapid review: 15 working days from the notification, or from `aware_on` while the incident
  is not yet notified, so an unnotified incident still shows a rapid review due;
- a local child safeguarding practice review: 6 calendar months from the decision to commission it.
Local:
- an agency's information return: `AGENCY_RETURN_WORKING_DAYS` working days from the request.

Due dates are stored so that lists sort and count in SQL. The working-day ones move when the
council's calendar changes, so `learning_clocks_recompute_all` is registered as a calendar
listener; the 6 months of a local review are calendar months and never move.
"""

from datetime import date

from django.db import transaction

from safehub.casework.timescales import add_months
from safehub.platform.calendar import WorkingCalendar, calendar

from .constants import (
    AGENCY_RETURN_WORKING_DAYS,
    LOCAL_REVIEW_MONTHS,
    NOTIFICATION_WORKING_DAYS,
    RAPID_REVIEW_WORKING_DAYS,
    ReturnStatus,
    ReviewKind,
    ReviewStatus,
)
from .models import AgencyReturn, Review, SeriousIncident


def notification_due(aware_on: date, cal: WorkingCalendar | None = None) -> date:
    return (cal or calendar()).add_working_days(aware_on, NOTIFICATION_WORKING_DAYS)


def rapid_review_due(incident: SeriousIncident, cal: WorkingCalendar | None = None) -> date:
    start = incident.notified_on or incident.aware_on
    return (cal or calendar()).add_working_days(start, RAPID_REVIEW_WORKING_DAYS)


def local_review_due(decided_on: date) -> date:
    """Six calendar months on; the month's last day when it is shorter (31 August → 28/29 February)."""
    return add_months(decided_on, LOCAL_REVIEW_MONTHS)


def agency_return_due(requested_on: date, cal: WorkingCalendar | None = None) -> date:
    return (cal or calendar()).add_working_days(requested_on, AGENCY_RETURN_WORKING_DAYS)


def learning_clocks_recompute_all() -> int:
    """Recompute the stored working-day due dates of everything still running; answer how many rows
    changed.

    Running means: an incident not yet notified, a rapid review in progress, a return not yet
    received. A finished clock keeps the date it was measured against. The rows are locked while
    they are recomputed, and only a due date is saved: it is the clock's, not a user's edit, so
    the version (R49) stays and no open form goes stale.
    """
    cal = calendar()
    changed = 0
    with transaction.atomic():
        incidents = SeriousIncident.objects.select_for_update().filter(notified_on__isnull=True)
        for incident in incidents:
            due = notification_due(incident.aware_on, cal)
            if due != incident.notify_due_on:
                incident.notify_due_on = due
                incident.save(update_fields=["notify_due_on", "updated_at"])
                changed += 1
        reviews = (
            Review.objects.select_for_update(of=("self",))
            .select_related("incident")
            .filter(kind=ReviewKind.RAPID, status=ReviewStatus.IN_PROGRESS, incident__isnull=False)
        )
        for review in reviews:
            assert review.incident is not None
            changed += _set_review_due(review, rapid_review_due(review.incident, cal))
        returns = AgencyReturn.objects.select_for_update().filter(status=ReturnStatus.REQUESTED)
        for agency_return in returns:
            due = agency_return_due(agency_return.requested_on, cal)
            if due != agency_return.due_on:
                agency_return.due_on = due
                agency_return.save(update_fields=["due_on", "updated_at"])
                changed += 1
    return changed


def _set_review_due(review: Review, due: date) -> int:
    if due == review.due_on:
        return 0
    review.due_on = due
    review.save(update_fields=["due_on", "updated_at"])
    return 1


def rapid_review_due_refresh(incident: SeriousIncident) -> None:
    """Move the incident's running rapid review to its new due date (after the notification is
    recorded, the 15 working days run from it rather than from `aware_on`)."""
    review = (
        Review.objects.select_for_update()
        .filter(incident=incident, kind=ReviewKind.RAPID, status=ReviewStatus.IN_PROGRESS)
        .first()
    )
    if review is not None:
        _set_review_due(review, rapid_review_due(incident))


__all__ = [
    "agency_return_due",
    "learning_clocks_recompute_all",
    "local_review_due",
    "notification_due",
    "rapid_review_due",
    "rapid_review_due_refresh",
]
