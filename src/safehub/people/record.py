"""A person's whole record as the person page and the API read it, and who may see sensitive flags.

Everything here starts from the person policy: the person must be one the actor may see (or, for
the `*_for_change` reads, change), and the relationship list leaves out people the actor may not
see (R19, R22). The read is audited once, by the caller's `person_get`: one page view is one row
in the access log (R27), so the sections read here add no event of their own.

Sensitive risk flags (issue 3: "respect who may see sensitive flags"): the policy layer had no rule,
so it lives here. A sensitive flag (e.g. a police intelligence marker) is seen by the MASH, by team
managers, and by staff of the agency that raised it; everyone else sees the non-sensitive flags only
and is never told a sensitive one exists, so its existence cannot leak either.
"""

import uuid
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from safehub.accounts.constants import Role
from safehub.accounts.models import Agency
from safehub.platform.errors import NotFoundOrForbidden

from .constants import Sensitivity
from .models import (
    HouseholdMember,
    Person,
    PersonAddress,
    PersonIdentifier,
    PersonName,
    Relationship,
    RiskFlag,
)
from .policies import person_policy
from .selectors import RelationshipSide, relationship_sides

# Roles that see every sensitive flag: the front door that triages, and the managers who decide.
SENSITIVE_FLAG_ROLES = frozenset({Role.MASH_MANAGER, Role.MASH_SOCIAL_WORKER, Role.TEAM_MANAGER})

M = TypeVar("M", bound=Model)


def may_see_flag(actor: Any, flag: RiskFlag) -> bool:
    """A normal flag follows the person; a sensitive one also needs the role or the raising agency."""
    if flag.sensitivity != Sensitivity.SENSITIVE:
        return True
    if getattr(actor, "role", None) in SENSITIVE_FLAG_ROLES:
        return True
    agency_id = getattr(actor, "agency_id", None)
    return agency_id is not None and agency_id == flag.source_agency_id


def visible_flags(actor: Any, qs: QuerySet[RiskFlag]) -> QuerySet[RiskFlag]:
    """The same rule as `may_see_flag`, as a query, so lists and single reads cannot disagree."""
    if getattr(actor, "role", None) in SENSITIVE_FLAG_ROLES:
        return qs
    allowed = Q(sensitivity=Sensitivity.NORMAL)
    agency_id = getattr(actor, "agency_id", None)
    if agency_id is not None:
        allowed |= Q(source_agency_id=agency_id)
    return qs.filter(allowed)


@dataclass(frozen=True)
class PersonRecord:
    """Every part of a person's record the actor may see, newest and current first."""

    person: Person
    names: list[PersonName]
    identifiers: list[PersonIdentifier]
    addresses: list[PersonAddress]
    memberships: list[HouseholdMember]
    household_members: dict[uuid.UUID, list[HouseholdMember]]
    relationships: list[RelationshipSide]
    flags: list[RiskFlag]


def person_record(*, actor: Any, person: Person) -> PersonRecord:
    """The sections of a person already read with `person_get` (which audited the view)."""
    person_policy.check(actor, "view", person)
    names = list(
        PersonName.objects.filter(person=person).select_related("source_agency").order_by("valid_to", "kind")
    )
    identifiers = list(
        PersonIdentifier.objects.filter(person=person)
        .select_related("issuing_agency")
        .order_by("removed_at", "kind", "value")
    )
    addresses = list(
        PersonAddress.objects.filter(person=person)
        .select_related("address", "source_agency")
        .order_by("valid_to", "-valid_from")
    )
    memberships = list(
        HouseholdMember.objects.filter(person=person)
        .select_related("household__address")
        .order_by("valid_to", "-valid_from")
    )
    # The other current members of this person's current households, only those the actor may see.
    visible = person_policy.scope(actor, Person.objects.all()).values("pk")
    current = [m.household_id for m in memberships if m.valid_to is None]
    others: dict[uuid.UUID, list[HouseholdMember]] = {}
    for member in (
        HouseholdMember.objects.filter(household_id__in=current, valid_to__isnull=True, person__in=visible)
        .exclude(person=person)
        .select_related("person")
        .order_by("person__family_name", "person__given_name")
    ):
        others.setdefault(member.household_id, []).append(member)
    flags = list(
        visible_flags(actor, RiskFlag.objects.filter(person=person))
        .select_related("source_agency", "reviewed_by")
        .order_by("ends_on", "-starts_on")
    )
    relationships = relationship_sides(actor=actor, person=person)
    return PersonRecord(
        person=person,
        names=names,
        identifiers=identifiers,
        addresses=addresses,
        memberships=memberships,
        household_members=others,
        relationships=relationships,
        flags=flags,
    )


def _part(actor: Any, person: Person, qs: QuerySet[M], part_id: Any) -> M:
    """A row of `person`'s record for a change: 404 unless the person may be changed by the actor."""
    person_policy.check(actor, "change", person)
    row = qs.filter(pk=part_id).first()
    if row is None:
        raise NotFoundOrForbidden()
    return row


def name_for_change(*, actor: Any, person: Person, id: Any) -> PersonName:
    return _part(actor, person, PersonName.objects.filter(person=person), id)


def identifier_for_change(*, actor: Any, person: Person, id: Any) -> PersonIdentifier:
    return _part(actor, person, PersonIdentifier.objects.filter(person=person), id)


def address_for_change(*, actor: Any, person: Person, id: Any) -> PersonAddress:
    return _part(actor, person, PersonAddress.objects.filter(person=person).select_related("address"), id)


def membership_for_change(*, actor: Any, person: Person, id: Any) -> HouseholdMember:
    qs = HouseholdMember.objects.filter(person=person).select_related("household__address", "person")
    return _part(actor, person, qs, id)


def household_for_change(*, actor: Any, person: Person, id: Any) -> Any:
    """A household the person is a current member of (members are added from a member's page)."""
    person_policy.check(actor, "change", person)
    row = (
        HouseholdMember.objects.filter(person=person, household_id=id, valid_to__isnull=True)
        .select_related("household__address")
        .first()
    )
    if row is None:
        raise NotFoundOrForbidden()
    return row.household


def relationship_for_change(*, actor: Any, person: Person, id: Any) -> Relationship:
    """A relationship of `person`; the other person must be changeable too (the service checks both)."""
    qs = Relationship.objects.filter(Q(person_a=person) | Q(person_b=person)).select_related(
        "person_a", "person_b"
    )
    row = _part(actor, person, qs, id)
    other = row.person_b if row.person_a_id == person.pk else row.person_a
    if not person_policy.can(actor, "change", other):
        raise NotFoundOrForbidden()
    return row


def flag_for_change(*, actor: Any, person: Person, id: Any) -> RiskFlag:
    qs = visible_flags(actor, RiskFlag.objects.filter(person=person)).select_related("person")
    return _part(actor, person, qs, id)


def person_addresses_current(*, actor: Any, person: Person) -> list[PersonAddress]:
    """The addresses a household can be created at: the person's current ones."""
    person_policy.check(actor, "change", person)
    return list(PersonAddress.objects.filter(person=person, valid_to__isnull=True).select_related("address"))


def agencies() -> QuerySet[Agency]:
    """The agencies a source or issuer can be chosen from (reference data, not personal data)."""
    return Agency.objects.filter(is_active=True).order_by("name")
