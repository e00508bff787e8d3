"""`people_refresh_match_keys` (a batch's people at once, written with plain INSERTs) stores exactly
the keys and profile that `person_refresh_match_keys` (one person, Django's ORM) stores."""

import io
from typing import Any

import pytest

from safehub.people.imports import HEADER, run_import
from safehub.people.models import Person, PersonMatchKey, PersonMatchProfile
from safehub.people.services import person_refresh_match_keys
from safehub.people.services.match_keys import people_refresh_match_keys

from .conftest import NHS, UPNS, row

pytestmark = pytest.mark.django_db


def _stored() -> tuple[set[tuple[Any, str, str]], dict[Any, Any]]:
    keys = set(PersonMatchKey.objects.values_list("person_id", "kind", "value"))
    profiles = {profile.person_id: profile.values() for profile in PersonMatchProfile.objects.all()}
    return keys, profiles


def test_many_at_once_store_what_one_at_a_time_stores(importer: Any, agency: Any) -> None:
    rows = [
        row("A1", given_name="William", family_name="Smith-Jones", nhs_number=NHS[0], upn=UPNS[0]),
        row("A2", given_name="Zoë", family_name="O'Neil", date_of_birth="2012-11-30", sex="U", postcode=""),
        row("A3", given_name="Mary Ann", family_name="de la Cruz", date_of_birth="", sex="U", postcode=""),
    ]
    csv = io.StringIO("\n".join([",".join(HEADER)] + [",".join(r[c] for c in HEADER) for r in rows]) + "\n")
    run_import(csv, actor=importer, agency=agency, batch_size=2000, on_rejection=lambda _: None)
    people = list(Person.objects.order_by("pk"))
    for person in people:
        person_refresh_match_keys(person)
    one_at_a_time = _stored()
    assert one_at_a_time[0]
    assert len(one_at_a_time[1]) == len(people) == 3
    PersonMatchKey.objects.all().delete()
    PersonMatchProfile.objects.all().delete()

    people_refresh_match_keys([person.pk for person in people])

    assert _stored() == one_at_a_time
