"""Adoption decisions, matches, orders, previous permanence and sibling decisions (issue 6, item 6)."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safehub.audit.models import AuditEvent
from safehub.looked_after.constants import ApprovalStatus, HouseholdKind
from safehub.looked_after.services.permanence import (
    adoption_decision_cease,
    adoption_decision_record,
    adoption_match_record,
    permanence_order_record,
    previous_permanence_record,
    sibling_decision_record,
)
from safehub.looked_after.tests.factories import HouseholdFactory
from safehub.people.tests.factories import restrict
from safehub.platform.errors import ConflictError, NotFoundOrForbidden

from .cases import adopters, ago, manager, period, person, placed, siblings, worker

pytestmark = pytest.mark.django_db


def _errors(excinfo: Any) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def _match(decision: Any, actor: Any, **fields: Any) -> Any:
    values: dict[str, Any] = {
        "matched_on": ago(20),
        "household": adopters(),
        "adopter_count": 2,
        "adopter_sex": "MF",
        "adopter_legal_status": "L11",
        "fostered_by_adopters": False,
        "expected_version": decision.version,
    }
    values.update(fields)
    return adoption_match_record(actor=actor, decision=decision, **values)


def test_a_decision_is_a_managers_and_one_stands_at_a_time() -> None:
    p, boss = period(), manager()
    with pytest.raises(NotFoundOrForbidden):
        adoption_decision_record(actor=worker(), period=p, decided_on=ago(30))  # R18: record is not manage
    decision = adoption_decision_record(actor=boss, period=p, decided_on=ago(30))
    assert decision.person == p.person
    assert AuditEvent.objects.filter(object_id=str(decision.pk), section="adoption_decision").exists()
    with pytest.raises(ValidationError) as excinfo:
        adoption_decision_record(actor=boss, period=p, decided_on=ago(10))
    assert "still stands" in _errors(excinfo)["decided_on"][0]


def test_a_ceased_decision_makes_way_for_a_new_one() -> None:
    p, boss = period(), manager()
    decision = adoption_decision_record(actor=boss, period=p, decided_on=ago(30))
    with pytest.raises(ValidationError) as excinfo:
        adoption_decision_cease(
            actor=boss, decision=decision, ceased_on=ago(31), reason="RD9", expected_version=decision.version
        )
    errors = _errors(excinfo)
    assert errors["reason"] == ["Choose a reason from the list."]
    assert "before the decision" in errors["ceased_on"][0]
    adoption_decision_cease(
        actor=boss, decision=decision, ceased_on=ago(10), reason="RD1", expected_version=decision.version
    )
    assert (decision.ceased_on, decision.ceased_reason) == (ago(10), "RD1")
    assert adoption_decision_record(actor=boss, period=p, decided_on=ago(5))


def test_a_match_records_the_adopters() -> None:
    p, boss = period(), manager()
    decision = adoption_decision_record(actor=boss, period=p, decided_on=ago(30))
    home = adopters()
    _match(decision, boss, household=home)
    decision.refresh_from_db()
    assert (decision.matched_on, decision.household, decision.adopter_count, decision.adopter_sex) == (
        ago(20),
        home,
        2,
        "MF",
    )


@pytest.mark.parametrize(("sex", "count"), [("M1", 2), ("FF", 1), ("MF", 1)])
def test_the_number_of_adopters_agrees_with_their_sex(sex: str, count: int) -> None:
    boss = manager()
    decision = adoption_decision_record(actor=boss, period=period(), decided_on=ago(30))
    with pytest.raises(ValidationError) as excinfo:
        _match(decision, boss, adopter_sex=sex, adopter_count=count)
    assert "make them agree" in _errors(excinfo)["adopter_count"][0]


@pytest.mark.parametrize(
    ("status", "sex", "count"), [("L11", "MM", 2), ("L4", "MF", 2), ("L0", "FF", 2), ("L12", "F1", 1)]
)
def test_the_adopters_legal_status_agrees_with_their_sex(status: str, sex: str, count: int) -> None:
    """903 rules 517, 518, 520 and 524."""
    boss = manager()
    decision = adoption_decision_record(actor=boss, period=period(), decided_on=ago(30))
    with pytest.raises(ValidationError) as excinfo:
        _match(decision, boss, adopter_legal_status=status, adopter_sex=sex, adopter_count=count)
    assert "does not agree with the adopters' sex" in _errors(excinfo)["adopter_legal_status"][0]


def test_a_match_needs_approved_adopters_after_the_decision() -> None:
    boss = manager()
    decision = adoption_decision_record(actor=boss, period=period(), decided_on=ago(30))
    foster = HouseholdFactory(kind=HouseholdKind.MAINSTREAM_FOSTER)
    with pytest.raises(ValidationError) as excinfo:
        _match(decision, boss, household=foster, matched_on=ago(31), adopter_sex="XX")
    errors = _errors(excinfo)
    assert "are not adopters" in errors["household"][0]
    assert "before the adoption decision" in errors["matched_on"][0]
    assert errors["adopter_sex"] == ["Choose the adopters' sex from the list."]
    unapproved = adopters(status=ApprovalStatus.IN_ASSESSMENT, approved_on=None)
    with pytest.raises(ValidationError) as excinfo:
        _match(decision, boss, household=unapproved)
    assert "not approved" in _errors(excinfo)["household"][0]
    # Fostering for adoption: foster carers who are approved adopters foster the child first.
    _match(decision, boss, household=foster, fostered_by_adopters=True)


def test_an_adoption_order_needs_a_decision_and_a_placement_for_adoption() -> None:
    p, boss = period(), manager()
    placed(p, placement_type="U6")
    with pytest.raises(ValidationError) as excinfo:
        permanence_order_record(actor=boss, period=p, kind="adoption", made_on=ago(1))
    messages = _errors(excinfo)["kind"]
    assert any("no decision that the child should be placed for adoption" in m for m in messages)
    assert any("was not placed for adoption" in m for m in messages)


def test_an_adoption_order_is_recorded_for_a_child_placed_for_adoption() -> None:
    p, boss = period(), manager()
    placed(p, placement_type="A5")
    adoption_decision_record(actor=boss, period=p, decided_on=ago(60))
    order = permanence_order_record(
        actor=boss, period=p, kind="adoption", made_on=ago(1), consent_dispensed=True
    )
    assert order.consent_dispensed
    assert order.person == p.person
    with pytest.raises(ValidationError) as excinfo:
        permanence_order_record(actor=boss, period=p, kind="adoption", made_on=ago(1))
    assert any("already recorded" in m for m in _errors(excinfo)["kind"])


def test_special_guardianship_is_recorded_any_time_in_the_period() -> None:
    p, boss = period(), manager()
    order = permanence_order_record(
        actor=boss,
        period=p,
        kind="sgo",
        made_on=ago(3),
        to_former_foster_carers=True,
        carers_are_relatives=True,
    )
    assert order.kind == "sgo"
    with pytest.raises(ValidationError) as excinfo:
        permanence_order_record(actor=boss, period=p, kind="cao", made_on=ago(3), consent_dispensed=True)
    assert "consent_dispensed" in _errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        permanence_order_record(actor=boss, period=p, kind="parole", made_on=ago(300))
    errors = _errors(excinfo)
    assert errors["kind"] == ["Choose the kind of order."]
    assert "made_on" in errors


def test_previous_permanence_needs_the_authority_and_date_unless_none() -> None:
    p, boss = period(), manager()
    with pytest.raises(ValidationError) as excinfo:
        previous_permanence_record(
            actor=boss, period=p, previous_permanence="P1", la="", on=None, expected_version=p.version
        )
    errors = _errors(excinfo)
    assert "la" in errors
    assert "on" in errors
    with pytest.raises(ValidationError) as excinfo:
        previous_permanence_record(
            actor=boss, period=p, previous_permanence="Z1", la="301", on=None, expected_version=p.version
        )
    assert "Leave the authority and the date blank" in _errors(excinfo)["la"][0]
    with pytest.raises(ValidationError) as excinfo:
        previous_permanence_record(
            actor=boss,
            period=p,
            previous_permanence="P2",
            la="Leeds",
            on=ago(400),
            expected_version=p.version,
        )
    assert "3-digit code" in _errors(excinfo)["la"][0]
    previous_permanence_record(
        actor=boss, period=p, previous_permanence="P2", la="wal", on=ago(400), expected_version=p.version
    )
    p.refresh_from_db()
    assert (p.previous_permanence, p.previous_permanence_la, p.previous_permanence_on) == (
        "P2",
        "WAL",
        ago(400),
    )
    with pytest.raises(ConflictError):
        previous_permanence_record(
            actor=boss, period=p, previous_permanence="Z1", la="", on=None, expected_version=p.version - 1
        )


def test_a_sibling_decision_names_the_childs_brothers_and_sisters() -> None:
    p, boss = period(), manager()
    sister, stranger = person(), person()
    siblings(p.person, sister, "half_sibling")
    with pytest.raises(ValidationError) as excinfo:
        sibling_decision_record(
            actor=boss, period=p, decided_on=ago(2), decision="together", siblings=[stranger], reason=" "
        )
    errors = _errors(excinfo)
    assert "recorded as the child's brothers or sisters" in errors["siblings"][0]
    assert errors["reason"] == ["Give the reasons for the decision."]
    row = sibling_decision_record(
        actor=boss,
        period=p,
        decided_on=ago(2),
        decision="apart",
        siblings=[sister],
        reason="Synthetic reasons.",
    )
    assert list(row.siblings.all()) == [sister]
    with pytest.raises(ValidationError) as excinfo:
        sibling_decision_record(
            actor=boss, period=p, decided_on=ago(2), decision="maybe", siblings=[], reason="x"
        )
    assert set(_errors(excinfo)) == {"decision", "siblings"}


def test_a_restricted_sibling_cannot_be_named() -> None:
    """R22: a brother hidden from the actor is not offered, nor accepted."""
    p, boss = period(), manager()
    brother = person()
    siblings(p.person, brother)
    restrict(brother)
    with pytest.raises(ValidationError):
        sibling_decision_record(
            actor=boss, period=p, decided_on=ago(2), decision="together", siblings=[brother], reason="x"
        )
