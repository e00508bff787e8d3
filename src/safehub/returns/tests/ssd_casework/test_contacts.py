"""ssd_contacts -> decided front-door contacts."""

from __future__ import annotations

import json
from datetime import date

from django.utils import timezone

from safehub.front_door.constants import ContactStatus, Outcome
from safehub.front_door.models import Contact, ContactSubject
from safehub.returns.ssd.casework_contacts import CONTACT_FLAGS, ContactsTable

from .conftest import Env, assert_round_trip, problems_by_field

CONTACTS = ContactsTable()


def outcome(flag: str) -> str:
    return json.dumps({f: "Y" if f == flag else "N" for f in CONTACT_FLAGS})


def contact(cid: str, **fields: str) -> dict[str, str]:
    row = {
        "cont_contact_id": cid,
        "cont_person_id": "C1",
        "cont_contact_date": "2023-03-30",
        "cont_contact_source_code": "3A",
        "cont_contact_outcome_json": outcome("NEW_REFERRAL_FLAG"),
    }
    row.update(fields)
    return row


def test_contacts_load_as_decided_contacts_and_round_trip(env: Env) -> None:
    child = env.child("C1")
    rows = [
        contact("CT1"),
        contact("CT-LONGER-THAN-SIXTEEN-CHARS", cont_contact_outcome_json=outcome("NFA_FLAG")),
    ]
    assert env.load(CONTACTS, rows) == []
    first = Contact.objects.get(reference="SSD-CT1")
    assert (first.status, first.outcome, first.referral_source) == (
        ContactStatus.DECIDED,
        Outcome.ASSESSMENT,
        "3A",
    )
    assert timezone.localtime(first.received_at).date() == date(2023, 3, 30)
    assert first.next_due_at is None  # decided: off the MASH queue
    assert ContactSubject.objects.get(contact=first).person == child
    assert Contact.objects.get(outcome=Outcome.NO_FURTHER_ACTION).reference.startswith("SSD-")
    assert_round_trip(env, CONTACTS, rows)
    rows[0]["cont_contact_outcome_json"] = outcome("CP_ENQUIRY_FLAG")
    assert env.load(CONTACTS, rows) == []
    assert Contact.objects.count() == 2
    assert Contact.objects.get(reference="SSD-CT1").outcome == Outcome.STRATEGY


def test_bad_contacts_are_refused(env: Env) -> None:
    env.child("C1")
    rows = [
        contact("DATE", cont_contact_date="30/03/2023"),
        contact("CODE", cont_contact_source_code="11"),
        contact("JSON", cont_contact_outcome_json='{"MADE_UP_FLAG": "Y"}'),
        contact("FUTURE", cont_contact_date="2999-01-01"),
        contact("WHO", cont_person_id="C9"),
        contact("OK", cont_contact_outcome_json="Information and Advice"),
    ]
    found = problems_by_field(env.load(CONTACTS, rows))
    assert "YYYY-MM-DD" in found[("DATE", "cont_contact_date")]
    assert "'11' is not a contact source" in found[("CODE", "cont_contact_source_code")]
    assert "MADE_UP_FLAG" in found[("JSON", "cont_contact_outcome_json")]
    assert "cannot be in the future" in found[("FUTURE", "cont_contact_date")]
    assert "not a person" in found[("WHO", "cont_person_id")]
    assert Contact.objects.get().outcome == Outcome.ADVICE
