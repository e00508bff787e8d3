"""Recording a contact and linking the people in it to the index (issue 4, item 1).

A contact keeps every person as the referrer described them; each is then linked to a record in
the person index, found through the matcher or created. MASH staff do that as they record the
contact; a portal or partner-system referral is linked at screening, because its sender may
not search the index (they "see nothing else").
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from safehub.accounts.constants import Capability
from safehub.audit.constants import Verb
from safehub.audit.services import record_event
from safehub.people.models import Person
from safehub.people.policies import person_policy
from safehub.people.services.person import person_create
from safehub.platform import clock
from safehub.platform.errors import PermissionRefused
from safehub.reference_data.selectors import code_list

from ..clocks import Clocks, contact_refresh_clocks
from ..constants import (
    CHILD_ROLES,
    REFERRAL_SOURCE_LIST,
    Channel,
    ConcernCategory,
    ConsentStatus,
    ContactStatus,
    LawfulBasis,
)
from ..models import Contact, ContactConcern, ContactSequence, ContactSubject
from ..policies import contact_policy
from ._details import clean_details, described, identifiable, person_fields
from .intake import intake_alerts_raise

MAX_SUBJECTS = 20
SUMMARY_MAX = 20_000


@dataclass
class SubjectInput:
    role: str
    details: dict[str, str] = field(default_factory=dict)
    # A record the actor already found through the matcher (MASH staff only).
    person_id: uuid.UUID | None = None


@dataclass
class ReferrerInput:
    name: str = ""
    agency: Any = None
    organisation: str = ""
    role: str = ""
    phone: str = ""
    email: str = ""
    identity_withheld: bool = False


class DuplicateContact(Exception):
    """A partner system sent the same external reference again: it is the same contact."""

    def __init__(self, contact: Contact) -> None:
        super().__init__(f"Already received as {contact.reference}.")
        self.contact = contact


def contact_create(
    *,
    actor: Any,
    channel: str,
    referral_source: str,
    summary: str,
    concerns: list[str],
    consent: str,
    lawful_basis: str,
    subjects: list[SubjectInput],
    referrer: ReferrerInput,
    consent_reason: str = "",
    received_at: datetime | None = None,
    child_not_identified_reason: str = "",
    source_agency: Any = None,
    external_reference: str = "",
) -> Contact:
    """Record a contact, its people and concerns, start its clocks and raise intake alerts.

    MASH staff (record_contacts) record any channel; a referrer or a partner system
    (submit_referrals) submits its own, which it alone may then follow. Every error comes back
    at once, keyed by field; nothing is saved unless everything is right.
    """
    submitting = not actor.has_capability(Capability.RECORD_CONTACTS)
    if submitting and not actor.has_capability(Capability.SUBMIT_REFERRALS):
        raise PermissionRefused()
    now = clock.now()
    received_at = received_at or now
    errors: dict[str, list[str]] = {}
    if received_at > now:
        errors.setdefault("received_at", []).append("The contact cannot be received in the future.")
    if submitting and channel not in (Channel.PORTAL, Channel.API, Channel.POLICE_NOTIFICATION):
        errors.setdefault("channel", []).append(
            "A referral from a partner comes by the portal or a partner system."
        )
    if not code_list(REFERRAL_SOURCE_LIST, on=received_at.date()).filter(code=referral_source).exists():
        errors.setdefault("referral_source", []).append(
            "Choose who made the referral (a CIN census referral source)."
        )
    if not summary.strip():
        errors.setdefault("summary", []).append("Describe the concern.")
    elif len(summary) > SUMMARY_MAX:
        errors.setdefault("summary", []).append(f"Use at most {SUMMARY_MAX:,} characters.")
    bad = [c for c in concerns if c not in ConcernCategory.values]
    if bad or not concerns:
        errors.setdefault("concerns", []).append("Choose at least one category of concern.")
    if consent in (ConsentStatus.REFUSED, ConsentStatus.NOT_SOUGHT) and not consent_reason.strip():
        errors.setdefault("consent_reason", []).append(
            "Say why consent was refused or not sought, and why the contact goes ahead."
        )
    if consent not in ConsentStatus.values:
        errors.setdefault("consent", []).append("Say whether consent was sought and given.")
    if lawful_basis not in LawfulBasis.values:
        errors.setdefault("lawful_basis", []).append("Choose the lawful basis for processing.")
    cleaned = _clean_subjects(actor, subjects, errors)
    if not child_not_identified_reason.strip() and not any(
        identifiable(role, details) for role, details, _ in cleaned
    ):
        errors.setdefault("subjects", []).append(
            "Name at least one child (a name with a date of birth, or an NHS number), an unborn "
            "child with the expected date, or say why the child cannot be identified yet."
        )
    if errors:
        raise ValidationError(errors)

    try:
        with transaction.atomic():
            if external_reference and source_agency is not None:
                existing = Contact.objects.filter(
                    source_agency=source_agency, external_reference=external_reference
                ).first()
                if existing is not None:
                    raise DuplicateContact(existing)
            contact = Contact(
                reference=next_reference(received_at),
                received_at=received_at,
                channel=channel,
                recorded_by=actor,
                submitted_by=actor if submitting else None,
                referrer_name=referrer.name.strip(),
                referrer_agency=referrer.agency,
                referrer_organisation=referrer.organisation.strip(),
                referrer_role=referrer.role.strip(),
                referrer_phone=referrer.phone.strip(),
                referrer_email=referrer.email.strip(),
                referrer_identity_withheld=referrer.identity_withheld,
                referral_source=referral_source,
                summary=summary.strip(),
                consent=consent,
                consent_reason=consent_reason.strip(),
                lawful_basis=lawful_basis,
                child_not_identified_reason=child_not_identified_reason.strip(),
                source_agency=source_agency,
                external_reference=external_reference.strip(),
                updated_by=actor,
            )
            contact_refresh_clocks(contact, Clocks())
            contact.full_clean()
            contact.save()
            ContactConcern.objects.bulk_create(
                [ContactConcern(contact=contact, category=c) for c in sorted(set(concerns))]
            )
            rows = [
                ContactSubject(
                    contact=contact,
                    role=role,
                    details=details,
                    person=person,
                    matched_by=actor if person else None,
                    matched_at=now if person else None,
                )
                for role, details, person in cleaned
            ]
            ContactSubject.objects.bulk_create(rows)
            record_event(actor=actor, verb=Verb.CREATE, target=contact, section=channel)
            if any(row.person_id for row in rows):
                intake_alerts_raise(actor=actor, contact=contact)
    except IntegrityError as exc:
        # Two retries of one partner message at the same moment: the unique index decides.
        existing = Contact.objects.filter(
            source_agency=source_agency, external_reference=external_reference
        ).first()
        if existing is not None and external_reference:
            raise DuplicateContact(existing) from exc
        raise
    return contact


def contact_subject_add(*, actor: Any, contact: Contact, subject: SubjectInput) -> ContactSubject:
    """Add a person the contact turns out to concern (a sibling, a new partner), while it is open
    and before a decision is put to the manager: the handover takes the people as authorised."""
    contact_policy.check(actor, "change", contact)
    errors: dict[str, list[str]] = {}
    [(role, details, person)] = _clean_subjects(actor, [subject], errors, prefix="subject")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _lock_changeable(contact)
        if person is not None and ContactSubject.objects.filter(contact=contact, person=person).exists():
            raise ValidationError({"person": "This person is already in the contact."})
        row = ContactSubject(
            contact=contact,
            role=role,
            details=details,
            person=person,
            matched_by=actor if person else None,
            matched_at=clock.now() if person else None,
            from_referrer=False,
        )
        row.full_clean()
        row.save()
        record_event(actor=actor, verb=Verb.UPDATE, target=contact, section="subjects")
        if person is not None:
            intake_alerts_raise(actor=actor, contact=contact)
    return row


def contact_subject_link(
    *, actor: Any, subject: ContactSubject, person: Person | None = None, create: bool = False
) -> ContactSubject:
    """Link a described subject to the index: a `person` found with the matcher, or (create=True)
    a new record made from the details. Raises intake alerts for what the link reveals."""
    contact = subject.contact
    contact_policy.check(actor, "change", contact)
    if (person is None) == (not create):
        raise TypeError("Give the person found, or create=True, not both.")
    with transaction.atomic():
        _lock_changeable(contact)
        # Locked and re-read: a double click on "create" must not make two records of one child.
        current = ContactSubject.objects.select_for_update().get(pk=subject.pk)
        if current.person_id is not None:
            raise ValidationError({"person": "This person is already linked to a record."})
        if person is None:
            try:
                person = person_create(actor=actor, **person_fields(subject.role, subject.details))
            except ValidationError as error:
                raise ValidationError(
                    {"details": [f"{name}: {'; '.join(m)}" for name, m in error.message_dict.items()]}
                ) from error
        else:
            person_policy.check(actor, "view", person)
        if ContactSubject.objects.filter(contact=contact, person=person).exclude(pk=subject.pk).exists():
            raise ValidationError({"person": "This person is already linked to someone else in the contact."})
        subject.person = person
        subject.matched_by = actor
        subject.matched_at = clock.now()
        subject.save(update_fields=["person", "matched_by", "matched_at", "updated_at"])
        record_event(actor=actor, verb=Verb.UPDATE, target=contact, section="subjects")
        intake_alerts_raise(actor=actor, contact=contact)
    return subject


def _lock_changeable(contact: Contact) -> Contact:
    """Lock the contact and refuse once it is decided or awaiting authorisation (the people in a
    decision are the ones the manager saw)."""
    current = Contact.objects.select_for_update().get(pk=contact.pk)
    if current.status not in (ContactStatus.AWAITING_SCREENING, ContactStatus.IN_PROGRESS):
        raise ValidationError("People can only be added or linked before a decision is put to the manager.")
    return current


def _clean_subjects(
    actor: Any, subjects: list[SubjectInput], errors: dict[str, list[str]], prefix: str = "subjects"
) -> list[tuple[str, dict[str, str], Person | None]]:
    if len(subjects) > MAX_SUBJECTS:
        errors.setdefault("subjects", []).append(f"A contact can name at most {MAX_SUBJECTS} people.")
        return []
    cleaned = []
    seen: set[Any] = set()
    for index, subject in enumerate(subjects):
        at = f"{prefix}-{index}" if prefix == "subjects" else prefix
        details = clean_details(subject.details, subject.role, at, errors)
        person = None
        if subject.person_id is not None:
            if not actor.has_capability(Capability.RECORD_CONTACTS):
                errors.setdefault(f"{at}-person", []).append("Only MASH staff link people to the index.")
            else:
                found = person_policy.visible(actor, [subject.person_id])
                if not found:
                    errors.setdefault(f"{at}-person", []).append("That person's record was not found.")
                elif found[0].pk in seen:
                    errors.setdefault(f"{at}-person", []).append("This person is already in the contact.")
                else:
                    person = found[0]
                    seen.add(person.pk)
                    details = details or described(person)
        elif not details and subject.role not in CHILD_ROLES:
            errors.setdefault(f"{at}-family_name", []).append("Enter the person's name.")
        cleaned.append((subject.role, details, person))
    return cleaned


def next_reference(received_at: datetime) -> str:
    """MASH-2026-000123: numbered per year, under a row lock so two hubs never share a number."""
    year = received_at.year
    ContactSequence.objects.get_or_create(year=year)
    sequence = ContactSequence.objects.select_for_update().get(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"MASH-{year}-{sequence.last:06d}"
