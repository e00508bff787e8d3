"""903 OC3: care leavers whose 17th to 21st birthday falls in the collection year.

The values come from `looked_after.selectors.leavers.oc3_row` (the contact nearest the birthday,
in its window). Two cases the return settles:
- still looked after on that birthday, or leaving care on it (a 17- or 18-year-old who left care
  later): not a care leaver for this birthday, so no OC3 row (rules 1007 and 1016 refuse values,
  and rule 131 refuses a blank IN_TOUCH);
- no contact in the window: the authority was not in touch around the birthday, so IN_TOUCH NO
  with ACTIV and ACCOM 0 (rules 153, 345), and the missed contact is reported.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch

from safehub.casework.timescales import add_months
from safehub.looked_after.leaver_clocks import birthday
from safehub.looked_after.models import CareLeaver, CareLeaverContact, LookedAfterPeriod
from safehub.looked_after.selectors.leavers import oc3_row
from safehub.people.models import Person

from .scope import CollectionYear

AGES = (17, 18, 19, 20, 21)
NOT_IN_TOUCH = {"IN_TOUCH": "NO", "ACTIV": "0", "ACCOM": "0"}


@dataclass(frozen=True)
class LeaverRow:
    person: Person
    values: dict[str, str]
    birthday: date
    contacted: bool


def oc3_rows(cy: CollectionYear) -> list[LeaverRow]:
    """One row per young person with a care leaver record and a 17th-21st birthday in the year.

    When a person has had more than one record, the latest started answers (records do not
    overlap: one open at a time).
    """
    # Born so that some birthday from the 17th to the 21st falls in the year.
    born_after = add_months(cy.start, -12 * 22)
    born_by = add_months(cy.end, -12 * 17)
    records = (
        CareLeaver.objects.filter(
            person__date_of_birth__gt=born_after - timedelta(days=1),
            person__date_of_birth__lte=born_by,
            person__merged_into__isnull=True,
        )
        .select_related("person")
        .prefetch_related(Prefetch("contacts", queryset=CareLeaverContact.objects.order_by("contact_on")))
        .order_by("person_id", "-started_on")
    )
    latest: dict[Any, CareLeaver] = {}
    for record in records:
        latest.setdefault(record.person_id, record)
    spans: dict[Any, list[tuple[date, date | None]]] = {}
    for person_id, started, ended in LookedAfterPeriod.objects.filter(person_id__in=list(latest)).values_list(
        "person_id", "started_on", "ended_on"
    ):
        spans.setdefault(person_id, []).append((started, ended))
    rows = []
    for person_id, record in latest.items():
        values = oc3_row(record, cy.end)
        dob = record.person.date_of_birth
        if values is None or dob is None:
            continue
        day = next(b for b in (birthday(dob, age) for age in AGES) if cy.holds(b))
        if any(start <= day and (end is None or end >= day) for start, end in spans.get(person_id, [])):
            continue
        contacted = any(values.values())
        rows.append(LeaverRow(record.person, values if contacted else dict(NOT_IN_TOUCH), day, contacted))
    return rows
