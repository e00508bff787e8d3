"""Strategy discussions and section 47 enquiries (issue 5, items 1 and 2).

Working Together to Safeguard Children (2023): a strategy discussion brings together at least
children's social care, the police and health; if it decides on a section 47 enquiry and the
concerns are substantiated, the initial child protection conference is held within 15 working
days of the strategy discussion.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from safehub.accounts.constants import AgencyKind
from safehub.accounts.models import Agency
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.platform.locking import save_versioned

from ..clocks import icpc_due_on
from ..constants import ConferenceKind, Section47Outcome, StrategyDecision
from ..models import Conference, Referral, Section47Enquiry, StrategyAttendee, StrategyDiscussion
from ..policies import referral_policy
from ._rules import Errors, _d, add, check_activity_date, check_not_before, check_open
from .referral import clocks_sync

_HEALTH_KINDS = frozenset({AgencyKind.HEALTH_TRUST, AgencyKind.GP_PRACTICE})
_POLICE_WORDS = re.compile(r"police", re.IGNORECASE)
_HEALTH_WORDS = re.compile(r"health|\bnhs\b", re.IGNORECASE)


@dataclass
class AttendeeInput:
    name: str
    agency_name: str
    role: str = ""
    agency_id: uuid.UUID | None = None


def _check_attendees(
    errors: Errors, attendees: list[AttendeeInput]
) -> list[tuple[AttendeeInput, Agency | None]]:
    """Each attendee has a name and an agency; police and health are among them (Working Together)."""
    if not attendees:
        add(errors, "attendees", "Add the people who took part: at least the police, health and social care.")
        return []
    wanted = {a.agency_id for a in attendees if a.agency_id is not None}
    agencies = {agency.pk: agency for agency in Agency.objects.filter(pk__in=wanted)}
    checked: list[tuple[AttendeeInput, Agency | None]] = []
    for number, attendee in enumerate(attendees, start=1):
        agency = agencies.get(attendee.agency_id) if attendee.agency_id is not None else None
        if attendee.agency_id is not None and agency is None:
            add(errors, "attendees", f"Attendee {number}: choose their agency from the list.")
        if not attendee.name.strip():
            add(errors, "attendees", f"Attendee {number}: enter their name.")
        if not attendee.agency_name.strip() and agency is None:
            add(errors, "attendees", f"Attendee {number}: enter the agency they represent.")
        checked.append((attendee, agency))
    if any(field == "attendees" for field in errors):
        return checked

    def represented(kinds: frozenset[str], words: re.Pattern[str]) -> bool:
        return any(
            (agency is not None and agency.kind in kinds) or bool(words.search(attendee.agency_name))
            for attendee, agency in checked
        )

    if not represented(frozenset({AgencyKind.POLICE}), _POLICE_WORDS):
        add(errors, "attendees", "A strategy discussion includes the police: add the police attendee.")
    if not represented(_HEALTH_KINDS, _HEALTH_WORDS):
        add(errors, "attendees", "A strategy discussion includes health: add the health attendee.")
    return checked


def strategy_discussion_record(
    *,
    actor: Any,
    referral: Referral,
    held_on: date,
    decision: str,
    rationale: str,
    attendees: list[AttendeeInput],
) -> StrategyDiscussion:
    """Record a strategy discussion; a decision to start a section 47 enquiry opens it, with the
    initial conference due 15 working days from the discussion.
    """
    referral_policy.check(actor, "record", referral)
    errors: Errors = {}
    check_open(errors, referral)
    check_activity_date(errors, referral, "held_on", held_on, label="date of the strategy discussion")
    if not decision:
        add(errors, "decision", "Choose what the strategy discussion decided.")
    elif decision not in StrategyDecision.values:
        add(errors, "decision", "Choose a decision from the list.")
    elif decision == StrategyDecision.SECTION_47:
        _check_one_open_enquiry(errors, referral)
    if not rationale.strip():
        add(errors, "rationale", "Give the reasons for the decision.")
    checked = _check_attendees(errors, attendees)
    if errors:
        raise ValidationError(errors)
    try:
        return _strategy_write(actor, referral, held_on, decision, rationale, checked)
    except IntegrityError:
        # Two quick submits: the other opened the enquiry after our check (cp_one_open_s47).
        if decision == StrategyDecision.SECTION_47:
            _check_one_open_enquiry(errors, referral)
        if errors:
            raise ValidationError(errors) from None
        raise


def _check_one_open_enquiry(errors: Errors, referral: Referral) -> None:
    """One section 47 enquiry at a time until its outcome is recorded (also a database constraint)."""
    current = referral.section47_enquiries.filter(completed_on__isnull=True).first()
    if current is not None:
        add(
            errors,
            "decision",
            f"A section 47 enquiry started on {_d(current.started_on)} is still open: "
            "record its outcome before starting another.",
        )


def _strategy_write(
    actor: Any,
    referral: Referral,
    held_on: date,
    decision: str,
    rationale: str,
    checked: list[tuple[AttendeeInput, Agency | None]],
) -> StrategyDiscussion:
    with transaction.atomic():
        discussion = StrategyDiscussion(
            referral=referral,
            held_on=held_on,
            decision=decision,
            rationale=rationale.strip(),
            recorded_by=actor,
            updated_by=actor,
        )
        discussion.full_clean()
        discussion.save()
        for attendee, agency in checked:
            row = StrategyAttendee(
                discussion=discussion,
                agency=agency,
                agency_name=attendee.agency_name.strip() or (agency.name if agency else ""),
                name=attendee.name.strip(),
                role=attendee.role.strip(),
            )
            row.full_clean()
            row.save()
        if decision == StrategyDecision.SECTION_47:
            enquiry = Section47Enquiry(
                referral=referral,
                strategy_discussion=discussion,
                started_on=held_on,
                icpc_due_on=icpc_due_on(held_on),
                updated_by=actor,
            )
            enquiry.full_clean(validate_constraints=False)
            enquiry.save()
        record_event(
            actor=actor, verb=Verb.CREATE, target=discussion, section="strategy_discussion", reason=decision
        )
        clocks_sync(referral)
    return discussion


def section47_complete(
    *,
    actor: Any,
    enquiry: Section47Enquiry,
    expected_version: int,
    completed_on: date,
    outcome: str,
    summary: str = "",
) -> Section47Enquiry:
    """Record the enquiry's outcome. Substantiated concerns needing a conference schedule the
    initial child protection conference, due on the enquiry's ICPC date.
    """
    referral = enquiry.referral
    referral_policy.check(actor, "record", referral)
    errors: Errors = {}
    check_open(errors, referral)
    if enquiry.completed_on is not None:
        add(errors, "__all__", f"The enquiry's outcome was recorded on {_d(enquiry.completed_on)}.")
    check_activity_date(errors, referral, "completed_on", completed_on, label="date the enquiry finished")
    check_not_before(
        errors,
        "completed_on",
        completed_on,
        enquiry.started_on,
        label="date the enquiry finished",
        what="start of the enquiry",
    )
    if not outcome:
        add(errors, "outcome", "Choose the outcome of the enquiry.")
    elif outcome not in Section47Outcome.values:
        add(errors, "outcome", "Choose an outcome from the list.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        enquiry.completed_on = completed_on
        enquiry.outcome = outcome
        enquiry.summary = summary.strip()
        save_versioned(enquiry, expected_version=expected_version, actor=actor)
        if outcome == Section47Outcome.CONFERENCE:
            conference = Conference(
                referral=referral,
                kind=ConferenceKind.INITIAL,
                section47=enquiry,
                due_on=enquiry.icpc_due_on,
                recorded_by=actor,
                updated_by=actor,
            )
            conference.full_clean()
            conference.save()
        record_event(actor=actor, verb=Verb.UPDATE, target=enquiry, section="section47", reason=outcome)
        clocks_sync(referral)
    return enquiry
