"""The SSD's people and organisation tables (issue 7, ADR 0006).

ssd_person, ssd_address, ssd_mother, ssd_linked_identifiers and ssd_disability go into the person
index; ssd_department and ssd_professionals into accounts. ssd_family has no home in Safehub's model
yet: its rows are checked (references) and then refused with the reason, so the report says exactly
what an import left behind.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import ClassVar

from ._org_tables import DepartmentTable, ProfessionalTable
from ._people_disability import DisabilityTable
from ._people_links import AddressTable, LinkedIdentifierTable, MotherTable
from ._people_person import PersonTable
from .base import ExportContext, LoadContext, Problem, Row
from .tables import register


class FamilyTable:
    """A household in Safehub is people at an address (`Household.address` is required); an SSD
    family is a family id and its members, with no address, so it cannot become one faithfully."""

    name: ClassVar[str] = "ssd_family"
    id_field: ClassVar[str] = "fami_table_id"
    fields: ClassVar[tuple[str, ...]] = ("fami_table_id", "fami_family_id", "fami_person_id")
    depends_on: ClassVar[tuple[str, ...]] = ("ssd_person",)
    references: ClassVar[dict[str, str]] = {"fami_person_id": "ssd_person"}

    def load(self, rows: Sequence[Row], ctx: LoadContext) -> list[Problem]:
        return [
            Problem(
                self.name,
                row.get(self.id_field, ""),
                "fami_family_id",
                "not supported yet: Safehub records a household at an address, and ssd_family gives none; "
                "the family was not loaded",
            )
            for row in rows
        ]

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        return iter(())


for _table in (
    PersonTable(),
    AddressTable(),
    MotherTable(),
    LinkedIdentifierTable(),
    FamilyTable(),
    DisabilityTable(),
    DepartmentTable(),
    ProfessionalTable(),
):
    register(_table)
