"""The demo city's permanence stories (issue 6): adoption, special guardianship and a child back
in care after an order elsewhere broke down. Split from `looked_after_stories`, whose `SLOTS` run
them; the words are invented.
"""

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from safehub.casework.timescales import add_months
from safehub.looked_after.constants import HouseholdKind, PermanenceOrderKind
from safehub.looked_after.models import LookedAfterPeriod
from safehub.looked_after.services.permanence import (
    adoption_decision_record,
    adoption_match_record,
    permanence_order_record,
    previous_permanence_record,
)

from .looked_after_routine import Timeline, routine

if TYPE_CHECKING:
    from .looked_after_office import CareOffice

FOSTER = HouseholdKind.MAINSTREAM_FOSTER


def placed_for_adoption(office: "CareOffice", worker: str) -> None:
    """Care, a placement order, a match, and placed with the adopters two months ago (A6)."""
    start = office.months_ago(14)
    child = office.pick(1, 3, born_by=start)
    period = office.start(
        child, start, "C1", "U6", worker=worker, household=office.home(FOSTER, child, start)
    )
    _adoption(
        office, period, decided=11, order=9, matched=3, placed=2, adopters="a_first", sex="MF", legal="L11"
    )


def adopted(office: "CareOffice", worker: str) -> None:
    """Adopted two months ago (E11) by a single adopter, after nine months placed with her."""
    start = office.months_ago(24)
    child = office.pick(2, 5, born_by=start)
    period = office.start(
        child, start, "C1", "U6", worker=worker, household=office.home(FOSTER, child, start)
    )
    _adoption(
        office,
        period,
        decided=19,
        order=16,
        matched=10,
        placed=9,
        adopters="a_pair",
        sex="F1",
        legal="L0",
        adopted_on=office.months_ago(2),
    )


def _adoption(
    office: "CareOffice",
    period: LookedAfterPeriod,
    *,
    decided: float,
    order: float,
    matched: float,
    placed: float,
    adopters: str,
    sex: str,
    legal: str,
    adopted_on: date | None = None,
) -> None:
    household = office.households[adopters]
    line = Timeline(office.today)
    placed_on = office.months_ago(placed)
    line.at(
        office.months_ago(decided),
        adoption_decision_record,
        actor=office.manager,
        period=period,
        decided_on=office.months_ago(decided),
    )
    line.at(office.months_ago(order), office.legal, period, office.months_ago(order), "E1")
    line.at(
        office.months_ago(matched), _match, office, period, office.months_ago(matched), household, sex, legal
    )
    line.at(placed_on, office.move, period, placed_on, "CARPL", "A6", household=household)
    if adopted_on is not None:
        line.at(
            adopted_on,
            permanence_order_record,
            actor=office.manager,
            period=period,
            kind=PermanenceOrderKind.ADOPTION,
            made_on=adopted_on,
        )
        line.at(adopted_on, office.end, period, adopted_on, "E11")
    routine(office, line, period, [placed_on], until=adopted_on - timedelta(days=1) if adopted_on else None)
    line.run()


def _match(
    office: "CareOffice", period: LookedAfterPeriod, on: date, household: Any, sex: str, legal: str
) -> None:
    decision = period.adoption_decisions.get(ceased_on__isnull=True)
    adoption_match_record(
        actor=office.manager,
        decision=decision,
        matched_on=on,
        household=household,
        adopter_count=1 if sex in ("M1", "F1") else 2,
        adopter_sex=sex,
        adopter_legal_status=legal,
        fostered_by_adopters=False,
        expected_version=decision.version,
    )


def special_guardianship(office: "CareOffice", worker: str) -> None:
    """With an aunt and uncle as connected carers, long-term from the care order; a special
    guardianship order to them (former foster carers, relatives: E45) four months ago."""
    start, order, settled, sgo = (
        office.months_ago(30),
        office.months_ago(24),
        office.months_ago(20),
        office.months_ago(4),
    )
    child = office.pick(4, 12, born_by=start)
    family = office.households["c_family"]
    period = office.start(child, start, "C1", "U3", worker=worker, household=family)
    line = Timeline(office.today)
    line.at(order, office.legal, period, order, "C2")
    line.at(settled, office.move, period, settled, "PLACE", "U1", household=family)
    line.at(
        sgo,
        permanence_order_record,
        actor=office.manager,
        period=period,
        kind=PermanenceOrderKind.SPECIAL_GUARDIANSHIP,
        made_on=sgo,
        to_former_foster_carers=True,
        carers_are_relatives=True,
    )
    line.at(sgo, office.end, period, sgo, "E45")
    routine(office, line, period, [settled], until=sgo - timedelta(days=1), long_term_from=settled)
    line.run()


def previous_permanence(office: "CareOffice", worker: str) -> None:
    """Back in care after a special guardianship order in another authority broke down."""
    start = office.months_ago(4)
    child = office.pick(7, 15, born_by=start)
    period = office.start(
        child, start, "V2", "U6", worker=worker, household=office.home(FOSTER, child, start)
    )
    assert child.date_of_birth is not None
    made = add_months(child.date_of_birth, 36)
    previous_permanence_record(
        actor=office.manager,
        period=period,
        previous_permanence="P2",
        # A real old-style LA code (903 rule 633 checks LA_PERM against the DfE list; 998 is none).
        la="800",
        on=made,
        expected_version=office.fresh(period).version,
    )
    line = Timeline(office.today)
    routine(office, line, period)
    line.run()
