"""SSD contacts -> decided front-door contacts (issue 7, items 1-2); see `ContactsTable`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from functools import partial
from typing import Any, ClassVar
from uuid import UUID

from django.utils import timezone

from safehub.child_protection.constants import REFERRAL_SOURCE_LIST
from safehub.child_protection.services._rules import Errors
from safehub.front_door.constants import (
    Channel,
    ConsentStatus,
    ContactStatus,
    LawfulBasis,
    Outcome,
    SubjectRole,
)
from safehub.front_door.models import Contact, ContactSubject
from safehub.platform import clock
from safehub.reference_data.selectors import code_choices

from .base import ExportContext, LoadContext, Row, RowRefused, parse_date, parse_json
from .casework_common import Adapter, Batch, check_code, iso, person_ids, person_of, present, refuse_if
from .casework_referrals import _future
from .tables import register

# --- Contacts -------------------------------------------------------------------------------------

# SSD contact outcome flags, in the order the SSD lists them, and the front-door outcome each means.
CONTACT_FLAGS = (
    "NEW_REFERRAL_FLAG",
    "EXISTING_REFERRAL_FLAG",
    "CP_ENQUIRY_FLAG",
    "NFA_FLAG",
    "NON_AGENCY_ADOPTION_FLAG",
    "PRIVATE_FOSTERING_FLAG",
    "ADVICE_FLAG",
    "MISSING_FLAG",
    "OLA_CP_FLAG",
    "OTHER_OUTCOMES_EXIST_FLAG",
)
_FLAG_OUTCOME = (
    ("CP_ENQUIRY_FLAG", Outcome.STRATEGY),
    ("NEW_REFERRAL_FLAG", Outcome.ASSESSMENT),
    ("EXISTING_REFERRAL_FLAG", Outcome.ASSESSMENT),
    ("ADVICE_FLAG", Outcome.ADVICE),
    ("NFA_FLAG", Outcome.NO_FURTHER_ACTION),
)
_OUTCOME_FLAG: dict[str, str] = {
    Outcome.STRATEGY: "CP_ENQUIRY_FLAG",
    Outcome.ASSESSMENT: "NEW_REFERRAL_FLAG",
    Outcome.ADVICE: "ADVICE_FLAG",
    Outcome.NO_FURTHER_ACTION: "NFA_FLAG",
    Outcome.EARLY_HELP: "OTHER_OUTCOMES_EXIST_FLAG",
}
# The SSD's contact_outcome code list, where an extract gives a word instead of the JSON object.
_WORD_OUTCOME = {
    "no further action": Outcome.NO_FURTHER_ACTION,
    "information and advice": Outcome.ADVICE,
    "eh referral": Outcome.EARLY_HELP,
    "cin referral": Outcome.ASSESSMENT,
}


def _is_yes(value: Any) -> bool:
    return str(value).strip().lower() in {"y", "yes", "1", "true"}


def _contact_outcome(row: Row) -> str:
    name = "cont_contact_outcome_json"
    text = (row.get(name) or "").strip()
    if text and text[0] not in '{["':
        found = _WORD_OUTCOME.get(text.lower())
        if found is None:
            raise RowRefused(
                name,
                f"{name} {text[:40]!r} is neither a JSON object of outcome flags nor an outcome on the list",
            )
        return found
    value = parse_json(row, name)
    if value is None:
        return ""
    if isinstance(value, str) and value.lower() in _WORD_OUTCOME:
        return _WORD_OUTCOME[value.lower()]
    if not isinstance(value, dict):
        raise RowRefused(name, f"{name} must be a JSON object of outcome flags")
    unknown = sorted(set(value) - set(CONTACT_FLAGS) - {"OTHER_OUTCOMES", "COMMENTS"})
    if unknown:
        raise RowRefused(name, f"{name} has flags the SSD does not define: {', '.join(unknown)}")
    for flag, outcome in _FLAG_OUTCOME:
        if _is_yes(value.get(flag)):
            return outcome
    return Outcome.EARLY_HELP if _is_yes(value.get("OTHER_OUTCOMES_EXIST_FLAG")) else ""


def _move_subject(contact: Contact, person_id: UUID) -> None:
    """A re-run whose contact row names another child moves the contact's child subject to them."""
    ContactSubject.objects.filter(contact=contact, role=SubjectRole.CHILD).update(person_id=person_id)


def _contact_reference(source_id: str) -> str:
    text = f"SSD-{source_id}"
    return text if len(text) <= 20 else "SSD-" + hashlib.sha256(source_id.encode()).hexdigest()[:16].upper()


class ContactsTable(Adapter):
    """A legacy contact becomes a decided front-door contact about the one child, received on the
    contact date, with its CIN source code and the outcome its flags say (the first of: CP enquiry
    -> strategy discussion, new or existing referral -> assessment, advice, NFA; "other" -> early
    help). The SSD holds no MASH working, so, to say nothing untrue: no RAG, no concerns, no
    referrer details; screened and decided at the contact date. The model requires a channel, a
    consent status and a lawful basis that the SSD does not carry: the contact is recorded as
    `imported`, consent `not_sought` and the public-task safeguarding basis, and its summary says it was
    imported. Its reference is `SSD-<contact id>` (hashed when that is over 20 characters).
    Not kept: the source description (written back from the code list).
    """

    name = "ssd_contacts"
    id_field = "cont_contact_id"
    fields: ClassVar[tuple[str, ...]] = (
        "cont_contact_id",
        "cont_person_id",
        "cont_contact_date",
        "cont_contact_source_code",
        "cont_contact_source_desc",
        "cont_contact_outcome_json",
    )
    depends_on: ClassVar[tuple[str, ...]] = ("ssd_person",)
    references: ClassVar[dict[str, str]] = {"cont_person_id": "ssd_person"}
    model_label = "front_door.contact"
    not_kept = ("cont_contact_source_desc",)

    def prepare(
        self, rows: Sequence[Row], ctx: LoadContext
    ) -> tuple[dict[UUID, Contact], date, dict[date, datetime]]:
        ids = present(ctx.known(self.name, (r.get(self.id_field) or "").strip()) for r in rows)
        # The contacts held, today, and each contact date's midnight as the batch first made it.
        return Contact.objects.in_bulk(ids), clock.today(), {}

    def load_row(
        self,
        row: Row,
        source_id: str,
        ctx: LoadContext,
        state: tuple[dict[UUID, Contact], date, dict[date, datetime]],
        batch: Batch,
    ) -> Contact:
        contacts, today, midnights = state
        person_id = person_of(row, "cont_person_id", ctx)
        day = parse_date(row, "cont_contact_date", required=True)
        assert day is not None
        source = check_code(
            row, "cont_contact_source_code", REFERRAL_SOURCE_LIST, required=True, what="contact source"
        )
        outcome = _contact_outcome(row)
        errors: Errors = {}
        _future(errors, "cont_contact_date", day, "date of the contact", today)
        refuse_if(errors)
        received = midnights.get(day)
        if received is None:
            received = midnights[day] = timezone.make_aware(datetime.combine(day, time(0, 0)))
        values: dict[str, Any] = {
            "received_at": received,
            "referral_source": source,
            "decision_due_at": received,
            "screened_at": received,
            "decided_at": received,
            "outcome": outcome,
        }
        existing_id = ctx.known(self.name, source_id)
        contact = contacts.get(existing_id) if existing_id is not None else None
        if contact is None:
            contact = Contact(
                reference=_contact_reference(source_id),
                channel=Channel.IMPORTED,
                recorded_by=ctx.actor,
                summary=f"Imported from the SSD extract (contact {source_id}).",
                consent=ConsentStatus.NOT_SOUGHT,
                lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
                status=ContactStatus.DECIDED,
                updated_by=ctx.actor,
                **values,
            )
            batch.create(contact)
            batch.create(
                ContactSubject(
                    contact=contact,
                    role=SubjectRole.CHILD,
                    person_id=person_id,
                    matched_by=ctx.actor,
                    matched_at=timezone.now(),
                )
            )
        else:
            for name, value in values.items():
                setattr(contact, name, value)
            batch.update(contact, values)
            batch.deferred.append(partial(_move_subject, contact, person_id))
        return contact

    def write(self, batch: Batch) -> None:
        batch.flush([Contact, ContactSubject])

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        labels = dict(code_choices(REFERRAL_SOURCE_LIST))
        subjects = (
            ContactSubject.objects.filter(role=SubjectRole.CHILD, person__isnull=False)
            .select_related("contact")
            .order_by("contact__received_at", "contact_id", "created_at")
        )
        pid = person_ids(subjects.values_list("person_id", flat=True))
        done: set[UUID] = set()
        for s in subjects.iterator(chunk_size=2000):
            c = s.contact
            # One SSD row per child: a contact about two children gives its second child its own id.
            row_id = (
                ctx.ssd_id(self.name, c.pk, "C") if c.pk not in done else ctx.ssd_id(self.name, s.pk, "CS")
            )
            done.add(c.pk)
            flag = _OUTCOME_FLAG.get(c.outcome)
            outcome = json.dumps({f: "Y" if f == flag else "N" for f in CONTACT_FLAGS}) if c.outcome else ""
            yield {
                "cont_contact_id": row_id,
                "cont_person_id": pid[s.person_id],  # type: ignore[index]
                "cont_contact_date": iso(timezone.localtime(c.received_at).date()),
                "cont_contact_source_code": c.referral_source,
                "cont_contact_source_desc": labels.get(c.referral_source, ""),
                "cont_contact_outcome_json": outcome,
            }


register(ContactsTable())
