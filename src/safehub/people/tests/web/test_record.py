"""The person page's sections and the forms that change them: names, identifiers, addresses,
households, relationships and risk flags. Each form: it saves through its service (audited), a bad
value is refused at the field and saves nothing, and a user without EDIT_PEOPLE gets 403 (R18) while
a record the user may not see is a 404 (R19, R22).
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from safehub.accounts.constants import Role
from safehub.accounts.tests.factories import AgencyFactory
from safehub.audit.constants import Verb
from safehub.people import services
from safehub.people.constants import IdentifierKind, NameKind, RelationshipKind, RiskFlagKind, Sensitivity
from safehub.people.identifiers import make_upn
from safehub.people.models import (
    HouseholdMember,
    Person,
    PersonAddress,
    PersonIdentifier,
    PersonName,
    Relationship,
    RiskFlag,
)
from safehub.people.tests.factories import audit_events_on, indexed_person, restrict
from safehub.platform import clock

pytestmark = pytest.mark.django_db

# Synthetic UPNs (LA 999 is never allocated): a valid one, and the same with a wrong check letter.
VALID_UPN = make_upn(serial=7)
WRONG_CHECK_LETTER = ("B" if VALID_UPN[0] != "B" else "C") + VALID_UPN[1:]


def _url(name: str, person: Person, *args: object) -> str:
    return reverse(f"people:{name}", args=[person.pk, *args])


def _date(prefix: str, value: date | None) -> dict[str, str]:
    if value is None:
        return {f"{prefix}_day": "", f"{prefix}_month": "", f"{prefix}_year": ""}
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }


@pytest.fixture
def person(db: object) -> Person:
    return indexed_person(given_name="Ffion", family_name="Testperson", date_of_birth=date(2015, 3, 14))


@pytest.fixture
def agency(db: object) -> object:
    return AgencyFactory(name="Testshire Police")


# --- the person page ---------------------------------------------------------------------------
def test_person_page_shows_every_section(signed_in, person, agency) -> None:
    actor = indexed_person().updated_by
    other = indexed_person(given_name="Gwen", family_name="Testperson", date_of_birth=date(1990, 1, 1))
    services.person_name_add(
        actor=actor, person=person, kind=NameKind.PREVIOUS, given_name="Ffion", family_name="Oldname"
    )
    services.person_identifier_add(
        actor=actor, person=person, kind=IdentifierKind.POLICE_REFERENCE, value="PR-77", issuing_agency=agency
    )
    services.person_address_add(actor=actor, person=person, line_1="1 Test Street", postcode="sw1a1aa")
    services.relationship_add(actor=actor, person_a=other, person_b=person, kind=RelationshipKind.PARENT)
    services.risk_flag_add(
        actor=actor,
        person=other,
        kind=RiskFlagKind.MAPPA_NOMINAL,
        source_agency=agency,
        starts_on=date(2020, 1, 1),
        review_on=clock.today() + timedelta(days=30),
    )
    client = signed_in(Role.SOCIAL_WORKER)
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "Oldname" in page
    assert "Previous name" in page
    assert "PR-77" in page
    assert "Testshire Police" in page
    assert "1 Test Street" in page
    assert "SW1A 1AA" in page
    # The relationship reads from this side: Ffion is the child of Gwen.
    assert "Child of" in page
    assert "Gwen Testperson" in page
    other_page = client.get(reverse("people:detail", args=[other.pk])).content.decode()
    assert "Parent of" in other_page
    assert "MAPPA nominal" in other_page


def test_sensitive_flags_are_shown_only_to_those_allowed(signed_in, person, agency) -> None:
    actor = indexed_person().updated_by
    services.risk_flag_add(
        actor=actor,
        person=person,
        kind=RiskFlagKind.EXPLOITATION_RISK,
        source_agency=agency,
        starts_on=date(2024, 1, 1),
        review_on=clock.today() + timedelta(days=30),
        sensitivity=Sensitivity.SENSITIVE,
    )
    url = reverse("people:detail", args=[person.pk])
    assert "Risk of exploitation" not in signed_in(Role.SOCIAL_WORKER).get(url).content.decode()
    assert "Risk of exploitation" in signed_in(Role.MASH_SOCIAL_WORKER).get(url).content.decode()
    assert "Risk of exploitation" in signed_in(Role.SOCIAL_WORKER, agency=agency).get(url).content.decode()
    # Nor can it be reviewed or ended by someone who cannot see it.
    flag = RiskFlag.objects.get()
    assert signed_in(Role.SOCIAL_WORKER).get(_url("flag_end", person, flag.pk)).status_code == 404


def test_readers_without_edit_see_no_change_links(signed_in, person) -> None:
    page = signed_in(Role.IRO).get(reverse("people:detail", args=[person.pk])).content.decode()
    assert _url("name_add", person) not in page
    assert _url("identifier_add", person) not in page


# --- permissions -------------------------------------------------------------------------------
ADD_ROUTES = ["name_add", "identifier_add", "address_add", "household_create", "relationship_add", "flag_add"]


@pytest.mark.parametrize("route", ADD_ROUTES)
def test_forms_need_edit_people(signed_in, person, route) -> None:
    """R18: IRO may view people but not change them; a referrer may do neither."""
    assert signed_in(Role.IRO).get(_url(route, person)).status_code == 403
    assert signed_in(Role.IRO).post(_url(route, person), {}).status_code == 403


@pytest.mark.parametrize("route", ADD_ROUTES)
def test_forms_on_a_restricted_person_are_not_found(signed_in, person, route) -> None:
    """R22: a restricted record is a 404, the same as a missing one."""
    restrict(person)
    assert signed_in(Role.SOCIAL_WORKER).get(_url(route, person)).status_code == 404


# --- names -------------------------------------------------------------------------------------
def _name_form(**changes: str) -> dict[str, str]:
    data = {"kind": NameKind.PREVIOUS, "given_name": "Ffion", "family_name": "Birthname", "source_agency": ""}
    data |= _date("valid_from", date(2015, 3, 14)) | _date("valid_to", date(2019, 6, 1))
    return data | changes


def test_add_a_previous_name(signed_in, person) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.get(_url("name_add", person)).status_code == 200
    response = client.post(_url("name_add", person), _name_form())
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk]) + "#names"
    name = PersonName.objects.get(person=person, kind=NameKind.PREVIOUS)
    assert (name.family_name, name.valid_to) == ("Birthname", date(2019, 6, 1))
    assert [e.verb for e in audit_events_on(person, "names")][-1] == Verb.CREATE


def test_a_name_ending_before_it_starts_is_refused_at_the_field(signed_in, person) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    response = client.post(_url("name_add", person), _name_form(**_date("valid_to", date(2010, 1, 1))))
    assert response.status_code == 200
    assert 'href="#id_valid_to"' in response.content.decode()
    assert not PersonName.objects.filter(kind=NameKind.PREVIOUS).exists()


def test_end_an_alias(signed_in, person) -> None:
    alias = services.person_name_add(
        actor=person.updated_by, person=person, kind=NameKind.ALIAS, given_name="Fi", family_name="Testperson"
    )
    client = signed_in(Role.SOCIAL_WORKER)
    assert f'value="{alias.version}"' in client.get(_url("name_end", person, alias.pk)).content.decode()
    data = {"version": alias.version} | _date("valid_to", None)
    assert client.post(_url("name_end", person, alias.pk), data).status_code == 302
    alias.refresh_from_db()
    assert alias.valid_to == clock.today()


def test_ending_a_name_someone_changed_since_shows_who_and_saves_nothing(signed_in, person) -> None:
    """R49: the second of two people ending the same row is told, not silently overwritten."""
    alias = services.person_name_add(
        actor=person.updated_by, person=person, kind=NameKind.ALIAS, given_name="Fi", family_name="Testperson"
    )
    seen = alias.version
    services.person_name_end(actor=person.updated_by, name=alias, valid_to=date(2024, 1, 1))
    client = signed_in(Role.SOCIAL_WORKER)
    response = client.post(_url("name_end", person, alias.pk), {"version": seen} | _date("valid_to", None))
    assert response.status_code == 200
    assert "This record was changed by" in response.content.decode()
    alias.refresh_from_db()
    assert alias.valid_to == date(2024, 1, 1)


def test_a_name_of_another_person_is_not_found(signed_in, person) -> None:
    other = indexed_person()
    name = PersonName.objects.get(person=other)
    assert signed_in(Role.SOCIAL_WORKER).get(_url("name_end", person, name.pk)).status_code == 404


# --- identifiers -------------------------------------------------------------------------------
def test_add_a_upn_and_an_agency_identifier(signed_in, person, agency) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    response = client.post(
        _url("identifier_add", person), {"kind": IdentifierKind.UPN, "value": VALID_UPN.lower()}
    )
    assert response.status_code == 302, response.content.decode()
    assert PersonIdentifier.objects.get(person=person, kind=IdentifierKind.UPN).value == VALID_UPN
    response = client.post(
        _url("identifier_add", person),
        {"kind": IdentifierKind.AGENCY_ID, "value": "HT-1", "issuing_agency": str(agency.pk)},
    )
    assert response.status_code == 302
    assert audit_events_on(person, "identifiers")


def test_an_invalid_upn_is_refused_with_the_reason(signed_in, person) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    response = client.post(
        _url("identifier_add", person), {"kind": IdentifierKind.UPN, "value": WRONG_CHECK_LETTER}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_value"' in page
    assert "check letter" in page.lower()
    assert not PersonIdentifier.objects.filter(kind=IdentifierKind.UPN).exists()


def test_an_agency_identifier_needs_its_issuer(signed_in, person) -> None:
    response = signed_in(Role.SOCIAL_WORKER).post(
        _url("identifier_add", person), {"kind": IdentifierKind.POLICE_REFERENCE, "value": "PR-1"}
    )
    assert 'href="#id_issuing_agency"' in response.content.decode()


def test_an_identifier_someone_else_holds_is_refused(signed_in, person) -> None:
    other = indexed_person()
    services.person_identifier_add(
        actor=other.updated_by, person=other, kind=IdentifierKind.UPN, value=VALID_UPN
    )
    response = signed_in(Role.SOCIAL_WORKER).post(
        _url("identifier_add", person), {"kind": IdentifierKind.UPN, "value": VALID_UPN}
    )
    assert "Another person already holds this identifier" in response.content.decode()


def test_remove_an_identifier_needs_a_reason(signed_in, person, agency) -> None:
    identifier = services.person_identifier_add(
        actor=person.updated_by,
        person=person,
        kind=IdentifierKind.AGENCY_ID,
        value="X1",
        issuing_agency=agency,
    )
    client = signed_in(Role.SOCIAL_WORKER)
    url = _url("identifier_remove", person, identifier.pk)
    assert (
        'href="#id_reason"'
        in client.post(url, {"reason": "", "version": identifier.version}).content.decode()
    )
    assert client.post(url, {"reason": "Recorded in error", "version": identifier.version}).status_code == 302
    identifier.refresh_from_db()
    assert identifier.removed_reason == "Recorded in error"


# --- addresses ---------------------------------------------------------------------------------
def _address_form(**changes: str) -> dict[str, str]:
    data = {
        "line_1": "2 Example Road",
        "line_2": "",
        "line_3": "",
        "town": "Testtown",
        "postcode": "m11ae",
        "uprn": "100023336956",
        "kind": "home",
        "source_agency": "",
    }
    return data | _date("valid_from", date(2020, 5, 1)) | _date("valid_to", None) | changes


def test_add_an_address(signed_in, person) -> None:
    response = signed_in(Role.SOCIAL_WORKER).post(_url("address_add", person), _address_form())
    assert response.status_code == 302
    lived_at = PersonAddress.objects.select_related("address").get(person=person)
    assert (lived_at.address.postcode, lived_at.address.uprn, lived_at.valid_from) == (
        "M1 1AE",
        "100023336956",
        date(2020, 5, 1),
    )


@pytest.mark.parametrize(("field", "value"), [("postcode", "NOT A CODE"), ("uprn", "12AB")])
def test_a_bad_postcode_or_uprn_is_refused_at_the_field(signed_in, person, field, value) -> None:
    response = signed_in(Role.SOCIAL_WORKER).post(
        _url("address_add", person), _address_form(**{field: value})
    )
    assert f'href="#id_{field}"' in response.content.decode()
    assert not PersonAddress.objects.exists()


def test_end_an_address(signed_in, person) -> None:
    lived_at = services.person_address_add(
        actor=person.updated_by, person=person, line_1="3 Road", postcode="B33 8TH"
    )
    client = signed_in(Role.SOCIAL_WORKER)
    url = _url("address_end", person, lived_at.pk)
    future = _date("valid_to", clock.today() + timedelta(days=3))
    assert 'href="#id_valid_to"' in client.post(url, {"version": lived_at.version} | future).content.decode()
    assert client.post(url, {"version": lived_at.version} | _date("valid_to", None)).status_code == 302
    lived_at.refresh_from_db()
    assert lived_at.valid_to == clock.today()


# --- households --------------------------------------------------------------------------------
def test_create_a_household_add_a_member_and_end_a_membership(signed_in, person) -> None:
    lived_at = services.person_address_add(
        actor=person.updated_by, person=person, line_1="4 Road", postcode="CR2 6XH"
    )
    sibling = indexed_person(given_name="Rhys", family_name="Testperson")
    client = signed_in(Role.SOCIAL_WORKER)
    data = {"address": str(lived_at.address_id), "description": "Mother's household"} | _date(
        "valid_from", None
    )
    assert client.post(_url("household_create", person), data).status_code == 302
    member = HouseholdMember.objects.get(person=person)
    household = member.household
    url = _url("household_member_add", person, household.pk)
    bad = client.post(url, {"person": "not-a-reference"} | _date("valid_from", None))
    assert 'href="#id_person"' in bad.content.decode()
    assert client.post(url, {"person": str(sibling.pk)} | _date("valid_from", None)).status_code == 302
    assert set(household.members.values_list("person_id", flat=True)) == {person.pk, sibling.pk}
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "Rhys Testperson" in page
    end = _url("household_member_end", person, member.pk)
    assert client.post(end, {"version": member.version} | _date("valid_to", None)).status_code == 302
    member.refresh_from_db()
    assert member.valid_to == clock.today()


def test_a_household_needs_a_current_address_first(signed_in, person) -> None:
    response = signed_in(Role.SOCIAL_WORKER).get(_url("household_create", person))
    assert response.status_code == 302


def test_a_restricted_person_cannot_be_added_to_a_household(signed_in, person) -> None:
    lived_at = services.person_address_add(
        actor=person.updated_by, person=person, line_1="5 Road", postcode="CR2 6XH"
    )
    hidden = indexed_person()
    restrict(hidden)
    client = signed_in(Role.SOCIAL_WORKER)
    data = {"address": str(lived_at.address_id), "description": ""} | _date("valid_from", None)
    client.post(_url("household_create", person), data)
    household = HouseholdMember.objects.get(person=person).household
    response = client.post(
        _url("household_member_add", person, household.pk),
        {"person": str(hidden.pk)} | _date("valid_from", None),
    )
    assert "No person you may change has this reference" in response.content.decode()


# --- relationships -----------------------------------------------------------------------------
def test_add_a_relationship_and_it_reads_from_both_sides(signed_in, person) -> None:
    mother = indexed_person(given_name="Mair", family_name="Testperson", date_of_birth=date(1988, 2, 2))
    client = signed_in(Role.SOCIAL_WORKER)
    data = {"kind": RelationshipKind.CHILD, "other": str(mother.pk), "source_agency": ""}
    data |= _date("valid_from", None) | _date("valid_to", None)
    assert client.post(_url("relationship_add", person), data).status_code == 302
    stored = Relationship.objects.get()
    assert (stored.person_a, stored.person_b, stored.kind) == (mother, person, RelationshipKind.PARENT)
    assert "Parent of" in client.get(reverse("people:detail", args=[mother.pk])).content.decode()
    duplicate = client.post(
        _url("relationship_add", mother), data | {"kind": RelationshipKind.PARENT, "other": str(person.pk)}
    )
    assert 'href="#id_kind"' in duplicate.content.decode()
    end = _url("relationship_end", mother, stored.pk)
    assert client.post(end, {"version": stored.version} | _date("valid_to", None)).status_code == 302


def test_a_relationship_to_oneself_is_refused(signed_in, person) -> None:
    data = {"kind": RelationshipKind.SIBLING, "other": str(person.pk), "source_agency": ""}
    data |= _date("valid_from", None) | _date("valid_to", None)
    response = signed_in(Role.SOCIAL_WORKER).post(_url("relationship_add", person), data)
    assert 'href="#id_other"' in response.content.decode()
    assert not Relationship.objects.exists()


# --- risk flags --------------------------------------------------------------------------------
def _flag_form(agency: object, **changes: str) -> dict[str, str]:
    data = {
        "kind": RiskFlagKind.POSING_RISK_TO_CHILDREN,
        "source_agency": str(agency.pk),  # type: ignore[attr-defined]
        "sensitivity": Sensitivity.NORMAL,
        "note": "Conviction for offences against children (synthetic).",
    }
    data |= _date("starts_on", date(2023, 4, 1)) | _date("review_on", clock.today() + timedelta(days=90))
    return data | changes


def test_add_review_and_end_a_flag(signed_in, person, agency) -> None:
    client = signed_in(Role.SOCIAL_WORKER)
    assert client.post(_url("flag_add", person), _flag_form(agency)).status_code == 302
    flag = RiskFlag.objects.get(person=person)
    review = _url("flag_review", person, flag.pk)
    past = _date("next_review_on", clock.today() - timedelta(days=1))
    assert (
        'href="#id_next_review_on"' in client.post(review, {"version": flag.version} | past).content.decode()
    )
    later = clock.today() + timedelta(days=180)
    data = {"version": flag.version, "note": "Still stands"} | _date("next_review_on", later)
    assert client.post(review, data).status_code == 302
    flag.refresh_from_db()
    assert (flag.review_on, flag.reviewed_by) == (later, client.user)
    end = _url("flag_end", person, flag.pk)
    data = {"version": flag.version, "reason": "Conviction spent"} | _date("ends_on", None)
    assert client.post(end, data).status_code == 302
    flag.refresh_from_db()
    assert flag.ends_on == clock.today()
    assert len(audit_events_on(person, "risk_flags")) == 3


def test_a_flag_without_a_review_date_is_refused(signed_in, person, agency) -> None:
    response = signed_in(Role.SOCIAL_WORKER).post(
        _url("flag_add", person), _flag_form(agency, **_date("review_on", None))
    )
    assert 'href="#id_review_on"' in response.content.decode()
    assert not RiskFlag.objects.exists()


END_ROUTES = [
    "name_end",
    "identifier_remove",
    "address_end",
    "household_member_end",
    "relationship_end",
    "flag_review",
    "flag_end",
]


@pytest.mark.parametrize("route", END_ROUTES)
def test_end_forms_need_edit_people_and_an_existing_part(signed_in, person, route) -> None:
    """R18, R19: IRO (view only) gets 403; a made-up row id is a 404 like a forbidden one."""
    made_up = "00000000-0000-4000-8000-000000000000"
    assert signed_in(Role.IRO).get(_url(route, person, made_up)).status_code == 403
    assert signed_in(Role.SOCIAL_WORKER).get(_url(route, person, made_up)).status_code == 404


def test_the_person_page_does_not_query_per_row(signed_in, person, agency) -> None:
    """HOUSE.md: the sections are read with joins, so more relatives or flags add no queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    actor = person.updated_by
    client = signed_in(Role.SOCIAL_WORKER)
    url = reverse("people:detail", args=[person.pk])

    def add_relative_and_flag(n: int) -> None:
        other = indexed_person(given_name=f"Rel{n}")
        services.relationship_add(
            actor=actor, person_a=other, person_b=person, kind=RelationshipKind.OTHER, source_agency=agency
        )
        services.risk_flag_add(
            actor=actor,
            person=person,
            kind=RiskFlagKind.RISK_TO_STAFF,
            source_agency=agency,
            starts_on=date(2024, 1, 1),
            review_on=clock.today() + timedelta(days=5),
        )
        services.person_identifier_add(
            actor=actor, person=person, kind=IdentifierKind.AGENCY_ID, value=f"Q{n}", issuing_agency=agency
        )

    add_relative_and_flag(0)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(1, 6):
        add_relative_and_flag(n)
    with CaptureQueriesContext(connection) as six:
        assert client.get(url).status_code == 200
    assert len(six) == len(one)
