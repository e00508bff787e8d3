"""The person's match profile and blocking keys, rebuilt inside every service that changes what they
are made from (names, birth date, sex, addresses, NHS number, UPNs; merge and unmerge)."""

from django.db.models import F

from ..constants import IdentifierKind
from ..models import Person, PersonAddress, PersonIdentifier, PersonMatchKey, PersonMatchProfile, PersonName
from ..normalise import ProfileValues, profile_fields, profile_values, stored_keys


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
