"""Siblings in care together or apart, the permanence summary and the 903 rows (issue 6, item 6)."""

import pytest

from safehub.looked_after.selectors.permanence import (
    ad1_row,
    permanence_summary,
    placed_adoption_rows,
    sibling_decisions,
    siblings_in_care,
)
from safehub.looked_after.services.permanence import (
    adoption_decision_cease,
    adoption_decision_record,
    adoption_match_record,
    permanence_order_record,
    sibling_decision_record,
)
from safehub.looked_after.tests.factories import HouseholdFactory
from safehub.people.tests.factories import restrict

from .cases import adopters, ago, manager, period, person, placed, siblings

pytestmark = pytest.mark.django_db


def test_siblings_in_care_together_and_apart() -> None:
    boss = manager()
    home, other_home = HouseholdFactory(), HouseholdFactory()
    child = period()
    placed(child, household=home)
    together, apart, at_home = period(), period(), person()
    placed(together, household=home)
    placed(apart, household=other_home)
    for sibling in (together.person, apart.person, at_home):
        siblings(child.person, sibling)
    sibling_decision_record(
        actor=boss,
        period=child,
        decided_on=ago(5),
        decision="apart",
        siblings=[apart.person],
        reason="Synthetic.",
    )
    rows = {row.person: row for row in siblings_in_care(actor=boss, period=child)}
    assert set(rows) == {together.person, apart.person}  # the brother at home is not in care
    assert rows[together.person].together is True
    assert rows[apart.person].together is False
    decision = rows[apart.person].decision
    assert decision is not None
    assert decision.decision == "apart"
    assert rows[together.person].decision is None


def test_siblings_compare_postcodes_when_there_is_no_household() -> None:
    boss, child, sister = manager(), period(), period()
    placed(child, postcode="NX1 1AA")
    placed(sister, postcode="nx11aa")
    siblings(child.person, sister.person, "half_sibling")
    assert [row.together for row in siblings_in_care(actor=boss, period=child)] == [True]


def test_siblings_in_care_leave_out_a_restricted_sibling() -> None:
    """R22: sibling lists are a side channel for restricted records (threat T3)."""
    boss, child, hidden = manager(), period(), period()
    siblings(child.person, hidden.person)
    restrict(hidden.person)
    assert siblings_in_care(actor=boss, period=child) == []


def test_a_decision_names_no_sibling_restricted_since() -> None:
    """R22: a brother named in a decision and restricted later (adopted, say) drops out of the
    decision as shown, without a trace; the others are still named."""
    boss, child, open_sibling, hidden = manager(), period(), period(), period()
    siblings(child.person, open_sibling.person)
    siblings(child.person, hidden.person)
    sibling_decision_record(
        actor=boss,
        period=child,
        decided_on=ago(10),
        decision="apart",
        siblings=[open_sibling.person, hidden.person],
        reason="Assessed needs differ.",
    )
    restrict(hidden.person)
    (decision,) = sibling_decisions(actor=boss, period=child)
    assert list(decision.siblings.all()) == [open_sibling.person]


def test_permanence_summary_and_903_rows() -> None:
    boss, p = manager(), period()
    first = adoption_decision_record(actor=boss, period=p, decided_on=ago(100))
    adoption_decision_cease(
        actor=boss, decision=first, ceased_on=ago(90), reason="RD3", expected_version=first.version
    )
    decision = adoption_decision_record(actor=boss, period=p, decided_on=ago(80))
    adoption_match_record(
        actor=boss,
        decision=decision,
        matched_on=ago(60),
        household=adopters(),
        adopter_count=1,
        adopter_sex="F1",
        adopter_legal_status="L0",
        fostered_by_adopters=False,
        expected_version=decision.version,
    )
    assert ad1_row(p) is None  # not adopted yet
    placed(p, placement_type="A4", started_on=ago(50))
    permanence_order_record(actor=boss, period=p, kind="adoption", made_on=ago(2))
    summary = permanence_summary(p)
    assert summary.live_decision == decision
    assert summary.placed_for_adoption_on == ago(50)
    assert [o.kind for o in summary.orders] == ["adoption"]
    rows = placed_adoption_rows(p)
    assert [(r["DATE_PLACED"], r["DATE_PLACED_CEASED"], r["REASON_PLACED_CEASED"]) for r in rows] == [
        (ago(100), ago(90), "RD3"),
        (ago(80), None, ""),
    ]
    row = ad1_row(p)
    assert row is not None
    assert (row["DATE_INT"], row["DATE_MATCH"], row["FOSTER_CARE"], row["NB_ADOPTR"], row["SEX_ADOPTR"]) == (
        ago(80),
        ago(60),
        0,
        1,
        "F1",
    )
