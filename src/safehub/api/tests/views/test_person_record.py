"""A person's whole record over the API: the detail includes names, identifiers, addresses,
relationships from both sides and the risk flags the caller may see; POST adds each part through its
service, with validation errors keyed by field (R18, R22, R46)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import AgencyFactory
from safehub.api.constants import Scope
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.people import services
from safehub.people.constants import IdentifierKind, NameKind, RelationshipKind, RiskFlagKind, Sensitivity
from safehub.people.identifiers import make_upn
from safehub.people.models import PersonAddress, PersonIdentifier, Relationship, RiskFlag
from safehub.people.tests.factories import indexed_person, restrict
from safehub.platform import clock

from ..conftest import assert_error

pytestmark = pytest.mark.django_db


def _url(name, person):
    return reverse(f"api:person-{name}", args=[person.pk])


@pytest.fixture
def child(db):
    return indexed_person(given_name="Nia", family_name="Apitest", date_of_birth=date(2016, 4, 2))


@pytest.fixture
def police(db):
    return AgencyFactory(name="Testshire Constabulary")


def test_detail_includes_every_part_of_the_record(key_client, child, police):
    actor = child.updated_by
    mother = indexed_person(given_name="Lowri", family_name="Apitest", date_of_birth=date(1990, 1, 1))
    services.person_name_add(
        actor=actor, person=child, kind=NameKind.PREVIOUS, given_name="Nia", family_name="Old"
    )
    services.person_identifier_add(
        actor=actor, person=child, kind=IdentifierKind.POLICE_REFERENCE, value="P-1", issuing_agency=police
    )
    services.person_address_add(actor=actor, person=child, line_1="1 Api Street", postcode="M1 1AE")
    services.relationship_add(actor=actor, person_a=mother, person_b=child, kind=RelationshipKind.PARENT)
    for sensitivity in Sensitivity.values:
        services.risk_flag_add(
            actor=actor,
            person=child,
            kind=RiskFlagKind.MISSING,
            source_agency=police,
            starts_on=date(2024, 1, 1),
            review_on=clock.today() + timedelta(days=10),
            sensitivity=sensitivity,
        )
    client = key_client(Role.SOCIAL_WORKER)
    body = client.get(reverse("api:person-detail", args=[child.pk])).json()
    assert {n["family_name"] for n in body["names"]} == {"Apitest", "Old"}
    assert any(
        i["value"] == "P-1" and i["issuing_agency"]["name"] == police.name for i in body["identifiers"]
    )
    assert body["addresses"][0]["postcode"] == "M1 1AE"
    assert body["relationships"] == [
        {
            "id": str(Relationship.objects.get().pk),
            "kind": "child",
            "other_person_id": str(mother.pk),
            "other_person_name": "Lowri Apitest",
            "valid_from": None,
            "valid_to": None,
        }
    ]
    # The sensitive flag is left out for a social worker of another agency; the MASH see both.
    assert [f["sensitivity"] for f in body["risk_flags"]] == ["normal"]
    mash = key_client(Role.MASH_SOCIAL_WORKER).get(reverse("api:person-detail", args=[child.pk])).json()
    assert sorted(f["sensitivity"] for f in mash["risk_flags"]) == ["normal", "sensitive"]
    # And from the other side, the mother is the parent.
    other = client.get(reverse("api:person-detail", args=[mother.pk])).json()
    assert other["relationships"][0]["kind"] == "parent"


def test_relationships_to_people_the_caller_cannot_see_are_left_out(key_client, child):
    hidden = indexed_person()
    services.relationship_add(
        actor=child.updated_by, person_a=hidden, person_b=child, kind=RelationshipKind.PARENT
    )
    restrict(hidden)
    body = key_client().get(reverse("api:person-detail", args=[child.pk])).json()
    assert body["relationships"] == []


def test_add_a_name(key_client, child):
    client = key_client()
    body = {"kind": "alias", "given_name": "Nee", "family_name": "Apitest", "valid_from": "2020-01-01"}
    response = client.post(_url("name-create", child), body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "alias"
    assert AuditEvent.objects.filter(verb=Verb.CREATE, section="names", channel="api").exists()
    error = assert_error(
        client.post(_url("name-create", child), body | {"kind": "current"}, format="json"),
        400,
        "validation_error",
    )
    assert list(error["fields"]) == ["kind"]
    error = assert_error(
        client.post(_url("name-create", child), body | {"valid_to": "2019-01-01"}, format="json"),
        400,
        "validation_error",
    )
    assert list(error["fields"]) == ["valid_to"]


def test_add_identifiers_and_an_invalid_upn_is_refused_at_value(key_client, child, police):
    client = key_client()
    upn = make_upn(serial=11)
    response = client.post(_url("identifier-create", child), {"kind": "upn", "value": upn}, format="json")
    assert response.status_code == 201
    bad = ("B" if upn[0] != "B" else "C") + upn[1:]
    error = assert_error(
        client.post(_url("identifier-create", child), {"kind": "upn", "value": bad}, format="json"),
        400,
        "validation_error",
    )
    assert list(error["fields"]) == ["value"]
    assert "check letter" in error["fields"]["value"][0]
    error = assert_error(
        client.post(_url("identifier-create", child), {"kind": "agency_id", "value": "A1"}, format="json"),
        400,
        "validation_error",
    )
    assert list(error["fields"]) == ["issuing_agency"]
    body = {"kind": "agency_id", "value": "A1", "issuing_agency": str(police.pk)}
    assert client.post(_url("identifier-create", child), body, format="json").status_code == 201
    assert PersonIdentifier.objects.filter(person=child, removed_at__isnull=True).count() == 3  # + NHS number


def test_add_an_address_and_a_bad_postcode_is_refused(key_client, child):
    client = key_client()
    body = {"line_1": "9 Api Road", "postcode": "cr26xh", "uprn": "123", "valid_from": "2021-02-03"}
    response = client.post(_url("address-create", child), body, format="json")
    assert response.status_code == 201
    assert response.json()["postcode"] == "CR2 6XH"
    error = assert_error(
        client.post(_url("address-create", child), body | {"postcode": "NOPE"}, format="json"),
        400,
        "validation_error",
    )
    assert list(error["fields"]) == ["postcode"]
    assert PersonAddress.objects.filter(person=child).count() == 1


def test_add_a_relationship(key_client, child):
    client = key_client()
    sibling = indexed_person()
    body = {"kind": "half_sibling", "other_person": str(sibling.pk)}
    response = client.post(_url("relationship-create", child), body, format="json")
    assert response.status_code == 201
    assert response.json()["other_person_id"] == str(sibling.pk)
    error = assert_error(
        client.post(_url("relationship-create", child), body, format="json"), 400, "validation_error"
    )
    assert list(error["fields"]) == ["kind"]
    hidden = indexed_person()
    restrict(hidden)
    error = assert_error(
        client.post(
            _url("relationship-create", child), body | {"other_person": str(hidden.pk)}, format="json"
        ),
        400,
        "validation_error",
    )
    assert list(error["fields"]) == ["other_person"]


def test_add_a_risk_flag(key_client, child, police):
    client = key_client()
    body = {
        "kind": "posing_risk_to_children",
        "source_agency": str(police.pk),
        "starts_on": "2024-05-01",
        "review_on": "2024-04-01",
    }
    error = assert_error(
        client.post(_url("risk-flag-create", child), body, format="json"), 400, "validation_error"
    )
    assert list(error["fields"]) == ["review_on"]
    body["review_on"] = (clock.today() + timedelta(days=60)).isoformat()
    response = client.post(_url("risk-flag-create", child), body, format="json")
    assert response.status_code == 201
    assert RiskFlag.objects.get().sensitivity == Sensitivity.NORMAL


PART_ROUTES = [
    "name-create",
    "identifier-create",
    "address-create",
    "relationship-create",
    "risk-flag-create",
]


@pytest.mark.parametrize("route", PART_ROUTES)
def test_adding_needs_edit_people_and_the_write_scope(key_client, child, route):
    """R18/R24: a reader's key is refused; a key without people:write is refused; a restricted
    person is a 404 like a missing one (R22)."""
    assert_error(key_client(Role.IRO).post(_url(route, child), {}, format="json"), 403, "permission_denied")
    read_only = key_client(scopes=[Scope.PEOPLE_READ])
    assert read_only.post(_url(route, child), {}, format="json").status_code == 403
    restrict(child)
    assert_error(key_client().post(_url(route, child), {}, format="json"), 404, "not_found")
