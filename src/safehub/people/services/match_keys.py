"""The person's match profile and blocking keys, rebuilt inside every service that changes what they
are made from (names, birth date, sex, addresses, NHS number, UPNs; merge and unmerge)."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import F
from django.utils import timezone

from ..constants import IdentifierKind
from ..models import Person, PersonAddress, PersonIdentifier, PersonMatchKey, PersonMatchProfile, PersonName
from ..normalise import ProfileValues, profile_fields, profile_values, stored_keys

# People per refresh chunk: well under SQLite's 32,766 bound parameters in an IN list.
_REFRESH_CHUNK = 500


def person_profile_values(person: Person) -> ProfileValues:
    """Everything the matcher compares for this person, the current value of each field first.

    Names: the current name (and preferred name), then every other name they have been known by,
    latest first. Postcodes: current addresses, then previous ones, latest first. UPNs: the current
    UPN, then former ones. Withdrawn identifiers (recorded in error) are left out.
    """
    names = list(
        PersonName.objects.filter(person=person)
        .order_by("valid_to", F("valid_from").desc(nulls_last=True), "created_at")
        .values_list("given_name", "family_name")
    )
    postcodes = (
        PersonAddress.objects.filter(person=person)
        .exclude(address__postcode="")
        .order_by(F("valid_to").desc(nulls_first=True), F("valid_from").desc(nulls_last=True))
        .values_list("address__postcode", flat=True)
    )
    upns = (
        PersonIdentifier.objects.filter(
            person=person,
            kind__in=[IdentifierKind.UPN, IdentifierKind.FORMER_UPN],
            removed_at__isnull=True,
        )
        # "former_upn" sorts before "upn": descending puts the current UPN first.
        .order_by("-kind", "-created_at")
        .values_list("value", flat=True)
    )
    return profile_values(
        given_names=[person.given_name, person.preferred_name, *(given for given, _ in names)],
        family_names=[person.family_name, *(family for _, family in names)],
        date_of_birth=person.date_of_birth,
        sex=person.sex,
        postcodes=list(postcodes),
        nhs_number=person.nhs_number,
        upns=list(upns),
    )


def person_refresh_match_keys(person: Person) -> None:
    """Replace the person's stored keys and match profile with those of their current data.

    Service-internal: it neither checks a policy nor audits, because it runs inside the service that
    did both, in that service's transaction.
    """
    values = person_profile_values(person)
    PersonMatchKey.objects.filter(person=person).delete()
    PersonMatchKey.objects.bulk_create(
        [PersonMatchKey(person=person, kind=kind, value=value) for kind, value in sorted(stored_keys(values))]
    )
    PersonMatchProfile.objects.update_or_create(person=person, defaults=profile_fields(values))


def people_refresh_match_keys(person_ids: Sequence[Any]) -> None:
    """`person_refresh_match_keys` for many people at once: a batch import's touched people.

    Six queries and two writes per chunk instead of five queries per person: the same reads with
    `person_id IN (...)`, in the same order within each person, so each person's keys and profile
    are exactly those the one-person refresh would store. Service-internal, like that one.

    The new rows go in as plain INSERTs (`people.imports.bulk`): `bulk_create` built a model
    instance per key (seven or so a person) and was most of the refresh's time in an SSD import.
    """
    # Imported here: `people.imports` imports the people services, this module among them.
    from ..imports import bulk

    ids = list(dict.fromkeys(person_ids))
    for start in range(0, len(ids), _REFRESH_CHUNK):
        chunk = ids[start : start + _REFRESH_CHUNK]
        people = Person.objects.filter(pk__in=chunk).values_list(
            "pk", "given_name", "family_name", "preferred_name", "date_of_birth", "sex", "nhs_number"
        )
        names: dict[Any, list[tuple[str, str]]] = defaultdict(list)
        for person_id, given, family in (
            PersonName.objects.filter(person_id__in=chunk)
            .order_by("person_id", "valid_to", F("valid_from").desc(nulls_last=True), "created_at")
            .values_list("person_id", "given_name", "family_name")
        ):
            names[person_id].append((given, family))
        postcodes: dict[Any, list[str]] = defaultdict(list)
        for person_id, postcode in (
            PersonAddress.objects.filter(person_id__in=chunk)
            .exclude(address__postcode="")
            .order_by(
                "person_id", F("valid_to").desc(nulls_first=True), F("valid_from").desc(nulls_last=True)
            )
            .values_list("person_id", "address__postcode")
        ):
            postcodes[person_id].append(postcode)
        upns: dict[Any, list[str]] = defaultdict(list)
        for person_id, upn in (
            PersonIdentifier.objects.filter(
                person_id__in=chunk,
                kind__in=[IdentifierKind.UPN, IdentifierKind.FORMER_UPN],
                removed_at__isnull=True,
            )
            .order_by("person_id", "-kind", "-created_at")
            .values_list("person_id", "value")
        ):
            upns[person_id].append(upn)
        keys: list[dict[str, Any]] = []
        profiles: list[dict[str, Any]] = []
        for person_id, given_name, family_name, preferred_name, date_of_birth, sex, nhs_number in people:
            own = names[person_id]
            values = profile_values(
                given_names=[given_name, preferred_name, *(given for given, _ in own)],
                family_names=[family_name, *(family for _, family in own)],
                date_of_birth=date_of_birth,
                sex=sex,
                postcodes=postcodes[person_id],
                nhs_number=nhs_number,
                upns=upns[person_id],
            )
            keys.extend(
                {"person_id": person_id, "kind": kind, "value": value}
                for kind, value in sorted(stored_keys(values))
            )
            profiles.append({"person_id": person_id, **profile_fields(values)})
        # Neither table keeps history, so the time stamp `insert` asks for is not written anywhere.
        now = timezone.now()
        PersonMatchKey.objects.filter(person_id__in=chunk).delete()
        bulk.insert(PersonMatchKey, keys, now=now)
        PersonMatchProfile.objects.filter(person_id__in=chunk).delete()
        bulk.insert(PersonMatchProfile, profiles, now=now)
