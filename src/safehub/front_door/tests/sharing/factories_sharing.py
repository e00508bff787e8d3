"""People and records for the information-sharing tests. Synthetic data only."""

from dataclasses import dataclass
from typing import Any

from safehub.accounts.constants import AgencyKind, Role
from safehub.accounts.tests.factories import AgencyFactory, UserFactory

from ...constants import ContactStatus, SubjectRole
from ..factories import ContactFactory, ContactSubjectFactory, InformationRequestFactory, police_agency

SUMMARY = "Zebrafinch concern: the child said the lodger hurt her (synthetic)."


@dataclass
class World:
    police: Any
    health: Any
    contact: Any
    mash_worker: Any
    mash_manager: Any
    police_officer: Any
    health_officer: Any


def world(tag: str = "", **contact_fields: Any) -> World:
    police = police_agency()
    health = AgencyFactory(name="Test Health Trust", kind=AgencyKind.HEALTH_TRUST)
    contact = ContactFactory(summary=SUMMARY, referrer_name="Quentin Referrerson", **contact_fields)
    ContactSubjectFactory(
        contact=contact,
        person__given_name="Ottoline",
        person__family_name="Vexley",
        details={
            "given_name": "Otti",
            "family_name": "Vexley",
            "postcode": "ZZ9 9ZZ",
            "address_line": "1 Test Row",
        },
    )
    return World(
        police=police,
        health=health,
        contact=contact,
        mash_worker=UserFactory(role=Role.MASH_SOCIAL_WORKER),
        mash_manager=UserFactory(role=Role.MASH_MANAGER, email=f"manager{tag}@mash.example.test"),
        police_officer=UserFactory(
            role=Role.MASH_PARTNER, agency=police, email=f"officer{tag}@police.example.test"
        ),
        health_officer=UserFactory(
            role=Role.MASH_PARTNER, agency=health, email=f"officer{tag}@health.example.test"
        ),
    )


def decide(contact: Any) -> None:
    contact.status = ContactStatus.DECIDED
    contact.next_due_at = None
    contact.save(update_fields=["status", "next_due_at"])


def add_adult(contact: Any, **details: str) -> Any:
    """An adult alleged to pose a risk, described by the referrer (no index record)."""
    fields = {"given_name": "Barnaby", "family_name": "Quillfeather", "postcode": "ZZ1 1ZZ"}
    fields.update(details)
    return ContactSubjectFactory(
        contact=contact, role=SubjectRole.ALLEGED_PERPETRATOR, person=None, details=fields
    )


def asked(contact: Any, agency: Any, subjects: Any = None, **fields: Any) -> Any:
    """A request naming `subjects` (default: every person in the contact)."""
    request = InformationRequestFactory(contact=contact, agency=agency, **fields)
    request.subjects.set(contact.subjects.all() if subjects is None else subjects)
    return request
