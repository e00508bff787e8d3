"""Addresses and UPNs in bulk (the SSD import's path): the same rows, history, match keys and
refusals as the row services, one audit event per batch, and the person policy honoured (R19)."""

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safehub.accounts.constants import Role
from safehub.audit.models import AuditEvent
from safehub.people.constants import AddressKind, IdentifierKind
from safehub.people.imports.links import NewAddress, NewUpn, people_addresses_add, people_upns_add
from safehub.people.models import Address, PersonAddress, PersonIdentifier, PersonMatchKey, PersonMatchProfile
from safehub.people.services import person_address_add, person_identifier_add
from safehub.people.tests.factories import indexed_person, restrict
from safehub.platform.errors import NotFoundOrForbidden, PermissionRefused

from .conftest import UPNS

pytestmark = pytest.mark.django_db
REASON = "import-ssd run test"
LINES = {"line_1": "4 Minster Yard", "town": "York", "postcode": "yo1 7hh", "uprn": "100050000001"}


def _twins(actor: Any) -> tuple[Any, Any]:
    """Two people the matcher cannot tell apart, so their keys can be compared."""
    fields = {
        "given_name": "Rosa",
        "family_name": "Lindqvist",
        "date_of_birth": date(2014, 5, 6),
        "nhs_number": "",
    }
    return indexed_person(actor=actor, **fields), indexed_person(actor=actor, **fields)


def _keys(person: Any) -> set[tuple[str, str]]:
    return set(PersonMatchKey.objects.filter(person=person).values_list("kind", "value"))


def test_an_address_is_what_the_row_service_writes(make_user) -> None:
    actor = make_user(Role.DATA_OFFICER)
    bulk_one, row_one = _twins(actor)
    [outcome] = people_addresses_add(
        actor=actor,
        items=[
            NewAddress(person_id=bulk_one.pk, kind=AddressKind.HOME, valid_from=date(2020, 1, 2), **LINES)
        ],
        reason=REASON,
    )
    person_address_add(
        actor=actor, person=row_one, kind=AddressKind.HOME, valid_from=date(2020, 1, 2), **LINES
    )

    bulk_lived = PersonAddress.objects.select_related("address").get(pk=outcome)
    row_lived = PersonAddress.objects.select_related("address").get(person=row_one)
    assert bulk_lived.person_id == bulk_one.pk
    for name in ("kind", "valid_from", "valid_to", "version"):
        assert getattr(bulk_lived, name) == getattr(row_lived, name)
    for name in ("line_1", "town", "postcode", "uprn"):
        assert getattr(bulk_lived.address, name) == getattr(row_lived.address, name)
    assert bulk_lived.address.postcode == "YO1 7HH"  # normalised as the model's clean does
    assert _keys(bulk_one) == _keys(row_one)
    assert any("YO17HH" in value for _, value in _keys(bulk_one))  # the new postcode is searchable
    bulk_profile = PersonMatchProfile.objects.get(person=bulk_one).values()
    assert bulk_profile == PersonMatchProfile.objects.get(person=row_one).values()
    # History as simple-history would write it: a "+" row, the importer, the run's reason.
    [history] = bulk_lived.history.all()
    assert (history.history_type, history.history_user_id, history.history_change_reason) == (
        "+",
        actor.pk,
        REASON,
    )
    assert bulk_lived.address.history.get().history_user_id == actor.pk


def test_each_refused_address_says_why_and_the_rest_are_written(make_user) -> None:
    actor = make_user(Role.DATA_OFFICER)
    fine, hidden, other = (*_twins(actor), indexed_person(actor=actor))
    restrict(hidden)
    outcomes = people_addresses_add(
        actor=actor,
        items=[
            NewAddress(person_id=fine.pk, kind=AddressKind.HOME, **LINES),
            NewAddress(person_id=hidden.pk, kind=AddressKind.HOME, **LINES),  # R19: not the importer's
            NewAddress(person_id=other.pk, kind=AddressKind.HOME, line_1="1 Road", postcode="NOT A CODE"),
            NewAddress(person_id=other.pk, kind=AddressKind.HOME, line_1="2 Road", valid_to=date(2999, 1, 1)),
            NewAddress(
                person_id=other.pk,
                kind=AddressKind.CARE,
                line_1="3 Road",
                valid_from=date(2021, 1, 1),
                valid_to=date(2020, 1, 1),
            ),
            NewAddress(person_id=other.pk, kind=AddressKind.HOME, line_1="4 Road", uprn="12AB"),
        ],
        reason=REASON,
    )
    assert PersonAddress.objects.get(pk=outcomes[0]).person == fine
    assert isinstance(outcomes[1], NotFoundOrForbidden)
    assert "postcode" in outcomes[2].message_dict
    assert "valid_to" in outcomes[3].message_dict
    assert isinstance(outcomes[4], ValidationError)
    assert "uprn" in outcomes[5].message_dict
    assert not PersonAddress.objects.filter(person__in=[hidden, other]).exists()
    assert Address.objects.count() == 1


def test_one_audit_event_names_every_person_changed(make_user) -> None:
    actor = make_user(Role.DATA_OFFICER)
    first, second = _twins(actor)
    people_addresses_add(
        actor=actor,
        items=[NewAddress(person_id=p.pk, kind=AddressKind.HOME, **LINES) for p in (first, second)],
        reason=REASON,
    )
    [event] = AuditEvent.objects.filter(section="addresses", object_type="people.person")
    assert sorted(event.detail["result_ids"]) == sorted([str(first.pk), str(second.pk)])
    assert event.reason == REASON


def test_without_edit_people_nothing_is_written(make_user) -> None:
    analyst = make_user(Role.PERFORMANCE_ANALYST)
    person = indexed_person()
    with pytest.raises(PermissionRefused):
        people_addresses_add(
            actor=analyst,
            items=[NewAddress(person_id=person.pk, kind=AddressKind.HOME, **LINES)],
            reason=REASON,
        )
    with pytest.raises(PermissionRefused):
        people_upns_add(actor=analyst, items=[NewUpn(person_id=person.pk, value=UPNS[0])], reason=REASON)
    assert not PersonAddress.objects.exists()
    assert not PersonIdentifier.objects.filter(kind=IdentifierKind.UPN).exists()


def test_upns_one_holder_and_the_old_one_made_former(make_user) -> None:
    actor = make_user(Role.DATA_OFFICER)
    fresh, again, moved, taken = (indexed_person(actor=actor) for _ in range(4))
    person_identifier_add(actor=actor, person=again, kind=IdentifierKind.UPN, value=UPNS[1])
    person_identifier_add(actor=actor, person=moved, kind=IdentifierKind.UPN, value=UPNS[2])
    held = PersonIdentifier.objects.get(person=again, value=UPNS[1])
    outcomes = people_upns_add(
        actor=actor,
        items=[
            NewUpn(person_id=fresh.pk, value=UPNS[0].lower()),
            NewUpn(person_id=again.pk, value=UPNS[1]),  # already theirs: that row, nothing new
            NewUpn(person_id=moved.pk, value=UPNS[3]),  # a new UPN: the old one becomes former
            NewUpn(person_id=taken.pk, value=UPNS[1]),  # someone else's
            NewUpn(person_id=taken.pk, value="not a upn"),
            NewUpn(person_id=taken.pk, value=UPNS[0]),  # given to `fresh` earlier in this batch
        ],
        reason=REASON,
    )
    new = PersonIdentifier.objects.get(pk=outcomes[0])
    assert (new.person, new.kind, new.value) == (fresh, IdentifierKind.UPN, UPNS[0])
    assert new.history.get().history_user_id == actor.pk
    assert outcomes[1] == held.pk
    assert PersonIdentifier.objects.filter(person=again, kind=IdentifierKind.UPN).count() == 1
    kinds = dict(PersonIdentifier.objects.filter(person=moved).values_list("value", "kind"))
    assert kinds[UPNS[2]] == IdentifierKind.FORMER_UPN
    assert kinds[UPNS[3]] == IdentifierKind.UPN
    assert outcomes[3].message_dict == {"value": ["Another person already holds this identifier."]}
    assert "value" in outcomes[4].message_dict
    assert outcomes[5].message_dict == {"value": ["Another person already holds this identifier."]}
    assert not PersonIdentifier.objects.filter(person=taken).exclude(kind=IdentifierKind.NHS_NUMBER).exists()
    # The match keys follow: the new UPN is searchable at once.
    assert any(UPNS[0] in value for _, value in _keys(fresh))


def test_a_restricted_person_gets_no_upn(make_user) -> None:
    actor = make_user(Role.DATA_OFFICER)
    hidden = indexed_person(actor=actor)
    restrict(hidden)
    [outcome] = people_upns_add(
        actor=actor, items=[NewUpn(person_id=hidden.pk, value=UPNS[0])], reason=REASON
    )
    assert isinstance(outcome, NotFoundOrForbidden)
    assert not PersonIdentifier.objects.filter(value=UPNS[0]).exists()


def test_disabilities_keep_the_census_rules_and_answer_a_code_already_held(make_user) -> None:
    """8794 (a code once) and 8790 (NONE alone), in the disability service's words; R19 for a
    restricted person; history and one audit event for what was written."""
    from safehub.people.constants import DisabilityCode
    from safehub.people.imports.links import NewDisability, people_disabilities_add
    from safehub.people.models import PersonDisability
    from safehub.people.services import person_disability_add
    from safehub.people.services.disability import NONE_WITH_OTHERS, OTHERS_WITH_NONE

    actor = make_user(Role.DATA_OFFICER)
    child, none_child, hidden = (indexed_person(actor=actor) for _ in range(3))
    person_disability_add(actor=actor, person=child, code=DisabilityCode.AUT)
    restrict(hidden)
    outcomes = people_disabilities_add(
        actor=actor,
        items=[
            NewDisability(person_id=child.pk, code=DisabilityCode.AUT),  # already held (8794)
            NewDisability(person_id=child.pk, code=DisabilityCode.LD),
            NewDisability(person_id=child.pk, code=DisabilityCode.NONE),  # beside AUT and LD
            NewDisability(person_id=none_child.pk, code=DisabilityCode.NONE),
            NewDisability(person_id=none_child.pk, code=DisabilityCode.VIS),  # beside NONE, this batch
            NewDisability(person_id=none_child.pk, code="XYZ"),
            NewDisability(person_id=hidden.pk, code=DisabilityCode.HEAR),
            NewDisability(person_id=child.pk, code=DisabilityCode.HEAR, recorded_on=date(2999, 1, 1)),
        ],
        reason=REASON,
    )
    assert outcomes[0].message_dict == {"code": ["This disability is already recorded for this person."]}
    assert PersonDisability.objects.get(pk=outcomes[1]).code == DisabilityCode.LD
    assert outcomes[2].message_dict == {"code": [NONE_WITH_OTHERS]}
    assert PersonDisability.objects.get(pk=outcomes[3]).person == none_child
    assert outcomes[4].message_dict == {"code": [OTHERS_WITH_NONE]}
    assert "code" in outcomes[5].message_dict
    assert isinstance(outcomes[6], NotFoundOrForbidden)
    assert "recorded_on" in outcomes[7].message_dict
    assert sorted(PersonDisability.objects.filter(person=child).values_list("code", flat=True)) == [
        "AUT",
        "LD",
    ]
    assert not PersonDisability.objects.filter(person=hidden).exists()
    written = PersonDisability.objects.get(pk=outcomes[1])
    assert written.history.get().history_user_id == actor.pk
    [event] = AuditEvent.objects.filter(section="disabilities", reason=REASON)
    assert sorted(event.detail["result_ids"]) == sorted([str(child.pk), str(none_child.pk)])
