"""What every Annex A list shares: its shape, the child columns, the windows and Ofsted's labels.

Column names follow Ofsted's ILACS Annex A template as the sector's tools read it (liia-tools
`annex_a` specification); coded values use the template's labelled forms ("a) Male", "a) WBRI",
"a) Yes") where the template lists them, and the CIN/903 code otherwise.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from dateutil.relativedelta import relativedelta

from safehub.casework.models import Allocation
from safehub.people.constants import DisabilityCode
from safehub.people.models import PersonDisability

CHILD_COLUMNS = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
DISABILITY = "Does the Child have a Disability"
TEAM_WORKER = ["Allocated Team", "Allocated Worker"]

# Ofsted's answers to "Does the Child have a Disability", from the person's current CIN disability
# codes: a disability is Yes, "No disability" (NONE) is No, and nothing recorded is Unknown, never
# a guessed No.
DISABILITY_YES = "a) Yes"
DISABILITY_NO = "b) No"
DISABILITY_UNKNOWN = "c) Unknown"
# People per query when the disabilities are read: well inside SQLite's limit on IN (...) lists.
_CHUNK = 900

_GENDER = {"1": "a) Male", "2": "b) Female"}
_GENDER_NOT_STATED = "c) Not stated/recorded"
# Ofsted's order of the CIN ethnicity codes ("a) WBRI" …); NOBT shares "s)" with REFU in the template.
_ETHNICITY_ORDER = [
    "WBRI",
    "WIRI",
    "WIRT",
    "WOTH",
    "WROM",
    "MWBC",
    "MWBA",
    "MWAS",
    "MOTH",
    "AIND",
    "APKN",
    "ABAN",
    "AOTH",
    "BCRB",
    "BAFR",
    "BOTH",
    "CHNE",
    "OOTH",
    "REFU",
]
_ETHNICITY = {code: f"{chr(ord('a') + i)}) {code}" for i, code in enumerate(_ETHNICITY_ORDER)}
_ETHNICITY["NOBT"] = "s) NOBT"


@dataclass
class AnnexList:
    """One sheet: its header, its rows (cells as Python values; dates stay dates) and its people."""

    number: int
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    person_ids: set[UUID] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    # Lists 1-10 open with a child; list 11 is about adopters, who have no child return id.
    child_ids: bool = True

    @property
    def sheet_name(self) -> str:
        return f"List {self.number} {self.title}"


@dataclass(frozen=True)
class Windows:
    """The inspection date and the look-back windows Ofsted sets (6 and 12 months, inclusive)."""

    as_at: date

    @property
    def six_months(self) -> date:
        return self.as_at - relativedelta(months=6)

    @property
    def twelve_months(self) -> date:
        return self.as_at - relativedelta(months=12)

    def in_six(self, day: date | None) -> bool:
        return day is not None and self.six_months <= day <= self.as_at

    def in_twelve(self, day: date | None) -> bool:
        return day is not None and self.twelve_months <= day <= self.as_at

    def open_in_six(self, start: date, end: date | None) -> bool:
        """Open at the date or at any point in the six months before it."""
        return start <= self.as_at and (end is None or end >= self.six_months)

    def known(self, day: date | None) -> date | None:
        """A date as the record stood on the inspection date: later dates did not happen yet."""
        return day if day is not None and day <= self.as_at else None


def age_at(born: date | None, day: date) -> int | None:
    if born is None or born > day:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def gender_label(sex: str) -> str:
    return _GENDER.get(sex, _GENDER_NOT_STATED)


def ethnicity_label(code: str) -> str:
    return _ETHNICITY.get(code, code)


def yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return "a) Yes" if value else "b) No"


@dataclass(frozen=True)
class DisabilityOf:
    """A disability cell until `fill_disabilities` answers it: every list's people are read in one
    query for the workbook, not one query a row."""

    person_id: UUID


def disability_answer(codes: Iterable[str]) -> str:
    held = set(codes)
    if held - {DisabilityCode.NONE}:
        return DISABILITY_YES
    return DISABILITY_NO if held else DISABILITY_UNKNOWN


def fill_disabilities(sheets: Iterable[AnnexList]) -> None:
    """Answer every `DisabilityOf` cell from the people's current disabilities."""
    cells = [
        (row, index)
        for sheet in sheets
        for row in sheet.rows
        for index, cell in enumerate(row)
        if isinstance(cell, DisabilityOf)
    ]
    people = sorted({row[index].person_id for row, index in cells}, key=str)
    codes: dict[UUID, set[str]] = {}
    for start in range(0, len(people), _CHUNK):
        for person_id, code in PersonDisability.objects.filter(
            person_id__in=people[start : start + _CHUNK], removed_at__isnull=True
        ).values_list("person_id", "code"):
            codes.setdefault(person_id, set()).add(code)
    for row, index in cells:
        row[index] = disability_answer(codes.get(row[index].person_id, ()))


def child_cells(person: Any, as_at: date, *, disability: bool) -> list[Any]:
    """The opening cells; the first holds the person's id until the workbook swaps in the return id
    (one `child_ids_for` call for the whole workbook, so ids are allocated once, together), and the
    disability cell is answered the same way (`fill_disabilities`)."""
    cells: list[Any] = [
        person.pk,
        gender_label(person.sex),
        ethnicity_label(person.ethnicity),
        person.date_of_birth,
        age_at(person.date_of_birth, as_at),
    ]
    if disability:
        cells.append(DisabilityOf(person.pk))
    return cells


def child_headers(*, disability: bool) -> list[str]:
    return CHILD_COLUMNS + ([DISABILITY] if disability else [])


class Allocations:
    """Who held each piece of work on the inspection date: the allocation in force then, else the
    involvement's current team and worker (work recorded before allocations were kept)."""

    def __init__(self, involvements: Iterable[Any], as_at: date) -> None:
        self._by_involvement: dict[UUID, tuple[str, str]] = {}
        ids = [inv.pk for inv in involvements]
        for involvement in involvements:
            self._by_involvement[involvement.pk] = (
                involvement.team.name if involvement.team else "",
                involvement.worker.full_name if involvement.worker else "",
            )
        rows = (
            Allocation.objects.filter(involvement_id__in=ids, started_on__lte=as_at)
            .exclude(ended_on__lt=as_at)
            .select_related("team", "worker")
            .order_by("started_on")
        )
        for allocation in rows:  # the latest started wins
            self._by_involvement[allocation.involvement_id] = (
                allocation.team.name,
                allocation.worker.full_name if allocation.worker else "",
            )

    def cells(self, involvement_id: UUID | None) -> list[str]:
        if involvement_id is None:
            return ["", ""]
        return list(self._by_involvement.get(involvement_id, ("", "")))
