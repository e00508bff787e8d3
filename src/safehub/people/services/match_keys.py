"""The person's blocking keys, rebuilt inside every service that changes what they are made from."""

from ..constants import IdentifierKind
from ..models import Person, PersonAddress, PersonIdentifier, PersonMatchKey, PersonName
from ..normalise import match_keys


def person_refresh_match_keys(person: Person) -> None:
    """Replace the stored keys with those of the person's names, birth date, postcodes, NHS number and UPN.

    Service-internal: it neither checks a policy nor audits, because it runs inside the service that
    did both, in that service's transaction.
    """
    given, family = {person.given_name}, {person.family_name}
    for given_name, family_name in PersonName.objects.filter(person=person).values_list(
        "given_name", "family_name"
    ):
        given.add(given_name)
        family.add(family_name)
    postcodes = (
        PersonAddress.objects.filter(person=person, valid_to__isnull=True)
        .exclude(address__postcode="")
        .values_list("address__postcode", flat=True)
    )
    upn = (
        PersonIdentifier.objects.filter(
            person=person, kind=IdentifierKind.UPN, removed_at__isnull=True, valid=True
        )
        .values_list("value", flat=True)
        .first()
    )
    keys = match_keys(
        given_names=sorted(given - {""}),
        family_names=sorted(family - {""}),
        date_of_birth=person.date_of_birth,
        postcodes=sorted(set(postcodes)),
        nhs_number=person.nhs_number,
        upn=upn or "",
    )
    PersonMatchKey.objects.filter(person=person).delete()
    PersonMatchKey.objects.bulk_create(
        [PersonMatchKey(person=person, kind=kind, value=value) for kind, value in sorted(keys)]
    )
