"""Intake alerts, raised when the people in a contact are known (issue 4, item 3).

- Repeat contact: the third contact about a child within 12 months (configurable constants). A
  pattern of contacts that each fell below the threshold is the classic way a neglected child
  is missed (the "start again" syndrome of serious case reviews).
- Concerns from different agencies about the same child within 7 days: each agency may hold a
  piece that alone looks small.
- An adult in the contact with a current risk-to-children flag: the people app's flagged-adult
  alert also reaches the children's allocated workers and the MASH queue.

Each alert is recorded once per contact, kind and person, so re-linking is harmless.
"""

from datetime import timedelta
from typing import Any

from django.db.models import Q

from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.people.models import Person
from safehub.people.services.alerts import flagged_adult_linked

from ..constants import (
    ADULT_ROLES,
    CHILD_ROLES,
    MULTI_AGENCY_WINDOW_DAYS,
    REPEAT_CONTACT_THRESHOLD,
    REPEAT_WINDOW_DAYS,
    IntakeAlertKind,
)
from ..models import Contact, ContactSubject, IntakeAlert


def agency_key(contact: Contact) -> str:
    """Which agency a contact came from, for "different agencies": the agency record when known,
    else the organisation named, else the CIN referral source."""
    if contact.referrer_agency_id:
        return f"agency:{contact.referrer_agency_id}"
    if contact.referrer_organisation:
        return f"organisation:{contact.referrer_organisation.strip().lower()}"
    return f"source:{contact.referral_source}"


def intake_alerts_raise(*, actor: Any, contact: Contact) -> list[IntakeAlert]:
    """Raise any alert the contact's linked people call for; return the new ones."""
    subjects = list(
        ContactSubject.objects.filter(contact=contact, person__isnull=False).select_related("person")
    )
    children = [s.person for s in subjects if s.role in CHILD_ROLES and s.person is not None]
    adults = [s.person for s in subjects if s.role in ADULT_ROLES and s.person is not None]
    raised: list[IntakeAlert] = []
    for child in children:
        raised.extend(_contact_history_alerts(contact, child))
    for adult in adults:
        flagged = flagged_adult_linked(
            actor=actor, adult=adult, link_kind="contact", context={"contact": contact.pk}, children=children
        )
        if flagged is not None:
            made = _record(
                contact,
                IntakeAlertKind.FLAGGED_ADULT,
                adult,
                "An adult in this contact has a current flag for risk to children. "
                "Check the flag on their record before deciding.",
            )
            raised.extend(made)
    for alert in raised:
        record_event(actor=actor, verb=Verb.CREATE, target=alert, section=alert.kind)
    return raised


def _contact_history_alerts(contact: Contact, child: Person) -> list[IntakeAlert]:
    window_start = contact.received_at - timedelta(days=REPEAT_WINDOW_DAYS)
    earlier = list(
        Contact.objects.filter(subjects__person=child, subjects__role__in=CHILD_ROLES)
        .filter(Q(received_at__gte=window_start) & Q(received_at__lte=contact.received_at))
        .distinct()
        .only("id", "received_at", "referrer_agency_id", "referrer_organisation", "referral_source")
    )
    if all(c.pk != contact.pk for c in earlier):
        earlier.append(contact)
    raised: list[IntakeAlert] = []
    if len(earlier) >= REPEAT_CONTACT_THRESHOLD:
        raised.extend(
            _record(
                contact,
                IntakeAlertKind.REPEAT_CONTACT,
                child,
                # "At least": the count includes contacts the reader may be restricted from, and
                # must not reveal how many there are (R22); the pattern still must not be missed.
                f"At least {REPEAT_CONTACT_THRESHOLD} contacts about this child in the last 12 months: "
                "look at the pattern, not only this concern.",
            )
        )
    recent_start = contact.received_at - timedelta(days=MULTI_AGENCY_WINDOW_DAYS)
    agencies = {agency_key(c) for c in earlier if c.received_at >= recent_start}
    if len(agencies) >= 2:
        raised.extend(
            _record(
                contact,
                IntakeAlertKind.MULTI_AGENCY,
                child,
                f"{len(agencies)} different agencies have raised concerns about this child in the last "
                f"{MULTI_AGENCY_WINDOW_DAYS} days.",
            )
        )
    return raised


def _record(contact: Contact, kind: str, person: Person, message: str) -> list[IntakeAlert]:
    alert, created = IntakeAlert.objects.get_or_create(
        contact=contact, kind=kind, person=person, defaults={"message": message}
    )
    if not created and alert.message != message:
        alert.message = message
        alert.save(update_fields=["message", "updated_at"])
    return [alert] if created else []
