"""Intake intelligence: what is already known about the people in a contact (issue 4, item 3)."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from safehub.people.involvements import Involvement, open_involvements
from safehub.people.models import Person, RiskFlag
from safehub.people.policies import person_policy
from safehub.people.services.alerts import alerting_flags

from ..constants import ADULT_ROLES, CHILD_ROLES, REPEAT_WINDOW_DAYS
from ..models import Contact, ContactSubject, IntakeAlert
from .contacts import contacts_about


@dataclass
class AdultFlags:
    person: Person
    flags: list[RiskFlag]


@dataclass
class Intake:
    involvements: list[Involvement] = field(default_factory=list)
    recent_contacts: list[Contact] = field(default_factory=list)
    adult_flags: list[AdultFlags] = field(default_factory=list)
    alerts: list[IntakeAlert] = field(default_factory=list)
    unlinked: int = 0


def intake_for(*, actor: Any, contact: Contact) -> Intake:
    """For a contact the actor may see: the children's open involvements, their contacts in the
    last 12 months, the current risk flags of linked adults (only adults the actor may see: the
    people record's own rules apply) and the contact's intake alerts."""
    subjects = list(ContactSubject.objects.filter(contact=contact).select_related("person"))
    linked = [s for s in subjects if s.person_id is not None]
    children_ids = [s.person_id for s in linked if s.role in CHILD_ROLES]
    visible_adults = {
        p.pk: p for p in person_policy.visible(actor, [s.person_id for s in linked if s.role in ADULT_ROLES])
    }
    return Intake(
        involvements=open_involvements(actor=actor, person_ids=children_ids),
        recent_contacts=contacts_about(
            actor=actor,
            person_ids=children_ids,
            since=contact.received_at - timedelta(days=REPEAT_WINDOW_DAYS),
            exclude=contact.pk,
        ),
        adult_flags=[
            AdultFlags(person=p, flags=flags) for p in visible_adults.values() if (flags := alerting_flags(p))
        ],
        alerts=list(IntakeAlert.objects.filter(contact=contact).order_by("kind", "created_at")),
        unlinked=len(subjects) - len(linked),
    )
