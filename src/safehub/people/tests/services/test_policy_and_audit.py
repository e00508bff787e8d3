"""Every person-index service checks the person policy and writes its audit event in its transaction.

One table drives both checks, so a new service added to it cannot skip either (R19, R27, R28).
"""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from safehub.audit.models import AuditEvent
from safehub.people.constants import IdentifierKind, NameKind, RelationshipKind, RiskFlagKind
from safehub.people.identifiers import make_upn
from safehub.people.models import PersonName
from safehub.people.services import (
    household_create,
    household_member_add,
    household_member_end,
    person_address_add,
    person_address_end,
    person_identifier_add,
    person_identifier_remove,
    person_name_add,
    person_name_end,
    person_update,
    relationship_add,
    relationship_end,
    risk_flag_add,
    risk_flag_end,
    risk_flag_review,
)
from safehub.people.tests.factories import AddressFactory, audit_events_on
from safehub.platform.errors import NotFoundOrForbidden

pytestmark = pytest.mark.django_db

# name -> (setup(editor, person, other, agency) -> kwargs, service, section)
Case = tuple[Callable[..., dict[str, Any]], Callable[..., Any], str]


def _alias(editor: Any, person: Any) -> PersonName:
    return person_name_add(actor=editor, person=person, kind=NameKind.ALIAS, given_name="Jo", family_name="X")


def _flag(editor: Any, person: Any, agency: Any) -> Any:
    return risk_flag_add(
        actor=editor,
        person=person,
        kind=RiskFlagKind.MISSING,
        source_agency=agency,
        starts_on=date(2026, 1, 1),
        review_on=date(2026, 2, 1),
    )


def _member(editor: Any, person: Any) -> Any:
    household = household_create(actor=editor, address=AddressFactory())
    return household_member_add(actor=editor, household=household, person=person)


CASES: dict[str, Case] = {
    "person_update": (
        lambda e, p, o, a: {"person": p, "expected_version": p.version, "preferred_name": "P"},
        person_update,
        "preferred_name",
    ),
    "person_name_add": (
        lambda e, p, o, a: {"person": p, "kind": NameKind.ALIAS, "given_name": "J", "family_name": "K"},
        person_name_add,
        "names",
    ),
    "person_name_end": (lambda e, p, o, a: {"name": _alias(e, p)}, person_name_end, "names"),
    "person_identifier_add": (
        lambda e, p, o, a: {"person": p, "kind": IdentifierKind.UPN, "value": make_upn(serial=5)},
        person_identifier_add,
        "identifiers",
    ),
    "person_identifier_remove": (
        lambda e, p, o, a: {
            "identifier": person_identifier_add(
                actor=e, person=p, kind=IdentifierKind.AGENCY_ID, value="A1", issuing_agency=a
            ),
            "reason": "Wrong person",
        },
        person_identifier_remove,
        "identifiers",
    ),
    "person_address_add": (
        lambda e, p, o, a: {"person": p, "address": AddressFactory()},
        person_address_add,
        "addresses",
    ),
    "person_address_end": (
        lambda e, p, o, a: {
            "person_address": person_address_add(actor=e, person=p, address=AddressFactory())
        },
        person_address_end,
        "addresses",
    ),
    "household_member_add": (
        lambda e, p, o, a: {"household": household_create(actor=e, address=AddressFactory()), "person": p},
        household_member_add,
        "households",
    ),
    "household_member_end": (
        lambda e, p, o, a: {"member": _member(e, p)},
        household_member_end,
        "households",
    ),
    "relationship_add": (
        lambda e, p, o, a: {"person_a": p, "person_b": o, "kind": RelationshipKind.SIBLING},
        relationship_add,
        "relationships",
    ),
    "relationship_end": (
        lambda e, p, o, a: {
            "relationship": relationship_add(actor=e, person_a=p, person_b=o, kind=RelationshipKind.CARER)
        },
        relationship_end,
        "relationships",
    ),
    "risk_flag_add": (
        lambda e, p, o, a: {
            "person": p,
            "kind": RiskFlagKind.RISK_TO_STAFF,
            "source_agency": a,
            "starts_on": date(2026, 1, 1),
            "review_on": date(2026, 3, 1),
        },
        risk_flag_add,
        "risk_flags",
    ),
    "risk_flag_end": (lambda e, p, o, a: {"flag": _flag(e, p, a)}, risk_flag_end, "risk_flags"),
    "risk_flag_review": (
        lambda e, p, o, a: {"flag": _flag(e, p, a), "next_review_on": date(2999, 1, 1)},
        risk_flag_review,
        "risk_flags",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_role_without_edit_people_is_refused_and_nothing_is_written(
    name, editor, viewer, person, new_person, police
):
    setup, service, _ = CASES[name]
    kwargs = setup(editor, person, new_person(), police)
    before = AuditEvent.objects.count()
    with pytest.raises(NotFoundOrForbidden):
        service(actor=viewer, **kwargs)
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_change_is_audited_on_the_person(name, editor, person, new_person, police):
    setup, service, section = CASES[name]
    kwargs = setup(editor, person, new_person(), police)
    before = len(audit_events_on(person, section))
    service(actor=editor, **kwargs)
    events = audit_events_on(person, section)
    assert len(events) == before + 1
    assert events[-1].actor == editor
    assert events[-1].verb in {"create", "update"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_failed_audit_write_leaves_nothing_written(name, editor, person, new_person, police, monkeypatch):
    """R28: the audit row and the change commit together; if the audit fails, the change is gone."""
    setup, service, _ = CASES[name]
    kwargs = setup(editor, person, new_person(), police)

    def refuse(**_: Any) -> None:
        raise RuntimeError("audit store unavailable")

    from safehub.people.models import (
        HouseholdMember,
        PersonAddress,
        PersonIdentifier,
        PersonMatchKey,
        Relationship,
        RiskFlag,
    )

    tables = (
        PersonName,
        PersonIdentifier,
        PersonAddress,
        HouseholdMember,
        Relationship,
        RiskFlag,
        PersonMatchKey,
    )

    def snapshot() -> list[Any]:
        return [
            sorted(map(str, m.objects.values_list("pk", "version" if m is not PersonMatchKey else "value")))
            for m in tables
        ]

    before = snapshot()
    monkeypatch.setattr("safehub.people.services._common.record_event", refuse)
    monkeypatch.setattr("safehub.people.services.person.record_event", refuse)
    with pytest.raises(RuntimeError):
        service(actor=editor, **kwargs)
    assert snapshot() == before
