"""Serious incident notifications (issue 10, item 1; ADR 0008 §2, §3).

A council manager records the incident from the child's record; the national Child Safeguarding
Practice Review Panel must be told within 5 working days of the council becoming aware
(Children Act 2004 s16C). The incident is the one learning record that names the child.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from safehub.access.capabilities import require
from safehub.accounts.constants import Capability
from safehub.accounts.models import Agency
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.casework.policies import person_open
from safehub.people.models import Person
from safehub.platform import clock
from safehub.platform.errors import NotFoundOrForbidden
from safehub.platform.locking import save_versioned

from ..clocks import notification_due, rapid_review_due_refresh
from ..constants import IncidentKind
from ..models import SeriousIncident
from ..policies import incident_policy
from ._review_rules import Errors, add, check_day, check_text, d, raise_if

REFERENCE_ATTEMPTS = 5
PANEL_REFERENCE_MAX = 50  # SeriousIncident.panel_reference


def _next_reference(year: int) -> str:
    """The next "SIN-<year>-<nnnn>": numbered per year, in the order incidents are recorded."""
    prefix = f"SIN-{year}-"
    last = (
        SeriousIncident.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    tail = last[len(prefix) :] if last else ""
    return f"{prefix}{int(tail) + 1 if tail.isdigit() else 1:04d}"


def incident_record(
    *,
    actor: Any,
    child: Person | None,
    kind: str,
    incident_on: date | None,
    aware_on: date | None,
    summary: str,
    agencies: Iterable[Agency] = (),
) -> SeriousIncident:
    """Record a serious incident about `child` and start the 5-working-day notification clock.

    Open to a council manager (`notify_incidents`) or the partnership (`manage_learning`), and only
    for a child the actor may open: a restricted child answers 404, as everywhere.
    """
    require(actor, Capability.NOTIFY_INCIDENTS, Capability.MANAGE_LEARNING)
    if child is not None and not person_open(actor, child.pk):
        raise NotFoundOrForbidden()
    errors: Errors = {}
    if child is None:
        add(errors, "child", "Choose the child the incident is about.")
    elif child.merged_into_id is not None:
        add(
            errors,
            "child",
            "This child's record was merged into another: record the incident on that record.",
        )
    if kind not in IncidentKind.values:
        add(errors, "kind", "Choose whether the child has died or been seriously harmed.")
    incident_ok = check_day(errors, "incident_on", incident_on, label="date of the incident")
    # Compared only with a good incident date, so one mistake gives one message.
    if check_day(errors, "aware_on", aware_on, label="date the council became aware") and incident_ok:
        assert aware_on is not None
        assert incident_on is not None
        if aware_on < incident_on:
            add(
                errors,
                "aware_on",
                f"The council cannot have become aware before the incident on {d(incident_on)}.",
            )
    summary = check_text(errors, "summary", summary, "Say briefly what happened.")
    raise_if(errors)
    assert incident_on is not None
    assert aware_on is not None
    today = clock.today()
    with transaction.atomic():
        incident = SeriousIncident(
            child=child,
            kind=kind,
            incident_on=incident_on,
            aware_on=aware_on,
            notify_due_on=notification_due(aware_on),
            summary=summary,
            recorded_by=actor,
            updated_by=actor,
        )
        incident.full_clean(exclude=["reference"])
        # Two managers recording at once could take the same number: the unique index decides and
        # the loser takes the next one, inside a savepoint so its transaction survives.
        for _attempt in range(REFERENCE_ATTEMPTS):
            incident.reference = _next_reference(today.year)
            try:
                with transaction.atomic():
                    incident.save()
                break
            except IntegrityError:
                continue
        else:
            raise ValidationError({"__all__": ["Could not number the incident: please try again."]})
        incident.agencies.set(list({a.pk: a for a in agencies}.values()))
        record_event(actor=actor, verb=Verb.CREATE, target=incident, section="serious_incident")
    return incident


def incident_notify(
    *,
    actor: Any,
    incident: SeriousIncident,
    expected_version: int,
    notified_on: date | None,
    panel_reference: str = "",
) -> SeriousIncident:
    """Record that the national panel was notified, which stops the notification clock and runs
    the rapid review's 15 working days from this date."""
    incident_policy.check(actor, "manage", incident)
    if incident.notified_on is not None:
        raise ValidationError(
            {
                "__all__": [
                    f"The national panel was already notified of this incident on {d(incident.notified_on)}."
                ]
            }
        )
    errors: Errors = {}
    check_day(
        errors,
        "notified_on",
        notified_on,
        label="date the panel was notified",
        not_before=incident.aware_on,
        since="the council became aware",
    )
    panel_reference = (panel_reference or "").strip()
    if len(panel_reference) > PANEL_REFERENCE_MAX:
        add(errors, "panel_reference", f"The panel's reference is at most {PANEL_REFERENCE_MAX} characters.")
    raise_if(errors)
    with transaction.atomic():
        incident.notified_on = notified_on
        incident.panel_reference = panel_reference
        save_versioned(incident, expected_version=expected_version, actor=actor)
        rapid_review_due_refresh(incident)
        record_event(
            actor=actor, verb=Verb.UPDATE, target=incident, section="serious_incident", reason="notified"
        )
    return incident


__all__ = ["incident_notify", "incident_record"]
